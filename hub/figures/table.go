package figures

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Request is the table a person asks for.
type Request struct {
	Theme    string
	Measure  string
	Question string
	Period   string   // a quarter, or a year (of a quarterly theme too: its quarters added up)
	Partners []string // organisation IDs; empty: every partner that holds the theme
	Broad    bool     // broad groups rather than detailed answers
}

// Column is one partner's column, or the partnership's.
type Column struct {
	OrgID    string // empty for the partnership's total
	Name     string
	Shown    bool
	Why      string // why it is not shown
	Protocol string // the protocol it is shown under; empty for the viewer's own
	Own      bool
	All      bool // the total of every partner that holds the theme
	NoReturn bool // not shown because there is no return for the period
}

// Row is one row of a table: an answer, a broad group or the total.
type Row struct {
	Key   string // the answer code, GroupKey(group) or Total
	Label string
}

// View is a table as one viewer may see it.
type View struct {
	Theme    monitoring.Theme
	Measure  monitoring.Measure
	Whole    *monitoring.Measure // the measure this one is a part of
	Question monitoring.Question
	Period   monitoring.Period
	Year     bool // a year of a quarterly theme
	Columns  []Column
	Shown    []Column
	Rows     []Row
	Table    disclosure.Protected  // the measure: Rows × Shown, with each column's total
	Of       *disclosure.Protected // the whole, laid out the same; nil without a whole
	// Threshold is the partnership's threshold for the question.
	Threshold int
}

// Table returns one measure of a theme by one characteristic for one
// period, for each partner the viewer may see and the partnership, with its
// whole when the measure is a part of one.
func (g *Gate) Table(ctx context.Context, viewer hub.Principal, req Request) (View, error) {
	if err := hub.Authorize(g.auth, viewer, PermRead, viewer.OrgID); err != nil {
		return View{}, err
	}
	return g.table(ctx, viewer, req)
}

// table assembles a table with each partner's flow decided for the viewer;
// the strategy's readers, who may not ask for tables, reach it through
// Indicator, under the same flows.
func (g *Gate) table(ctx context.Context, viewer hub.Principal, req Request) (View, error) {
	t, ok := g.src.Theme(req.Theme)
	if !ok {
		return View{}, invalid("theme", "Choose a theme")
	}
	v := View{Theme: t}
	period, err := monitoring.ParsePeriod(req.Period, t.Frequency)
	if err != nil && t.Frequency == monitoring.Quarterly {
		if y, yerr := monitoring.ParsePeriod(req.Period, monitoring.Annual); yerr == nil {
			period, err, v.Year = y, nil, true
		}
	}
	if err != nil {
		return View{}, invalid("period", hub.ErrorMessage(err))
	}
	v.Period = period
	mi := slices.IndexFunc(t.Measures, func(m monitoring.Measure) bool { return m.ID == req.Measure })
	if mi < 0 {
		mi = 0
	}
	v.Measure = t.Measures[mi]
	wi := -1
	if v.Measure.Of != "" {
		wi = slices.IndexFunc(t.Measures, func(m monitoring.Measure) bool { return m.ID == v.Measure.Of })
		w := t.Measures[wi]
		v.Whole = &w
	}
	p, err := g.pattern(ctx, t, yearOf(period))
	if err != nil {
		return View{}, err
	}
	qi := slices.IndexFunc(p.layout.Questions, func(q monitoring.Question) bool { return q.Key == req.Question })
	if qi < 0 {
		return View{}, invalid("question", "Choose a characteristic "+t.Name+" is broken down by")
	}
	v.Question = p.layout.Questions[qi]
	v.Threshold = g.threshold(t.ID)
	if v.Question.Sensitive {
		v.Threshold = max(v.Threshold, SensitiveThreshold)
	}
	v.Rows = rowsOf(v.Question, req.Broad)
	ti := Year
	if !v.Year && t.Frequency == monitoring.Quarterly {
		ti = slices.Index(p.periods, period)
	} else if t.Frequency != monitoring.Quarterly {
		ti = 0
	}

	partners := p.partners
	if len(req.Partners) > 0 {
		partners = nil
		for _, id := range req.Partners {
			if _, err := g.dir.Organisation(id); err != nil {
				return View{}, invalid("partner", "There is no partner "+fmt.Sprintf("%q", id))
			}
			partners = append(partners, id)
		}
	}
	var reads []read
	var cols []int // partner index per shown column; AllPartners for the total
	allVisible := len(p.partners) > 1
	for _, org := range p.partners {
		if _, ok, _, err := g.flow(viewer, org, t.ID); err != nil {
			return View{}, err
		} else if !ok {
			allVisible = false
		}
	}
	for _, org := range partners {
		pi := slices.Index(p.partners, org)
		c := Column{OrgID: org, Name: g.name(org), Own: viewer.SignedIn() && viewer.OrgID == org}
		protocol, ok, why, err := g.flow(viewer, org, t.ID)
		switch {
		case err != nil:
			return View{}, err
		case !ok:
			c.Why = why
			if err := g.refuse(ctx, viewer, org, t.ID, string(period)); err != nil {
				return View{}, err
			}
		case pi >= 0 && !p.holds(pi, ti, v.Question.Key) && p.heldApart(pi, ti, v.Question.Key):
			c.Why, c.NoReturn = c.Name+"'s return of "+t.Name+" for "+string(period)+" was made under an earlier version of the monitoring standard, whose answers about "+
				strings.ToLower(v.Question.Label)+" differ from standard "+p.layout.Standard.Version+"'s: it cannot be set beside the others for this question", true
		case pi < 0 || !p.holds(pi, ti, v.Question.Key):
			c.Why, c.NoReturn = c.Name+" has no return of "+t.Name+" for "+string(period), true
		default:
			c.Shown, c.Protocol = true, protocol
			cols = append(cols, pi)
			v.Shown = append(v.Shown, c)
			if !c.Own {
				reads = append(reads, read{org, t.ID, string(period), protocol})
			}
		}
		v.Columns = append(v.Columns, c)
	}
	if len(p.partners) > 1 && len(req.Partners) == 0 {
		c := Column{Name: "All partners", All: true}
		if allVisible {
			c.Shown = true
			cols = append(cols, AllPartners)
			v.Shown = append(v.Shown, c)
			for _, org := range p.partners {
				if !(viewer.SignedIn() && viewer.OrgID == org) && !slices.ContainsFunc(reads, func(r read) bool { return r.owner == org }) {
					protocol, _, _, _ := g.flow(viewer, org, t.ID)
					reads = append(reads, read{org, t.ID, string(period), protocol})
				}
			}
		} else {
			c.Why = "The partnership's total is shown to those who may see every partner's " + strings.ToLower(t.Name) + " data"
		}
		v.Columns = append(v.Columns, c)
	}
	if len(v.Shown) == 0 {
		return v, nil
	}
	v.Table = g.lay(p, viewer, v, qi, mi, ti, cols)
	if wi >= 0 {
		w := g.lay(p, viewer, v, qi, wi, ti, cols)
		v.Of = &w
	}
	detail := fmt.Sprintf("%s by %s, %s", v.Measure.Label, v.Question.Label, period)
	if err := g.record(ctx, viewer, reads, detail); err != nil {
		return View{}, err
	}
	return v, nil
}

// holds reports whether partner pi holds a return for period index ti
// (Year: any quarter of the year) that can be set beside the others for a
// question.
func (p *protected) holds(pi, ti int, question string) bool {
	for k := range p.periods {
		if (ti == Year || k == ti) && p.held[[2]int{pi, k}] && !p.apart[apartKey{question, pi, k}] {
			return true
		}
	}
	return false
}

// heldApart reports whether partner pi holds a return for period index ti
// (Year: any quarter) made under an earlier version of the standard whose
// answers to a question differ from the current version's.
func (p *protected) heldApart(pi, ti int, question string) bool {
	for k := range p.periods {
		if (ti == Year || k == ti) && p.apart[apartKey{question, pi, k}] {
			return true
		}
	}
	return false
}

// lay lays out one measure's cells for the shown columns.
func (g *Gate) lay(p *protected, viewer hub.Principal, v View, qi, mi, ti int, cols []int) disclosure.Protected {
	out := disclosure.Protected{Statement: Statement(v.Threshold)}
	for _, c := range v.Shown {
		out.Cols = append(out.Cols, c.Name)
	}
	body := v.Rows[:len(v.Rows)-1] // the last row is the total
	q := v.Question
	for _, r := range body {
		out.Rows = append(out.Rows, r.Label)
		line := make([]disclosure.Cell, len(cols))
		for j, pi := range cols {
			line[j] = g.cell(p, viewer, q, qi, mi, pi, r.Key, ti)
		}
		out.Cells = append(out.Cells, line)
	}
	for _, pi := range cols {
		out.ColTotals = append(out.ColTotals, g.cell(p, viewer, q, qi, mi, pi, Total, ti))
	}
	return out
}

// cell returns one cell as the viewer may see it: their own organisation's
// exactly, anyone else's as the pattern releases it.
func (g *Gate) cell(p *protected, viewer hub.Principal, q monitoring.Question, qi, mi, pi int, key string, ti int) disclosure.Cell {
	if pi != AllPartners && viewer.SignedIn() && p.partners[pi] == viewer.OrgID {
		return own(p.raw(qi, mi, pi, answersOf(q, key), ti))
	}
	if c, ok := p.cell(cellKey{q.Key, mi, pi, key, ti}); ok {
		return c
	}
	return disclosure.Cell{Status: disclosure.StatusZero, Text: "0"} // no return holds anyone in it
}

// raw adds up a partner's own counts.
func (p *protected) raw(qi, mi, pi int, answers []int, ti int) int64 {
	var n int64
	for k := range p.periods {
		if ti != Year && k != ti {
			continue
		}
		id, ok := p.returns[p.partners[pi]+"/"+string(p.periods[k])]
		if !ok {
			continue
		}
		r := p.byID[id]
		for _, ai := range answers {
			n += r.Counts[p.layout.Index(qi, ai, mi)]
		}
	}
	return n
}

// answersOf returns the answers a row key adds up.
func answersOf(q monitoring.Question, key string) []int {
	var out []int
	for ai, a := range q.Answers() {
		if key == Total || a.Code == key || GroupKey(a.Group) == key {
			out = append(out, ai)
		}
	}
	return out
}

// rowsOf returns a question's rows: its answers, or its broad groups, then
// the total.
func rowsOf(q monitoring.Question, broad bool) []Row {
	var rows []Row
	answers := q.Answers()
	if broad && len(q.Groups) > 0 {
		for _, grp := range q.Groups {
			var in []monitoring.Category
			for _, a := range answers {
				if a.Group == grp.Code {
					in = append(in, a)
				}
			}
			switch len(in) {
			case 0:
			case 1:
				rows = append(rows, Row{Key: in[0].Code, Label: grp.Label})
			default:
				rows = append(rows, Row{Key: GroupKey(grp.Code), Label: grp.Label})
			}
		}
		for _, a := range answers[len(q.Categories):] {
			rows = append(rows, Row{Key: a.Code, Label: a.Label})
		}
	} else {
		for _, a := range answers {
			rows = append(rows, Row{Key: a.Code, Label: a.Label})
		}
	}
	return append(rows, Row{Key: Total, Label: "Total"})
}

// Statement says in words what the partnership's rules do to a table.
func Statement(threshold int) string {
	return fmt.Sprintf("Counts from 1 to %d of other partners are not shown; they read \"fewer than %d\". Zeros are shown. "+
		"Where a hidden count could be worked out from anything else the partnership shows (totals, broad groups, the year, the partnership's total), "+
		"further counts are withheld; they read \"withheld to protect small counts\", as do small counts whose label would give them away. "+
		"Answers within a broad group are shown by year, not by quarter. The same counts are withheld whoever asks. Your own organisation's counts are never withheld from you.",
		threshold-1, threshold)
}
