package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/publication"
)

type publishedPage struct {
	Tables []publication.Published
	EIAs   []eia.EIA
	Names  map[string]string
}

// published lists what the partners have published: tables and impact assessments. No sign-in needed.
func (s *server) published(c echo.Context) error {
	list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished})
	if err != nil {
		return err
	}
	return s.ok(c, "published", "Published information", publishedPage{Tables: s.Publications.List(), EIAs: list, Names: s.orgNames()})
}

// publishedTable shows one published table with its provenance and downloads.
func (s *server) publishedTable(c echo.Context) error {
	p, err := s.Publications.Get(c.Param("id"))
	if err != nil {
		return err
	}
	return s.ok(c, "published-table", p.Table.Title, p)
}

// publishedFile serves a published table's downloads: CSV, the signed JSON, its signature, and DCAT metadata.
func (s *server) publishedFile(c echo.Context) error {
	p, err := s.Publications.Get(c.Param("id"))
	if err != nil {
		return err
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
	case "table.csv":
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
	return hub.Errorf(hub.CodeNotFound, "There is no such download")
}

type publishForm struct {
	Title, Theme, Measure, Question, Period string
	Themes                                  []monitoring.Theme
	Problems                                []hub.Problem
}

// publishPage shows the form to publish one of the organisation's returns as a public table.
func (s *server) publishPage(c echo.Context) error {
	return s.ok(c, "publish", "Publish a table", publishForm{Themes: s.Monitoring.Themes(), Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity"})
}

// publish publishes a table, or shows the form again with what is wrong.
func (s *server) publish(c echo.Context) error {
	f := publishForm{Title: c.FormValue("title"), Theme: c.FormValue("theme"), Measure: c.FormValue("measure"), Question: c.FormValue("question"),
		Period: c.FormValue("period"), Themes: s.Monitoring.Themes()}
	p, err := s.Publications.Publish(c.Request().Context(), principal(c), s.orgName(principal(c).OrgID),
		publication.Request{Title: f.Title, Theme: f.Theme, Measure: f.Measure, Question: f.Question, Period: f.Period})
	if err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		f.Problems = hub.ErrorProblems(err)
		if len(f.Problems) == 0 {
			f.Problems = []hub.Problem{{Message: hub.ErrorMessage(err)}}
		}
		return s.render(c, http.StatusUnprocessableEntity, "publish", "Error: Publish a table", f)
	}
	return c.Redirect(http.StatusSeeOther, "/published/"+p.Table.ID)
}
