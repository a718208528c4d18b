package disclosure_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
)

// entry is one cell or total of a table, as the tests see it.
type entry struct {
	i, j   int // grid position: i == R is the column totals, j == C the row totals
	value  int64
	cell   disclosure.Cell
	thresh int64
}

// entries lays out p with the true counts of t on an (R+1)×(C+1) grid.
func entries(t disclosure.Table, p disclosure.Protected, r disclosure.Rules) [][]entry {
	R, C := len(t.Rows), len(t.Cols)
	g := make([][]entry, R+1)
	for i := range g {
		g[i] = make([]entry, C+1)
		for j := range g[i] {
			g[i][j].i, g[i][j].j = i, j
			th := int64(r.Threshold)
			if i < R {
				th = max(th, int64(r.Stricter[t.Rows[i]]))
			}
			if j < C {
				th = max(th, int64(r.Stricter[t.Cols[j]]))
			}
			g[i][j].thresh = th
		}
	}
	for i := 0; i < R; i++ {
		for j := 0; j < C; j++ {
			v := t.Counts[i][j]
			g[i][j].value += v
			g[i][C].value += v
			g[R][j].value += v
			g[R][C].value += v
			g[i][j].cell = p.Cells[i][j]
		}
		g[i][C].cell = p.RowTotals[i]
	}
	for j := 0; j < C; j++ {
		g[R][j].cell = p.ColTotals[j]
	}
	g[R][C].cell = p.Total
	return g
}

// feasibleRange finds, by linear programming with gonum (independently of
// the engine's max-flow audit), the least and greatest value of each
// withheld entry given the exact values of all shown entries, the
// additivity of the table and, per withheld entry, bounds lo and hi (hi < 0:
// none). It returns the ranges keyed by grid position; an unbounded maximum
// is math.Inf(1).
func feasibleRange(t *testing.T, g [][]entry, bounds func(e entry) (lo, hi float64)) map[[2]int][2]float64 {
	t.Helper()
	R, C := len(g)-1, len(g[0])-1
	vars := map[[2]int]int{}
	var pos [][2]int
	for i := range g {
		for j := range g[i] {
			if g[i][j].cell.Status.Suppressed() {
				vars[[2]int{i, j}] = len(pos)
				pos = append(pos, [2]int{i, j})
			}
		}
	}
	n := len(pos)
	if n == 0 {
		return nil
	}
	lows := make([]float64, n)
	highs := make([]float64, n)
	for k, p := range pos {
		lows[k], highs[k] = bounds(g[p[0]][p[1]])
	}
	// Each line: the sum of its cells less its total is 0. Unknowns are
	// shifted by their lower bound.
	var rows [][]float64
	var rhs []float64
	addLine := func(members [][2]int, total [2]int) {
		a := make([]float64, n)
		b := 0.0
		any := false
		term := func(p [2]int, sign float64) {
			if k, ok := vars[p]; ok {
				a[k] += sign
				b -= sign * lows[k]
				any = true
			} else {
				b -= sign * float64(g[p[0]][p[1]].value)
			}
		}
		for _, m := range members {
			term(m, 1)
		}
		term(total, -1)
		if any {
			rows = append(rows, a)
			rhs = append(rhs, b)
		}
	}
	for i := 0; i <= R; i++ {
		var m [][2]int
		for j := 0; j < C; j++ {
			m = append(m, [2]int{i, j})
		}
		addLine(m, [2]int{i, C})
	}
	for j := 0; j <= C; j++ {
		var m [][2]int
		for i := 0; i < R; i++ {
			m = append(m, [2]int{i, j})
		}
		addLine(m, [2]int{R, j})
	}
	rows, rhs = independentRows(rows, rhs)
	// Upper bounds become equalities with a slack column each.
	nx := n
	var uppers []int
	for k := range pos {
		if highs[k] >= 0 {
			uppers = append(uppers, k)
		}
	}
	nx += len(uppers)
	m := len(rows) + len(uppers)
	A := mat.NewDense(max(m, 1), nx, nil)
	b := make([]float64, max(m, 1))
	for r, row := range rows {
		for k, v := range row {
			A.Set(r, k, v)
		}
		b[r] = rhs[r]
	}
	for u, k := range uppers {
		A.Set(len(rows)+u, k, 1)
		A.Set(len(rows)+u, n+u, 1)
		b[len(rows)+u] = highs[k] - lows[k]
	}
	out := map[[2]int][2]float64{}
	for k, p := range pos {
		if m == 0 {
			out[p] = [2]float64{lows[k], math.Inf(1)}
			continue
		}
		c := make([]float64, nx)
		c[k] = 1
		lo, _, err := lp.Simplex(c, A, b, 1e-10, nil)
		if err != nil {
			t.Fatalf("min of %v: %v", p, err)
		}
		c[k] = -1
		hi, _, err := lp.Simplex(c, A, b, 1e-10, nil)
		switch {
		case errors.Is(err, lp.ErrUnbounded):
			hi = math.Inf(1)
		case err != nil:
			t.Fatalf("max of %v: %v", p, err)
		default:
			hi = -hi
		}
		out[p] = [2]float64{lows[k] + lo, lows[k] + hi}
	}
	return out
}

// independentRows drops the rows of the system that are combinations of
// earlier ones (the lines of a table with totals always have one).
func independentRows(rows [][]float64, rhs []float64) ([][]float64, []float64) {
	var basis [][]float64
	var pivots []int
	var keptRows [][]float64
	var keptRHS []float64
	for r, row := range rows {
		v := append([]float64(nil), row...)
		for q, bv := range basis {
			if f := v[pivots[q]]; f != 0 {
				for k := range v {
					v[k] -= f * bv[k]
				}
			}
		}
		p := -1
		for k, x := range v {
			if math.Abs(x) > 1e-9 {
				p = k
				break
			}
		}
		if p < 0 {
			continue
		}
		f := v[p]
		for k := range v {
			v[k] /= f
		}
		basis = append(basis, v)
		pivots = append(pivots, p)
		keptRows = append(keptRows, row)
		keptRHS = append(keptRHS, rhs[r])
	}
	return keptRows, keptRHS
}

// nonNegative bounds a withheld entry by 0 below only.
func nonNegative(entry) (float64, float64) { return 0, -1 }

// statusBounds are what the statuses tell: a primary entry lies in 1 to
// its threshold less one, a secondary one is at least its threshold.
func statusBounds(e entry) (float64, float64) {
	if e.cell.Status == disclosure.StatusSuppressedPrimary {
		return 1, float64(e.thresh - 1)
	}
	return float64(e.thresh), -1
}

// checkProtected asserts the protection of p: no shown non-zero count below
// its threshold, no shown value that is not the count or its rounding,
// texts in words, and (by LP) every withheld entry able to move by its
// threshold, every primary one undetermined even given the statuses.
func checkProtected(t *testing.T, tb disclosure.Table, p disclosure.Protected, r disclosure.Rules) {
	t.Helper()
	g := entries(tb, p, r)
	for _, line := range g {
		for _, e := range line {
			checkText(t, e.cell)
			switch e.cell.Status {
			case disclosure.StatusReleased:
				if e.value < e.thresh || e.cell.Value != e.value {
					t.Fatalf("entry %d,%d of %d is shown as %d", e.i, e.j, e.value, e.cell.Value)
				}
			case disclosure.StatusRounded:
				if e.value < e.thresh || e.cell.Value%int64(r.Round) != 0 || abs(e.cell.Value-e.value)*2 > int64(r.Round) {
					t.Fatalf("entry %d,%d of %d is shown rounded as %d", e.i, e.j, e.value, e.cell.Value)
				}
			case disclosure.StatusZero:
				if e.value != 0 || e.cell.Value != 0 {
					t.Fatalf("entry %d,%d of %d is shown as zero", e.i, e.j, e.value)
				}
			case disclosure.StatusSuppressedPrimary, disclosure.StatusSuppressedSecondary:
				if e.cell.Value != 0 {
					t.Fatalf("withheld entry %d,%d carries value %d", e.i, e.j, e.cell.Value)
				}
				if e.value == 0 {
					t.Fatalf("zero entry %d,%d is withheld", e.i, e.j)
				}
			default:
				t.Fatalf("entry %d,%d has status %q", e.i, e.j, e.cell.Status)
			}
			if e.value > 0 && e.value < e.thresh && e.cell.Status != disclosure.StatusSuppressedPrimary {
				t.Fatalf("small entry %d,%d of %d is not withheld (%s)", e.i, e.j, e.value, e.cell.Status)
			}
		}
	}
	for pos, rg := range feasibleRange(t, g, nonNegative) {
		e := g[pos[0]][pos[1]]
		if rg[1]-rg[0] < float64(e.thresh)-1e-6 {
			t.Fatalf("withheld entry %v (count %d) can be narrowed to [%g, %g] from the released values\n%s", pos, e.value, rg[0], rg[1], dump(tb, p))
		}
	}
	for pos, rg := range feasibleRange(t, g, statusBounds) {
		e := g[pos[0]][pos[1]]
		if e.cell.Status == disclosure.StatusSuppressedPrimary && rg[1]-rg[0] < 1-1e-6 {
			t.Fatalf("primary entry %v (count %d) is determined given the statuses: [%g, %g]\n%s", pos, e.value, rg[0], rg[1], dump(tb, p))
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func dump(tb disclosure.Table, p disclosure.Protected) string {
	var b strings.Builder
	for i, row := range tb.Counts {
		for j, v := range row {
			b.WriteString(" ")
			b.WriteString(short(v, p.Cells[i][j]))
		}
		b.WriteString(" | " + short(-1, p.RowTotals[i]) + "\n")
	}
	for _, c := range p.ColTotals {
		b.WriteString(" " + short(-1, c))
	}
	b.WriteString(" | " + short(-1, p.Total) + "\n")
	return b.String()
}

func short(v int64, c disclosure.Cell) string {
	s := c.Text
	if c.Status.Suppressed() {
		s = "[" + string(c.Status[11:12]) + "]"
	}
	if v >= 0 {
		s += "(" + itoa(v) + ")"
	}
	return s
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// checkText asserts a text is words or digits, never a bare symbol.
func checkText(t *testing.T, c disclosure.Cell) {
	t.Helper()
	switch strings.TrimSpace(c.Text) {
	case "", "*", "c", "x", "-", "..", ":", "~", "<5", "s":
		t.Fatalf("cell text %q is a bare symbol", c.Text)
	}
	if c.Status.Suppressed() && !strings.Contains(c.Text, " ") {
		t.Fatalf("withheld cell text %q is not in words", c.Text)
	}
}

func TestPrimarySuppression(t *testing.T) {
	tb := disclosure.Table{
		Rows:   []string{"White British", "Indian", "Black African", "Arab"},
		Cols:   []string{"County", "City", "Police"},
		Counts: [][]int64{{120, 95, 210}, {4, 17, 9}, {1, 0, 12}, {0, 3, 6}},
	}
	p, err := disclosure.Protect(tb, disclosure.PartnerRules())
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Cells[1][0]; c.Status != disclosure.StatusSuppressedPrimary || c.Text != "fewer than 5" || c.Value != 0 {
		t.Fatalf("count 4 came out as %+v", c)
	}
	if c := p.Cells[2][1]; c.Status != disclosure.StatusZero || c.Text != "0" {
		t.Fatalf("zero came out as %+v", c)
	}
	checkProtected(t, tb, p, disclosure.PartnerRules())

	r := disclosure.Rules{Threshold: 5, Stricter: map[string]int{"Arab": 10}}
	p, err = disclosure.Protect(tb, r)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Cells[3][2]; c.Status != disclosure.StatusSuppressedPrimary || c.Text != "fewer than 10" {
		t.Fatalf("count 6 under a stricter threshold of 10 came out as %+v", c)
	}
	checkProtected(t, tb, p, r)
}

func TestAttackRowTotalLessOtherCells(t *testing.T) {
	tb := disclosure.Table{
		Rows:   []string{"Mixed", "Asian", "White"},
		Cols:   []string{"Stopped", "Arrested", "Released"},
		Counts: [][]int64{{22, 3, 19}, {30, 11, 19}, {40, 16, 24}},
	}
	r := disclosure.PartnerRules()
	p, err := disclosure.Protect(tb, r)
	if err != nil {
		t.Fatal(err)
	}
	// Without secondary suppression the 3 is exactly the row total less
	// the other cells: the attack works against primary suppression alone.
	naive := p
	naive.Cells = [][]disclosure.Cell{
		{{Value: 22, Status: disclosure.StatusReleased, Text: "22"}, {Status: disclosure.StatusSuppressedPrimary, Text: "fewer than 5"}, {Value: 19, Status: disclosure.StatusReleased, Text: "19"}},
		p.Cells[1], p.Cells[2],
	}
	for i := range naive.Cells[1:] {
		naive.Cells[i+1] = make([]disclosure.Cell, 3)
		for j, v := range tb.Counts[i+1] {
			naive.Cells[i+1][j] = disclosure.Cell{Value: v, Status: disclosure.StatusReleased, Text: "n"}
		}
	}
	naive.RowTotals = []disclosure.Cell{{Value: 44, Status: disclosure.StatusReleased}, {Value: 60, Status: disclosure.StatusReleased}, {Value: 80, Status: disclosure.StatusReleased}}
	naive.ColTotals = []disclosure.Cell{{Value: 92, Status: disclosure.StatusReleased}, {Value: 30, Status: disclosure.StatusReleased}, {Value: 62, Status: disclosure.StatusReleased}}
	naive.Total = disclosure.Cell{Value: 184, Status: disclosure.StatusReleased}
	rg := feasibleRange(t, entries(tb, naive, r), nonNegative)[[2]int{0, 1}]
	if rg[0] != 3 || rg[1] != 3 {
		t.Fatalf("the checker does not see the attack on primary suppression alone: %v", rg)
	}

	if p.Cells[0][1].Status != disclosure.StatusSuppressedPrimary {
		t.Fatalf("the 3 is %s", p.Cells[0][1].Status)
	}
	got := feasibleRange(t, entries(tb, p, r), nonNegative)
	rg = got[[2]int{0, 1}]
	if rg[1]-rg[0] < float64(r.Threshold) {
		t.Fatalf("the 3 can be narrowed to %v", rg)
	}
	checkProtected(t, tb, p, r)
}

// TestStatusesDoNotGiveAwayACount covers a row where the totals alone
// leave the small count a wide range, but knowing that the other withheld
// cell is at least the threshold pins it.
func TestStatusesDoNotGiveAwayACount(t *testing.T) {
	tb := disclosure.Table{
		Rows:   []string{"a", "b"},
		Cols:   []string{"x", "y", "z"},
		Counts: [][]int64{{1, 5, 40}, {30, 30, 40}},
	}
	r := disclosure.PartnerRules()
	p, err := disclosure.Protect(tb, r)
	if err != nil {
		t.Fatal(err)
	}
	checkProtected(t, tb, p, r)
}

func randomTable(rng *rand.Rand, maxCount int) disclosure.Table {
	R, C := 2+rng.IntN(5), 2+rng.IntN(5)
	tb := disclosure.Table{Rows: make([]string, R), Cols: make([]string, C), Counts: make([][]int64, R)}
	for i := range tb.Rows {
		tb.Rows[i] = "r" + string(rune('a'+i))
	}
	for j := range tb.Cols {
		tb.Cols[j] = "c" + string(rune('a'+j))
	}
	for i := range tb.Counts {
		tb.Counts[i] = make([]int64, C)
		for j := range tb.Counts[i] {
			tb.Counts[i][j] = int64(rng.IntN(maxCount + 1))
		}
	}
	return tb
}

func TestPropertyRandomTables(t *testing.T) {
	rules := []disclosure.Rules{
		disclosure.PartnerRules(),
		disclosure.PublicRules(),
		{Threshold: 5, Stricter: map[string]int{"rb": 10, "ca": 8}},
	}
	n := 250
	if testing.Short() {
		n = 40
	}
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 2026))
		for range n {
			tb := randomTable(rng, 30)
			r := rules[rng.IntN(len(rules))]
			p, err := disclosure.Protect(tb, r)
			if err != nil {
				t.Fatal(err)
			}
			checkProtected(t, tb, p, r)
		}
	}
}

func TestPublicRounding(t *testing.T) {
	tb := disclosure.Table{
		Rows:   []string{"Female", "Male"},
		Cols:   []string{"Satisfied", "Not satisfied"},
		Counts: [][]int64{{123, 7}, {98, 31}},
	}
	r := disclosure.PublicRules()
	p, err := disclosure.Protect(tb, r)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Total; c.Status != disclosure.StatusRounded || c.Value != 260 || c.Text != "260" {
		t.Fatalf("total 259 came out as %+v", c)
	}
	if c := p.Cells[0][1]; c.Status != disclosure.StatusSuppressedPrimary || c.Text != "fewer than 8" {
		t.Fatalf("7 came out as %+v", c)
	}
	if !strings.Contains(p.Statement, "nearest 5") || !strings.Contains(p.Statement, "1 to 7") {
		t.Fatalf("statement: %s", p.Statement)
	}
	checkProtected(t, tb, p, r)
}

func TestInvalid(t *testing.T) {
	_, err := disclosure.Protect(disclosure.Table{Rows: []string{"a"}, Cols: []string{"x"}, Counts: [][]int64{{-1}}}, disclosure.PartnerRules())
	if !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("negative count: %v", err)
	}
	_, err = disclosure.Protect(disclosure.Table{Rows: []string{"a"}, Cols: []string{"x"}, Counts: [][]int64{{1}}}, disclosure.Rules{})
	if !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("no threshold: %v", err)
	}
}

func TestRates(t *testing.T) {
	r := disclosure.PartnerRules()
	tb := disclosure.Table{Rows: []string{"Black", "White"}, Cols: []string{"Stops", "Population"}, Counts: [][]int64{{3, 900}, {40, 20000}}}
	p, err := disclosure.Protect(tb, r)
	if err != nil {
		t.Fatal(err)
	}
	withheld := disclosure.Rate(p.Cells[0][0], p.Cells[0][1], 1000)
	if !withheld.Status.Suppressed() || withheld.Value != 0 {
		t.Fatalf("rate from a withheld count: %+v", withheld)
	}
	checkText(t, disclosure.Cell{Status: withheld.Status, Text: withheld.Text})
	both := disclosure.Rate(p.Cells[1][0], p.Cells[1][1], 1000)
	if p.Cells[1][0].Status.Suppressed() || p.Cells[1][1].Status.Suppressed() {
		if !both.Status.Suppressed() {
			t.Fatalf("rate from withheld counts is shown: %+v", both)
		}
	} else if both.Text != "2.0 per 1,000" {
		t.Fatalf("rate %+v", both)
	}
	den := disclosure.Rate(disclosure.Cell{Value: 40, Status: disclosure.StatusReleased}, disclosure.Cell{Status: disclosure.StatusSuppressedSecondary}, 1000)
	if !den.Status.Suppressed() {
		t.Fatalf("rate with a withheld denominator: %+v", den)
	}
	zero := disclosure.Rate(disclosure.Cell{Status: disclosure.StatusZero}, disclosure.Cell{Status: disclosure.StatusZero}, 1000)
	if zero.Status != disclosure.StatusZero || !strings.Contains(zero.Text, " ") {
		t.Fatalf("rate over zero: %+v", zero)
	}
	rounded := disclosure.Rate(disclosure.Cell{Value: 10, Status: disclosure.StatusRounded}, disclosure.Cell{Value: 200, Status: disclosure.StatusRounded}, 100)
	if rounded.Status != disclosure.StatusRounded || rounded.Text != "about 5.0 per 100" {
		t.Fatalf("rate from rounded counts: %+v", rounded)
	}
}

func BenchmarkProtect(b *testing.B) {
	rng := rand.New(rand.NewPCG(19, 8))
	tb := disclosure.Table{Rows: make([]string, 19), Cols: make([]string, 8), Counts: make([][]int64, 19)}
	for i := range tb.Rows {
		tb.Rows[i] = "ethnicity-" + string(rune('a'+i))
		tb.Counts[i] = make([]int64, 8)
		for j := range tb.Counts[i] {
			// Mostly small counts, as for minority groups within one partner.
			tb.Counts[i][j] = int64(rng.IntN(40))
		}
	}
	for j := range tb.Cols {
		tb.Cols[j] = "partner-" + string(rune('a'+j))
	}
	r := disclosure.PartnerRules()
	for b.Loop() {
		if _, err := disclosure.Protect(tb, r); err != nil {
			b.Fatal(err)
		}
	}
}
