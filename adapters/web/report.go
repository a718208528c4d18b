package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/strategy"
)

type annualReport struct {
	Year       string
	YearLabel  string
	Years      []choice
	Questions  []choice // the characteristics to choose from, those chosen selected
	Sections   []annualSection
	Objectives []objectiveView
	EIAs       eia.Counts
	Published  []eia.EIA
	Levels     map[string]int // framework level label -> themes at it, across partners
	Names      map[string]string
	Problems   []hub.Problem
	CanPublish bool                    // may publish the report for the public
	Chosen     []string                // the characteristics chosen, by key
	Issued     []strategy.AnnualReport // the reports published for the year
}

// annualSection is one characteristic's tables in the annual report.
type annualSection struct {
	Question                    string
	Population, Workforce       *picture.Result
	PopulationWhy, WorkforceWhy string // why a table is not there, in words
}

// annualTable asks the gate for one table of the annual report as viewer
// may see it, or says why there is none.
func (s *server) annualTable(c echo.Context, viewer hub.Principal, req picture.Request) (*picture.Result, string) {
	res, err := s.Picture.Table(c.Request().Context(), viewer, req)
	if err != nil {
		switch {
		case hub.ErrorCode(err) == hub.CodeInternal:
			return nil, "The table could not be made just now."
		case !viewer.SignedIn() && hub.IsCode(err, hub.CodeForbidden):
			return nil, "The partners share this table with the public only as the tables they publish themselves."
		}
		return nil, sentence(hub.ErrorMessage(err))
	}
	if len(res.Shown) == 0 {
		var whys []string
		for _, col := range res.Columns {
			if col.Why != "" && !slices.Contains(whys, sentence(col.Why)) {
				whys = append(whys, sentence(col.Why))
			}
		}
		if len(whys) == 0 {
			return nil, "No return is held for " + strategy.PeriodLabel(req.Period) + "."
		}
		return nil, strings.Join(whys, " ")
	}
	return &res, ""
}

// annualReportPage assembles the partnership's annual equality information
// report from what the hub holds, for the year and the characteristics the
// reader chooses (the last whole financial year and ethnic group unless
// they choose others), as a page that prints to PDF. Every figure comes
// through the gate, as the reader may see it.
func (s *server) annualReportPage(c echo.Context) error {
	p := principal(c)
	now := s.Clock.Now()
	years := annualYears(now)
	r := annualReport{Year: years[0], Names: s.orgNames(), EIAs: s.EIA.Dashboard(now), Levels: map[string]int{}}
	if y := c.QueryParam("year"); y != "" {
		if slices.Contains(years, y) {
			r.Year = y
		} else {
			r.Problems = append(r.Problems, hub.Problem{Field: "year", Message: "Choose a year from the list"})
		}
	}
	r.YearLabel = strategy.PeriodLabel(r.Year)
	r.CanPublish = s.allowed(c, permStrategyManage, hub.DomainPartnership)
	for _, a := range s.Strategy.AnnualReports() {
		if a.Year == r.Year {
			r.Issued = append(r.Issued, a)
		}
	}
	for _, y := range years {
		r.Years = append(r.Years, choice{y, strategy.PeriodLabel(y), y == r.Year})
	}
	chosen := c.QueryParams()["characteristic"]
	if len(chosen) == 0 {
		chosen = []string{"ethnicity"}
	}
	if st, err := s.Monitoring.CurrentStandard(); err == nil {
		for _, q := range st.Questions {
			r.Questions = append(r.Questions, choice{q.Key, q.Label, slices.Contains(chosen, q.Key)})
		}
		for _, key := range chosen {
			if _, ok := st.Question(key); ok {
				r.Chosen = append(r.Chosen, key)
			} else {
				r.Problems = append(r.Problems, hub.Problem{Field: "characteristic", Message: "Choose the characteristics from the list"})
			}
		}
	}
	for _, q := range r.Questions {
		if !q.Selected {
			continue
		}
		sec := annualSection{Question: q.Label}
		sec.Population, sec.PopulationWhy = s.annualTable(c, p, picture.Request{Theme: "population", Measure: "population", Question: q.Value, Period: r.Year, Broad: true})
		sec.Workforce, sec.WorkforceWhy = s.annualTable(c, p, picture.Request{Theme: "workforce-strength", Measure: "staff", Question: q.Value, Period: r.Year, Broad: true})
		r.Sections = append(r.Sections, sec)
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
	status, title := http.StatusOK, "Annual equality information report "+r.Year
	if len(r.Problems) > 0 {
		status, title = http.StatusUnprocessableEntity, "Error: "+title
	}
	return s.render(c, status, "annual-report", title, r)
}

// annualYears are the financial years the annual report is offered for,
// the latest whole one first.
func annualYears(now time.Time) []string {
	current := strategy.QuarterOf(now)[:7]
	var years []string
	for _, x := range strategy.PeriodsAround(now, 6, 0) {
		if len(x) == 7 && x != current {
			years = append(years, x)
		}
	}
	slices.Reverse(years)
	return years
}

// publishAnnualReport publishes the annual report for the year and the
// characteristics chosen, made from what the public may see: every figure
// through the gate as for a reader who is not signed in, so that nothing
// shared only between partners reaches the public. The tables the partners
// published themselves for the year are linked.
func (s *server) publishAnnualReport(c echo.Context) error {
	ctx := c.Request().Context()
	form, _ := c.FormParams()
	year, keys := c.FormValue("year"), form["characteristic"]
	if !slices.Contains(annualYears(s.Clock.Now()), year) {
		return hub.Invalid("Choose a year from the list", []hub.Problem{{Field: "year", Message: "Choose a year from the list"}})
	}
	st, err := s.Monitoring.CurrentStandard()
	if err != nil {
		return err
	}
	public := hub.Anonymous
	r := strategy.AnnualReport{Year: year}
	for _, key := range keys {
		q, ok := st.Question(key)
		if !ok {
			return hub.Invalid("Choose the characteristics from the list", []hub.Problem{{Field: "characteristic", Message: "Choose the characteristics from the list"}})
		}
		r.Characteristics = append(r.Characteristics, q.Label)
		sec := strategy.AnnualSection{Heading: q.Label}
		for _, req := range []picture.Request{{Theme: "population", Measure: "population", Question: key, Period: year, Broad: true},
			{Theme: "workforce-strength", Measure: "staff", Question: key, Period: year, Broad: true}} {
			res, why := s.annualTable(c, public, req)
			if res == nil {
				what := "The area's population"
				if req.Theme != "population" {
					what = "The partners' workforce"
				}
				sec.Notes = append(sec.Notes, what+" by "+strings.ToLower(q.Label)+": "+why)
				continue
			}
			t := strategy.AnnualTable{Caption: res.Measure.Label + " by " + strings.ToLower(res.Question.Label), Header: []string{res.Question.Label}}
			for _, col := range res.Shown {
				t.Header = append(t.Header, col.Name)
			}
			for i, row := range res.Table.Rows {
				line := []string{row}
				for _, cell := range res.Table.Cells[i] {
					line = append(line, cell.Text)
				}
				t.Rows = append(t.Rows, line)
			}
			sec.Tables = append(sec.Tables, t)
		}
		r.Sections = append(r.Sections, sec)
	}
	var tables strategy.AnnualSection
	tables.Heading = "Tables the partners published for " + year
	for _, p := range s.Publications.Standing() {
		if strings.HasPrefix(p.Table.Period, year) {
			tables.Links = append(tables.Links, strategy.AnnualLink{Title: p.Table.Title + ", published by " + p.Table.PublisherName, URL: "/published/" + p.Table.ID})
		}
	}
	if len(tables.Links) == 0 {
		tables.Notes = []string{"No partner has published a table for " + year + " in the hub."}
	}
	r.Sections = append(r.Sections, tables)
	v := s.Figures.Values(ctx, public)
	q := strategy.QuarterOf(s.Clock.Now())
	for _, o := range s.Strategy.Objectives() {
		ao := strategy.AnnualObjective{Statement: o.Statement}
		for _, m := range o.Measures {
			p := m.Progress(v, m.Periods(q))
			status := strings.ToLower(statusText(p.Status))
			if p.LatestPeriod == "" {
				status = "its figures are not published"
			}
			ao.Measures = append(ao.Measures, m.Label+": "+status)
		}
		r.Objectives = append(r.Objectives, ao)
	}
	counts := s.EIA.Dashboard(s.Clock.Now())
	r.Summary = append(r.Summary, fmt.Sprintf("Impact assessments: %d in all, %d signed before their decision and %d after it.", counts.Total, counts.BeforeDecision, counts.Retrospective))
	published, err := s.Strategy.PublishAnnual(ctx, principal(c), r)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/published/annual-reports/"+published.ID)
}

// publishedAnnualReport shows an annual report as published. No sign-in needed.
func (s *server) publishedAnnualReport(c echo.Context) error {
	r, err := s.Strategy.AnnualReport(c.Param("id"))
	if err != nil {
		return err
	}
	return s.ok(c, "published-annual", "Annual equality information report "+r.Year, r)
}
