package web

import (
	"net/http"
	"slices"
	"strconv"
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
	Themes     []string // names
	Signed     []signedBy
	// EarlierSigned are the signatures given before a suspension was lifted.
	EarlierSigned []signedBy
}

// signedBy is a party's signature, by name.
type signedBy struct {
	Name string
	At   time.Time
}

type protocolsPage struct {
	Protocols []protocolView
	Flows     []flowRow
	CanDraft  bool
	Record    bool // the reader may open the record
	All       bool // the reader reads every protocol, not only some
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
	for _, t := range p.Themes {
		v.Themes = append(v.Themes, s.themeName(t))
	}
	for _, sg := range p.Signatures {
		v.Signed = append(v.Signed, signedBy{Name: s.orgName(sg.OrgID), At: sg.At})
	}
	for _, sg := range p.EarlierSignatures {
		v.EarlierSigned = append(v.EarlierSigned, signedBy{Name: s.orgName(sg.OrgID), At: sg.At})
	}
	return v
}

// themeName returns a theme's name, or its ID when there is no such theme.
func (s *server) themeName(id string) string {
	if t, ok := s.Monitoring.Theme(id); ok {
		return t.Name
	}
	return id
}

// protocols lists the protocols the reader may read and maps who shares
// what with whom under those in force.
func (s *server) protocols(c echo.Context) error {
	readable, err := s.Sharing.Readable(principal(c))
	if err != nil {
		return err
	}
	pg := protocolsPage{CanDraft: s.allowed(c, sharing.PermManage, hub.DomainPartnership), Record: s.allowed(c, permAuditRead, principal(c).OrgID),
		All: s.allowed(c, hub.PermProtocolsRead, hub.DomainPartnership)}
	flows := map[[2]string][]string{}
	for _, p := range readable {
		v := s.viewProtocol(p)
		pg.Protocols = append(pg.Protocols, v)
		if v.State != sharing.Active {
			continue
		}
		for i := range p.Providers {
			for j, r := range p.Recipients {
				if org, ok := r.OrgID(); ok && org == p.Providers[i] {
					continue // an organisation has its own data already
				}
				k := [2]string{v.Providers[i], v.Recipients[j]}
				for _, t := range v.Themes {
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
	CanSubmit  bool
	CanResume  bool
	CanRenew   bool
	Problems   []hub.Problem
	Done       string
	// Renews and RenewedBy are the protocol this one renews and the one
	// that renews it, when there are and the reader may open them.
	Renews, RenewedBy *sharing.Protocol
	// RenewStart and RenewEnd are the renewal form's dates, as typed.
	RenewStart, RenewEnd string
}

// protocol shows one protocol, with signing and suspending for its parties.
func (s *server) protocol(c echo.Context) error {
	return s.protocolAgain(c, http.StatusOK, nil)
}

func (s *server) protocolAgain(c echo.Context, status int, ps []hub.Problem) error {
	return s.protocolPageWith(c, status, ps, "", "")
}

func (s *server) protocolPageWith(c echo.Context, status int, ps []hub.Problem, renewStart, renewEnd string) error {
	me := principal(c)
	p, err := s.Sharing.Read(me, c.Param("id"))
	if err != nil {
		return err
	}
	v := s.viewProtocol(p)
	pg := protocolPage{protocolView: v, Problems: ps, Done: c.QueryParam("done"),
		CanSign:    p.Submitted && slices.Contains(p.Parties(), me.OrgID) && !p.SignedBy(me.OrgID) && s.allowed(c, sharing.PermSign, me.OrgID),
		CanSuspend: p.Submitted && p.Suspended.IsZero() && slices.Contains(p.Providers, me.OrgID) && s.allowed(c, sharing.PermSign, me.OrgID),
		CanSubmit:  !p.Submitted && slices.Contains(p.Parties(), me.OrgID) && s.allowed(c, sharing.PermManage, hub.DomainPartnership)}
	now := s.Clock.Now()
	pg.CanResume = p.MayResume(now) && slices.Contains(p.Providers, me.OrgID) && s.allowed(c, sharing.PermSign, me.OrgID)
	if p.Renews != "" {
		if old, err := s.Sharing.Read(me, p.Renews); err == nil {
			pg.Renews = &old
		}
	}
	renewal, renewed := s.Sharing.RenewalOf(p.ID)
	if renewed && s.Sharing.MayRead(me, renewal) == nil {
		pg.RenewedBy = &renewal
	}
	pg.CanRenew = !renewed && p.MayRenew(now) && slices.Contains(p.Parties(), me.OrgID) && s.allowed(c, sharing.PermManage, hub.DomainPartnership)
	pg.RenewStart, pg.RenewEnd = renewStart, renewEnd
	if pg.CanRenew && renewStart == "" && renewEnd == "" {
		from := p.End.AddDate(0, 0, 1)
		if today := now.UTC().Truncate(24 * time.Hour); from.Before(today) {
			from = today
		}
		pg.RenewStart, pg.RenewEnd = from.Format(time.DateOnly), from.Add(p.End.Sub(p.Start)).Format(time.DateOnly)
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

// resumeProtocol lifts a suspension; every party then signs again.
func (s *server) resumeProtocol(c echo.Context) error {
	if err := s.Sharing.Resume(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		if hub.IsCode(err, hub.CodeConflict) {
			return s.protocolAgain(c, http.StatusConflict, formProblems(err, nil))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/protocols/"+c.Param("id")+"?done=resumed")
}

// renewProtocol starts the renewal of a protocol that has ended or ends
// soon, or shows the protocol again with the dates as typed and what is wrong.
func (s *server) renewProtocol(c echo.Context) error {
	from, until := c.FormValue("start"), c.FormValue("end")
	var ps []hub.Problem
	start := parseDate(from, "start", "date the renewal runs from", &ps)
	end := parseDate(until, "end", "date the renewal runs until", &ps)
	// A date that cannot be read is sent as none, which the hub refuses with the rest.
	r, err := s.Sharing.Renew(c.Request().Context(), principal(c), c.Param("id"), start, end)
	if err != nil {
		status, ok := formRefused(err)
		if !ok || hub.IsCode(err, hub.CodeForbidden) || hub.IsCode(err, hub.CodeNotFound) {
			return err
		}
		if hub.IsCode(err, hub.CodeConflict) {
			ps = formProblems(err, nil)
		} else {
			ps = withParsed(ps, err)
		}
		return s.protocolPageWith(c, status, ps, from, until)
	}
	return c.Redirect(http.StatusSeeOther, "/protocols/"+r.ID+"?done=renewed")
}

// protocolForm is the form for drafting a protocol.
type protocolForm struct {
	Title, Purpose, LawfulBasis, Start, End, Level, Threshold, Round string
	Providers, Recipients, Themes                                    []string
	Orgs                                                             []hub.Organisation
	Bodies                                                           []option
	AllThemes                                                        []option
	Problems                                                         []hub.Problem
}

type option struct{ Value, Label string }

func (s *server) protocolFormFor(f protocolForm) protocolForm {
	f.Orgs = s.Directory.Organisations()
	f.Bodies = []option{{string(sharing.Board), "The partnership board"}, {string(sharing.Forum), "The equality forum"}, {string(sharing.AdvisoryGroup), "The advisory group"}, {string(sharing.Public), "The public"}}
	for _, t := range s.Monitoring.Themes() {
		f.AllThemes = append(f.AllThemes, option{t.ID, t.Name})
	}
	return f
}

// newProtocol shows the form for drafting a protocol.
func (s *server) newProtocol(c echo.Context) error {
	now := s.Clock.Now()
	return s.ok(c, "protocol-form", "Draft a sharing protocol", s.protocolFormFor(protocolForm{Level: "aggregate", Threshold: "5", Round: "0",
		Start: now.Format(time.DateOnly), End: now.AddDate(3, 0, 0).Format(time.DateOnly),
		LawfulBasis: "The public sector equality duty, Equality Act 2010 section 149; UK GDPR Article 6(1)(e)"}))
}

// createProtocol drafts a protocol, or shows the form again with what is wrong.
func (s *server) createProtocol(c echo.Context) error {
	form, _ := c.FormParams()
	f := protocolForm{Title: c.FormValue("title"), Purpose: c.FormValue("purpose"), LawfulBasis: c.FormValue("lawful_basis"),
		Start: c.FormValue("start"), End: c.FormValue("end"), Level: c.FormValue("level"), Threshold: c.FormValue("threshold"), Round: c.FormValue("round"),
		Providers: form["providers"], Recipients: form["recipients"], Themes: form["themes"]}
	p := sharing.Protocol{Title: strings.TrimSpace(f.Title), Purpose: strings.TrimSpace(f.Purpose), LawfulBasis: strings.TrimSpace(f.LawfulBasis),
		Level: sharing.Level(f.Level), Providers: f.Providers, Themes: f.Themes}
	for _, r := range f.Recipients {
		p.Recipients = append(p.Recipients, sharing.Recipient(r))
	}
	var ps []hub.Problem
	var err error
	if p.Threshold, err = strconv.Atoi(strings.TrimSpace(f.Threshold)); err != nil {
		ps = append(ps, hub.Problem{Field: "threshold", Message: "Give the threshold as a whole number, such as 5"})
	}
	if f.Round != "" {
		if p.Round, err = strconv.Atoi(strings.TrimSpace(f.Round)); err != nil {
			ps = append(ps, hub.Problem{Field: "round", Message: "Give the rounding as a whole number, such as 5, or 0 for none"})
		}
	}
	if p.Start, err = time.Parse(time.DateOnly, strings.TrimSpace(f.Start)); err != nil {
		ps = append(ps, hub.Problem{Field: "start", Message: "Give the start date as year-month-day, such as 2026-04-01"})
	}
	if p.End, err = time.Parse(time.DateOnly, strings.TrimSpace(f.End)); err != nil {
		ps = append(ps, hub.Problem{Field: "end", Message: "Give the end date as year-month-day, such as 2029-03-31"})
	}
	if len(ps) == 0 {
		var created sharing.Protocol
		if created, err = s.Sharing.Draft(c.Request().Context(), principal(c), p); err == nil {
			return c.Redirect(http.StatusSeeOther, "/protocols/"+created.ID)
		}
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		ps = hub.ErrorProblems(err)
	} else if err := s.Sharing.CheckDraft(principal(c), p); err != nil {
		return err
	}
	f.Problems = ps
	return s.render(c, http.StatusUnprocessableEntity, "protocol-form", "Error: Draft a sharing protocol", s.protocolFormFor(f))
}

// submitProtocol sends a draft for signature.
func (s *server) submitProtocol(c echo.Context) error {
	if err := s.Sharing.Submit(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/protocols/"+c.Param("id"))
}
