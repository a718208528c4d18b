package figures

import (
	"context"
	"fmt"
	"strings"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/strategy"
)

// Population returns the population of some areas (organisations with a
// population return) by a question's broad groups for a year, as the viewer
// may see it, keyed like table rows, and the areas' names. Populations are
// public, but they too come through the gate and its record.
func (g *Gate) Population(ctx context.Context, viewer hub.Principal, areas []string, question, year string) (map[string]int64, string, error) {
	t, ok := g.src.Theme("population")
	if !ok || len(areas) == 0 {
		return nil, "", nil
	}
	out := map[string]int64{}
	var names []string
	for _, org := range areas {
		v, err := g.Table(ctx, viewer, Request{Theme: t.ID, Measure: t.Measures[0].ID, Question: question, Period: year, Partners: []string{org}, Broad: true})
		if err != nil {
			return nil, "", err
		}
		if len(v.Shown) != 1 {
			return nil, "", nil
		}
		for i, r := range v.Rows[:len(v.Rows)-1] {
			c := v.Table.Cells[i][0]
			if c.Status.Suppressed() {
				continue // the group's rates are then not shown
			}
			out[r.Key] += c.Value
		}
		names = append(names, v.Shown[0].Name)
	}
	return out, strings.Join(names, " and "), nil
}

// Values returns the strategy's measures as one viewer may see them: each
// value read through the gate (the flow decided for the viewer, the value
// from the protected pattern, the read recorded), never from raw returns.
func (g *Gate) Values(ctx context.Context, viewer hub.Principal) strategy.Values {
	return &values{g: g, ctx: ctx, viewer: viewer}
}

type values struct {
	g      *Gate
	ctx    context.Context
	viewer hub.Principal
}

// Value returns a measure's value for a period: the share (per 100) or the
// count of a measure for one answer or broad group, for one organisation or
// the partnership as a whole. It is missing when the viewer may not see the
// data, when the count is withheld, or when there is no return.
func (v *values) Value(ref strategy.IndicatorRef, period string) (float64, bool) {
	x, why := v.g.Indicator(v.ctx, v.viewer, ref, period)
	return x, why == ""
}

// Indicator returns a strategy indicator's value for a period as the viewer
// may see it, or why it cannot be shown, in words.
func (g *Gate) Indicator(ctx context.Context, viewer hub.Principal, ref strategy.IndicatorRef, period string) (float64, string) {
	x, why, _ := g.indicator(ctx, viewer, ref, period)
	return x, why
}

// indicator is Indicator, saying too whether there is simply no return.
func (g *Gate) indicator(ctx context.Context, viewer hub.Principal, ref strategy.IndicatorRef, period string) (x float64, why string, noData bool) {
	t, ok := g.src.Theme(ref.Theme)
	if !ok {
		return 0, "there is no theme " + fmt.Sprintf("%q", ref.Theme), false
	}
	req := Request{Theme: ref.Theme, Measure: ref.Measure, Question: ref.Question, Period: period, Broad: true}
	if ref.OrgID != "" {
		req.Partners = []string{ref.OrgID}
	}
	v, err := g.table(ctx, viewer, req)
	if err != nil {
		return 0, hub.ErrorMessage(err), false
	}
	col := -1
	for j, c := range v.Shown {
		if ref.OrgID == "" && c.All || ref.OrgID != "" && c.OrgID == ref.OrgID {
			col = j
		}
	}
	if ref.OrgID == "" && col < 0 && len(v.Shown) == 1 && len(v.Columns) == 1 {
		col = 0 // one partner holds the theme: it is the partnership's figure
	}
	if col < 0 {
		for _, c := range v.Columns {
			if !c.Shown && c.Why != "" && (ref.OrgID == "" && c.All || c.OrgID == ref.OrgID) {
				return 0, c.Why, c.NoReturn
			}
		}
		return 0, "no return of " + strings.ToLower(t.Name) + " for " + period, true
	}
	key := ref.Group
	if key == "" {
		key = Total
	}
	row := -1
	for i, r := range v.Rows {
		if r.Key == key || r.Key == GroupKey(key) {
			row = i
		}
	}
	if row < 0 {
		// a detailed answer: ask again for the detailed table
		req.Broad = false
		if v, err = g.table(ctx, viewer, req); err != nil {
			return 0, hub.ErrorMessage(err), false
		}
		for i, r := range v.Rows {
			if r.Key == key {
				row = i
			}
		}
		if row < 0 {
			return 0, "there is no group " + fmt.Sprintf("%q", ref.Group), false
		}
	}
	num := pick(v.Table.Cells, v.Table.ColTotals, row, col, len(v.Rows))
	if num.Status.Suppressed() {
		return 0, "withheld to protect small numbers: " + num.Text, false
	}
	if ref.Kind == strategy.KindCount {
		return float64(num.Value), "", false
	}
	den := pick(v.Table.Cells, v.Table.ColTotals, len(v.Rows)-1, col, len(v.Rows)) // a measure that is no part of another: its share of the total
	if v.Of != nil {
		den = pick(v.Of.Cells, v.Of.ColTotals, row, col, len(v.Rows))
	}
	if den.Status.Suppressed() {
		return 0, "withheld to protect small numbers: " + den.Text, false
	}
	if den.Value == 0 {
		return 0, "no one in the group", false
	}
	return 100 * float64(num.Value) / float64(den.Value), "", false
}

// pick returns the cell of a row (the last row: the total) and column.
func pick(cells [][]disclosure.Cell, totals []disclosure.Cell, row, col, rows int) disclosure.Cell {
	if row == rows-1 {
		return totals[col]
	}
	return cells[row][col]
}

// Withheld says why a viewer sees no value of a strategy measure, for the
// latest of the periods that has returns, or "" when they may see it or
// there is simply no data yet.
func (g *Gate) Withheld(ctx context.Context, viewer hub.Principal, m strategy.Measure, periods []string) string {
	for i := len(periods) - 1; i >= 0; i-- {
		if _, why, noData := g.indicator(ctx, viewer, m.Indicator, periods[i]); !noData {
			return why
		}
	}
	return ""
}

// Report returns a stored quarterly report as a viewer may read it: a
// report is made once, by a board member, and read by everyone who reads
// the strategy, so each measure the viewer may not see is blanked and says
// why.
func (g *Gate) Report(ctx context.Context, viewer hub.Principal, r strategy.Report, objectives []strategy.Objective) strategy.Report {
	refs := map[string]strategy.Measure{}
	for _, o := range objectives {
		for _, m := range o.Measures {
			refs[m.ID] = m
		}
	}
	out := r
	out.Objectives = nil
	for _, o := range r.Objectives {
		o.Measures = append([]strategy.MeasureReport(nil), o.Measures...)
		for i, mr := range o.Measures {
			m, ok := refs[mr.ID]
			if !ok || mr.Progress.LatestPeriod == "" {
				continue
			}
			if _, why := g.Indicator(ctx, viewer, m.Indicator, mr.Progress.LatestPeriod); why != "" {
				o.Measures[i].Label += " (not shown to you: " + strings.ToLower(why[:1]) + why[1:] + ")"
				o.Measures[i].Progress = strategy.Progress{Status: strategy.ProgressNotShown}
			}
		}
		out.Objectives = append(out.Objectives, o)
	}
	return out
}
