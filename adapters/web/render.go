package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/strategy"
)

//go:embed templates/*.html
var templateFiles embed.FS

// renderer holds one template set per page, each with the layout.
type renderer struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	// records says a number of records: "1 record", "2 records".
	"records": func(n int64) string {
		if n == 1 {
			return "1 record"
		}
		return fmt.Sprintf("%d records", n)
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Format("2 January 2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Format("2 January 2006 at 15:04")
	},
	// problemFor returns the message for one form field, if any.
	"problemFor": func(ps []hub.Problem, field string) string {
		var ms []string
		for _, p := range ps {
			if p.Field == field {
				ms = append(ms, p.Message)
			}
		}
		return strings.Join(ms, ". ")
	},
	// fieldProblem is a field's messages with the id of the element that
	// shows them ("FIELD-error"), or nil when the field has none.
	"fieldProblem": func(ps []hub.Problem, field string) *fieldProblem {
		var ms []string
		for _, p := range ps {
			if p.Field == field {
				ms = append(ms, p.Message)
			}
		}
		if len(ms) == 0 {
			return nil
		}
		return &fieldProblem{ID: field + "-error", Message: strings.Join(ms, ". ")}
	},
	// describedBy lists the ids a field's aria-describedby names: its hint
	// ("FIELD-hint") when it has one, and its error ("FIELD-error") when it has one.
	"describedBy": func(field string, hint bool, e *fieldProblem) string {
		var ids []string
		if hint {
			ids = append(ids, field+"-hint")
		}
		if e != nil {
			ids = append(ids, e.ID)
		}
		return strings.Join(ids, " ")
	},
	"errorID": func(e any) string {
		if p, ok := e.(*fieldProblem); ok && p != nil {
			return p.ID
		}
		return ""
	},
	"errorText": func(e any) string {
		if p, ok := e.(*fieldProblem); ok {
			if p == nil {
				return ""
			}
			return p.Message
		}
		return fmt.Sprint(e)
	},
	"breakable":       breakable,
	"sub":             func(a, b int) int { return a - b },
	"lower":           strings.ToLower,
	"statusText":      statusText,
	"gapText":         gapText,
	"rateText":        rateText,
	"shareChart":      shareChart,
	"brownPrinciples": func() []eia.Principle { return eia.BrownPrinciples },
	"inc":             func(i int) int { return i + 1 },
	"periodLabel":     strategy.PeriodLabel,
	"thousands":       hub.Thousands,
	"ratioText":       ratioText,
	"list4":           func(a, b, c, d string) []string { return []string{a, b, c, d} },
	"issuerLabel": func(f string) string {
		return map[string]string{"id": "Short name", "label": "Sign-in button text", "url": "Issuer address", "client_id": "Client ID"}[f]
	},
	"issuerValue": func(is issuerForm, f string) string {
		return map[string]string{"id": is.ID, "label": is.Label, "url": is.URL, "client_id": is.ClientID}[f]
	},
	"contains": func(xs []string, x string) bool {
		for _, v := range xs {
			if v == x {
				return true
			}
		}
		return false
	},
}

// breakable writes a text that may hold long runs without a space, such as
// a name given to a token by a script, so that a narrow screen can break it:
// a line may break after every tenth character of a run, where an invisible
// <wbr> is put, which copying the text leaves out.
func breakable(s string) template.HTML {
	var b strings.Builder
	run := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			run = 0
		} else if run++; run > 10 {
			b.WriteString("<wbr>")
			run = 1
		}
		b.WriteString(template.HTMLEscapeString(string(r)))
	}
	return template.HTML(b.String())
}

// fieldProblem is what is wrong with one form field, and the id of the
// message beside it, which the field names in its aria-describedby.
type fieldProblem struct {
	ID      string
	Message string
}

func newRenderer() (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("reading the page template %s: %w", name, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// view is what every page template receives.
type view struct {
	Title       string
	Partnership hub.Partnership
	Principal   hub.Principal
	OrgName     string // the signed-in person's organisation
	Nav         []navItem
	CSRF        string
	Demo        bool
	Path        string
	Page        any // the page's own data
}

type navItem struct {
	Label, Href string
	About       string // what the area is for, on the home page's cards
	Current     bool
}

// areas are the work areas in the navigation, each shown to those who may see it.
var areas = []struct {
	label, href, about string
	perm               hub.Permission
}{
	{"Data", "/data", "Your organisation's returns, the partnership picture and the monitoring standard.", hub.PermDataRead},
	{"Protocols", "/protocols", "The data-sharing protocols: what partners share, with whom and why, and who has signed.", hub.PermProtocolsRead},
	{"Impact assessments", "/impact-assessments", "Joint equality impact assessments, from screening to sign-off and publication.", hub.PermEIARead},
	{"Strategy", "/strategy", "The partnership equality strategy: objectives, measures, actions and quarterly reports.", hub.PermStrategyRead},
	{"Framework", "/framework", "Each partner's level against the equality framework, and the challenges to it.", hub.PermFrameworkRead},
	{"Published", "/published", "What the partnership has published for everyone to read.", hub.PermPublicRead},
	{"Organisations", "/organisations", "The partner organisations, their identity providers and people's roles.", hub.PermOrgManage},
	{"Record", "/audit", "Who did what and when: the hub's record of every change and read.", permAuditRead},
	{"Advisory group", "/advisory", "Assessments open for scrutiny and what is shared with the advisory group.", eia.PermScrutinise},
}

// nav lists the areas the principal may open.
func (s *server) nav(c echo.Context) []navItem {
	p := principal(c)
	var items []navItem
	for _, a := range areas {
		dom := hub.DomainPartnership
		if a.perm == hub.PermDataRead || a.perm == permAuditRead || a.perm == hub.PermProtocolsRead {
			dom = p.OrgID
		}
		if hub.Authorize(s.Auth, p, a.perm, dom) != nil {
			continue
		}
		items = append(items, navItem{Label: a.label, Href: a.href, About: a.about, Current: strings.HasPrefix(c.Request().URL.Path, a.href)})
	}
	return items
}

// render writes a page inside the layout.
func (s *server) render(c echo.Context, status int, name, title string, data any) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return hub.Internal(fmt.Errorf("no page template %q", name), "rendering")
	}
	p := principal(c)
	v := view{Title: title, Partnership: s.Directory.Partnership(), Principal: p, Nav: s.nav(c), Demo: s.Demo, Path: c.Request().URL.Path, Page: data}
	if tok, ok := c.Get("csrf").(string); ok {
		v.CSRF = tok
	}
	if p.SignedIn() {
		if o, err := s.Directory.Organisation(p.OrgID); err == nil {
			v.OrgName = o.Name
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return hub.Internal(err, "rendering "+name)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// ok renders a page with status 200.
func (s *server) ok(c echo.Context, name, title string, data any) error {
	return s.render(c, http.StatusOK, name, title, data)
}

// statusText says a strategy status code ("on-track", "no-data") in words.
func statusText(code any) string {
	c := fmt.Sprint(code)
	if c == "no-data" {
		return "No data yet"
	}
	c = strings.ReplaceAll(c, "-", " ")
	if c == "" {
		return c
	}
	return strings.ToUpper(c[:1]) + c[1:]
}
