package figures

import "math"

// tableauSimplex minimises c·x subject to A x = b (b ≥ 0) and x ≥ 0, by
// the two-phase tableau method with Bland's rule, written here so that the
// audit does not share anything with the engine it checks. It returns the
// optimum, and false when the objective is unbounded below; it panics when
// the problem is infeasible, which the true counts rule out.
func tableauSimplex(c []float64, A [][]float64, b []float64) (float64, bool) {
	m, n := len(A), len(c)
	const tol = 1e-9
	// Columns: x (n), artificials (m), then the right-hand side.
	w := n + m + 1
	T := make([][]float64, m+1)
	for i := range m {
		T[i] = make([]float64, w)
		copy(T[i], A[i])
		T[i][n+i] = 1
		T[i][w-1] = b[i]
	}
	basis := make([]int, m)
	for i := range basis {
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
	run := func(allowed int) bool {
		for range 100000 {
			col := -1
			for j := range allowed {
				if obj[j] < -tol {
					col = j
					break
				}
			}
			if col < 0 {
				return true
			}
			r := -1
			best := math.Inf(1)
			for i := range m {
				if T[i][col] > tol {
					if q := T[i][w-1] / T[i][col]; q < best-tol || math.Abs(q-best) <= tol && basis[i] < basis[r] {
						r, best = i, q
					}
				}
			}
			if r < 0 {
				return false
			}
			pivot(r, col)
		}
		panic("the audit's simplex did not finish")
	}
	// Phase I: minimise the artificials.
	for j := range w {
		obj[j] = 0
	}
	for i := range m {
		for j := range w {
			if j < n || j == w-1 {
				obj[j] -= T[i][j]
			}
		}
	}
	T[m] = obj
	run(n + m)
	if -obj[w-1] > 1e-6 {
		panic("the audit's linear programme is infeasible")
	}
	// Drive artificials out of the basis where possible.
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
	// Phase II.
	for j := range w {
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
	// Artificials still basic sit in redundant rows at 0: keep them out.
	for i := range m {
		if basis[i] >= n {
			for j := range T[i] {
				if j >= n && j < n+m {
					continue
				}
			}
		}
	}
	if !run(n) {
		return 0, false
	}
	return -obj[w-1], true
}
