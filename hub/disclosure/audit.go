package disclosure

// The audit treats a table with its totals as a circulation on a bipartite
// graph: one node per grid row (the table's rows and the row of column
// totals) and one per grid column. Each grid entry is an arc:
//
//	cell (i, j):          row i → column j
//	row total (i, C):     column C → row i
//	column total (R, j):  column j → row R
//	grand total (R, C):   row R → column C
//
// Every node then balances exactly when the totals are the sums of their
// cells. A released entry is an arc whose flow is fixed; a suppressed
// entry is an arc whose flow lies within bounds. The values that a
// recipient can deduce for a suppressed entry are the flows that arc can
// carry in some feasible circulation. The true counts are one such
// circulation; the flow on arc a→b can rise by the most flow that can be
// sent from b to a through the residual graph of the other arcs, and fall
// by the most that can be sent from a to b. Both are maximum flows, so the
// ranges are exact.

// inf stands for an unbounded capacity; it is far above maxCount.
const inf = int64(1) << 60

// network is a flow network in which edge e and e^1 are twins.
type network struct {
	first []int // first edge out of each node, -1 when none
	next  []int
	to    []int
	cap   []int64
}

func newNetwork(n int) *network {
	first := make([]int, n)
	for i := range first {
		first[i] = -1
	}
	return &network{first: first}
}

// add adds an edge u→v of capacity c and its twin v→u of capacity 0,
// returning the edge's index.
func (nw *network) add(u, v int, c int64) int {
	e := len(nw.to)
	nw.to = append(nw.to, v, u)
	nw.cap = append(nw.cap, c, 0)
	nw.next = append(nw.next, nw.first[u], nw.first[v])
	nw.first[u], nw.first[v] = e, e+1
	return e
}

// maxFlow sends up to limit units from s to t through caps (changed in
// place) by shortest augmenting paths, and returns the amount sent.
func (nw *network) maxFlow(caps []int64, s, t int, limit int64) int64 {
	if s == t || limit <= 0 {
		return 0
	}
	n := len(nw.first)
	prev := make([]int, n)
	queue := make([]int, 0, n)
	var sent int64
	for sent < limit {
		for i := range prev {
			prev[i] = -1
		}
		prev[s] = -2
		queue = append(queue[:0], s)
		for h := 0; h < len(queue) && prev[t] == -1; h++ {
			u := queue[h]
			for e := nw.first[u]; e >= 0; e = nw.next[e] {
				if v := nw.to[e]; caps[e] > 0 && prev[v] == -1 {
					prev[v] = e
					queue = append(queue, v)
				}
			}
		}
		if prev[t] == -1 {
			break
		}
		push := limit - sent
		for v := t; v != s; v = nw.to[prev[v]^1] {
			push = min(push, caps[prev[v]])
		}
		for v := t; v != s; v = nw.to[prev[v]^1] {
			caps[prev[v]] -= push
			caps[prev[v]^1] += push
		}
		sent += push
	}
	return sent
}

// ends returns the tail and head nodes of entry k's arc.
func (g *grid) ends(k int) (tail, head int) {
	i, j := k/(g.C+1), k%(g.C+1)
	row := func(i int) int { return i }
	col := func(j int) int { return g.R + 1 + j }
	switch {
	case i < g.R && j < g.C:
		return row(i), col(j)
	case i < g.R:
		return col(g.C), row(i)
	case j < g.C:
		return col(j), row(g.R)
	default:
		return row(g.R), col(g.C)
	}
}

// residual is the residual graph of the true counts under some bounds on
// the suppressed entries.
type residual struct {
	nw       *network
	base     []int64
	fwd, bwd map[int]int // entry → its edges tail→head and head→tail
	lo, hi   map[int]int64
}

// bounds gives the lowest and highest value the recipient knows a
// suppressed entry may take.
type bounds func(k int) (lo, hi int64)

func (g *grid) residual(b bounds) *residual {
	rs := &residual{nw: newNetwork(g.R + g.C + 2), fwd: map[int]int{}, bwd: map[int]int{}, lo: map[int]int64{}, hi: map[int]int64{}}
	for k, s := range g.status {
		if !s.Suppressed() {
			continue
		}
		lo, hi := b(k)
		f := g.val[k]
		t, h := g.ends(k)
		rs.lo[k], rs.hi[k] = lo, hi
		rs.fwd[k] = rs.nw.add(t, h, hi-f)
		rs.bwd[k] = rs.nw.add(h, t, f-lo)
	}
	rs.base = append([]int64(nil), rs.nw.cap...)
	return rs
}

// moves returns how far entry k can fall and rise, each counted up to
// the given limits.
// arcs is a table whose entries are the arcs of a circulation.
type arcs interface {
	ends(k int) (tail, head int)
	value(k int) int64
}

func (g *grid) value(k int) int64 { return g.val[k] }

func (rs *residual) moves(g arcs, k int, downLimit, upLimit int64) (down, up int64) {
	t, h := g.ends(k)
	caps := make([]int64, len(rs.base))
	copy(caps, rs.base)
	caps[rs.fwd[k]], caps[rs.bwd[k]] = 0, 0
	f := g.value(k)
	down = rs.nw.maxFlow(caps, t, h, min(downLimit, f-rs.lo[k]))
	copy(caps, rs.base)
	caps[rs.fwd[k]], caps[rs.bwd[k]] = 0, 0
	up = rs.nw.maxFlow(caps, h, t, min(upLimit, rs.hi[k]-f))
	return down, up
}

// audit returns the suppressed entries that are not protected enough:
//
//  1. Given the released entries and non-negativity only, the entry's
//     range must be at least its threshold wide.
//  2. Given also what the statuses say (a primary entry lies between 1 and
//     its threshold less one, a secondary one is at least its threshold,
//     because zeros are always shown), a primary entry must not be fixed
//     to a single value.
func (g *grid) audit() []int {
	var fails []int
	plain := g.residual(func(int) (int64, int64) { return 0, inf })
	aware := g.residual(func(k int) (int64, int64) {
		if g.status[k] == StatusSuppressedPrimary {
			return 1, g.thr[k] - 1
		}
		return g.thr[k], inf
	})
	for k, s := range g.status {
		if !s.Suppressed() {
			continue
		}
		need := g.thr[k]
		down, up := plain.moves(g, k, need, need)
		if down+up < need {
			fails = append(fails, k)
			continue
		}
		if s == StatusSuppressedPrimary {
			down, up = aware.moves(g, k, 1, 1)
			if down+up < 1 {
				fails = append(fails, k)
			}
		}
	}
	return fails
}
