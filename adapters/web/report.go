package web

import (
	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/strategy"
)

type annualReport struct {
	Year       string
	Population *picture.Result
	Workforce  *picture.Result
	Objectives []objectiveView
	EIAs       eia.Counts
	Published  []eia.EIA
	Levels     map[string]int // framework level label -> themes at it, across partners
	Names      map[string]string
}

// annualReportPage assembles the partnership's annual equality information
// report from what the hub holds, as a page that prints to PDF.
func (s *server) annualReportPage(c echo.Context) error {
	p := principal(c)
	now := s.Clock.Now()
	year := strategy.FinancialYear(now.Year() - 1)
	if now.Month() >= 4 {
		year = strategy.FinancialYear(now.Year() - 1)
	}
	r := annualReport{Year: year, Names: s.orgNames(), EIAs: s.EIA.Dashboard(now), Levels: map[string]int{}}
	if res, err := s.Picture.Table(c.Request().Context(), p, picture.Request{Theme: "population", Measure: "population", Question: "ethnicity", Period: year, Broad: true}); err == nil && len(res.Shown) > 0 {
		r.Population = &res
	}
	if res, err := s.Picture.Table(c.Request().Context(), p, picture.Request{Theme: "workforce-strength", Measure: "staff", Question: "ethnicity", Period: year, Broad: true}); err == nil && len(res.Shown) > 0 {
		r.Workforce = &res
	}
	v := s.Figures.Values(c.Request().Context(), p)
	q := strategy.QuarterOf(now)
	for _, o := range s.Strategy.Objectives() {
		ov := objectiveView{Objective: o}
		for _, m := range o.Measures {
			ov.Progress = append(ov.Progress, m.Progress(v, m.Periods(q)))
		}
		r.Objectives = append(r.Objectives, ov)
	}
	if list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished}); err == nil {
		r.Published = list
	}
	var orgs []string
	for _, o := range s.Directory.Organisations() {
		if o.Kind.PublicBody() {
			orgs = append(orgs, o.ID)
		}
	}
	g := s.Framework.Grid("eflg", orgs)
	for _, line := range g.Cells {
		for _, cell := range line {
			if cell.Label != "" {
				r.Levels[cell.Label]++
			}
		}
	}
	return s.ok(c, "annual-report", "Annual equality information report "+year, r)
}
