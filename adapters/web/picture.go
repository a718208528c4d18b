package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/indicators"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
)

type picturePage struct {
	Themes    []monitoring.Theme
	Theme     monitoring.Theme
	Questions []monitoring.Question
	Periods   []monitoring.Period
	Req       picture.Request
	Result    *picture.Result
	Problems  []hub.Problem
	Query     string
}

// picture shows the partnership picture: one theme's counts for every partner
// side by side, as the protocols in force let the viewer see them.
func (s *server) picture(c echo.Context) error {
	req := pictureRequest(c)
	themes := s.Monitoring.Themes()
	if req.Theme == "" && len(themes) > 0 {
		req.Theme = "customer-satisfaction"
	}
	pg := picturePage{Themes: themes, Req: req, Query: c.QueryString()}
	t, ok := s.Monitoring.Theme(req.Theme)
	if ok {
		pg.Theme = t
		pg.Periods = s.Monitoring.Periods(t.ID)
		if std, err := s.Monitoring.CurrentStandard(); err == nil {
			if l, err := monitoring.NewLayout(std, t); err == nil {
				pg.Questions = l.Questions
			}
		}
		if req.Period == "" && len(pg.Periods) > 0 {
			req.Period = string(pg.Periods[0])
		}
		if req.Question == "" {
			req.Question = "ethnicity"
		}
		if req.Measure == "" {
			for _, m := range t.Measures {
				if m.Of != "" {
					req.Measure = m.ID
					break
				}
			}
		}
		pg.Req = req
	}
	if req.Period == "" {
		return s.ok(c, "picture", "The partnership picture", pg)
	}
	res, err := s.Picture.Table(c.Request().Context(), principal(c), req)
	if err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		pg.Problems = hub.ErrorProblems(err)
		return s.render(c, http.StatusUnprocessableEntity, "picture", "Error: The partnership picture", pg)
	}
	switch c.QueryParam("format") {
	case "csv":
		return pictureCSV(c, res)
	case "json":
		return c.JSON(http.StatusOK, pictureJSON(res))
	}
	pg.Result = &res
	return s.ok(c, "picture", "The partnership picture", pg)
}

type jsonCell struct {
	Value  *int64 `json:"value"`
	Status string `json:"status"`
	Text   string `json:"text"`
}

type jsonPicture struct {
	Theme     string       `json:"theme"`
	Measure   string       `json:"measure"`
	Question  string       `json:"question"`
	Period    string       `json:"period"`
	Rules     string       `json:"rules"`
	Columns   []string     `json:"columns"`
	Rows      []string     `json:"rows"`
	Cells     [][]jsonCell `json:"cells"`
	NotShown  []string     `json:"not_shown"`
	Protected bool         `json:"disclosure_control"`
}

func pictureJSON(r picture.Result) jsonPicture {
	out := jsonPicture{Theme: r.Theme.ID, Measure: r.Measure.ID, Question: r.Question.Key, Period: r.Request.Period,
		Rules: r.Table.Statement, Columns: r.Table.Cols, Rows: r.Table.Rows, Protected: r.Protected, Cells: [][]jsonCell{}, NotShown: []string{}}
	for _, line := range r.Table.Cells {
		var jl []jsonCell
		for _, c := range line {
			jc := jsonCell{Status: string(c.Status), Text: c.Text}
			if !c.Status.Suppressed() {
				v := c.Value
				jc.Value = &v
			}
			jl = append(jl, jc)
		}
		out.Cells = append(out.Cells, jl)
	}
	for _, c := range r.Columns {
		if !c.Shown {
			out.NotShown = append(out.NotShown, c.Name+": "+c.Why)
		}
	}
	return out
}

func pictureCSV(c echo.Context, r picture.Result) error {
	c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.csv"`, r.Theme.ID, r.Question.Key, r.Request.Period))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write(append([]string{r.Question.Label}, r.Table.Cols...))
	for i, line := range r.Table.Cells {
		row := []string{monitoring.SafeCell(r.Table.Rows[i])}
		for _, cell := range line {
			row = append(row, cell.Text)
		}
		_ = w.Write(row)
	}
	_ = w.Write([]string{"Rules: " + r.Table.Statement})
	w.Flush()
	return w.Error()
}

// gapText says a gap in percentage points with its interval.
func gapText(v indicators.Value) string {
	if !v.OK {
		return v.Reason
	}
	return fmt.Sprintf("%+.1f points (95%% interval %+.1f to %+.1f)", 100*v.Value, 100*v.Low, 100*v.High)
}

// rateText says a rate per 1,000 with its interval.
func rateText(v indicators.Value) string {
	if !v.OK {
		return v.Reason
	}
	return fmt.Sprintf("%.1f (%.1f to %.1f)", v.Value, v.Low, v.High)
}

// ratioText says a ratio with its interval.
func ratioText(v indicators.Value) string {
	if !v.OK {
		return v.Reason
	}
	return fmt.Sprintf("%.2f times (%.2f to %.2f)", v.Value, v.Low, v.High)
}

// pictureRequest reads a picture request from the query.
func pictureRequest(c echo.Context) picture.Request {
	return picture.Request{Theme: c.QueryParam("theme"), Measure: c.QueryParam("measure"), Question: c.QueryParam("question"),
		Period: c.QueryParam("period"), Broad: c.QueryParam("grouping") == "broad"}
}

// apiPicture answers the partnership picture as JSON.
func (s *server) apiPicture(c echo.Context) error {
	res, err := s.Picture.Table(c.Request().Context(), principal(c), pictureRequest(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pictureJSON(res))
}

type apiProtocol struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	State       string    `json:"state"`
	Providers   []string  `json:"providers"`
	Recipients  []string  `json:"recipients"`
	Themes      []string  `json:"themes"`
	Level       string    `json:"level"`
	Threshold   int       `json:"threshold"`
	Round       int       `json:"round"`
	Purpose     string    `json:"purpose"`
	LawfulBasis string    `json:"lawful_basis"`
	Start       string    `json:"start"`
	End         string    `json:"end"`
	Unsigned    []string  `json:"unsigned"`
	Created     time.Time `json:"created"`
}

// apiProtocols lists the protocols.
func (s *server) apiProtocols(c echo.Context) error {
	out := []apiProtocol{}
	for _, p := range s.Sharing.Protocols() {
		a := apiProtocol{ID: p.ID, Title: p.Title, State: string(p.StateAt(s.Clock.Now())), Providers: p.Providers, Themes: p.Themes,
			Level: string(p.Level), Threshold: p.Threshold, Round: p.Round, Purpose: p.Purpose, LawfulBasis: p.LawfulBasis,
			Start: p.Start.Format(time.DateOnly), End: p.End.Format(time.DateOnly), Unsigned: p.Unsigned(), Created: p.Created}
		for _, r := range p.Recipients {
			a.Recipients = append(a.Recipients, string(r))
		}
		if a.Unsigned == nil {
			a.Unsigned = []string{}
		}
		out = append(out, a)
	}
	return c.JSON(http.StatusOK, out)
}
