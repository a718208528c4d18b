package web

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/strategy"
)

type homePage struct {
	Roles      []hub.Grant
	OrgID      string
	SignedOut  bool
	PartnerCnt int
	Overdue    []overdueAction // the organisation's actions past their due date
	Waiting    []waitingItem   // what waits for the person, as one of their organisation's signers or as a scrutineer
}

// waitingItem is something that waits for the person: a protocol or an
// assessment to sign for their organisation, or an assessment open to their scrutiny.
type waitingItem struct {
	Kind, Title, Link string
	Org               string    // the organisation whose signature or sign-off is waited for; "" for scrutiny
	Until             time.Time // when scrutiny closes, or the decision date
	Scrutiny          bool
}

// waitingFor lists, as hub/sharing and hub/eia decide, what waits for the person.
func (s *server) waitingFor(p hub.Principal) ([]waitingItem, error) {
	var out []waitingItem
	protocols, err := s.Sharing.WaitingFor(p)
	if err != nil {
		return nil, err
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

// overdueAction is an action of the person's organisation that is past its due date.
type overdueAction struct {
	Text, From, Link string
	Due              time.Time
}

// overdueFor lists an organisation's overdue actions from the impact
// assessments and the strategy that the person may read.
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
	// The strategy's actions and objectives are shown only to those who may read the strategy.
	if hub.Authorize(s.Auth, p, hub.PermStrategyRead, hub.DomainPartnership) != nil {
		return out
	}
	for _, o := range s.Strategy.Objectives() {
		for _, a := range o.Actions {
			if a.OwnerOrg == p.OrgID && a.State(now) == strategy.Overdue {
				out = append(out, overdueAction{Text: a.Text, From: o.Statement, Link: "/strategy/objectives/" + o.ID + "#" + a.ID, Due: a.Due})
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
	return s.ok(c, "home", s.Directory.Partnership().Name+" equality hub", homePage{
		Roles: p.Grants, OrgID: p.OrgID, SignedOut: c.QueryParam("signed_out") == "1", PartnerCnt: len(s.Directory.Organisations()),
		Overdue: s.overdueFor(p), Waiting: waiting,
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
