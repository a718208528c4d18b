package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/publication"
	"github.com/partnership/equalityhub/hub/sessions"
	"github.com/partnership/equalityhub/hub/strategy"
)

type auditPage struct {
	Rows      []auditRow
	All       bool // the whole partnership's record, not only the organisation's
	Days      int
	Broken    string // the hub's own check found the record broken: where and why
	Kind      string // the kind of entries shown; "" for all
	Kinds     []option
	Total     int    // how many entries of this kind there are in the period
	Older     bool   // the page does not reach the start of the period
	NewestURL string // the newest entries, when this page is of older ones
	OlderURL  string
	Filter    auditFilter   // what the reader chose
	Orgs      []option      // the organisations a reader of the whole record may choose
	People    []option      // the people the reader may choose
	Since     time.Time     // the first moment shown
	Until     time.Time     // the moment shown up to; zero: now
	Problems  []hub.Problem // what is wrong with the filter
}

// auditFilter is what a reader chose to see of the record.
type auditFilter struct {
	Kind, Org, Person, From, To string
}

// values is the filter as a query, without what was not chosen.
func (f auditFilter) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"kind": f.Kind, "org": f.Org, "person": f.Person, "from": f.From, "to": f.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// auditRow is an entry of the record in words.
type auditRow struct {
	Seq    int64
	At     time.Time
	Who    string // the person, or "The hub"
	Org    string // the organisation they acted for
	What   string // the action in words
	Detail string
	About  string // what it was done to, in words
	Link   string // the page of what it was done to, when the reader may open it
	Owner  string // whose data
}

// auditKinds are the kinds of entries the record page can be narrowed to,
// and the actions of each; changes are every other action.
var (
	auditKinds  = []option{{"", "Everything"}, {"reads", "Reads of data"}, {"changes", "Uploads and changes"}, {"sign-ins", "Sign-ins and API tokens"}, {"refusals", "Refusals"}}
	kindActions = map[string][]string{
		"reads":    {audit.ActionRead, audit.ActionExport},
		"sign-ins": {sessions.ActionSignIn, sessions.ActionSignOut, sessions.ActionTokenCreate, sessions.ActionTokenRevoke},
		"refusals": {audit.ActionDenied, sessions.ActionSignInFailed},
	}
)

// kindQuery narrows q to a kind of entry.
func kindQuery(q audit.Query, kind string) audit.Query {
	if kind == "changes" {
		for _, as := range kindActions {
			q.NotActions = append(q.NotActions, as...)
		}
		return q
	}
	q.Actions = kindActions[kind]
	return q
}

// actionWords says an action in words; an action not listed is shown as it is.
var actionWords = map[string]string{
	audit.ActionRead: "Read", audit.ActionExport: "Exported the record", audit.ActionDenied: "Refused",
	audit.ActionUpload: "Return", audit.ActionSign: "Signed", audit.ActionPublish: "Published", audit.ActionProtocolChange: "Protocol",
	audit.ActionRolesChange: "Roles changed", audit.ActionOrgChange: "Organisation", audit.ActionKeyChange: "Signing key",
	audit.ActionMappingChange: "Mapping changed", audit.ActionNotMade: "Change not made", audit.ActionMonthClosed: "Month closed",
	sessions.ActionSignIn: "Signed in", sessions.ActionSignOut: "Signed out", sessions.ActionSignInFailed: "Sign-in failed",
	sessions.ActionTokenCreate: "API token made", sessions.ActionTokenRevoke: "API token revoked",
	monitoring.ActionDamaged: "Return found damaged", monitoring.ActionStandardApprove: "Standard approved", monitoring.ActionStandardWithdraw: "Standard withdrawn",
	figures.ActionDecide:  "Decided what may be shown",
	strategy.ActionChange: "Strategy", strategy.ActionReport: "Strategy report", eia.ActionChange: "Impact assessment",
	framework.ActionAssess: "Framework level", framework.ActionChallenge: "Framework challenge", framework.ActionFrameworkAdd: "Framework added",
	framework.ActionAnswer: "Framework challenge answered", publication.ActionWithdraw: "Withdrawn from publication",
}

// auditPerPage is how many entries a page of the record shows.
const auditPerPage = 100

// auditPage shows the record, newest first, a page at a time, narrowed to a
// kind of entry: an organisation sees what was done with its data and by its
// people; the board and administrators see everything. Only the page shown
// is read from the store.
func (s *server) auditPage(c echo.Context) error {
	p := principal(c)
	all := s.allowed(c, permAuditRead, hub.DomainPartnership)
	now := s.Clock.Now()
	f := auditFilter{Kind: c.QueryParam("kind"), Org: c.QueryParam("org"), Person: c.QueryParam("person"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	if !slices.ContainsFunc(auditKinds, func(o option) bool { return o.Value == f.Kind }) {
		f.Kind = ""
	}
	q := kindQuery(audit.Query{Since: now.Add(-31 * 24 * time.Hour), Limit: auditPerPage + 1}, f.Kind)
	page := auditPage{All: all, Days: 31, Kind: f.Kind, Kinds: auditKinds, Filter: f}
	// The people and organisations the reader may pick: everyone's for a
	// reader of the whole record, else their own organisation's people.
	if all {
		for _, o := range s.Directory.Organisations() {
			page.Orgs = append(page.Orgs, option{o.ID, o.Name})
		}
		if slices.ContainsFunc(page.Orgs, func(o option) bool { return o.Value == f.Org }) {
			q.Org = f.Org
		} else {
			page.Filter.Org = ""
		}
		for _, person := range s.Directory.People() {
			page.People = append(page.People, option{person.ID, person.DisplayName() + ", " + s.orgName(person.OrgID)})
		}
	} else {
		q.Org = p.OrgID
		if members, err := s.Directory.Members(p, p.OrgID); err == nil {
			for _, person := range members {
				page.People = append(page.People, option{person.ID, person.DisplayName()})
			}
		}
	}
	slices.SortFunc(page.People, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	if slices.ContainsFunc(page.People, func(o option) bool { return o.Value == f.Person }) {
		q.Person = f.Person
	} else {
		page.Filter.Person = ""
	}
	for _, d := range []struct {
		field, value string
		set          func(time.Time)
	}{
		{"from", f.From, func(t time.Time) { q.Since = t }},
		{"to", f.To, func(t time.Time) { q.Until = t.AddDate(0, 0, 1) }},
	} {
		if d.value == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.value, time.UTC)
		if err != nil {
			page.Problems = append(page.Problems, hub.Problem{Field: d.field, Message: "Give the date as year-month-day, such as " + now.Format(time.DateOnly) + ": " + hub.Excerpt(d.value) + " is not one"})
			continue
		}
		d.set(t)
	}
	if !q.Until.IsZero() && !q.Until.After(q.Since) {
		page.Problems = append(page.Problems, hub.Problem{Field: "to", Message: "The last day comes before the first"})
	}
	if len(page.Problems) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, "audit", "Error: The record", page)
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	q.Before = max(before, 0)
	entries, total, err := s.Audit.Page(c.Request().Context(), q)
	if err != nil {
		return err
	}
	page.Total = total
	page.Since, page.Until = q.Since, q.Until
	link := func(before int64) string {
		v := f.values()
		if before > 0 {
			v.Set("before", strconv.FormatInt(before, 10))
		}
		if len(v) == 0 {
			return "/audit"
		}
		return "/audit?" + v.Encode()
	}
	if len(entries) > auditPerPage {
		entries = entries[:auditPerPage]
		page.Older, page.OlderURL = true, link(entries[len(entries)-1].Seq)
	}
	if before > 0 {
		page.NewestURL = link(0)
	}
	for _, e := range entries {
		page.Rows = append(page.Rows, s.auditRow(p, e))
	}
	if rep, _ := s.AuditWatch.Status(); !rep.OK {
		page.Broken = rep.String()
	}
	return s.ok(c, "audit", "The record", page)
}

// auditRow says an entry in words for a reader.
func (s *server) auditRow(reader hub.Principal, e audit.Entry) auditRow {
	name := func(org string) string {
		switch org {
		case "":
			return ""
		case hub.DomainPartnership:
			return "The partnership"
		}
		return s.orgName(org)
	}
	r := auditRow{Seq: e.Seq, At: e.At, Who: "The hub", Org: name(e.OrgID), What: e.Action, Detail: e.Detail, Owner: name(e.Owner)}
	if w, ok := actionWords[e.Action]; ok {
		r.What = w
	}
	if e.PersonID != "" {
		r.Who = e.PersonID
		if person, err := s.Directory.Person(e.PersonID); err == nil {
			r.Who = person.DisplayName()
		}
	} else if e.OrgID == "" && (e.Action == audit.ActionDenied || e.Action == sessions.ActionSignInFailed) {
		r.Who = "Someone not signed in"
	}
	parts := strings.Split(e.Object, "/")
	switch kind := parts[0]; {
	case strings.HasPrefix(e.Object, "GET ") || strings.HasPrefix(e.Object, "POST ") || strings.HasPrefix(e.Object, "PUT "):
		r.About = "asked for " + e.Object
	case kind == "returns" && len(parts) == 4:
		r.About = fmt.Sprintf("%s %s of %s", s.themeName(parts[2]), parts[3], name(parts[1]))
	case kind == "returns" && len(parts) == 2:
		r.About = "a return"
		if e.Owner == reader.OrgID && s.may(reader, monitoring.PermReturnsRead, reader.OrgID) {
			r.Link = "/data/returns/" + parts[1]
		}
	case kind == "patterns" && len(parts) == 3:
		r.About = fmt.Sprintf("%s %s", s.themeName(parts[1]), parts[2])
	case kind == "people" && len(parts) == 2:
		r.About = "a person"
		if person, err := s.Directory.Person(parts[1]); err == nil {
			r.About = person.DisplayName()
		}
	case kind == "mappings" && len(parts) == 3:
		r.About = fmt.Sprintf("the mapping of %s, version %s", name(parts[1]), parts[2])
	case kind == "organisations" && len(parts) == 2:
		r.About = name(parts[1])
	case kind == "keys":
		r.About = "a signing key"
	case kind == "assessments":
		r.About, r.Detail = s.assessmentWords(e)
	case kind == "frameworks":
		r.About = "a framework"
	case kind == "strategy":
		r.About = "the strategy"
		if s.may(reader, hub.PermStrategyRead, hub.DomainPartnership) {
			r.Link = "/strategy"
		}
	case kind == "standards" && len(parts) == 2:
		r.About = "the monitoring standard, version " + parts[1]
	case kind == "publications" && len(parts) == 2:
		r.About, r.Link = "a published table", "/published/"+parts[1]
	case kind == "protocols" && len(parts) == 2:
		r.About = "a protocol"
		if p, err := s.Sharing.Protocol(parts[1]); err == nil {
			r.About = "the protocol " + p.Title
			if s.Sharing.MayRead(reader, p) == nil {
				r.Link = "/protocols/" + parts[1]
			}
		}
	case kind == "eias" && len(parts) == 2:
		r.About = "an impact assessment"
		if a, err := s.EIA.Get(reader, parts[1]); err == nil {
			r.About, r.Link = "the impact assessment "+a.Title, "/impact-assessments/"+parts[1]
		}
		r.Detail = eiaDetailWords(e.Detail, name)
	case kind == "entries" && len(parts) == 2:
		r.About = "entry " + parts[1]
	case kind == "audit":
		r.About = "the record"
	default:
		r.About = e.Object
	}
	return r
}

// may reports whether a reader holds a permission in a domain: a page links
// only what its reader may open.
func (s *server) may(reader hub.Principal, perm hub.Permission, dom string) bool {
	return hub.Authorize(s.Auth, reader, perm, dom) == nil
}

// exportWriteTimeout bounds the streaming of the whole audit record.
const exportWriteTimeout = 30 * time.Minute

// auditExport answers the whole record as JSON lines, for hubctl audit
// verify: the export is on the record, and ends with the hub's signature.
func (s *server) auditExport(c echo.Context) error {
	p := principal(c)
	x, err := s.Audit.PrepareExport(c.Request().Context(), audit.Entry{PersonID: p.PersonID, OrgID: p.OrgID,
		Action: audit.ActionExport, Object: "audit", Owner: hub.DomainPartnership, Detail: "exported the whole record"})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/x-ndjson")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="audit-record.jsonl"`)
	// The whole record may take longer to stream than an ordinary answer:
	// it gets its own deadline, still bounded.
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(exportWriteTimeout))
	c.Response().WriteHeader(http.StatusOK)
	// Once the answer has begun, a failure can only cut it short, which
	// verification of the export then says.
	return x.WriteTo(c.Request().Context(), c.Response())
}

// hubKey publishes the hub's public key.
func (s *server) hubKey(c echo.Context) error {
	pub, err := s.HubKey.PublicKey()
	if err != nil {
		return hub.Internal(err, "reading the hub's public key")
	}
	return c.Blob(http.StatusOK, "application/pgp-keys", []byte(pub))
}
