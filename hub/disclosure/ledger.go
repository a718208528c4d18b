package disclosure

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/partnership/equalityhub/hub"
)

// Population is the set of atomic units whose people a count covers, e.g.
// "partner|category|measure" for each partner and category summed. Build
// it with NewPopulation or Atoms, which keep it sorted and without repeats.
type Population []string

// NewPopulation returns the population of the given atoms.
func NewPopulation(atoms ...string) Population {
	p := slices.Clone(atoms)
	slices.Sort(p)
	return slices.Compact(p)
}

// Atoms returns the population of every partner and category pair for
// one measure: one atom "partner|category|measure" per pair.
func Atoms(partners, categories []string, measure string) Population {
	var p []string
	for _, o := range partners {
		for _, c := range categories {
			p = append(p, o+"|"+c+"|"+measure)
		}
	}
	return NewPopulation(p...)
}

// Key returns a stable string naming the population.
func (p Population) Key() string {
	q := make([]string, len(p))
	for i, a := range p {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, ",")
}

// Union returns the atoms in p or q.
func (p Population) Union(q Population) Population {
	return NewPopulation(append(slices.Clone(p), q...)...)
}

// within reports whether every atom of sorted p is in sorted q.
func within(p, q Population) bool {
	j := 0
	for _, a := range p {
		for j < len(q) && q[j] < a {
			j++
		}
		if j == len(q) || q[j] != a {
			return false
		}
		j++
	}
	return true
}

// strictlyWithin reports whether p is a proper subset of q.
func strictlyWithin(p, q Population) bool { return len(p) < len(q) && within(p, q) }

// LedgerEntry is one count a recipient was sent: its population, its exact
// count, and whether it was shown (false: it was withheld).
type LedgerEntry struct {
	Population Population
	Count      int64
	Released   bool
}

// Ledger remembers, per recipient, every count sent (shown or withheld),
// so that later tables for the same recipient can be checked against
// them. It is safe for concurrent use. It is held in memory: persist
// Entries and reload them with Add to keep it across restarts.
type Ledger struct {
	mu sync.Mutex
	by map[string]map[string]LedgerEntry
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{by: map[string]map[string]LedgerEntry{}} }

// Add records entries for recipient. A population once shown stays shown.
func (l *Ledger) Add(recipient string, entries ...LedgerEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.add(recipient, entries...)
}

func (l *Ledger) add(recipient string, entries ...LedgerEntry) {
	if l.by == nil {
		l.by = map[string]map[string]LedgerEntry{}
	}
	m := l.by[recipient]
	if m == nil {
		m = map[string]LedgerEntry{}
		l.by[recipient] = m
	}
	for _, e := range entries {
		e.Population = NewPopulation(e.Population...)
		k := e.Population.Key()
		if old, ok := m[k]; ok && old.Released {
			e.Released = true
		}
		m[k] = e
	}
}

// Entries returns what recipient was sent, ordered by population key.
func (l *Ledger) Entries(recipient string) []LedgerEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.by[recipient]
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]LedgerEntry, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// ProtectAgainst protects t like Protect, and also against what recipient
// was sent before according to l: pops gives the population of each cell
// (the totals' populations are the unions of their cells'). A count that
// was withheld before stays withheld; a count is withheld when subtracting
// it from an earlier count, or earlier counts from it, would leave a
// count from 1 to the threshold less one. The table sent, shown and
// withheld counts alike, is then recorded in l.
func ProtectAgainst(l *Ledger, recipient string, t Table, pops [][]Population, r Rules) (Protected, error) {
	base, err := newGrid(t, r)
	if err != nil {
		return Protected{}, err
	}
	gp, err := base.populations(pops)
	if err != nil {
		return Protected{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var prior []LedgerEntry
	priorKeys := map[string]LedgerEntry{}
	if l.by != nil {
		for k, e := range l.by[recipient] {
			priorKeys[k] = e
			if e.Released {
				prior = append(prior, e)
			}
		}
	}
	forced := map[int]bool{}
	for k, p := range gp {
		if e, ok := priorKeys[p.Key()]; ok && !e.Released {
			forced[k] = true
		}
	}
	var g *grid
	for range len(base.val) + 1 {
		g = base.clone()
		g.protect(forced)
		added := false
		for _, k := range g.differences(gp, prior) {
			if !forced[k] {
				forced[k], added = true, true
			}
		}
		if !added {
			break
		}
	}
	entries := make([]LedgerEntry, len(gp))
	for k, p := range gp {
		entries[k] = LedgerEntry{Population: p, Count: g.val[k], Released: !g.status[k].Suppressed()}
	}
	l.add(recipient, entries...)
	return g.result(), nil
}

func (g *grid) clone() *grid {
	c := *g
	c.status = slices.Clone(g.status)
	return &c
}

// populations returns the population of every grid entry.
func (g *grid) populations(pops [][]Population) ([]Population, error) {
	var ps []hub.Problem
	if len(pops) != g.R {
		ps = append(ps, hub.Problem{Field: "populations", Message: fmt.Sprintf("%d rows of populations for %d rows", len(pops), g.R)})
	}
	for i, row := range pops {
		if len(row) != g.C {
			ps = append(ps, hub.Problem{Row: i + 1, Message: fmt.Sprintf("%d populations for %d columns", len(row), g.C)})
			continue
		}
		for j, p := range row {
			if len(p) == 0 {
				ps = append(ps, hub.Problem{Row: i + 1, Column: g.t.Cols[j], Message: "the cell has no population"})
			}
		}
	}
	if err := hub.Invalid("The table's populations do not fit it", ps); err != nil {
		return nil, err
	}
	gp := make([]Population, len(g.val))
	for i := 0; i < g.R; i++ {
		for j := 0; j < g.C; j++ {
			p := NewPopulation(pops[i][j]...)
			gp[g.idx(i, j)] = p
			gp[g.idx(i, g.C)] = gp[g.idx(i, g.C)].Union(p)
			gp[g.idx(g.R, j)] = gp[g.idx(g.R, j)].Union(p)
			gp[g.idx(g.R, g.C)] = gp[g.idx(g.R, g.C)].Union(p)
		}
	}
	return gp, nil
}

// known is a count the recipient can see: from an earlier table (cur -1)
// or from this one (cur is its entry).
type known struct {
	pop   Population
	count int64
	cur   int
}

// differences returns the shown entries of g that, combined with the
// shown counts of earlier tables, give away a small count:
//
//   - an earlier count whose population is a proper subset or superset of
//     the entry's differs from it by 1 to the threshold less one;
//   - the entry less a disjoint family of shown counts inside it (at least
//     one of them earlier), chosen greedily largest first, leaves such a
//     count;
//   - an earlier count that contains the entry, less the entry and a
//     disjoint family of shown counts inside the rest, leaves such a count.
func (g *grid) differences(gp []Population, prior []LedgerEntry) []int {
	var ks []known
	for _, e := range prior {
		ks = append(ks, known{pop: e.Population, count: e.Count, cur: -1})
	}
	for k, s := range g.status {
		if !s.Suppressed() {
			ks = append(ks, known{pop: gp[k], count: g.val[k], cur: k})
		}
	}
	sort.SliceStable(ks, func(a, b int) bool { return len(ks[a].pop) > len(ks[b].pop) })
	var out []int
	for k, s := range g.status {
		if s != StatusReleased {
			continue
		}
		p, v, thr := gp[k], g.val[k], g.thr[k]
		small := func(d int64) bool { return d >= 1 && d < thr }
		bad := false
		for _, q := range prior {
			switch {
			case strictlyWithin(q.Population, p):
				bad = bad || small(v-q.Count)
			case strictlyWithin(p, q.Population):
				bad = bad || small(q.Count-v)
				sum, _ := family(ks, q.Population, p, k)
				bad = bad || small(q.Count-v-sum)
			}
			if bad {
				break
			}
		}
		if !bad {
			if sum, earlier := family(ks, p, nil, k); earlier {
				bad = small(v - sum)
			}
		}
		if bad {
			out = append(out, k)
		}
	}
	return out
}

// family picks, largest first, shown counts that lie strictly inside
// container, avoid the atoms of exclude and of one another, and are not
// entry self. It returns their sum and whether any is from an earlier table.
func family(ks []known, container, exclude Population, self int) (sum int64, earlier bool) {
	used := map[string]bool{}
	for _, a := range exclude {
		used[a] = true
	}
	for _, x := range ks {
		if x.cur == self && self >= 0 || !strictlyWithin(x.pop, container) {
			continue
		}
		free := true
		for _, a := range x.pop {
			if used[a] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for _, a := range x.pop {
			used[a] = true
		}
		sum += x.count
		earlier = earlier || x.cur < 0
	}
	return sum, earlier
}
