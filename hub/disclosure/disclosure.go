package disclosure

import (
	"fmt"
	"sort"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// Rules are the disclosure rules applied for one recipient.
type Rules struct {
	// Threshold is the smallest non-zero count that may be shown: counts
	// greater than 0 and less than Threshold are suppressed. Threshold 5
	// suppresses 1 to 4.
	Threshold int
	// Round is the base that shown counts are rounded to (5: nearest 5).
	// 0 means no rounding.
	Round int
	// Stricter gives a higher threshold for the rows or columns whose key
	// is listed, e.g. sensitive categories. A value below Threshold has no
	// effect. A cell takes the highest threshold of its row and column.
	Stricter map[string]int
}

// PartnerThreshold is the least count partners see of each other's data:
// counts from 1 to 4 are withheld.
const PartnerThreshold = 5

// SensitiveThreshold is the least threshold for the questions the standard
// marks sensitive (gender identity, sexual orientation, pregnancy).
const SensitiveThreshold = 10

// PartnerRules are the rules for sharing between partners: counts from 1
// to 4 are suppressed, nothing is rounded.
func PartnerRules() Rules { return Rules{Threshold: PartnerThreshold} }

// PublicRules are the rules for publication: counts from 1 to 7 are
// suppressed, and shown counts are rounded to the nearest 5.
func PublicRules() Rules { return Rules{Threshold: 8, Round: 5} }

// Status says how a cell was treated.
type Status string

// The statuses of a cell.
const (
	StatusReleased            Status = "released"             // the exact count is shown
	StatusSuppressedPrimary   Status = "suppressed-primary"   // withheld because the count is below the threshold
	StatusSuppressedSecondary Status = "suppressed-secondary" // withheld so that other withheld counts cannot be worked out
	StatusRounded             Status = "rounded"              // the count is shown rounded
	StatusZero                Status = "zero"                 // the count is zero and shown as 0
)

// Suppressed reports whether the status withholds the value.
func (s Status) Suppressed() bool {
	return s == StatusSuppressedPrimary || s == StatusSuppressedSecondary
}

// Cell is one protected value. Value is what may be shown: 0 when the
// cell is suppressed, never the withheld count. Text is the value in words
// or digits, as a screen reader should say it.
type Cell struct {
	Value  int64
	Status Status
	Text   string
}

// Table is a two-way table of counts: Counts[i][j] is the count for row
// Rows[i] and column Cols[j]. Its row, column and grand totals are implied
// and are released too.
type Table struct {
	Rows, Cols []string
	Counts     [][]int64
}

// Protected is a table made safe to release under Rules.
type Protected struct {
	Rows, Cols []string
	Cells      [][]Cell
	RowTotals  []Cell // one per row
	ColTotals  []Cell // one per column
	Total      Cell
	Rules      Rules
	Statement  string // the rules applied, in words
}

// maxCount bounds every count and total, so that sums cannot overflow.
const maxCount = int64(1) << 50

// Protect applies primary and secondary suppression and rounding to t
// under r. See the package documentation for the method.
func Protect(t Table, r Rules) (Protected, error) {
	g, err := newGrid(t, r)
	if err != nil {
		return Protected{}, err
	}
	g.protect(nil)
	return g.result(), nil
}

func validate(t Table, r Rules) error {
	var ps []hub.Problem
	if r.Threshold < 1 {
		ps = append(ps, hub.Problem{Field: "threshold", Message: "the threshold must be 1 or more"})
	}
	if r.Round < 0 {
		ps = append(ps, hub.Problem{Field: "round", Message: "the rounding base must be 0 (no rounding) or more"})
	}
	for k, v := range r.Stricter {
		if v < 0 {
			ps = append(ps, hub.Problem{Field: "stricter", Message: fmt.Sprintf("the threshold for %q must not be negative", k)})
		}
	}
	if len(t.Rows) == 0 || len(t.Cols) == 0 {
		ps = append(ps, hub.Problem{Field: "table", Message: "the table needs at least one row and one column"})
	}
	if len(t.Counts) != len(t.Rows) {
		ps = append(ps, hub.Problem{Field: "table", Message: fmt.Sprintf("the table has %d rows of counts for %d row headings", len(t.Counts), len(t.Rows))})
	}
	var total int64
	for i, row := range t.Counts {
		if len(row) != len(t.Cols) {
			ps = append(ps, hub.Problem{Row: i + 1, Message: fmt.Sprintf("the row has %d counts for %d columns", len(row), len(t.Cols))})
			continue
		}
		for j, v := range row {
			if v < 0 || v > maxCount {
				col := ""
				if j < len(t.Cols) {
					col = t.Cols[j]
				}
				ps = append(ps, hub.Problem{Row: i + 1, Column: col, Message: "a count must be between 0 and 2^50"})
				continue
			}
			total += v
			if total > maxCount {
				ps = append(ps, hub.Problem{Field: "table", Message: "the table's total is over 2^50"})
				return hub.Invalid("The table cannot be protected", ps)
			}
		}
	}
	return hub.Invalid("The table cannot be protected", ps)
}

// grid holds a table with its totals as an (R+1)×(C+1) array: row R holds
// the column totals, column C the row totals, (R, C) the grand total.
type grid struct {
	t      Table
	r      Rules
	R, C   int
	val    []int64
	thr    []int64
	status []Status
}

func (g *grid) idx(i, j int) int { return i*(g.C+1) + j }

func newGrid(t Table, r Rules) (*grid, error) {
	if err := validate(t, r); err != nil {
		return nil, err
	}
	R, C := len(t.Rows), len(t.Cols)
	n := (R + 1) * (C + 1)
	g := &grid{t: t, r: r, R: R, C: C, val: make([]int64, n), thr: make([]int64, n), status: make([]Status, n)}
	for i := 0; i < R; i++ {
		for j := 0; j < C; j++ {
			v := t.Counts[i][j]
			g.val[g.idx(i, j)] = v
			g.val[g.idx(i, C)] += v
			g.val[g.idx(R, j)] += v
			g.val[g.idx(R, C)] += v
		}
	}
	for i := 0; i <= R; i++ {
		for j := 0; j <= C; j++ {
			th := int64(r.Threshold)
			if i < R {
				th = max(th, int64(r.Stricter[t.Rows[i]]))
			}
			if j < C {
				th = max(th, int64(r.Stricter[t.Cols[j]]))
			}
			k := g.idx(i, j)
			g.thr[k] = th
			switch v := g.val[k]; {
			case v == 0:
				g.status[k] = StatusZero
			case v < th:
				g.status[k] = StatusSuppressedPrimary
			default:
				g.status[k] = StatusReleased
			}
		}
	}
	return g, nil
}

// protect runs secondary suppression until the audit passes. forced lists
// entries that must be withheld whatever their count (zeros stay shown).
func (g *grid) protect(forced map[int]bool) {
	for k := range forced {
		if g.status[k] == StatusReleased {
			g.status[k] = StatusSuppressedSecondary
		}
	}
	for range len(g.val) + 1 {
		if g.lineRules() {
			continue
		}
		if !g.auditAndFix() {
			return
		}
	}
}

// line returns the entries of grid row i (byRow) or grid column i, the
// line's total last.
func (g *grid) line(i int, byRow bool) []int {
	var ks []int
	if byRow {
		for j := 0; j <= g.C; j++ {
			ks = append(ks, g.idx(i, j))
		}
	} else {
		for r := 0; r <= g.R; r++ {
			ks = append(ks, g.idx(r, i))
		}
	}
	return ks
}

// lineRules applies the quick rules to every line whose total is a
// released constraint: a line with a suppressed entry has at least two,
// and its suppressed entries add up to at least the highest threshold
// among them. It reports whether it suppressed anything.
func (g *grid) lineRules() bool {
	changed := false
	for pass := 0; pass < 2; pass++ {
		byRow := pass == 0
		n := g.C
		if byRow {
			n = g.R
		}
		for i := 0; i <= n; i++ {
			ks := g.line(i, byRow)
			count := 0
			var sum, need int64
			for _, k := range ks {
				if g.status[k].Suppressed() {
					count++
					sum += g.val[k]
					need = max(need, g.thr[k])
				}
			}
			total := ks[len(ks)-1]
			short := !g.status[total].Suppressed() && count > 0 && sum < need
			if count == 1 || short {
				if c := g.smallestReleased(ks); c >= 0 {
					g.status[c] = StatusSuppressedSecondary
					changed = true
				}
			}
		}
	}
	return changed
}

// interior reports whether entry k is a cell rather than a total.
func (g *grid) interior(k int) bool {
	i, j := k/(g.C+1), k%(g.C+1)
	return i < g.R && j < g.C
}

// smallestReleased returns the released non-zero entry of ks with the
// smallest count, preferring cells to totals, or -1.
func (g *grid) smallestReleased(ks []int) int {
	best := -1
	better := func(a, b int) bool {
		if g.interior(a) != g.interior(b) {
			return g.interior(a)
		}
		return g.val[a] < g.val[b]
	}
	for _, k := range ks {
		if g.status[k] != StatusReleased {
			continue
		}
		if best < 0 || better(k, best) {
			best = k
		}
	}
	return best
}

// auditAndFix computes, for each suppressed entry, how far it can move
// given everything released, and suppresses more where it cannot move
// enough. It reports whether it suppressed anything.
func (g *grid) auditAndFix() bool {
	fails := g.audit()
	if len(fails) == 0 {
		return false
	}
	touched := map[int]bool{}
	changed := false
	for _, k := range fails {
		i, j := k/(g.C+1), k%(g.C+1)
		if touched[i] || touched[-1-j] {
			continue
		}
		cand := append(g.line(i, true), g.line(j, false)...)
		c := g.smallestReleased(cand)
		if c < 0 {
			all := make([]int, len(g.val))
			for x := range all {
				all[x] = x
			}
			c = g.smallestReleased(all)
		}
		if c < 0 {
			continue
		}
		g.status[c] = StatusSuppressedSecondary
		changed = true
		touched[i], touched[-1-j] = true, true
		ci, cj := c/(g.C+1), c%(g.C+1)
		touched[ci], touched[-1-cj] = true, true
	}
	return changed
}

// result builds the released view: no suppressed count leaves the grid.
func (g *grid) result() Protected {
	p := Protected{
		Rows:      append([]string(nil), g.t.Rows...),
		Cols:      append([]string(nil), g.t.Cols...),
		Cells:     make([][]Cell, g.R),
		RowTotals: make([]Cell, g.R),
		ColTotals: make([]Cell, g.C),
		Rules:     g.r,
		Statement: Statement(g.r),
	}
	for i := 0; i < g.R; i++ {
		p.Cells[i] = make([]Cell, g.C)
		for j := 0; j < g.C; j++ {
			p.Cells[i][j] = g.cell(g.idx(i, j))
		}
		p.RowTotals[i] = g.cell(g.idx(i, g.C))
	}
	for j := 0; j < g.C; j++ {
		p.ColTotals[j] = g.cell(g.idx(g.R, j))
	}
	p.Total = g.cell(g.idx(g.R, g.C))
	return p
}

func (g *grid) cell(k int) Cell {
	switch g.status[k] {
	case StatusZero:
		return Cell{Value: 0, Status: StatusZero, Text: "0"}
	case StatusSuppressedPrimary:
		return Cell{Status: StatusSuppressedPrimary, Text: "fewer than " + hub.Thousands(g.thr[k])}
	case StatusSuppressedSecondary:
		return Cell{Status: StatusSuppressedSecondary, Text: "withheld to protect other cells"}
	}
	v := g.val[k]
	if g.r.Round > 0 {
		v = roundTo(v, int64(g.r.Round))
		return Cell{Value: v, Status: StatusRounded, Text: hub.Thousands(v)}
	}
	return Cell{Value: v, Status: StatusReleased, Text: hub.Thousands(v)}
}

// roundTo rounds v ≥ 0 to the nearest multiple of base, halves up.
func roundTo(v, base int64) int64 { return (v + base/2) / base * base }

// Statement says in words what r does to a table.
func Statement(r Rules) string {
	var b strings.Builder
	if r.Threshold > 1 {
		fmt.Fprintf(&b, "Counts from 1 to %s are not shown; they read \"fewer than %s\". ", hub.Thousands(int64(r.Threshold-1)), hub.Thousands(int64(r.Threshold)))
	}
	keys := make([]string, 0, len(r.Stricter))
	for k, v := range r.Stricter {
		if v > r.Threshold {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "For %s, counts below %s are not shown. ", k, hub.Thousands(int64(r.Stricter[k])))
	}
	b.WriteString("Zeros are shown. Where a hidden count could be worked out from the totals or the other counts, further counts are withheld; they read \"withheld to protect other cells\". Totals follow the same rules.")
	if r.Round > 0 {
		fmt.Fprintf(&b, " Shown counts and totals are rounded to the nearest %s, each on its own, so a total may differ from the sum of its rounded counts.", hub.Thousands(int64(r.Round)))
	}
	return b.String()
}
