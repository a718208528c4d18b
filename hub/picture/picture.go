// Package picture assembles the partnership picture: one theme's counts for
// the partners a viewer may see side by side, with the indicators worked
// out from them. Every figure comes through the gate (hub/figures), so the
// picture shows only what the protected pattern releases, and its own
// organisation's figures in full; indicators are worked out from shown
// figures only, so they can give nothing more away.
package picture

import (
	"context"
	"fmt"
	"strings"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/indicators"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// PermRead lets a person ask for the partnership picture.
var PermRead = figures.PermRead

// Request is what a person asks to see.
type Request = figures.Request

// Column is one partner's column.
type Column = figures.Column

// Result is a protected table and its indicators.
type Result struct {
	Request  Request
	Theme    monitoring.Theme
	Measure  monitoring.Measure
	Whole    *monitoring.Measure // the measure this one is a part of, for rates
	Question monitoring.Question
	Period   monitoring.Period
	Columns  []Column // every partner holding the theme, and the partnership
	Shown    []Column // the columns of the table, in order
	Rows     []figures.Row
	Table    disclosure.Protected
	Of       *disclosure.Protected   // the whole, laid out the same
	Rates    [][]disclosure.RateCell // row by shown column: Measure of Whole, per 100; nil without a whole
	// Gaps, per shown column: the White group's share less other ethnic
	// groups'; only with broad groups of ethnicity and a whole.
	Gaps          []indicators.Value
	GapDefinition string
	// Against the population: each partner's rate per 1,000 people of
	// each group of the population it serves, and its ratio to White
	// people's, for themes by ethnic group in broad groups.
	Population      string
	Disproportions  []Disproportion
	RateDefinition  string
	RatioDefinition string
	// RateHeading and RatioHeading name the two figures of each group:
	// a rate per 1,000 people and its ratio to White people's, or for the
	// workforce, the share of staff and its ratio to the share of residents.
	RateHeading, RatioHeading string
}

// Disproportion is one partner's rates by broad group against the population.
type Disproportion struct {
	Partner    string
	Population string // whose population, and which year
	Groups     []GroupRate
}

// GroupRate is one broad group's rate per 1,000 people and its ratio to the reference group's.
type GroupRate struct {
	Group string
	Rate  indicators.Value
	Ratio indicators.Value // against White; not OK for the White group itself
}

// Service assembles pictures.
type Service struct {
	gate *figures.Gate
	dir  *directory.Service
}

// NewService returns the picture service.
func NewService(gate *figures.Gate, dir *directory.Service) *Service {
	return &Service{gate: gate, dir: dir}
}

// Table assembles the picture a principal asked for.
func (s *Service) Table(ctx context.Context, actor hub.Principal, req Request) (Result, error) {
	v, err := s.gate.Table(ctx, actor, req)
	if err != nil {
		return Result{}, err
	}
	res := Result{Request: req, Theme: v.Theme, Measure: v.Measure, Whole: v.Whole, Question: v.Question, Period: v.Period,
		Columns: v.Columns, Shown: v.Shown, Rows: v.Rows, Table: v.Table, Of: v.Of}
	if len(v.Shown) == 0 {
		return res, nil
	}
	if v.Of != nil {
		for i := range v.Table.Rows {
			var line []disclosure.RateCell
			for j := range v.Shown {
				line = append(line, disclosure.Rate(v.Table.Cells[i][j], v.Of.Cells[i][j], 100))
			}
			res.Rates = append(res.Rates, line)
		}
		if v.Question.Key == "ethnicity" && req.Broad {
			res.GapDefinition = "The share of White people who are " + strings.ToLower(v.Measure.Label) + " minus the share of people of all other ethnic groups, in percentage points, with its 95% interval; prefer not to say and not known are left out. Worked out from the figures shown only."
			for j := range v.Shown {
				res.Gaps = append(res.Gaps, gap(v, j))
			}
		}
	}
	if v.Question.Key == "ethnicity" && req.Broad && v.Theme.Area != "population" {
		s.disproportion(ctx, actor, &res, v)
	}
	return res, nil
}

// gap works out the White vs other groups gap of column j from shown cells.
func gap(v figures.View, j int) indicators.Value {
	var wn, wd, on, od int64
	for i, r := range v.Rows[:len(v.Rows)-1] {
		if r.Key == monitoring.NotKnown || r.Key == monitoring.PreferNotToSay {
			continue
		}
		n, d := v.Table.Cells[i][j], v.Of.Cells[i][j]
		if n.Status.Suppressed() || d.Status.Suppressed() {
			return indicators.Value{Reason: "withheld: a count it needs is withheld"}
		}
		if r.Key == figures.GroupKey("white") {
			wn, wd = wn+n.Value, wd+d.Value
		} else {
			on, od = on+n.Value, od+d.Value
		}
	}
	if wd == 0 || od == 0 {
		return indicators.Value{Reason: "no gap: a group has no one in it"}
	}
	return indicators.ProportionGap(wn, wd, on, od)
}

// disproportion sets each shown partner's rate per 1,000 people of each
// broad ethnic group of the population it serves, and the ratio to White
// people's, from shown counts and the population (which is public).
func (s *Service) disproportion(ctx context.Context, actor hub.Principal, res *Result, v figures.View) {
	year := string(v.Period)[:7]
	workforce := v.Theme.Area == "workforce"
	res.RateDefinition, res.RatioDefinition = rateDefinition(v), indicators.StopSearchDisproportionalityDefinition
	res.RateHeading, res.RatioHeading = "Per 1,000 people", "Compared with White people"
	switch {
	case workforce:
		res.RateDefinition = "Representation: the group's share of " + strings.ToLower(v.Measure.Label) + " whose ethnic group is known, beside its share of the residents of the area the partner serves."
		res.RatioDefinition = "The ratio is the share of staff divided by the share of residents: 1 means the workforce reflects the area, below 1 that the group is under-represented."
		res.RateHeading, res.RatioHeading = "Share (%)", "Compared with the share of residents"
	case v.Theme.ID != "stop-and-search":
		res.RatioDefinition = "The ratio is the group's rate divided by White people's rate: 1 means the same rate, 2 twice as high."
	}
	for j, c := range v.Shown {
		areas := s.areasOf(c)
		pop, name, err := s.gate.Population(ctx, actor, areas, "ethnicity", year)
		if err != nil || pop == nil {
			continue
		}
		d := Disproportion{Partner: c.Name, Population: name + ", " + year}
		white := -1
		for i, r := range v.Rows {
			if r.Key == figures.GroupKey("white") {
				white = i
			}
		}
		// For representation, the staff and residents whose group is known.
		var staffKnown, popKnown int64
		allShown := true
		for i, r := range v.Rows[:len(v.Rows)-1] {
			if r.Key == monitoring.NotKnown || r.Key == monitoring.PreferNotToSay {
				continue
			}
			if v.Table.Cells[i][j].Status.Suppressed() {
				allShown = false
			}
			staffKnown, popKnown = staffKnown+v.Table.Cells[i][j].Value, popKnown+pop[r.Key]
		}
		for i, r := range v.Rows[:len(v.Rows)-1] {
			if r.Key == monitoring.NotKnown || r.Key == monitoring.PreferNotToSay {
				continue
			}
			gr := GroupRate{Group: r.Label}
			n, p := v.Table.Cells[i][j], pop[r.Key]
			if workforce {
				if !allShown {
					gr.Rate = indicators.Value{Reason: "withheld: a count it needs is withheld"}
					gr.Ratio = gr.Rate
				} else {
					gr.Rate = indicators.RatePer(n.Value, staffKnown, 100)
					gr.Ratio = indicators.Representation(n.Value, staffKnown, p, popKnown)
				}
				d.Groups = append(d.Groups, gr)
				continue
			}
			switch {
			case n.Status.Suppressed():
				gr.Rate = indicators.Value{Reason: "withheld: the count is withheld"}
				gr.Ratio = gr.Rate
			case p == 0:
				gr.Rate = indicators.Value{Reason: "no population figure for the group"}
				gr.Ratio = gr.Rate
			default:
				gr.Rate = indicators.RatePer(n.Value, p, 1000)
				if i != white && white >= 0 && !v.Table.Cells[white][j].Status.Suppressed() {
					gr.Ratio = indicators.RateRatio(n.Value, p, v.Table.Cells[white][j].Value, pop[figures.GroupKey("white")])
				}
			}
			d.Groups = append(d.Groups, gr)
		}
		res.Disproportions = append(res.Disproportions, d)
	}
	if len(res.Disproportions) > 0 {
		res.Population = "the population each partner serves, from the councils' population returns"
	}
}

func rateDefinition(v figures.View) string {
	if v.Theme.ID == "stop-and-search" {
		return indicators.StopSearchRateDefinition
	}
	return fmt.Sprintf("%s per 1,000 people: the count for the group in %s divided by the group's population, times 1,000.", v.Measure.Label, v.Period)
}

// areasOf returns the organisations whose population a partner serves: a
// council its own area; a body serving the whole area (police, fire, NHS)
// the county and the city together; the partnership's total likewise.
func (s *Service) areasOf(c Column) []string {
	if !c.All {
		if o, err := s.dir.Organisation(c.OrgID); err == nil {
			switch o.Kind {
			case hub.KindCountyCouncil, hub.KindDistrictCouncil, hub.KindCityCouncil:
				return []string{o.ID}
			}
		}
	}
	var out []string
	for _, o := range s.dir.Organisations() {
		if o.Kind == hub.KindCountyCouncil || o.Kind == hub.KindCityCouncil {
			out = append(out, o.ID)
		}
	}
	return out
}
