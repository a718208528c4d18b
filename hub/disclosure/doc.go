// Package disclosure protects tables of counts before they leave for a
// recipient other than their owner: one engine for partners, the advisory
// group and the public.
//
// # Method
//
// Protect takes a two-way table; its row, column and grand totals are
// released too and are protected like cells.
//
//  1. Primary suppression: a count from 1 to the threshold less one is
//     withheld ("fewer than 5"). A row or column key may carry a higher
//     threshold (Rules.Stricter); a cell takes the highest that applies.
//     Zeros are shown as 0 and are never withheld to protect other cells:
//     a withheld zero protects little, and a recipient who knows that
//     zeros are always shown learns only that a withheld count is at
//     least 1, which the audit takes into account.
//  2. Secondary suppression, first by quick rules on every line (a row or
//     column with its total): a line with a withheld entry has at least
//     two, and when its total is shown its withheld entries add up to at
//     least the highest of their thresholds. The smallest shown non-zero
//     cell of the line is withheld, a total only when no cell is left.
//  3. An exact audit. The table and its totals form a circulation on a
//     bipartite graph, so the exact range of values each withheld entry
//     can take, given everything shown, is found by two maximum flows
//     (see audit.go). Every withheld entry must be able to move by at
//     least its threshold given the shown entries and non-negativity. And
//     since the statuses say more (a primary entry lies in 1 to threshold
//     less one, a secondary one is at least the threshold), each primary
//     entry must also stay undetermined under those bounds. Where an
//     entry fails, the smallest shown non-zero cell of its row or column
//     is withheld (a total if no cell is left, any shown entry if the
//     lines are exhausted), and the rules and audit run again. This ends:
//     with every non-zero entry withheld, nothing bounds any entry from
//     above.
//  4. Rounding (Rules.Round): shown cells and totals are rounded to the
//     nearest multiple, each on its own, after suppression, and say so in
//     their status. The audit works on exact counts, so rounding only adds
//     protection.
//
// Every cell carries its status and a text in words ("fewer than 5",
// "withheld to protect other cells", "0", "1,234"), never a bare symbol.
// Rate derives rates from released values only.
//
// ProtectAgainst adds protection across tables sent to the same recipient,
// using a Ledger of everything sent before, shown or withheld. A count's
// population is a set of atoms (partner × category × measure), so detailed
// categories and broad groups, or partners A+B+C and A+B, compare as sets.
// A population withheld before stays withheld. A shown count is withheld
// when it differs by 1 to the threshold less one from an earlier count
// whose population contains it or lies inside it, or when it and a
// disjoint family of shown counts inside it or inside an earlier count
// leave such a difference; the table is then protected again.
//
// # Limits
//
//   - The audit is exact for one two-way table with its margins. Tables
//     with more dimensions, or several tables sharing margins, are not
//     audited jointly.
//   - Across tables, only set differences are checked, with families of
//     disjoint counts chosen greedily (largest first): an attacker who
//     combines counts in another way (other families, linear combinations
//     across partly overlapping populations, or the feasible ranges of
//     withheld counts across tables) is not ruled out. A full answer is a
//     joint linear programme over all atoms ever sent to the recipient.
//   - Differences are checked on exact counts; a count that changed
//     between releases (a corrected return) is compared as if it had not.
//   - The second audit test stops only exact disclosure from the statuses:
//     a recipient may still narrow a primary count within 1 to the
//     threshold less one. Giving primary and secondary cells the same text
//     and status would remove that knowledge.
//   - The ledger is in memory; its owner must persist it.
//   - Suppression is chosen by simple rules (smallest count), not by an
//     optimiser, so it may withhold more than the least needed.
package disclosure
