package figures

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// PartnerThreshold and SensitiveThreshold are the partnership's rules,
// kept with the disclosure engine.
const (
	PartnerThreshold   = disclosure.PartnerThreshold
	SensitiveThreshold = disclosure.SensitiveThreshold
)

// Total is the answer key of a question's total, every answer together.
const Total = "total"

// GroupKey returns the answer key of a broad group.
func GroupKey(code string) string { return "group:" + code }

// AllPartners is the partner index of the partnership's total over every
// partner that holds a return.
const AllPartners = -1

// Year is the period index of a whole year.
const Year = -1

// cellKey names one cell of a protected theme and year.
type cellKey struct {
	question string
	measure  int
	partner  int // index into partners, or AllPartners
	answer   string
	period   int // index into periods, or Year
}

// protected is the pattern of one theme and year: every cell that can be
// derived from the partners' returns, decided once for every recipient.
type protected struct {
	key      string
	theme    monitoring.Theme
	layout   *monitoring.Layout
	year     monitoring.Period
	partners []string                     // organisations that hold a return of the theme in the year
	periods  []monitoring.Period          // the quarters, or the year alone
	held     map[[2]int]bool              // partner, period → a return is held
	cells    map[cellKey]disclosure.Cell  // as anyone but the owner may see it
	raws     map[cellKey]int64            // the counts, never shown but to their owner
	returns  map[string]string            // org/period → return ID used
	byID     map[string]monitoring.Return // in layout, translated from an earlier version where made under one
	apart    map[apartKey]bool            // a return held that cannot be set beside the others for a question
	released int                          // cells shown, for the record
}

// apartKey names a question of a partner's return for a period.
type apartKey struct {
	question        string
	partner, period int
}

// yearOf returns the financial year a period belongs to.
func yearOf(p monitoring.Period) monitoring.Period {
	s := string(p)
	if len(s) > 7 {
		s = s[:7]
	}
	return monitoring.Period(s)
}

// periodsOf returns the periods of a theme's returns within a year.
func periodsOf(t monitoring.Theme, year monitoring.Period) []monitoring.Period {
	if t.Frequency != monitoring.Quarterly {
		return []monitoring.Period{year}
	}
	return []monitoring.Period{year + "-Q1", year + "-Q2", year + "-Q3", year + "-Q4"}
}

// snapshot is the returns a pattern is made from.
type snapshot struct {
	partners []string
	returns  [][]*monitoring.Return // partner × period, in the layout of the current standard; nil where none
	apart    map[apartKey]bool      // questions a return made under an earlier version cannot be set beside for
	key      string
}

// snapshot takes the current return of each partner and period. A return
// made under an earlier version of the standard is laid out as if made
// under the current one, for each question whose answers are the same in
// both; for any other question it is held apart, as if there were none.
func (g *Gate) snapshot(t monitoring.Theme, l *monitoring.Layout, year monitoring.Period, threshold int) snapshot {
	periods := periodsOf(t, year)
	std := l.Standard
	var sn snapshot
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%d|", t.ID, year, std.Version, threshold)
	for _, o := range g.dir.Organisations() {
		row := make([]*monitoring.Return, len(periods))
		var apart []apartKey // partner not yet known
		for k, p := range periods {
			r, ok := g.src.Latest(o.ID, t.ID, p)
			if !ok {
				continue
			}
			if r.Standard != std.Version {
				from, err := g.src.Layout(t.ID, r.Standard)
				if err != nil {
					continue
				}
				var comparable []bool
				r.Counts, comparable = monitoring.Translate(from, l, r.Counts)
				if !slices.Contains(comparable, true) {
					continue
				}
				for qi, ok := range comparable {
					if !ok {
						apart = append(apart, apartKey{question: l.Questions[qi].Key, period: k})
					}
				}
			}
			row[k] = &r
			fmt.Fprintf(h, "%s/%s=%s|", o.ID, p, r.ID)
		}
		if slices.ContainsFunc(row, func(r *monitoring.Return) bool { return r != nil }) {
			pi := len(sn.partners)
			sn.partners = append(sn.partners, o.ID)
			sn.returns = append(sn.returns, row)
			for _, a := range apart {
				if sn.apart == nil {
					sn.apart = map[apartKey]bool{}
				}
				a.partner = pi
				sn.apart[a] = true
			}
		}
	}
	sn.key = hex.EncodeToString(h.Sum(nil))
	return sn
}

// build protects a theme and year: for each partner, question and measure,
// every cell that may be shown (detailed answers, broad groups and the
// total, each quarter and the year) together; then the partnership's
// total over partners, shown only where every partner's part of it is
// shown, so that it gives nothing away to anyone, whatever they hold of
// their own.
func build(t monitoring.Theme, l *monitoring.Layout, year monitoring.Period, sn snapshot, threshold int, clash func(name, question string, v int64) bool) (*protected, error) {
	periods := periodsOf(t, year)
	p := &protected{key: sn.key, theme: t, layout: l, year: year, partners: sn.partners, periods: periods,
		held: map[[2]int]bool{}, cells: map[cellKey]disclosure.Cell{}, raws: map[cellKey]int64{}, returns: map[string]string{}, byID: map[string]monitoring.Return{}, apart: sn.apart}
	for pi, row := range sn.returns {
		for ti, r := range row {
			if r != nil {
				p.held[[2]int{pi, ti}] = true
				p.returns[sn.partners[pi]+"/"+string(periods[ti])] = r.ID
				p.byID[r.ID] = *r
			}
		}
	}
	for qi, q := range l.Questions {
		thr := int64(threshold)
		if q.Sensitive {
			thr = max(thr, SensitiveThreshold)
		}
		answers := q.Answers()
		// Broad groups of two or more answers; a group of one is its answer.
		groupOf := make([]int, len(answers))
		var groups []string
		for ai := range groupOf {
			groupOf[ai] = -1
		}
		for _, grp := range q.Groups {
			var in []int
			for ai, a := range answers {
				if a.Group == grp.Code {
					in = append(in, ai)
				}
			}
			if len(in) > 1 {
				for _, ai := range in {
					groupOf[ai] = len(groups)
				}
				groups = append(groups, grp.Code)
			}
		}
		low := map[int]bool{}
		for ai, a := range answers {
			if a.Code == monitoring.NotKnown || a.Code == monitoring.PreferNotToSay {
				low[ai] = true
			}
		}
		key := func(lv disclosure.Level) (string, int) {
			answer := Total
			switch {
			case lv.Answer >= 0:
				answer = answers[lv.Answer].Code
			case lv.Group >= 0:
				answer = GroupKey(groups[lv.Group])
			}
			period := lv.Period
			if len(periods) > 1 && lv.Period < 0 {
				period = Year
			}
			return answer, period
		}
		whole := wholes(t)
		linked := slices.ContainsFunc(whole, func(w int) bool { return w >= 0 })
		for pi, row := range sn.returns {
			// A return held apart for this question counts as none for it.
			row := slices.Clone(row)
			for ti := range row {
				if sn.apart[apartKey{q.Key, pi, ti}] {
					row[ti] = nil
				}
			}
			shownBefore := func(mi int, lv disclosure.Level, v int64) bool {
				if clash == nil {
					return false
				}
				answer, period := key(lv)
				return clash(p.releaseKey(cellKey{q.Key, mi, pi, answer, period}), q.Key, v)
			}
			pats, err := protectMeasures(t, whole, shownBefore, func(mi int) disclosure.Hierarchy {
				h := disclosure.Hierarchy{Group: groupOf, Groups: len(groups), Threshold: thr, Low: low, YearOnly: true, YearHidden: slices.Contains(row, nil), Veil: linked}
				for ai := range answers {
					line := make([]int64, len(periods))
					for ti, r := range row {
						if r != nil {
							line[ti] = r.Counts[l.Index(qi, ai, mi)]
						}
					}
					h.Counts = append(h.Counts, line)
				}
				return h
			})
			if err != nil {
				return nil, err
			}
			for mi, pat := range pats {
				for lv, c := range pat.pattern.Cells {
					answer, period := key(lv)
					k := cellKey{q.Key, mi, pi, answer, period}
					p.cells[k] = c
					p.raws[k] = rawOf(pat.h, lv)
				}
			}
		}
		// The partnership's total, cell by cell.
		if len(sn.partners) < 2 {
			continue
		}
		for k := range p.cells {
			if k.question != q.Key || k.partner != 0 {
				continue
			}
			all := cellKey{k.question, k.measure, AllPartners, k.answer, k.period}
			var v int64
			shown := true
			for pi := range sn.partners {
				pk := cellKey{k.question, k.measure, pi, k.answer, k.period}
				v += p.raws[pk]
				if p.cells[pk].Status.Suppressed() {
					shown = false
				}
			}
			p.raws[all] = v
			// A withheld total says nothing of its size: a partner that
			// knows its own part would otherwise learn the others' from
			// "fewer than 5".
			switch {
			case v == 0:
				p.cells[all] = disclosure.Cell{Status: disclosure.StatusZero, Text: "0"}
			case shown:
				p.cells[all] = word(disclosure.StatusReleased, v, thr)
			default:
				p.cells[all] = disclosure.Cell{Status: disclosure.StatusSuppressedSecondary, Text: disclosure.TextWithheld}
			}
		}
	}
	for _, c := range p.cells {
		if !c.Status.Suppressed() {
			p.released++
		}
	}
	return p, nil
}

// wholes gives, for each measure, the index of the measure it is a part
// of, or -1.
func wholes(t monitoring.Theme) []int {
	out := make([]int, len(t.Measures))
	for mi, m := range t.Measures {
		out[mi] = -1
		for wi, w := range t.Measures {
			if m.Of != "" && w.ID == m.Of {
				out[mi] = wi
			}
		}
	}
	return out
}

type measurePattern struct {
	h       disclosure.Hierarchy
	pattern disclosure.HierarchyPattern
}

// protectMeasures protects one partner's measures of one question
// together: a part (arrests) is never more than its whole (searches), so
// what a recipient can work out of one bounds the other. Each measure is
// protected knowing the ranges the others leave; a cell withheld in one
// round stays withheld, so the rounds settle.
//
// shownBefore reports whether a cell's count is a small difference away
// from a count shown of it before: such a cell is withheld.
func protectMeasures(t monitoring.Theme, whole []int, shownBefore func(mi int, lv disclosure.Level, v int64) bool, hierarchy func(mi int) disclosure.Hierarchy) ([]measurePattern, error) {
	out := make([]measurePattern, len(t.Measures))
	withheld := make([]map[disclosure.Level]bool, len(t.Measures))
	for mi := range out {
		out[mi].h = hierarchy(mi)
		withheld[mi] = map[disclosure.Level]bool{}
	}
	final := make([]disclosure.Hierarchy, len(out))
	for round := 0; round < 2*len(t.Measures)+2; round++ {
		changed := false
		for mi := range out {
			h := out[mi].h
			h.Withhold = withheld[mi]
			if w := whole[mi]; w >= 0 && out[w].pattern.High != nil {
				h.Ceil = out[w].pattern.High
			}
			for pi, w := range whole {
				if w == mi && out[pi].pattern.Low != nil {
					if h.Floor == nil {
						h.Floor = map[disclosure.Level]int64{}
					}
					for lv, lo := range out[pi].pattern.Low {
						h.Floor[lv] = max(h.Floor[lv], lo)
					}
				}
			}
			final[mi] = h
			pat, err := disclosure.ProtectHierarchy(h)
			if err != nil {
				return nil, err
			}
			for lv, c := range pat.Cells {
				if withheld[mi][lv] {
					continue
				}
				if c.Status == disclosure.StatusSuppressedSecondary && c.Text == disclosure.TextWithheld ||
					!c.Status.Suppressed() && shownBefore(mi, lv, rawOf(h, lv)) {
					withheld[mi][lv], changed = true, true
				}
			}
			if out[mi].pattern.Low == nil || !sameRanges(out[mi].pattern, pat) {
				changed = true
			}
			out[mi].pattern = pat
		}
		if !changed {
			break
		}
	}
	// The ranges exchanged above miss what parts and wholes say together:
	// audit them jointly, and withhold more where a small count is pinned.
	if slices.ContainsFunc(whole, func(w int) bool { return w >= 0 }) {
		pats, err := disclosure.ProtectJointly(final, whole)
		if err != nil {
			return nil, err
		}
		for mi := range out {
			out[mi].pattern = pats[mi]
		}
	}
	return out, nil
}

func sameRanges(a, b disclosure.HierarchyPattern) bool {
	for lv, lo := range a.Low {
		if b.Low[lv] != lo || b.High[lv] != a.High[lv] {
			return false
		}
	}
	return len(a.Low) == len(b.Low)
}

// rawOf adds up the counts a level of a hierarchy covers.
func rawOf(h disclosure.Hierarchy, lv disclosure.Level) int64 {
	var n int64
	for a, line := range h.Counts {
		if lv.Answer >= 0 && a != lv.Answer || lv.Answer < 0 && lv.Group >= 0 && h.Group[a] != lv.Group {
			continue
		}
		for t, v := range line {
			if lv.Period < 0 || t == lv.Period {
				n += v
			}
		}
	}
	return n
}

// cell returns a protected cell as a recipient other than its owner sees it.
func (p *protected) cell(k cellKey) (disclosure.Cell, bool) {
	c, ok := p.cells[k]
	return c, ok
}

// word says a cell's value as it may be shown.
func word(st disclosure.Status, v, threshold int64) disclosure.Cell {
	switch st {
	case disclosure.StatusZero:
		return disclosure.Cell{Status: st, Text: "0"}
	case disclosure.StatusSuppressedPrimary:
		return disclosure.Cell{Status: st, Text: "fewer than " + hub.Thousands(threshold)}
	case disclosure.StatusSuppressedSecondary:
		return disclosure.Cell{Status: st, Text: disclosure.TextWithheld}
	}
	return disclosure.Cell{Value: v, Status: disclosure.StatusReleased, Text: hub.Thousands(v)}
}
