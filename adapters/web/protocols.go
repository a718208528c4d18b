package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/sharing"
)

type protocolView struct {
	sharing.Protocol
	State      sharing.State
	Providers  []string // names
	Recipients []string // names
	Unsigned   []string // names
}

type protocolsPage struct {
	Protocols []protocolView
	Flows     []flowRow
}

// flowRow is one line of the map of who shares what with whom.
type flowRow struct {
	Provider, Recipient string
	Themes              []string
}

func (s *server) orgName(id string) string {
	if o, err := s.Directory.Organisation(id); err == nil {
		return o.Name
	}
	return id
}

func (s *server) viewProtocol(p sharing.Protocol) protocolView {
	v := protocolView{Protocol: p, State: p.StateAt(s.Clock.Now())}
	for _, o := range p.Providers {
		v.Providers = append(v.Providers, s.orgName(o))
	}
	for _, r := range p.Recipients {
		v.Recipients = append(v.Recipients, sharing.Describe(r, s.orgName))
	}
	for _, o := range p.Unsigned() {
		v.Unsigned = append(v.Unsigned, s.orgName(o))
	}
	return v
}

// protocols lists the protocols and maps who shares what with whom under those in force.
func (s *server) protocols(c echo.Context) error {
	var pg protocolsPage
	flows := map[[2]string][]string{}
	for _, p := range s.Sharing.Protocols() {
		v := s.viewProtocol(p)
		pg.Protocols = append(pg.Protocols, v)
		if v.State != sharing.Active {
			continue
		}
		for i := range p.Providers {
			for j := range p.Recipients {
				k := [2]string{v.Providers[i], v.Recipients[j]}
				for _, t := range p.Themes {
					if !slices.Contains(flows[k], t) {
						flows[k] = append(flows[k], t)
					}
				}
			}
		}
	}
	for k, ts := range flows {
		pg.Flows = append(pg.Flows, flowRow{Provider: k[0], Recipient: k[1], Themes: ts})
	}
	slices.SortFunc(pg.Flows, func(a, b flowRow) int {
		return strings.Compare(a.Provider+"\x00"+a.Recipient, b.Provider+"\x00"+b.Recipient)
	})
	return s.ok(c, "protocols", "Sharing protocols", pg)
}

type protocolPage struct {
	protocolView
	CanSign    bool
	CanSuspend bool
	Themes     map[string]string
	Problems   []hub.Problem
	Done       string
}

// protocol shows one protocol, with signing and suspending for its parties.
func (s *server) protocol(c echo.Context) error {
	return s.protocolAgain(c, http.StatusOK, nil)
}

func (s *server) protocolAgain(c echo.Context, status int, ps []hub.Problem) error {
	p, err := s.Sharing.Protocol(c.Param("id"))
	if err != nil {
		return err
	}
	me := principal(c)
	v := s.viewProtocol(p)
	pg := protocolPage{protocolView: v, Themes: map[string]string{}, Problems: ps, Done: c.QueryParam("done"),
		CanSign:    p.Submitted && slices.Contains(p.Parties(), me.OrgID) && !p.SignedBy(me.OrgID) && s.allowed(c, sharing.PermSign, me.OrgID),
		CanSuspend: p.Suspended.IsZero() && slices.Contains(p.Providers, me.OrgID) && s.allowed(c, sharing.PermSign, me.OrgID)}
	for _, t := range s.Monitoring.Themes() {
		pg.Themes[t.ID] = t.Name
	}
	return s.render(c, status, "protocol", p.Title, pg)
}

// signProtocol signs for the person's organisation.
func (s *server) signProtocol(c echo.Context) error {
	if err := s.Sharing.Sign(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/protocols/"+c.Param("id")+"?done=signed")
}

// suspendProtocol suspends a protocol at once.
func (s *server) suspendProtocol(c echo.Context) error {
	if err := s.Sharing.Suspend(c.Request().Context(), principal(c), c.Param("id"), c.FormValue("reason")); err != nil {
		if hub.IsCode(err, hub.CodeInvalid) {
			return s.protocolAgain(c, http.StatusUnprocessableEntity, hub.ErrorProblems(err))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/protocols/"+c.Param("id")+"?done=suspended")
}

// today is the date a page shows as now.
func (s *server) today() string { return s.Clock.Now().Format(time.DateOnly) }
