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
// ProtectHierarchy protects everything that can be shown of one
// organisation's counts of one measure by one question: answers, broad
// groups and the total, by period and for the year. Those cells form a
// circulation on a network (see hierarchy.go), so the same maximum-flow
// audit is exact for the whole hierarchy. Secondary cells are chosen along
// the cheapest cycle through a small count that can still be worked out;
// a small count that its own "fewer than 5" label (with its neighbours')
// would pin reads "withheld to protect small counts", like any other
// withheld cell, and the audit then gives it only the bound every withheld
// cell has (at least 1, as zeros are shown). Floor and Ceil carry what a
// recipient knows from elsewhere (a part is never more than its whole);
// YearOnly and YearHidden leave cells unshown by design. The gate
// (hub/figures) protects each theme and year once with it, for every
// recipient.
//
// # Limits
//
//   - Protect's audit is exact for one two-way table with its margins;
//     ProtectHierarchy's for one hierarchy. Between an organisation's
//     measures, ranges are exchanged rather than solved jointly; the
//     gate's tests audit the joint result by linear programming.
//   - A count that changed between releases (a corrected return) is
//     compared as if it had not: the difference between the two versions
//     is not protected.
//   - Suppression is chosen by a cheapest-cycle heuristic, not an
//     optimiser, so it may withhold more than the least needed.
package disclosure
