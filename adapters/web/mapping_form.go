package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// codesForm is the mapping page's form: for every question of the
// standard, the rows of local codes and the categories they mean.
type codesForm struct {
	Questions []codesQuestion
	Note      string
	Next      int // the version saving makes
	Summary   []summaryItem
}

type codesQuestion struct {
	Question monitoring.Question
	Column   string
	Rows     []codesRow
	Error    string // a problem with the question as a whole
}

type codesRow struct {
	ID        string // the row's id on the page, e.g. codes-sex-2
	Index     int
	Local     string
	Category  string
	Suggested bool // the category was suggested by the hub, not chosen
	Error     string
}

// rowID names a row on the page.
func rowID(key string, i int) string { return "codes-" + key + "-" + strconv.Itoa(i) }

// codesFormOf lays out the form from each question's rows, suggesting a
// category for a row with a code and none chosen.
func codesFormOf(st monitoring.Standard, m monitoring.Mapping, rows map[string][]monitoring.CodeRow) codesForm {
	f := codesForm{Next: m.Version + 1}
	for _, q := range st.Questions {
		cq := codesQuestion{Question: q, Column: m.Column(q.Key)}
		for i, r := range rows[q.Key] {
			row := codesRow{ID: rowID(q.Key, i), Index: i, Local: r.Local, Category: r.Category}
			if row.Category == "" && strings.TrimSpace(row.Local) != "" {
				row.Category, row.Suggested = monitoring.SuggestCategory(q, row.Local)
			}
			cq.Rows = append(cq.Rows, row)
		}
		f.Questions = append(f.Questions, cq)
	}
	return f
}

// mappingRows are a mapping's codes as rows, each question's in natural order.
func mappingRows(m monitoring.Mapping) map[string][]monitoring.CodeRow {
	rows := map[string][]monitoring.CodeRow{}
	for key, codes := range m.Codes {
		for local, std := range codes {
			rows[key] = append(rows[key], monitoring.CodeRow{Local: local, Category: std})
		}
		slices.SortFunc(rows[key], func(a, b monitoring.CodeRow) int { return naturalCompare(a.Local, b.Local) })
	}
	return rows
}

// formRows reads the rows the form sent: local.<question>.<row> and
// means.<question>.<row>, rows counted from 0.
func formRows(st monitoring.Standard, form url.Values) map[string][]monitoring.CodeRow {
	rows := map[string][]monitoring.CodeRow{}
	for _, q := range st.Questions {
		for i := 0; ; i++ {
			suffix := q.Key + "." + strconv.Itoa(i)
			local, ok := form["local."+suffix]
			if !ok {
				break
			}
			rows[q.Key] = append(rows[q.Key], monitoring.CodeRow{Local: strings.TrimSpace(first(local)), Category: form.Get("means." + suffix)})
		}
	}
	return rows
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// saveMappingCodes answers the mapping page's form: add a row to a
// question, remove one, or save the codes as a new version of the mapping,
// its columns and date formats kept. A refusal shows the whole form again
// with each problem beside its row.
func (s *server) saveMappingCodes(c echo.Context) error {
	p := principal(c)
	m := s.Monitoring.Mapping(p.OrgID)
	var err error
	st, ok := s.Monitoring.Standard(m.Standard)
	if !ok {
		if st, err = s.Monitoring.CurrentStandard(); err != nil {
			return err
		}
	}
	form, ferr := c.FormParams()
	if ferr != nil {
		return hub.Errorf(hub.CodeInvalid, "The form could not be read: send it again")
	}
	rows := formRows(st, form)
	// The form says, after its rows, how many it sent of each question: a
	// form cut short on its way, or one without rows, changes nothing.
	for _, q := range st.Questions {
		if n, err := strconv.Atoi(form.Get("rows." + q.Key)); err != nil || n != len(rows[q.Key]) {
			return hub.Errorf(hub.CodeInvalid, "The mapping form arrived incomplete, so nothing was saved: open the mapping page and send it again")
		}
	}
	note := strings.TrimSpace(form.Get("note"))
	again := func(status int, f codesForm) error {
		f.Note = note
		pg, err := s.mappingData(c, st)
		if err != nil {
			return err
		}
		pg.Form = &f
		title := "Your mapping"
		if len(f.Summary) > 0 {
			title = "Error: " + title
		}
		return s.render(c, status, "mapping", title, pg)
	}
	action := form.Get("action")
	switch {
	case strings.HasPrefix(action, "add:"):
		key := strings.TrimPrefix(action, "add:")
		rows[key] = append(rows[key], monitoring.CodeRow{})
		return again(http.StatusOK, codesFormOf(st, m, rows))
	case strings.HasPrefix(action, "remove:"):
		key, at, _ := strings.Cut(strings.TrimPrefix(action, "remove:"), ":")
		if i, err := strconv.Atoi(at); err == nil && i >= 0 && i < len(rows[key]) {
			rows[key] = slices.Delete(rows[key], i, i+1)
		}
		return again(http.StatusOK, codesFormOf(st, m, rows))
	}
	codes, err := monitoring.CodesFromRows(st, rows)
	if err == nil {
		next := m
		next.Codes, next.Note, next.Standard = codes, note, st.Version
		_, err = s.Monitoring.SaveMapping(c.Request().Context(), p, next)
	}
	if err != nil {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict {
			return err
		}
		f := codesFormOf(st, m, rows)
		placeProblems(&f, err)
		return again(statusOf[code], f)
	}
	return c.Redirect(http.StatusSeeOther, "/data/mapping?saved=1")
}

// placeProblems puts each problem beside its row, or its question, and in the summary.
func placeProblems(f *codesForm, err error) {
	ps := hub.ErrorProblems(err)
	if len(ps) == 0 {
		ps = []hub.Problem{{Message: hub.ErrorMessage(err)}}
	}
	placed := map[int]bool{}
	for qi := range f.Questions {
		q := &f.Questions[qi]
		for ri := range q.Rows {
			r := &q.Rows[ri]
			for pi, p := range ps {
				if p.Field == fmt.Sprintf("codes.%s.%d", q.Question.Key, r.Index) {
					r.Error, placed[pi] = p.Message, true
					f.Summary = append(f.Summary, summaryItem{Href: "#" + r.ID + "-local", Text: q.Question.Label + ", row " + strconv.Itoa(r.Index+1) + ": " + p.Message})
				}
			}
		}
		for pi, p := range ps {
			if p.Field == "codes."+q.Question.Key && !placed[pi] {
				q.Error, placed[pi] = p.Message, true
				f.Summary = append(f.Summary, summaryItem{Href: "#codes-" + q.Question.Key, Text: p.Message})
			}
		}
	}
	for pi, p := range ps {
		if !placed[pi] {
			f.Summary = append(f.Summary, summaryItem{Href: "#codes", Text: p.Message})
		}
	}
}
