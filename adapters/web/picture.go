package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/figures"
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
	CSV, JSON template.URL // downloads of exactly the table on screen
	// Partners are the partners that can be ticked; none ticked is all.
	Partners []partnerOption
	// Years are the whole years the trend shows, oldest first.
	Years []string
	// TrendRows are the rows the trend can follow; Trend is the trend of the chosen one.
	TrendRows []rowOption
	Trend     *trendView
	// Message says in words why there is no table, when there is none.
	Message string
}

type partnerOption struct {
	ID, Name string
	Checked  bool
}

type rowOption struct {
	Key, Label string
	Selected   bool
}

// trendView is one row of the picture over the whole years: a chart and
// a table of the same figures, a line a partner.
type trendView struct {
	Row     string
	Chart   template.HTML
	Periods []monitoring.Period
	Lines   []trendLine
	Counts  bool   // the figures are counts, not per cent
	Of      string // what the per cent is of
	Left    string // a year left out, and why
}

type trendLine struct {
	Name  string
	Cells []trendCell
}

type trendCell struct {
	Text     string // the per cent, or why there is none
	Count    string // the count under it
	Withheld bool
}

// pictureDefaults completes a request with what a person most likely
// wants: broad groups and the latest whole year, a measure that is a share
// of another, by ethnic group; a choice that does not fit the theme (after
// switching themes) falls back to the theme's default.
func (s *server) pictureDefaults(c echo.Context, req picture.Request) (picture.Request, picturePage) {
	themes := s.Monitoring.Themes()
	pg := picturePage{Themes: themes}
	t, ok := s.Monitoring.Theme(req.Theme)
	if !ok {
		t, _ = s.Monitoring.Theme("customer-satisfaction")
		req.Theme = t.ID
	}
	pg.Theme = t
	if c.QueryParam("grouping") == "" {
		req.Broad = true
	}
	std, err := s.Monitoring.CurrentStandard()
	if err == nil {
		if l, err := monitoring.NewLayout(std, t); err == nil {
			pg.Questions = l.Questions
		}
	}
	if !slices.ContainsFunc(pg.Questions, func(q monitoring.Question) bool { return q.Key == req.Question }) {
		req.Question = ""
		for _, q := range pg.Questions {
			if req.Question == "" || q.Key == "ethnicity" {
				req.Question = q.Key
			}
		}
	}
	// By default a service's share (satisfied of those asked); for community
	// safety the events themselves (searches, reports), set against the
	// population.
	if _, ok := t.Measure(req.Measure); !ok {
		req.Measure = t.Measures[0].ID
		for _, m := range t.Measures {
			if m.Of != "" && t.Area != "community safety" {
				req.Measure = m.ID
				break
			}
		}
	}
	// Years first, then quarters, newest first.
	years := map[monitoring.Period]bool{}
	var quarters []monitoring.Period
	for _, p := range s.Monitoring.Periods(t.ID) {
		years[monitoring.Period(string(p)[:7])] = true
		if t.Frequency == monitoring.Quarterly {
			quarters = append(quarters, p)
		}
	}
	for y := range years {
		pg.Periods = append(pg.Periods, y)
	}
	slices.SortFunc(pg.Periods, func(a, b monitoring.Period) int { return strings.Compare(string(b), string(a)) })
	// The trend's whole years, at most the last five: of a quarterly
	// theme, the newest year only once its last quarter is in.
	for _, y := range pg.Periods {
		if t.Frequency == monitoring.Quarterly && len(quarters) > 0 && strings.HasPrefix(string(quarters[0]), string(y)) && !strings.HasSuffix(string(quarters[0]), "Q4") {
			continue
		}
		if len(pg.Years) < 5 {
			pg.Years = append([]string{string(y)}, pg.Years...)
		}
	}
	pg.Periods = append(pg.Periods, quarters...)
	if !slices.Contains(pg.Periods, monitoring.Period(req.Period)) && len(pg.Periods) > 0 {
		req.Period = string(pg.Periods[0])
		// the latest whole year of a quarterly theme: the newest year with four quarters held
		if t.Frequency == monitoring.Quarterly && len(pg.Periods) > 1 && len(quarters) > 0 && !strings.HasSuffix(string(quarters[0]), "Q4") {
			req.Period = string(pg.Periods[1])
		}
	}
	// Partners: known organisations, each once; an unknown one (from an
	// old link, say) is left out rather than refused.
	var partners []string
	for _, id := range req.Partners {
		if _, err := s.Directory.Organisation(id); err == nil && !slices.Contains(partners, id) {
			partners = append(partners, id)
		}
	}
	req.Partners = partners
	pg.Req = req
	return req, pg
}

// partnerOptions lists the partners a person can tick: those that hold the
// theme in the year asked for; none ticked is every one.
func (s *server) partnerOptions(req picture.Request, res picture.Result) []partnerOption {
	var out []partnerOption
	for _, id := range s.Figures.Holders(res.Theme.ID, res.Period) {
		o, err := s.Directory.Organisation(id)
		if err != nil {
			continue
		}
		out = append(out, partnerOption{ID: o.ID, Name: o.Name, Checked: slices.Contains(req.Partners, o.ID)})
	}
	slices.SortStableFunc(out, func(a, b partnerOption) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// trendRows are the rows a trend can follow: every row of the table, and
// the total when the measure is a part of a whole; the chosen one, or by
// default (of ethnicity) the largest ethnic group other than White in the
// figures shown, or else the first row.
func trendRows(res picture.Result, chosen string) ([]rowOption, int) {
	var out []rowOption
	rows := res.Rows
	if res.Whole == nil && len(rows) > 0 {
		rows = rows[:len(rows)-1]
	}
	pick := -1
	for i, r := range rows {
		out = append(out, rowOption{Key: r.Key, Label: r.Label})
		if r.Key == chosen {
			pick = i
		}
	}
	if pick < 0 && res.Question.Key == "ethnicity" {
		base := &res.Table
		if res.Of != nil {
			base = res.Of
		}
		most := int64(-1)
		for i, r := range rows {
			cat, detailed := res.Question.Category(r.Key)
			if i >= len(base.Cells) || r.Key == figures.GroupKey("white") || r.Key == monitoring.NotKnown || r.Key == monitoring.PreferNotToSay ||
				(detailed && cat.Group == "white") {
				continue
			}
			var n int64
			for _, cell := range base.Cells[i] {
				n += cell.Value // withheld cells are 0
			}
			if n > most {
				pick, most = i, n
			}
		}
	}
	if len(out) == 0 {
		return nil, -1
	}
	pick = max(pick, 0)
	out[pick].Selected = true
	return out, pick
}

// trendOf lays out one row of a trend for the page.
func trendOf(tr picture.Trend, row int, left string) *trendView {
	counts := tr.Whole == nil && tr.Rows[row].Key == figures.Total
	tv := &trendView{Row: tr.Rows[row].Label, Periods: tr.Periods, Counts: counts, Left: left, Chart: trendChart(tr, row, counts)}
	switch {
	case tr.Whole != nil:
		tv.Of = strings.ToLower(tr.Whole.Label)
	case !counts:
		tv.Of = "each partner's " + strings.ToLower(tr.Measure.Label)
	}
	for j, col := range tr.Partners {
		line := trendLine{Name: col.Name}
		for _, p := range tr.Points[j][row] {
			var c trendCell
			switch {
			case !p.Held:
				c.Text = p.Why
				if p.NoReturn {
					c.Text = "no return"
				}
			case p.Withheld():
				c = trendCell{Text: "withheld", Withheld: true}
				if p.Count.Status.Suppressed() {
					c.Count = p.Count.Text // the cell's own words
				} else {
					c.Count = p.Count.Text + ", but the whole is withheld"
				}
			case p.NoRate():
				c = trendCell{Text: "no one in the group", Count: p.Count.Text}
			default:
				c = trendCell{Text: valueText(p.Share, counts)}
				if !counts {
					c.Count = p.Count.Text
				}
			}
			line.Cells = append(line.Cells, c)
		}
		tv.Lines = append(tv.Lines, line)
	}
	return tv
}

// picture shows the partnership picture: one theme's counts for every partner
// side by side, as the protocols in force let the viewer see them.
func (s *server) picture(c echo.Context) error {
	req, pg := s.pictureDefaults(c, pictureRequest(c))
	pg.Query = pictureQuery(req)
	// Built from url.Values, so safe to use as it is.
	pg.CSV, pg.JSON = template.URL("/data/picture?"+pg.Query+"&format=csv"), template.URL("/data/picture?"+pg.Query+"&format=json")
	if req.Period == "" {
		pg.Message = "No partner has sent returns of " + strings.ToLower(pg.Theme.Name) + " yet."
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
	pg.Partners = s.partnerOptions(req, res)
	if len(res.Shown) == 0 {
		pg.Message = "No figures of " + strings.ToLower(res.Theme.Name) + " for " + string(res.Period) + " can be shown to you."
		if len(req.Partners) > 0 {
			pg.Message = "None of the partners you chose has figures of " + strings.ToLower(res.Theme.Name) + " for " + string(res.Period) +
				" that you may see. Choose other partners, or none to see every partner."
		}
		return s.ok(c, "picture", "The partnership picture", pg)
	}
	rows, row := trendRows(res, c.QueryParam("trend_row"))
	if row >= 0 && len(pg.Years) > 0 {
		tr, err := s.Picture.Trend(c.Request().Context(), principal(c), req, pg.Years)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(tr.Rows, func(r figures.Row) bool { return r.Key == rows[row].Key }); i >= 0 && len(tr.Partners) > 0 {
			pg.TrendRows = rows
			pg.Trend = trendOf(tr, i, pg.left(res.Theme))
		}
	}
	return s.ok(c, "picture", "The partnership picture", pg)
}

// left says which year the trend leaves out: the newest of a quarterly
// theme until its four quarters are in.
func (pg picturePage) left(t monitoring.Theme) string {
	if t.Frequency != monitoring.Quarterly || len(pg.Periods) == 0 || len(pg.Years) == 0 || string(pg.Periods[0]) == pg.Years[len(pg.Years)-1] {
		return ""
	}
	return string(pg.Periods[0]) + " is left out until its four quarters are in."
}

// pictureQuery writes a request as the query that asks for it again, so
// that downloads give exactly the table on screen.
func pictureQuery(r picture.Request) string {
	q := url.Values{}
	q.Set("theme", r.Theme)
	q.Set("measure", r.Measure)
	q.Set("question", r.Question)
	q.Set("period", r.Period)
	if r.Broad {
		q.Set("grouping", "broad")
	} else {
		q.Set("grouping", "detailed")
	}
	for _, p := range r.Partners {
		q.Add("partner", p)
	}
	return q.Encode()
}

type jsonCell struct {
	Value  *int64 `json:"value"`
	Status string `json:"status"`
	Text   string `json:"text"`
}

type jsonRate struct {
	Value  *float64 `json:"value"`
	Status string   `json:"status"`
	Text   string   `json:"text"`
}

type jsonIndicator struct {
	Value  *float64 `json:"value"`
	Low    *float64 `json:"low,omitempty"`
	High   *float64 `json:"high,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

type jsonGroupRate struct {
	Group string        `json:"group"`
	Rate  jsonIndicator `json:"rate_per_1000"`
	Ratio jsonIndicator `json:"ratio_to_white"`
}

type jsonDisproportion struct {
	Partner    string          `json:"partner"`
	Population string          `json:"population"`
	Groups     []jsonGroupRate `json:"groups"`
}

type jsonPicture struct {
	Theme          string              `json:"theme"`
	Measure        string              `json:"measure"`
	Whole          string              `json:"whole,omitempty"`
	Question       string              `json:"question"`
	Period         string              `json:"period"`
	Grouping       string              `json:"grouping"`
	Rules          string              `json:"rules"`
	Columns        []string            `json:"columns"`
	Rows           []string            `json:"rows"`
	Cells          [][]jsonCell        `json:"cells"`
	Totals         []jsonCell          `json:"totals"`
	WholeCells     [][]jsonCell        `json:"whole_cells,omitempty"`
	Shares         [][]jsonRate        `json:"shares_per_100,omitempty"`
	Gaps           []jsonIndicator     `json:"gaps,omitempty"`
	GapDefinition  string              `json:"gap_definition,omitempty"`
	Disproportions []jsonDisproportion `json:"against_population,omitempty"`
	RateDefinition string              `json:"rate_definition,omitempty"`
	NotShown       []string            `json:"not_shown"`
}

func toJSONCells(cells []disclosure.Cell) []jsonCell {
	out := []jsonCell{}
	for _, c := range cells {
		jc := jsonCell{Status: string(c.Status), Text: c.Text}
		if !c.Status.Suppressed() {
			v := c.Value
			jc.Value = &v
		}
		out = append(out, jc)
	}
	return out
}

func toJSONIndicator(v indicators.Value) jsonIndicator {
	if !v.OK {
		return jsonIndicator{Reason: v.Reason}
	}
	x, lo, hi := v.Value, v.Low, v.High
	return jsonIndicator{Value: &x, Low: &lo, High: &hi}
}

func pictureJSON(r picture.Result) jsonPicture {
	out := jsonPicture{Theme: r.Theme.ID, Measure: r.Measure.ID, Question: r.Question.Key, Period: string(r.Period), Grouping: "detailed",
		Rules: r.Table.Statement, Columns: []string{}, Rows: []string{}, Cells: [][]jsonCell{}, Totals: []jsonCell{}, NotShown: []string{},
		GapDefinition: r.GapDefinition, RateDefinition: r.RateDefinition}
	if r.Request.Broad {
		out.Grouping = "broad"
	}
	if r.Whole != nil {
		out.Whole = r.Whole.ID
	}
	out.Columns = append(out.Columns, r.Table.Cols...)
	out.Rows = append(out.Rows, r.Table.Rows...)
	for _, line := range r.Table.Cells {
		out.Cells = append(out.Cells, toJSONCells(line))
	}
	out.Totals = toJSONCells(r.Table.ColTotals)
	if r.Of != nil {
		for _, line := range r.Of.Cells {
			out.WholeCells = append(out.WholeCells, toJSONCells(line))
		}
	}
	for _, line := range r.Rates {
		var jl []jsonRate
		for _, rc := range line {
			jr := jsonRate{Status: string(rc.Status), Text: rc.Text}
			if rc.Status == disclosure.StatusReleased {
				v := rc.Value
				jr.Value = &v
			}
			jl = append(jl, jr)
		}
		out.Shares = append(out.Shares, jl)
	}
	for _, g := range r.Gaps {
		out.Gaps = append(out.Gaps, toJSONIndicator(g))
	}
	for _, d := range r.Disproportions {
		jd := jsonDisproportion{Partner: d.Partner, Population: d.Population}
		for _, g := range d.Groups {
			jd.Groups = append(jd.Groups, jsonGroupRate{Group: g.Group, Rate: toJSONIndicator(g.Rate), Ratio: toJSONIndicator(g.Ratio)})
		}
		out.Disproportions = append(out.Disproportions, jd)
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
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s-%s.csv"`, r.Theme.ID, r.Measure.ID, r.Question.Key, r.Period))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	head := []string{monitoring.SafeCell(r.Question.Label)}
	for _, col := range r.Table.Cols {
		head = append(head, monitoring.SafeCell(col))
	}
	_ = w.Write(head)
	for i, line := range r.Table.Cells {
		row := []string{monitoring.SafeCell(r.Table.Rows[i])}
		for _, cell := range line {
			row = append(row, cell.Text)
		}
		_ = w.Write(row)
	}
	total := []string{"Total"}
	for _, cell := range r.Table.ColTotals {
		total = append(total, cell.Text)
	}
	_ = w.Write(total)
	_ = w.Write([]string{monitoring.SafeCell(fmt.Sprintf("%s by %s, %s. %s", r.Measure.Label, r.Question.Label, r.Period, r.Table.Statement))})
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
		Period: c.QueryParam("period"), Broad: c.QueryParam("grouping") != "detailed", Partners: c.QueryParams()["partner"]}
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
