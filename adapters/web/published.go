package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/publication"
	"github.com/partnership/equalityhub/hub/strategy"
)

type publishedPage struct {
	Tables []publication.Published
	EIAs   []eia.EIA
	Annual []strategy.AnnualReport
	Names  map[string]string
}

// published lists what the partners have published: tables and impact assessments. No sign-in needed.
func (s *server) published(c echo.Context) error {
	list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished})
	if err != nil {
		return err
	}
	return s.ok(c, "published", "Published information", publishedPage{Tables: s.Publications.List(), EIAs: list, Annual: s.Strategy.AnnualReports(), Names: s.orgNames()})
}

// publishedTable shows one published table with its provenance and
// downloads, or, once withdrawn, when and why, without its figures.
func (s *server) publishedTable(c echo.Context) error {
	p, err := s.Publications.Get(c.Param("id"))
	if err != nil {
		return err
	}
	return s.ok(c, "published-table", p.Table.Title, s.tablePage(c, p, withdrawForm{}))
}

type publishedTablePage struct {
	publication.Published
	CanWithdraw bool
	Withdraw    withdrawForm
}

type withdrawForm struct {
	Reason   string
	Problems []hub.Problem
}

func (s *server) tablePage(c echo.Context, p publication.Published, f withdrawForm) publishedTablePage {
	return publishedTablePage{Published: p, Withdraw: f,
		CanWithdraw: p.Withdrawn == nil && principal(c).OrgID == p.Table.Publisher && s.allowed(c, publication.PermPublish, p.Table.Publisher)}
}

// withdrawTable withdraws a published table with the reason given, or shows
// the table's page again with what is wrong.
func (s *server) withdrawTable(c echo.Context) error {
	f := withdrawForm{Reason: c.FormValue("reason")}
	p, err := s.Publications.Withdraw(c.Request().Context(), principal(c), c.Param("id"), f.Reason)
	if err != nil {
		status, ok := formRefused(err)
		if !ok || hub.IsCode(err, hub.CodeNotFound) {
			return err
		}
		f.Problems = formProblems(err, nil)
		if p, err = s.Publications.Get(c.Param("id")); err != nil {
			return err
		}
		return s.render(c, status, "published-table", "Error: "+p.Table.Title, s.tablePage(c, p, f))
	}
	return c.Redirect(http.StatusSeeOther, "/published/"+p.Table.ID)
}

// publishedFile serves a published table's downloads: CSV, the signed JSON,
// its signature, and DCAT metadata. A withdrawn table's downloads answer 410
// Gone, saying when and why it was withdrawn.
func (s *server) publishedFile(c echo.Context) error {
	p, err := s.Publications.Get(c.Param("id"))
	if err != nil {
		return err
	}
	switch c.Param("file") {
	case "table.json", "table.json.asc", "dcat.jsonld", "table.csv":
	default:
		return hub.Errorf(hub.CodeNotFound, "There is no such download")
	}
	if w := p.Withdrawn; w != nil {
		return c.String(http.StatusGone, fmt.Sprintf("“%s” of %s is no longer published. %s.\nIts figures are no longer offered for download. What is still published is listed at %s/published.\n",
			p.Table.Title, p.Table.PublisherName, strings.TrimRight(w.Notice(), "."), s.BaseURL))
	}
	name := "equality-" + p.Table.Publisher + "-" + p.Table.Theme + "-" + p.Table.Period
	switch c.Param("file") {
	case "table.json":
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		return c.Blob(http.StatusOK, "application/json", p.Document)
	case "table.json.asc":
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.json.asc"`)
		return c.Blob(http.StatusOK, "application/pgp-signature", []byte(p.Signature))
	case "dcat.jsonld":
		return c.JSON(http.StatusOK, publication.DCAT(p, s.BaseURL))
	}
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"answer", "group", "count", "status", "text"})
	for _, r := range p.Table.Rows {
		count := ""
		if r.Count != nil {
			count = strconv.FormatInt(*r.Count, 10)
		}
		_ = w.Write([]string{monitoring.SafeCell(r.Answer), monitoring.SafeCell(r.Group), count, r.Status, monitoring.SafeCell(r.Text)})
	}
	w.Flush()
	return w.Error()
}

type publishForm struct {
	Title, Theme, Measure, Question, Period string
	Themes                                  []monitoring.Theme
	Measures                                []choiceGroup // each theme's measures, by label
	Questions, Periods                      []choice      // the standard's questions by label; periods in words
	Problems                                []hub.Problem
	// Preview is the table as the public will see it, shown for the person
	// to confirm; Digest is its fingerprint, sent back with the confirmation.
	Preview *publication.Table
	Digest  string
}

// publishPage shows the form to publish one of the organisation's returns as a public table.
func (s *server) publishPage(c echo.Context) error {
	f := publishForm{Themes: s.Monitoring.Themes(), Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity"}
	s.publishChoices(&f)
	return s.ok(c, "publish", "Publish a table", f)
}

// publishChoices fills the form's lists: each theme's measures and the
// standard's questions by their labels, and the periods in words. A value
// sent that is on no list is kept, said as it was sent, so that the hub's
// answer to it shows beside it.
func (s *server) publishChoices(f *publishForm) {
	f.Measures, f.Questions, f.Periods = nil, nil, nil
	// The measure is chosen within the theme chosen; a measure only of
	// another theme is shown chosen there, so that the hub's answer names it.
	inTheme := slices.ContainsFunc(f.Themes, func(t monitoring.Theme) bool {
		return t.ID == f.Theme && slices.ContainsFunc(t.Measures, func(m monitoring.Measure) bool { return m.ID == f.Measure })
	})
	found := false
	for _, t := range f.Themes {
		g := choiceGroup{Label: t.Name}
		for _, x := range t.Measures {
			sel := !found && x.ID == f.Measure && (t.ID == f.Theme || !inTheme)
			found = found || sel
			g.Choices = append(g.Choices, choice{x.ID, x.Label, sel})
		}
		f.Measures = append(f.Measures, g)
	}
	if !found && f.Measure != "" {
		f.Measures = append(f.Measures, choiceGroup{Label: "Not a measure of any theme", Choices: []choice{{f.Measure, f.Measure, true}}})
	}
	found = f.Question == ""
	if st, err := s.Monitoring.CurrentStandard(); err == nil {
		for _, q := range st.Questions {
			f.Questions = append(f.Questions, choice{q.Key, q.Label, q.Key == f.Question})
			found = found || q.Key == f.Question
		}
	}
	if !found {
		f.Questions = append(f.Questions, choice{f.Question, f.Question, true})
	}
	f.Periods = []choice{{"", "Choose a period", f.Period == ""}}
	found = f.Period == ""
	for _, p := range strategy.PeriodsAround(s.Clock.Now(), 6, 0) {
		f.Periods = append(f.Periods, choice{p, strategy.PeriodLabel(p), p == f.Period})
		found = found || p == f.Period
	}
	if !found {
		f.Periods = append(f.Periods, choice{f.Period, f.Period, true})
	}
}

// publish shows the table as the public would see it, for the person to
// confirm (the first step), or publishes the table they confirmed; with
// anything wrong it shows the form again, as it was filled in.
func (s *server) publish(c echo.Context) error {
	f := publishForm{Title: c.FormValue("title"), Theme: c.FormValue("theme"), Measure: c.FormValue("measure"), Question: c.FormValue("question"),
		Period: c.FormValue("period"), Themes: s.Monitoring.Themes()}
	p, orgName := principal(c), s.orgName(principal(c).OrgID)
	req := publication.Request{Title: f.Title, Theme: f.Theme, Measure: f.Measure, Question: f.Question, Period: f.Period}
	again := func(err error) error {
		status, ok := formRefused(err)
		if !ok {
			return err
		}
		f.Problems = formProblems(err, nil)
		s.publishChoices(&f)
		return s.render(c, status, "publish", "Error: Publish a table", f)
	}
	if c.FormValue("confirm") != "" {
		pub, err := s.Publications.Publish(c.Request().Context(), p, orgName, req, c.FormValue("digest"))
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/published/"+pub.Table.ID)
		}
		if !hub.IsCode(err, hub.CodeConflict) {
			return again(err)
		}
		// What would be published has changed since the preview: show the new one.
		f.Problems = []hub.Problem{{Message: hub.ErrorMessage(err)}}
	}
	tab, digest, err := s.Publications.Preview(p, orgName, req)
	if err != nil {
		return again(err)
	}
	f.Preview, f.Digest = &tab, digest
	s.publishChoices(&f)
	status, title := http.StatusOK, "Check the table before you publish it"
	if len(f.Problems) > 0 {
		status, title = http.StatusConflict, "Error: "+title
	}
	return s.render(c, status, "publish", title, f)
}
