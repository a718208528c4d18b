package disclosure

import "math"

// lpRow is a linear constraint: Σ coef·x = rhs, or Σ coef·x ≥ rhs when ineq.
type lpRow struct {
	coef map[int]float64
	rhs  float64
	ineq bool
}

// lpRange returns the least (or, maximise, the greatest) value variable t
// can take subject to the rows and lo ≤ x ≤ hi. ok is false when it is
// unbounded above, or when the programme could not be solved (the caller
// then takes the count as pinned, so that a failure withholds more).
func lpRange(rows []lpRow, lo, hi []float64, t int, maximise bool) (float64, bool) {
	// Only the rows linked to t through shared variables matter.
	in := map[int]bool{t: true}
	used := make([]bool, len(rows))
	for changed := true; changed; {
		changed = false
		for i, r := range rows {
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
	col := map[int]int{}
	var vars []int
	for v := range in {
		col[v] = len(vars)
		vars = append(vars, v)
	}
	n := len(vars)
	// Columns: y = x − lo (n), then one slack per inequality or upper bound.
	type spec struct {
		coef  map[int]float64
		rhs   float64
		slack float64 // 0: none; -1: surplus (≥); +1: slack (≤)
	}
	var specs []spec
	slacks := 0
	for i, r := range rows {
		if !used[i] {
			continue
		}
		sp := spec{coef: r.coef, rhs: r.rhs}
		if r.ineq {
			sp.slack = -1
			slacks++
		}
		specs = append(specs, sp)
	}
	for _, v := range vars {
		if !math.IsInf(hi[v], 1) {
			specs = append(specs, spec{coef: map[int]float64{v: 1}, rhs: hi[v], slack: 1})
			slacks++
		}
	}
	w := n + slacks
	A := make([][]float64, len(specs))
	b := make([]float64, len(specs))
	next := n
	for i, sp := range specs {
		A[i] = make([]float64, w)
		b[i] = sp.rhs
		for v, c := range sp.coef {
			A[i][col[v]] += c
			b[i] -= c * lo[v]
		}
		if sp.slack != 0 {
			A[i][next] = sp.slack
			next++
		}
	}
	c := make([]float64, w)
	if maximise {
		c[col[t]] = -1
	} else {
		c[col[t]] = 1
	}
	if len(A) == 0 {
		if maximise {
			return 0, false
		}
		return lo[t], true
	}
	opt, status := simplexTableau(c, A, b)
	switch status {
	case lpOptimal:
		if maximise {
			return lo[t] - opt, true
		}
		return lo[t] + opt, true
	case lpUnbounded:
		return 0, false
	}
	return 0, false
}

type lpStatus int

const (
	lpOptimal lpStatus = iota
	lpUnbounded
	lpFailed
)

// simplexTableau minimises c·y subject to A y = b and y ≥ 0 by the
// two-phase tableau method with Bland's rule.
func simplexTableau(c []float64, A [][]float64, b []float64) (float64, lpStatus) {
	m, n := len(A), len(c)
	const tol = 1e-9
	w := n + m + 1
	T := make([][]float64, m)
	basis := make([]int, m)
	for i := range m {
		T[i] = make([]float64, w)
		sign := 1.0
		if b[i] < 0 {
			sign = -1
		}
		for j, x := range A[i] {
			T[i][j] = sign * x
		}
		T[i][n+i] = 1
		T[i][w-1] = sign * b[i]
		basis[i] = n + i
	}
	obj := make([]float64, w)
	pivot := func(r, col int) {
		f := T[r][col]
		for j := range T[r] {
			T[r][j] /= f
		}
		for i := range T {
			if i != r && T[i][col] != 0 {
				g := T[i][col]
				for j := range T[i] {
					T[i][j] -= g * T[r][j]
				}
			}
		}
		if g := obj[col]; g != 0 {
			for j := range obj {
				obj[j] -= g * T[r][j]
			}
		}
		basis[r] = col
	}
	run := func(allowed int) lpStatus {
		for range 50000 {
			col := -1
			for j := range allowed {
				if obj[j] < -tol {
					col = j
					break
				}
			}
			if col < 0 {
				return lpOptimal
			}
			r := -1
			best := math.Inf(1)
			for i := range m {
				if T[i][col] > tol {
					q := T[i][w-1] / T[i][col]
					if q < best-tol || math.Abs(q-best) <= tol && basis[i] < basis[r] {
						r, best = i, q
					}
				}
			}
			if r < 0 {
				return lpUnbounded
			}
			pivot(r, col)
		}
		return lpFailed
	}
	for i := range m {
		for j := range w {
			if j < n || j == w-1 {
				obj[j] -= T[i][j]
			}
		}
	}
	if run(n+m) != lpOptimal || -obj[w-1] > 1e-6 {
		return 0, lpFailed
	}
	for i := range m {
		if basis[i] >= n {
			for j := range n {
				if math.Abs(T[i][j]) > tol {
					pivot(i, j)
					break
				}
			}
		}
	}
	for j := range obj {
		obj[j] = 0
	}
	copy(obj, c)
	for i := range m {
		if bj := basis[i]; bj < n && obj[bj] != 0 {
			g := obj[bj]
			for j := range w {
				obj[j] -= g * T[i][j]
			}
		}
	}
	// Artificials still in the basis sit at 0 in rows that repeat others;
	// phase two may not let them grow, so only real columns enter.
	st := run(n)
	if st != lpOptimal {
		return 0, st
	}
	return -obj[w-1], lpOptimal
}
