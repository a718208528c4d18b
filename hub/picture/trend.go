package picture

import (
	"context"
	"slices"
	"strings"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Trend is one measure of a theme over several periods: for each partner
// shown in any of them and each row, its figures period by period, as the
// gate releases them for each period.
type Trend struct {
	Request  Request // the periods' common request; its Period is unused
	Theme    monitoring.Theme
	Measure  monitoring.Measure
	Whole    *monitoring.Measure // nil: shares are of each partner's total
	Question monitoring.Question
	Periods  []monitoring.Period // as asked, in order
	// Unread says, per period, why the gate gave no table; empty when it did.
	Unread []string
	// Partners are the columns shown in any period: in the order asked,
	// or the gate's order with the partnership's total last.
	Partners []Column
	// Rows are the table's rows, the total last.
	Rows []figures.Row
	// Points are indexed by partner, row and period.
	Points [][][]Point
}

// Point is one partner's figure for one row and period.
type Point struct {
	Period monitoring.Period
	// Held is false when the partner's column was not shown for the
	// period (no return, or no table); Why then says why in words.
	Held     bool
	Why      string
	NoReturn bool // not held because the partner has no return for the period
	// Count is the measure's count as released, withheld ones withheld.
	Count disclosure.Cell
	// Share is the count per 100 of the whole (the measure it is a part
	// of), or without a whole per 100 of the partner's total for the
	// period; withheld when a count it needs is withheld. For the total
	// row without a whole it is the count itself.
	Share disclosure.RateCell
}

// OK reports whether the point has a share to draw.
func (p Point) OK() bool {
	return p.Held && !p.Share.Status.Suppressed() && !p.NoRate()
}

// Withheld reports whether the point's share is withheld to protect small counts.
func (p Point) Withheld() bool { return p.Held && p.Share.Status.Suppressed() }

// NoRate reports whether the share has no value because its whole is 0.
func (p Point) NoRate() bool {
	return p.Held && p.Share.Status == disclosure.StatusZero && strings.HasPrefix(p.Share.Text, "no rate")
}

// Trend returns the picture's measure for each of the periods, asking the
// gate for one table a period with the same theme, measure, question,
// grouping and partners: each period's figures are protected and recorded
// as that period's table is. A period the gate has no table for (it is not
// one of the theme's, say) is said in Unread; other errors end the trend.
func (s *Service) Trend(ctx context.Context, actor hub.Principal, req Request, periods []string) (Trend, error) {
	tr := Trend{Request: req}
	type key struct {
		org string
		all bool
	}
	var views []*figures.View
	for _, p := range periods {
		r := req
		r.Period = p
		tr.Periods = append(tr.Periods, monitoring.Period(p))
		v, err := s.gate.Table(ctx, actor, r)
		if err != nil {
			if !hub.IsCode(err, hub.CodeInvalid) {
				return Trend{}, err
			}
			tr.Unread = append(tr.Unread, hub.ErrorMessage(err))
			views = append(views, nil)
			continue
		}
		tr.Unread = append(tr.Unread, "")
		views = append(views, &v)
		if tr.Rows == nil {
			tr.Theme, tr.Measure, tr.Whole, tr.Question, tr.Rows = v.Theme, v.Measure, v.Whole, v.Question, v.Rows
		}
	}
	// The partners: every column shown in any period.
	var keys []key
	for _, v := range views {
		if v == nil {
			continue
		}
		for _, c := range v.Shown {
			k := key{c.OrgID, c.All}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
				tr.Partners = append(tr.Partners, c)
			}
		}
	}
	order := func(c Column) int {
		if c.All {
			return len(req.Partners) + 1
		}
		if i := slices.Index(req.Partners, c.OrgID); i >= 0 {
			return i
		}
		return len(req.Partners)
	}
	slices.SortStableFunc(tr.Partners, func(a, b Column) int { return order(a) - order(b) })
	for _, c := range tr.Partners {
		byRow := make([][]Point, len(tr.Rows))
		for i, row := range tr.Rows {
			for pi, v := range views {
				byRow[i] = append(byRow[i], pointOf(v, tr.Unread[pi], tr.Periods[pi], c, row))
			}
		}
		tr.Points = append(tr.Points, byRow)
	}
	return tr, nil
}

// pointOf picks one partner's figure for one row out of a period's view.
func pointOf(v *figures.View, unread string, period monitoring.Period, c Column, row figures.Row) Point {
	pt := Point{Period: period}
	if v == nil {
		pt.Why = unread
		return pt
	}
	j := slices.IndexFunc(v.Shown, func(s Column) bool { return s.OrgID == c.OrgID && s.All == c.All })
	if j < 0 {
		pt.Why = "not shown for " + string(period)
		for _, col := range v.Columns {
			if col.OrgID == c.OrgID && col.All == c.All && col.Why != "" {
				pt.Why, pt.NoReturn = col.Why, col.NoReturn
			}
		}
		return pt
	}
	i := slices.IndexFunc(v.Rows, func(r figures.Row) bool { return r.Key == row.Key })
	if i < 0 {
		pt.Why = "not asked in " + string(period)
		return pt
	}
	pt.Held = true
	last := len(v.Rows) - 1
	cell := func(t *disclosure.Protected) disclosure.Cell {
		if i == last {
			return t.ColTotals[j]
		}
		return t.Cells[i][j]
	}
	pt.Count = cell(&v.Table)
	switch {
	case v.Of != nil:
		pt.Share = disclosure.Rate(pt.Count, cell(v.Of), 100)
	case i == last:
		pt.Share = disclosure.RateCell{Value: float64(pt.Count.Value), Status: pt.Count.Status, Text: pt.Count.Text}
	default:
		pt.Share = disclosure.Rate(pt.Count, v.Table.ColTotals[j], 100)
	}
	return pt
}
