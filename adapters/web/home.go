package web

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/strategy"
)

type homePage struct {
	Roles      []hub.Grant
	OrgID      string
	SignedOut  bool
	PartnerCnt int
	Overdue    []overdueAction // the organisation's actions past their due date
	Waiting    []waitingItem   // what waits for the person, as one of their organisation's signers or as a scrutineer
	// Needs is the rest of what waits for the person and their
	// organisation, group by group: challenges to answer, actions due,
	// returns due and duties due. Each group's rule is its hub package's.
	Needs []waitingGroup
}

// waitingGroup is one kind of thing that waits, under a plain heading.
type waitingGroup struct {
	Heading string
	Items   []waitingItem
}

// waitingItem is something that waits for the person: a protocol or an
// assessment to sign for their organisation, or an assessment open to their scrutiny.
type waitingItem struct {
	Kind, Title, Link string
	Org               string    // the organisation whose signature or sign-off is waited for; "" for scrutiny
	Until             time.Time // when scrutiny closes, or the decision date
	Scrutiny          bool
	Words             string // for the groups of Needs: what is wanted and by when, after the link
}

// waitingFor lists, as hub/sharing and hub/eia decide, what waits for the person.
func (s *server) waitingFor(p hub.Principal) ([]waitingItem, error) {
	var out []waitingItem
	protocols, err := s.Sharing.WaitingFor(p)
	if err != nil {
		return nil, err
	}
	for _, st := range s.Monitoring.StandardsToApprove(p) {
		out = append(out, waitingItem{Kind: "Standard", Title: "Monitoring standard " + st.Version, Link: "/standard#proposed", Org: s.orgName(st.ProposedOrg), Until: st.Effective})
	}
	for _, pr := range protocols {
		out = append(out, waitingItem{Kind: "Protocol", Title: pr.Title, Link: "/protocols/" + pr.ID, Org: s.orgName(p.OrgID)})
	}
	eias, err := s.EIA.WaitingFor(p, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	for _, w := range eias {
		it := waitingItem{Kind: "Impact assessment", Title: w.EIA.Title, Link: "/impact-assessments/" + w.EIA.ID}
		if w.For == eia.WaitsForScrutiny {
			it.Scrutiny, it.Until = true, w.EIA.Scrutiny.OpenUntil
		} else {
			it.Org, it.Until = s.orgName(p.OrgID), w.EIA.DecisionDate
		}
		out = append(out, it)
	}
	return out, nil
}

// needsFor gathers, as hub/framework, hub/strategy, hub/monitoring and
// hub/duty decide, the rest of what waits for the person: only what they
// may act on and open.
func (s *server) needsFor(c echo.Context, p hub.Principal) ([]waitingGroup, error) {
	if !p.SignedIn() {
		return nil, nil
	}
	now := s.Clock.Now()
	var out []waitingGroup
	add := func(heading string, items []waitingItem) {
		if len(items) > 0 {
			out = append(out, waitingGroup{Heading: heading, Items: items})
		}
	}
	var items []waitingItem
	if s.allowed(c, hub.PermFrameworkRead, hub.DomainPartnership) {
		challenges, err := s.Framework.WaitingFor(p)
		if err != nil {
			return nil, err
		}
		for _, w := range challenges {
			who := s.orgName(w.Challenge.ByOrg)
			items = append(items, waitingItem{Kind: "Challenge to your level on", Title: w.Theme.Name, Link: "/framework#challenges-" + p.OrgID + "-" + w.Theme.ID,
				Until: w.Challenge.At, Words: "from " + who + ", made on " + w.Challenge.At.Format("2 January 2006") + ", waits for your organisation's answer"})
		}
		add("Challenges to answer", items)
	}
	actions, err := s.Strategy.WaitingFor(p, now)
	if err != nil {
		return nil, err
	}
	items = nil
	for _, w := range actions {
		items = append(items, waitingItem{Kind: "Action", Title: w.Action.Text, Link: "/strategy/objectives/" + w.Objective.ID + "#" + w.Action.ID,
			Until: w.Action.Due, Words: "(" + w.Objective.Statement + ") is " + dueWords(w.Action.Due, now)})
	}
	add("Strategy actions due within 30 days or overdue", items)
	returns, err := s.Monitoring.WaitingFor(p, now)
	if err != nil {
		return nil, err
	}
	items = nil
	for _, d := range returns {
		items = append(items, waitingItem{Kind: "Return", Title: d.Theme.Name, Link: "/data/upload?theme=" + url.QueryEscape(d.Theme.ID) + "&period=" + url.QueryEscape(string(d.Period)),
			Until: d.Due, Words: "for " + strategy.PeriodLabel(string(d.Period)) + " is " + dueWords(d.Due, now) + " (a return is due " + monitoring.Grace + " after its period ends)"})
	}
	add("Returns to send", items)
	if s.allowed(c, hub.PermStrategyRead, hub.DomainPartnership) {
		duties, err := s.Strategy.DutiesWaitingFor(p, s.Directory.Organisations(), now)
		if err != nil {
			return nil, err
		}
		items = nil
		for _, d := range duties {
			items = append(items, waitingItem{Kind: "Duty to publish", Title: strings.ToLower(d.Kind.Label()[:1]) + d.Kind.Label()[1:], Link: "/strategy/duty",
				Until: d.Line.Due, Words: "for " + s.orgName(d.OrgID) + " is " + dueWords(d.Line.Due, now)})
		}
		add("Publication duties due", items)
	}
	return out, nil
}

// dueWords says a due date in words against now: "due today", "due
// tomorrow", "due in 12 days, on 10 December 2026", "overdue: it was due on
// 3 November 2026".
func dueWords(due, now time.Time) string {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	dy, dm, dd := due.Date()
	day := time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC)
	on := day.Format("2 January 2006")
	switch days := int(day.Sub(today).Hours() / 24); {
	case days < 0:
		return "overdue: it was due on " + on
	case days == 0:
		return "due today, " + on
	case days == 1:
		return "due tomorrow, " + on
	default:
		return fmt.Sprintf("due in %d days, on %s", days, on)
	}
}

// overdueAction is an action of the person's organisation that is past its due date.
type overdueAction struct {
	Text, From, Link string
	Due              time.Time
}

// overdueFor lists an organisation's overdue actions from the impact
// assessments that the person may read (the strategy's are among what
// waits for the organisation).
func (s *server) overdueFor(p hub.Principal) []overdueAction {
	if !p.SignedIn() {
		return nil
	}
	now := s.Clock.Now()
	var out []overdueAction
	if list, err := s.EIA.List(p, eia.Filter{}); err == nil {
		for _, e := range list {
			for _, a := range e.Actions {
				if a.OwnerOrg == p.OrgID && a.Overdue(now) {
					out = append(out, overdueAction{Text: a.Text, From: e.Title, Link: "/impact-assessments/" + e.ID, Due: a.Due})
				}
			}
		}
	}
	return out
}

// home is the start page: what the hub is for, and where to go next.
func (s *server) home(c echo.Context) error {
	p := principal(c)
	waiting, err := s.waitingFor(p)
	if err != nil {
		return err
	}
	needs, err := s.needsFor(c, p)
	if err != nil {
		return err
	}
	return s.ok(c, "home", "Home", homePage{
		Roles: p.Grants, OrgID: p.OrgID, SignedOut: c.QueryParam("signed_out") == "1", PartnerCnt: len(s.Directory.Organisations()),
		Overdue: s.overdueFor(p), Waiting: waiting, Needs: needs,
	})
}

// accessibility is the accessibility statement.
func (s *server) accessibility(c echo.Context) error {
	type contact struct{ Text, Href string }
	var to *contact
	if a := s.AccessibilityContact; a != "" {
		to = &contact{a, a}
		if !strings.HasPrefix(a, "http://") && !strings.HasPrefix(a, "https://") {
			to.Href = "mailto:" + a
		}
	}
	return s.ok(c, "accessibility", "Accessibility statement", map[string]any{"Contact": to})
}
