package figures

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// inner is one finest count: a partner's answer in a period, of a measure.
type inner struct{ partner, answer, period, measure int }

// members returns the finest counts a cell of the pattern adds up.
func members(p *protected, q monitoring.Question, k cellKey) []inner {
	var out []inner
	answers := answersOf(q, k.answer)
	for pi := range p.partners {
		if k.partner != AllPartners && pi != k.partner {
			continue
		}
		for ti := range p.periods {
			if k.period != Year && len(p.periods) > 1 && ti != k.period {
				continue
			}
			if !p.held[[2]int{pi, ti}] {
				continue
			}
			for _, ai := range answers {
				out = append(out, inner{pi, ai, ti, k.measure})
			}
		}
	}
	return out
}

// value returns a finest count.
func value(p *protected, qi int, in inner) int64 {
	r := p.byID[p.returns[p.partners[in.partner]+"/"+string(p.periods[in.period])]]
	return r.Counts[p.layout.Index(qi, in.answer, in.measure)]
}

// auditFinding is a small count someone can narrow too far.
type auditFinding struct {
	attacker string
	cell     cellKey
	low, hi  float64
	aware    bool
}

// auditPattern checks, independently of the engine, by linear programming
// over every finest count of each question, everything a recipient is shown
// (every cell the pattern releases, in every table, and their own
// organisation's counts): no small count of anyone else can be narrowed to
// less than its threshold given what is shown, nor fixed given also what the
// labels say (a withheld small count is 1 or more and below the threshold;
// any other withheld count is at least the threshold) and that a part is
// never larger than its whole.
func auditPattern(t testing.TB, p *protected, attackers ...int) []auditFinding {
	t.Helper()
	var out []auditFinding
	for qi, q := range p.layout.Questions {
		keys := []cellKey{}
		for k := range p.cells {
			if k.question == q.Key {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b cellKey) int { return cmpKey(a, b) })
		if len(attackers) == 0 {
			for a := -1; a < len(p.partners); a++ {
				attackers = append(attackers, a)
			}
		}
		for _, attacker := range attackers {
			out = append(out, auditQuestion(t, p, qi, q, keys, attacker)...)
		}
	}
	return out
}

func cmpKey(a, b cellKey) int {
	return cmpStr(fmt.Sprint(a), fmt.Sprint(b))
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func auditQuestion(t testing.TB, p *protected, qi int, q monitoring.Question, keys []cellKey, attacker int) []auditFinding {
	known := map[inner]bool{}
	for _, k := range keys {
		c := p.cells[k]
		ms := members(p, q, k)
		if c.Status == disclosure.StatusZero || !c.Status.Suppressed() && len(ms) == 1 {
			for _, m := range ms {
				known[m] = true
			}
		}
	}
	vars := map[inner]int{}
	for _, k := range keys {
		for _, m := range members(p, q, k) {
			if m.partner == attacker || known[m] {
				continue
			}
			if _, ok := vars[m]; !ok {
				vars[m] = len(vars)
			}
		}
	}
	type row struct {
		coef map[int]float64
		lo   float64 // Σ ≥ lo
		hi   float64 // Σ ≤ hi; +Inf for none
		eq   bool
	}
	linear := func(k cellKey) (map[int]float64, float64) {
		coef := map[int]float64{}
		var c float64
		for _, m := range members(p, q, k) {
			if v, ok := vars[m]; ok {
				coef[v]++
			} else {
				c += float64(value(p, qi, m))
			}
		}
		return coef, c
	}
	// A partnership total whose every part is shown is their sum, and one
	// withheld with a withheld part is at least 1 as that part is: both say
	// nothing more, and leaving them out lets the programmes split by
	// partner.
	redundant := func(k cellKey) bool {
		if k.partner != AllPartners {
			return false
		}
		allShown, anyWithheld := true, false
		for pi := range p.partners {
			part, ok := p.cells[cellKey{k.question, k.measure, pi, k.answer, k.period}]
			if !ok {
				continue
			}
			if part.Status.Suppressed() {
				allShown, anyWithheld = false, true
			}
		}
		if p.cells[k].Status.Suppressed() {
			return anyWithheld
		}
		return allShown
	}
	var plain, aware []row
	for _, k := range keys {
		c := p.cells[k]
		coef, known := linear(k)
		if len(coef) == 0 || redundant(k) {
			continue
		}
		v := float64(p.raws[k])
		thr := float64(threshold(p, q))
		switch {
		case !c.Status.Suppressed():
			plain = append(plain, row{coef, v - known, v - known, true})
			aware = append(aware, row{coef, v - known, v - known, true})
		case k.partner == AllPartners:
			aware = append(aware, row{coef, 1 - known, math.Inf(1), false}) // withheld, so not zero
		case c.Text == disclosure.TextYearOnly || c.Text == disclosure.TextYearToCome:
			// never shown by quarter: the label says nothing of its size
		case c.Status == disclosure.StatusSuppressedPrimary:
			aware = append(aware, row{coef, 1 - known, thr - 1 - known, false})
		default:
			// "withheld to protect small counts": at least 1, as zeros are shown
			aware = append(aware, row{coef, 1 - known, math.Inf(1), false})
		}
	}
	for m, v := range vars {
		if p.layout.Theme.Measures[m.measure].Of == "" {
			continue
		}
		wi := slices.IndexFunc(p.layout.Theme.Measures, func(x monitoring.Measure) bool { return x.ID == p.layout.Theme.Measures[m.measure].Of })
		w := inner{m.partner, m.answer, m.period, wi}
		if wv, ok := vars[w]; ok {
			aware = append(aware, row{map[int]float64{wv: 1, v: -1}, 0, math.Inf(1), false})
		} else {
			aware = append(aware, row{map[int]float64{v: 1}, 0, float64(value(p, qi, w)), false})
		}
	}
	solve := func(all []row, target map[int]float64, maximise bool) (float64, bool) {
		// Only the rows linked to the target through shared counts matter.
		in := map[int]bool{}
		for v := range target {
			in[v] = true
		}
		used := make([]bool, len(all))
		for changed := true; changed; {
			changed = false
			for i, r := range all {
				if used[i] {
					continue
				}
				for v := range r.coef {
					if in[v] {
						used[i], changed = true, true
						for w := range r.coef {
							in[w] = true
						}
						break
					}
				}
			}
		}
		index := map[int]int{}
		for v := range in {
			index[v] = len(index)
		}
		var rows []row
		for i, r := range all {
			if used[i] {
				coef := map[int]float64{}
				for v, x := range r.coef {
					coef[index[v]] = x
				}
				rows = append(rows, row{coef, r.lo, r.hi, r.eq})
			}
		}
		local := map[int]float64{}
		for v, x := range target {
			local[index[v]] = x
		}
		target = local
		n := len(index)
		var A [][]float64
		var b []float64
		for _, r := range rows {
			line := func(slack float64) []float64 {
				l := make([]float64, n)
				for v, x := range r.coef {
					l[v] = x
				}
				return l
			}
			if r.eq {
				A, b = append(A, line(0)), append(b, r.lo)
				continue
			}
			if !math.IsInf(r.lo, -1) {
				A, b = append(A, append(line(0), -1)), append(b, r.lo) // Σ - s = lo
				for i := range A[:len(A)-1] {
					A[i] = append(A[i], 0)
				}
				n++
			}
			if !math.IsInf(r.hi, 1) {
				A, b = append(A, append(line(0), 1)), append(b, r.hi) // Σ + s = hi
				for i := range A[:len(A)-1] {
					A[i] = append(A[i], 0)
				}
				n++
			}
		}
		for i := range A {
			for len(A[i]) < n {
				A[i] = append(A[i], 0)
			}
		}
		// full row rank, right-hand sides not negative, and no empty column
		A, b = independentRowsForTest(A, b)
		for i := range b {
			if b[i] < 0 {
				b[i] = -b[i]
				for j := range A[i] {
					A[i][j] = -A[i][j]
				}
			}
		}
		c := make([]float64, n)
		for v, x := range target {
			if maximise {
				c[v] = -x
			} else {
				c[v] = x
			}
		}
		var keep []int
		for j := range n {
			used := false
			for i := range A {
				if A[i][j] != 0 {
					used = true
				}
			}
			if used {
				keep = append(keep, j)
			} else if c[j] < 0 {
				return math.Inf(1), false
			}
		}
		if len(A) == 0 {
			return 0, true
		}
		AA := make([][]float64, len(A))
		cc := make([]float64, len(keep))
		for i := range A {
			AA[i] = make([]float64, len(keep))
		}
		for jj, j := range keep {
			cc[jj] = c[j]
			for i := range A {
				AA[i][jj] = A[i][j]
			}
		}
		opt, ok := tableauSimplex(cc, AA, b)
		if !ok {
			return math.Inf(1), false
		}
		if maximise {
			opt = -opt
		}
		return opt, true
	}
	var out []auditFinding
	for _, k := range keys {
		if raw := p.raws[k]; !p.cells[k].Status.Suppressed() || p.cells[k].Text == disclosure.TextYearOnly || p.cells[k].Text == disclosure.TextYearToCome || raw < 1 || raw >= threshold(p, q) {
			continue
		}
		target := map[int]float64{}
		others := false
		for _, m := range members(p, q, k) {
			if m.partner != attacker {
				others = true
			}
			if v, ok := vars[m]; ok {
				target[v]++
			}
		}
		if !others {
			continue // the attacker's own
		}
		name := "anyone"
		if attacker >= 0 {
			name = p.partners[attacker]
		}
		if len(target) == 0 {
			// Every other part is shown: a zero, or the attacker's own.
			continue
		}
		lo, _ := solve(plain, target, false)
		hi, bounded := solve(plain, target, true)
		if bounded && hi-lo < float64(threshold(p, q))-1e-6 {
			out = append(out, auditFinding{name, k, lo, hi, false})
			continue
		}
		lo, _ = solve(aware, target, false)
		hi, bounded = solve(aware, target, true)
		if bounded && hi-lo < 1-1e-6 {
			out = append(out, auditFinding{name, k, lo, hi, true})
		}
	}
	return out
}

func threshold(p *protected, q monitoring.Question) int64 {
	if q.Sensitive {
		return SensitiveThreshold
	}
	return PartnerThreshold
}

func independentRowsForTest(A [][]float64, b []float64) ([][]float64, []float64) {
	var outA [][]float64
	var outB []float64
	var basis [][]float64
	var pivs []int
	for i, r := range A {
		v := append(slices.Clone(r), b[i])
		for k, pv := range pivs {
			if f := v[pv]; f != 0 {
				for j := range v {
					v[j] -= f * basis[k][j]
				}
			}
		}
		p, big := -1, 1e-9
		for j := range r {
			if math.Abs(v[j]) > big {
				p, big = j, math.Abs(v[j])
			}
		}
		if p < 0 {
			continue
		}
		f := v[p]
		for j := range v {
			v[j] /= f
		}
		basis, pivs = append(basis, v), append(pivs, p)
		outA, outB = append(outA, r), append(outB, b[i])
	}
	return outA, outB
}

// TestNothingRecoverable builds the pattern of partners of very different
// sizes (so that many counts are small) and audits it for every partner
// and for someone who holds nothing.
func TestNothingRecoverable(t *testing.T) {
	for _, theme := range []string{"stop-and-search", "customer-satisfaction"} {
		t.Run(theme, func(t *testing.T) {
			sizes := []int{60, 250, 900}
			var attackers []int // every partner, and someone who holds nothing
			if theme == "customer-satisfaction" {
				sizes = []int{12, 40, 150} // a quarter's survey
			}
			th, l, sn := synthetic(t, theme, len(sizes), func(p int) int { return sizes[p] })
			// Audit two questions: the linear programmes grow with the rows.
			l.Questions = []monitoring.Question{l.Questions[slices.IndexFunc(l.Questions, func(q monitoring.Question) bool { return q.Key == "ethnicity" })],
				l.Questions[slices.IndexFunc(l.Questions, func(q monitoring.Question) bool { return q.Key == "sex" })]}
			p, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
			if err != nil {
				t.Fatal(err)
			}
			primary := 0
			for k, c := range p.cells {
				if c.Status.Suppressed() && p.raws[k] >= 1 && p.raws[k] < PartnerThreshold {
					primary++ // a small count withheld, whatever its label
				}
			}
			if primary < 10 {
				t.Fatalf("only %d small counts: the test needs more", primary)
			}
			for _, f := range auditPattern(t, p, attackers...) {
				t.Errorf("%s can narrow %+v to %.2f..%.2f (with labels: %v)", f.attacker, f.cell, f.low, f.hi, f.aware)
			}
		})
	}
}
