package web

import (
	"net/http"
	"slices"
	"strings"

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
}

// annualSection is one characteristic's tables in the annual report.
type annualSection struct {
	Question                    string
	Population, Workforce       *picture.Result
	PopulationWhy, WorkforceWhy string // why a table is not there, in words
}

// annualTable asks the gate for one table of the annual report, or says why there is none.
func (s *server) annualTable(c echo.Context, req picture.Request) (*picture.Result, string) {
	res, err := s.Picture.Table(c.Request().Context(), principal(c), req)
	if err != nil {
		if hub.ErrorCode(err) == hub.CodeInternal {
			return nil, "The table could not be made just now"
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
	current := strategy.QuarterOf(now)[:7]
	var years []string
	for _, x := range strategy.PeriodsAround(now, 6, 0) {
		if len(x) == 7 && x != current {
			years = append(years, x)
		}
	}
	slices.Reverse(years)
	r := annualReport{Year: years[0], Names: s.orgNames(), EIAs: s.EIA.Dashboard(now), Levels: map[string]int{}}
	if y := c.QueryParam("year"); y != "" {
		if slices.Contains(years, y) {
			r.Year = y
		} else {
			r.Problems = append(r.Problems, hub.Problem{Field: "year", Message: "Choose a year from the list"})
		}
	}
	r.YearLabel = strategy.PeriodLabel(r.Year)
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
			if _, ok := st.Question(key); !ok {
				r.Problems = append(r.Problems, hub.Problem{Field: "characteristic", Message: "Choose the characteristics from the list"})
				break
			}
		}
	}
	for _, q := range r.Questions {
		if !q.Selected {
			continue
		}
		sec := annualSection{Question: q.Label}
		sec.Population, sec.PopulationWhy = s.annualTable(c, picture.Request{Theme: "population", Measure: "population", Question: q.Value, Period: r.Year, Broad: true})
		sec.Workforce, sec.WorkforceWhy = s.annualTable(c, picture.Request{Theme: "workforce-strength", Measure: "staff", Question: q.Value, Period: r.Year, Broad: true})
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
