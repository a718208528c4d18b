package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/strategy"
)

type strategyPage struct {
	Objectives []objectiveView
	Report     *strategy.Report
	Reports    []strategy.Report
	Quarter    string
	CanReport  bool
	Names      map[string]string
}

type objectiveView struct {
	strategy.Objective
	Progress []strategy.Progress // one per measure
}

// strategyPage shows the partnership strategy with each measure's progress computed from the data.
func (s *server) strategyPage(c echo.Context) error {
	v := s.Picture.Values()
	q := strategy.QuarterOf(s.Clock.Now())
	pg := strategyPage{Quarter: q, Reports: s.Strategy.Reports(), Names: s.orgNames(), CanReport: s.allowed(c, hub.Permission{Object: "strategy", Action: "manage"}, hub.DomainPartnership)}
	for _, o := range s.Strategy.Objectives() {
		ov := objectiveView{Objective: o}
		for _, m := range o.Measures {
			ov.Progress = append(ov.Progress, m.Progress(v, m.Periods(q)))
		}
		pg.Objectives = append(pg.Objectives, ov)
	}
	if r, err := s.Strategy.Report(q); err == nil {
		pg.Report = &r
	}
	return s.ok(c, "strategy", "Partnership equality strategy", pg)
}

// makeReport assembles the quarter's progress report for the board.
func (s *server) makeReport(c echo.Context) error {
	if _, err := s.Strategy.MakeReport(c.Request().Context(), principal(c), strategy.QuarterOf(s.Clock.Now()), s.Picture.Values()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/strategy")
}

type frameworkPage struct {
	Framework framework.Framework
	Grid      framework.Grid
	Names     map[string]string
	CanAssess bool
	Levels    []framework.Level
	Problems  []hub.Problem
}

// frameworkPage shows the partnership's grid: every partner's level on every theme.
func (s *server) frameworkPage(c echo.Context) error { return s.frameworkAgain(c, http.StatusOK, nil) }

func (s *server) frameworkAgain(c echo.Context, status int, ps []hub.Problem) error {
	f, err := s.Framework.Framework("eflg")
	if err != nil {
		return err
	}
	var orgs []string
	for _, o := range s.Directory.Organisations() {
		if o.Kind.PublicBody() {
			orgs = append(orgs, o.ID)
		}
	}
	return s.render(c, status, "framework", f.Name, frameworkPage{Framework: f, Grid: s.Framework.Grid(f.ID, orgs), Names: s.orgNames(), Levels: f.Levels, Problems: ps,
		CanAssess: s.allowed(c, framework.PermAssess, principal(c).OrgID)})
}

// recordLevel records the person's organisation's level on a theme.
func (s *server) recordLevel(c echo.Context) error {
	p := principal(c)
	var evidence []framework.EvidenceLink
	if t := c.FormValue("evidence"); t != "" {
		evidence = []framework.EvidenceLink{{Kind: "other", Title: t}}
	}
	if _, err := s.Framework.Record(c.Request().Context(), p, p.OrgID, "eflg", c.FormValue("theme"), c.FormValue("level"), evidence, c.FormValue("note")); err != nil {
		if hub.IsCode(err, hub.CodeInvalid) {
			ps := hub.ErrorProblems(err)
			if len(ps) == 0 {
				ps = []hub.Problem{{Message: hub.ErrorMessage(err)}}
			}
			return s.frameworkAgain(c, http.StatusUnprocessableEntity, ps)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/framework")
}

// dutyPage shows when each public body last met the specific duties, and what is due.
func (s *server) dutyPage(c echo.Context) error {
	published, objectives := map[string]time.Time{}, map[string]time.Time{}
	later := func(m map[string]time.Time, org string, t time.Time) {
		if t.After(m[org]) {
			m[org] = t
		}
	}
	for _, p := range s.Publications.List() {
		later(published, p.Table.Publisher, p.Table.Published)
	}
	if list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished}); err == nil {
		for _, e := range list {
			later(published, e.LeadOrg, e.Updated)
		}
	}
	for _, o := range s.Strategy.Objectives() {
		for _, org := range o.Owners {
			later(objectives, org, o.Start)
		}
	}
	return s.ok(c, "duty", "The duty calendar", duty.Calendar(s.Directory.Organisations(), published, objectives, s.Clock.Now()))
}
