package disclosure

import (
	"cmp"
	"fmt"

	"github.com/partnership/equalityhub/hub"
)

// Hierarchy is one organisation's counts of one measure by the answers to
// one question and by period: answers roll up into broad groups and a
// total, periods (quarters) into a year. Every cell of every level may be
// shown, so they are protected together.
type Hierarchy struct {
	// Counts[a][t] is the count of answer a in period t.
	Counts [][]int64
	// Group gives each answer's broad group, numbered from 0, or -1 for an
	// answer in no group (prefer not to say, not known). A group of one
	// answer is that answer, and is best given as -1.
	Group []int
	// Groups is the number of groups.
	Groups int
	// Threshold: counts from 1 to Threshold-1 are withheld.
	Threshold int64
	// Low lists answers whose cells are of less interest (e.g. not known),
	// to be withheld first when something must be.
	Low map[int]bool
	// YearOnly shows the answers within broad groups for the year only: by
	// period, only broad groups, answers in no group and the total. Table design before suppression: the
	// finest cells are the smallest, and showing them by quarter would
	// cost many larger cells.
	YearOnly bool
	// YearHidden withholds the year's cells, e.g. while a quarter is still
	// to come: a year shown now and again with its last quarter would give
	// that quarter away.
	YearHidden bool
	// Veil labels every small count like any other withheld cell, e.g.
	// where a part and its whole are both shown (satisfied of those asked):
	// "fewer than 5" on both would let one pin the other.
	Veil bool
	// Floor and Ceil are what a recipient knows of cells from elsewhere,
	// e.g. that a whole is at least its part (Floor) and a part at most its
	// whole (Ceil); the audit takes them into account.
	Floor, Ceil map[Level]int64
	// Withhold lists cells to withhold whatever their count (a cell
	// withheld in an earlier round stays withheld).
	Withhold map[Level]bool
}

// TextYearToCome is what a year's cell says while YearHidden holds.
const TextYearToCome = "shown when the year's four quarters are in"

// TextYearOnly is what a detailed answer's cell in a period says when
// YearOnly holds.
const TextYearOnly = "shown for the whole year only"

// Level names a cell of a hierarchy: an answer, a group or the total, in a
// period or the year.
type Level struct {
	Answer int // the answer, or -1 with Group
	Group  int // the group when Answer is -1; -1 with Answer -1 for the total
	Period int // the period, or -1 for the year (when there are periods to add up)
}

// HierarchyPattern is a protected hierarchy.
type HierarchyPattern struct {
	Cells map[Level]Cell
	// Low and High are the range anyone can work out for each cell from
	// what is shown, the labels, and Floor and Ceil; High is 2^60 when
	// there is no upper bound.
	Low, High map[Level]int64
}

// ProtectHierarchy withholds the small counts of h and enough others that
// none can be worked out, exactly or within less than the threshold, from
// everything else the hierarchy shows. The hierarchy's cells form a
// circulation on a network (answers by period flow into groups by period
// and into the period's total; the year's answers, groups and total feed
// them), so the exact range of each withheld cell is found by maximum
// flows, as for a two-way table. Secondary cells are chosen by quick rules
// at each node, then by the audit, least wanted first: cells of answers of
// less interest, then quarters before years, detailed answers before
// groups, smaller counts before larger.
func ProtectHierarchy(h Hierarchy) (HierarchyPattern, error) {
	n, err := newHierarchyNet(h)
	if err != nil {
		return HierarchyPattern{}, err
	}
	n.protect()
	n.showDetermined()
	out := n.pattern()
	return out, nil
}

// hnet is a hierarchy as a network: each cell is an arc.
type hnet struct {
	h      Hierarchy
	nodes  int
	tail   []int
	head   []int
	val    []int64
	thr    []int64
	status []Status
	cost   []int64 // lower: withheld first
	level  []Level
	at     [][]int // arcs at each node
	// veiled marks small counts labelled like any other withheld cell,
	// because "fewer than 5" would give them away (four quarters of
	// "fewer than 5" under a year of "fewer than 5" are 1 each).
	veiled []bool
}

// TextWithheld is what a withheld cell says when it is not labelled as a
// small count: it may be small, or withheld to protect one.
const TextWithheld = "withheld to protect small counts"

func newHierarchyNet(h Hierarchy) (*hnet, error) {
	var ps []hub.Problem
	if h.Threshold < 1 {
		ps = append(ps, hub.Problem{Field: "threshold", Message: "the threshold must be 1 or more"})
	}
	if len(h.Counts) == 0 || len(h.Counts) != len(h.Group) {
		ps = append(ps, hub.Problem{Field: "counts", Message: "every answer needs its counts and its group"})
	}
	periods := 0
	var total int64
	for a, row := range h.Counts {
		if a == 0 {
			periods = len(row)
		}
		if len(row) != periods || periods == 0 {
			ps = append(ps, hub.Problem{Row: a + 1, Message: "every answer needs a count for each period"})
			break
		}
		for _, v := range row {
			if v < 0 || v > maxCount {
				ps = append(ps, hub.Problem{Row: a + 1, Message: "a count must be between 0 and 2^50"})
			}
			total += v
		}
		if g := h.Group[a]; g < -1 || g >= h.Groups {
			ps = append(ps, hub.Problem{Row: a + 1, Message: fmt.Sprintf("group %d does not exist", g)})
		}
	}
	if total > maxCount {
		ps = append(ps, hub.Problem{Field: "counts", Message: "the total is over 2^50"})
	}
	if err := hub.Invalid("The counts cannot be protected", ps); err != nil {
		return nil, err
	}
	n := &hnet{h: h}
	node := func() int { n.nodes++; return n.nodes - 1 }
	arc := func(t, hd int, lv Level, v int64, cost int64) {
		n.tail, n.head, n.level, n.val = append(n.tail, t), append(n.head, hd), append(n.level, lv), append(n.val, v)
		n.cost = append(n.cost, cost)
	}
	sum := func(a, t int) int64 { // t -1: the year
		if t >= 0 {
			return h.Counts[a][t]
		}
		var s int64
		for _, v := range h.Counts[a] {
			s += v
		}
		return s
	}
	groupSum := func(g, t int) int64 {
		var s int64
		for a := range h.Counts {
			if h.Group[a] == g || g == -2 {
				s += sum(a, t)
			}
		}
		return s
	}
	// cost: less interest, quarters, detailed answers, then smaller counts go first.
	cost := func(lv Level, v int64) int64 {
		c := v + 2*maxCount // never below zero, for the cheapest cycle
		if lv.Period < 0 {
			c += 4 * maxCount
		}
		switch {
		case lv.Answer < 0 && lv.Group < 0:
			c += 16 * maxCount
		case lv.Answer < 0:
			c += 2 * maxCount
		case h.Low[lv.Answer]:
			c -= maxCount
		}
		return c
	}
	root, z := node(), node()
	groupNode := make([]int, h.Groups)
	for g := range groupNode {
		groupNode[g] = node()
	}
	year := -1
	if periods == 1 {
		year = 0 // one period: its cells are the year's
	}
	yl := func(l Level) Level {
		if periods == 1 {
			l.Period = 0
		}
		return l
	}
	tot := Level{Answer: -1, Group: -1, Period: -1}
	arc(z, root, yl(tot), groupSum(-2, year), cost(tot, groupSum(-2, year)))
	for g := range groupNode {
		lv := Level{Answer: -1, Group: g, Period: -1}
		arc(root, groupNode[g], yl(lv), groupSum(g, year), cost(lv, groupSum(g, year)))
	}
	if periods == 1 {
		for a := range h.Counts {
			from := root
			if g := h.Group[a]; g >= 0 {
				from = groupNode[g]
			}
			lv := Level{Answer: a, Group: h.Group[a], Period: 0}
			arc(from, z, lv, h.Counts[a][0], cost(lv, h.Counts[a][0]))
		}
	} else {
		quarter := make([]int, periods)
		gq := make([][]int, h.Groups)
		for t := range quarter {
			quarter[t] = node()
			lv := Level{Answer: -1, Group: -1, Period: t}
			arc(quarter[t], z, lv, groupSum(-2, t), cost(lv, groupSum(-2, t)))
		}
		for g := range gq {
			gq[g] = make([]int, periods)
			for t := range periods {
				gq[g][t] = node()
				lv := Level{Answer: -1, Group: g, Period: t}
				arc(gq[g][t], quarter[t], lv, groupSum(g, t), cost(lv, groupSum(g, t)))
			}
		}
		for a := range h.Counts {
			an := node()
			from := root
			if g := h.Group[a]; g >= 0 {
				from = groupNode[g]
			}
			lv := Level{Answer: a, Group: h.Group[a], Period: -1}
			arc(from, an, lv, sum(a, -1), cost(lv, sum(a, -1)))
			for t := range periods {
				to := quarter[t]
				if g := h.Group[a]; g >= 0 {
					to = gq[g][t]
				}
				lv := Level{Answer: a, Group: h.Group[a], Period: t}
				arc(an, to, lv, h.Counts[a][t], cost(lv, h.Counts[a][t]))
			}
		}
	}
	n.at = make([][]int, n.nodes)
	n.thr = make([]int64, len(n.val))
	n.status = make([]Status, len(n.val))
	n.veiled = make([]bool, len(n.val))
	for k := range n.veiled {
		n.veiled[k] = h.Veil
	}
	for k := range n.val {
		n.at[n.tail[k]] = append(n.at[n.tail[k]], k)
		n.at[n.head[k]] = append(n.at[n.head[k]], k)
		n.thr[k] = h.Threshold
		if lv := n.level[k]; periods > 1 && (h.YearOnly && lv.Answer >= 0 && lv.Group >= 0 && lv.Period >= 0 || h.YearHidden && lv.Period < 0) {
			n.status[k] = statusHidden
			continue
		}
		switch v := n.val[k]; {
		case v == 0:
			n.status[k] = StatusZero
		case v < h.Threshold:
			n.status[k] = StatusSuppressedPrimary
		case h.Withhold[n.level[k]]:
			n.status[k] = StatusSuppressedSecondary
		default:
			n.status[k] = StatusReleased
		}
	}
	return n, nil
}

// cheapest returns the released non-zero arc of ks least wanted, or -1.
func (n *hnet) cheapest(ks []int) int {
	best := -1
	for _, k := range ks {
		if n.status[k] == StatusReleased && (best < 0 || cmp.Compare(n.cost[k], n.cost[best]) < 0) {
			best = k
		}
	}
	return best
}

// protect runs the quick rules and the audit until the audit passes.
func (n *hnet) protect() {
	for range len(n.val) + 1 {
		fails := n.audit()
		if len(fails) == 0 {
			return
		}
		if n.veil(fails) {
			continue
		}
		changed := false
		for _, k := range fails {
			// Withhold the cheapest way round: the shown cells on the
			// least costly cycle through k, so that k can move with them.
			for _, c := range n.cheapestCycle(k) {
				if n.status[c] == StatusReleased {
					n.status[c] = StatusSuppressedSecondary
					changed = true
				}
			}
			if changed {
				break // then audit again: one cycle may protect several cells
			}
		}
		if !changed {
			// No cycle is left through shown cells: withhold the cheapest
			// shown cell that reaches a failing one.
			for _, k := range fails {
				if c := n.cheapest(n.reach(k)); c >= 0 {
					n.status[c] = StatusSuppressedSecondary
					changed = true
					break
				}
			}
		}
		if !changed {
			return
		}
	}
}

// showDetermined shows the cells withheld to protect others that what is
// shown gives away exactly anyway: withholding them protects nothing and
// would only mislead. Showing a cell already determined tells no one
// anything new, so one pass suffices.
func (n *hnet) showDetermined() {
	plain := n.residual(func(int) (int64, int64) { return 0, inf })
	var determined []int
	for k, s := range n.status {
		if s != StatusSuppressedSecondary || n.h.Withhold[n.level[k]] {
			continue
		}
		if down, up := plain.moves(n, k, 1, 1); down+up == 0 {
			determined = append(determined, k)
		}
	}
	for _, k := range determined {
		n.status[k] = StatusReleased
	}
}

// cheapestCycle returns the arcs of the least costly path between arc k's
// ends, other than k, through arcs that can move (withheld ones cost
// nothing, shown non-zero ones their cost; shown zeros cannot move), in
// either direction. Withholding its shown arcs lets k move round the cycle.
func (n *hnet) cheapestCycle(k int) []int {
	const unreached = int64(1) << 62
	dist := make([]int64, n.nodes)
	via := make([]int, n.nodes)
	done := make([]bool, n.nodes)
	for i := range dist {
		dist[i], via[i] = unreached, -1
	}
	src, dst := n.head[k], n.tail[k]
	dist[src] = 0
	for {
		u := -1
		for v := range dist {
			if !done[v] && dist[v] < unreached && (u < 0 || dist[v] < dist[u]) {
				u = v
			}
		}
		if u < 0 || u == dst {
			break
		}
		done[u] = true
		for _, e := range n.at[u] {
			if e == k || n.status[e] == StatusZero {
				continue
			}
			var c int64
			if n.status[e] == StatusReleased {
				c = n.cost[e] + 1
			}
			v := n.tail[e]
			if v == u {
				v = n.head[e]
			}
			if d := dist[u] + c; d < dist[v] {
				dist[v], via[v] = d, e
			}
		}
	}
	if dist[dst] == unreached {
		return nil
	}
	var path []int
	for v := dst; v != src; {
		e := via[v]
		path = append(path, e)
		if n.tail[e] == v {
			v = n.head[e]
		} else {
			v = n.tail[e]
		}
	}
	return path
}

// reach returns the arcs at every node that arc k's ends reach through
// withheld arcs.
func (n *hnet) reach(k int) []int {
	seen := map[int]bool{n.tail[k]: true, n.head[k]: true}
	queue := []int{n.tail[k], n.head[k]}
	var arcs []int
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range n.at[u] {
			arcs = append(arcs, e)
			if !n.status[e].Suppressed() && n.status[e] != statusHidden {
				continue
			}
			for _, v := range []int{n.tail[e], n.head[e]} {
				if !seen[v] {
					seen[v] = true
					queue = append(queue, v)
				}
			}
		}
	}
	return arcs
}

// audit returns the withheld arcs that can move too little.
func (n *hnet) audit() []int {
	var fails []int
	plain := n.residual(func(int) (int64, int64) { return 0, inf })
	aware := n.residual(n.awareBounds)
	// Only small counts need protecting: a count withheld to protect them
	// may be worked out, as long as no small count can.
	for k, s := range n.status {
		if s != StatusSuppressedPrimary {
			continue
		}
		need := n.thr[k]
		down, up := plain.moves(n, k, need, need)
		if down+up < need {
			fails = append(fails, k)
			continue
		}
		if down, up = aware.moves(n, k, 1, 1); down+up < 1 {
			fails = append(fails, k)
		}
	}
	return fails
}

// veil labels the small counts that the labels alone would pin (they can
// move enough given what is shown, but not within what "fewer than 5"
// says) like any other withheld cell, and reports whether it veiled any.
func (n *hnet) veil(fails []int) bool {
	plain := n.residual(func(int) (int64, int64) { return 0, inf })
	changed := false
	for _, k := range fails {
		if n.veiled[k] {
			continue
		}
		if down, up := plain.moves(n, k, n.thr[k], n.thr[k]); down+up >= n.thr[k] {
			n.veiled[k], changed = true, true
			// its neighbours' labels pin it too: veil the small counts
			// that meet it
			for _, e := range append(append([]int(nil), n.at[n.tail[k]]...), n.at[n.head[k]]...) {
				if n.status[e] == StatusSuppressedPrimary {
					n.veiled[e] = true
				}
			}
		}
	}
	return changed
}

// awareBounds are the bounds a recipient knows for a withheld cell: from
// its label (a small count is 1 to the threshold less one, another withheld
// count at least the threshold, a cell never shown anything), and from
// elsewhere (Floor and Ceil).
func (n *hnet) awareBounds(k int) (lo, hi int64) {
	switch {
	case n.status[k] == StatusSuppressedPrimary && !n.veiled[k]:
		lo, hi = 1, n.thr[k]-1
	case n.status[k].Suppressed():
		lo, hi = 1, inf // zeros are shown: a withheld cell is at least 1
	case n.status[k] == statusHidden:
		lo, hi = 0, inf
	}
	if f, ok := n.h.Floor[n.level[k]]; ok {
		lo = max(lo, f)
	}
	if c, ok := n.h.Ceil[n.level[k]]; ok {
		hi = min(hi, c)
	}
	return lo, hi
}

func (n *hnet) residual(b bounds) *residual {
	rs := &residual{nw: newNetwork(n.nodes), fwd: map[int]int{}, bwd: map[int]int{}, lo: map[int]int64{}, hi: map[int]int64{}}
	for k, s := range n.status {
		if !s.Suppressed() && s != statusHidden {
			continue
		}
		lo, hi := b(k)
		f := n.val[k]
		rs.lo[k], rs.hi[k] = lo, hi
		rs.fwd[k] = rs.nw.add(n.tail[k], n.head[k], hi-f)
		rs.bwd[k] = rs.nw.add(n.head[k], n.tail[k], f-lo)
	}
	rs.base = append([]int64(nil), rs.nw.cap...)
	return rs
}

func (n *hnet) ends(k int) (tail, head int) { return n.tail[k], n.head[k] }

func (n *hnet) value(k int) int64 { return n.val[k] }

// statusHidden marks a cell that is never shown, so needs no protection
// and protects others freely.
const statusHidden Status = "hidden"

func (n *hnet) cell(k int) Cell {
	switch n.status[k] {
	case statusHidden:
		if n.level[k].Period < 0 {
			return Cell{Status: StatusSuppressedSecondary, Text: TextYearToCome}
		}
		return Cell{Status: StatusSuppressedSecondary, Text: TextYearOnly}
	case StatusZero:
		return Cell{Status: StatusZero, Text: "0"}
	case StatusSuppressedPrimary:
		if n.veiled[k] {
			return Cell{Status: StatusSuppressedSecondary, Text: TextWithheld}
		}
		return Cell{Status: StatusSuppressedPrimary, Text: "fewer than " + hub.Thousands(n.thr[k])}
	case StatusSuppressedSecondary:
		return Cell{Status: StatusSuppressedSecondary, Text: TextWithheld}
	}
	return Cell{Value: n.val[k], Status: StatusReleased, Text: hub.Thousands(n.val[k])}
}
