package disclosure

import "math"

// ProtectJointly protects one organisation's measures of one question
// together where one is a part of another (whole[i] is the measure that
// measure i is a part of, or -1): each hierarchy as ProtectHierarchy does,
// then a joint audit by linear programming of what the labels say and of
// every part being no more than its whole, cell by cell. A small count
// that the joint audit pins is given the cheapest cycle of further
// withheld cells in its own hierarchy, and the audit runs again. Each
// hierarchy's own audit (by maximum flows) still holds.
func ProtectJointly(hs []Hierarchy, whole []int) ([]HierarchyPattern, error) {
	nets := make([]*hnet, len(hs))
	for i, h := range hs {
		n, err := newHierarchyNet(h)
		if err != nil {
			return nil, err
		}
		n.protect()
		n.showDetermined()
		nets[i] = n
	}
	for range 200 {
		m, k, ok := jointFailure(nets, whole)
		if !ok {
			break
		}
		n := nets[m]
		changed := false
		for _, c := range n.cheapestCycle(k) {
			if n.status[c] == StatusReleased {
				n.status[c] = StatusSuppressedSecondary
				changed = true
			}
		}
		if !changed {
			if c := n.cheapest(n.reach(k)); c >= 0 {
				n.status[c] = StatusSuppressedSecondary
				changed = true
			}
		}
		if !changed {
			break
		}
		n.protect()
	}
	out := make([]HierarchyPattern, len(nets))
	for i, n := range nets {
		out[i] = n.pattern()
	}
	return out, nil
}

// pattern is what a protected hierarchy shows, with the ranges anyone can
// work out.
func (n *hnet) pattern() HierarchyPattern {
	out := HierarchyPattern{Cells: map[Level]Cell{}, Low: map[Level]int64{}, High: map[Level]int64{}}
	aware := n.residual(n.awareBounds)
	for k, lv := range n.level {
		out.Cells[lv] = n.cell(k)
		lo, hi := n.val[k], n.val[k]
		if n.status[k].Suppressed() || n.status[k] == statusHidden {
			down, up := aware.moves(n, k, inf, inf)
			lo, hi = n.val[k]-down, min(n.val[k]+up, inf)
		}
		out.Low[lv], out.High[lv] = lo, hi
	}
	return out
}

// labelBounds are what a cell's label alone says of it.
func (n *hnet) labelBounds(k int) (lo, hi float64) {
	switch {
	case n.status[k] == StatusSuppressedPrimary && !n.veiled[k]:
		return 1, float64(n.thr[k] - 1)
	case n.status[k] == statusHidden:
		return 0, math.Inf(1)
	}
	return 1, math.Inf(1)
}

// jointFailure returns a small count (measure, arc) that what is shown,
// the labels and the parts pin to one value, if any.
func jointFailure(nets []*hnet, whole []int) (int, int, bool) {
	type ref struct{ m, k int }
	vars := map[ref]int{}
	var lo, hi []float64
	for m, n := range nets {
		for k, s := range n.status {
			if s.Suppressed() || s == statusHidden {
				vars[ref{m, k}] = len(lo)
				l, h := n.labelBounds(k)
				lo, hi = append(lo, l), append(hi, h)
			}
		}
	}
	var rows []lpRow
	// Each node of each hierarchy balances.
	for m, n := range nets {
		for u := range n.nodes {
			r := lpRow{coef: map[int]float64{}}
			for _, k := range n.at[u] {
				sign := 1.0
				if n.tail[k] == u {
					sign = -1
				}
				if j, ok := vars[ref{m, k}]; ok {
					r.coef[j] += sign
				} else {
					r.rhs -= sign * float64(n.val[k])
				}
			}
			if len(r.coef) > 0 {
				rows = append(rows, r)
			}
		}
	}
	// A part is no more than its whole: whole − part ≥ 0.
	for m, w := range whole {
		if w < 0 {
			continue
		}
		at := map[Level]int{}
		for k, lv := range nets[w].level {
			at[lv] = k
		}
		for k, lv := range nets[m].level {
			kw, ok := at[lv]
			if !ok {
				continue
			}
			r := lpRow{coef: map[int]float64{}, ineq: true}
			if j, ok := vars[ref{w, kw}]; ok {
				r.coef[j]++
			} else {
				r.rhs -= float64(nets[w].val[kw])
			}
			if j, ok := vars[ref{m, k}]; ok {
				r.coef[j]--
			} else {
				r.rhs += float64(nets[m].val[k])
			}
			if len(r.coef) > 0 {
				rows = append(rows, r)
			}
		}
	}
	for m, n := range nets {
		for k, s := range n.status {
			if s != StatusSuppressedPrimary {
				continue
			}
			j := vars[ref{m, k}]
			low, okLow := lpRange(rows, lo, hi, j, false)
			high, okHigh := lpRange(rows, lo, hi, j, true)
			if !okLow || okHigh && high-low < 1-1e-6 {
				return m, k, true
			}
		}
	}
	return 0, 0, false
}
