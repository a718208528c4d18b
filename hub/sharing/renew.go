package sharing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// RenewalWindow is how long before its end a protocol may be renewed.
const RenewalWindow = 92 * 24 * time.Hour

// dayWords says a day for people, such as "3 March 2026".
func dayWords(t time.Time) string { return t.Format("2 January 2006") }

// MayResume reports whether a protocol can be resumed on day now: it is
// suspended and has not ended.
func (p Protocol) MayResume(now time.Time) bool {
	return p.Submitted && !p.Suspended.IsZero() && !now.UTC().Truncate(24*time.Hour).After(p.End)
}

// MayRenew reports whether a protocol can be renewed on day now: every
// party signed it, it is not suspended, and it has ended or ends within
// RenewalWindow.
func (p Protocol) MayRenew(now time.Time) bool {
	return p.Submitted && len(p.Unsigned()) == 0 && p.Suspended.IsZero() && !now.Add(RenewalWindow).Before(p.End)
}

// Resume lifts a protocol's suspension. Data flows again only once every
// party has signed it again: the signatures given before are kept, apart,
// and every party is asked to sign anew. Any provider may resume it, as any
// provider may suspend it; a protocol that has ended is renewed instead.
func (s *Service) Resume(ctx context.Context, actor hub.Principal, id string) error {
	if err := hub.Authorize(s.auth, actor, PermSign, actor.OrgID); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	p, err := s.Protocol(id)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	switch {
	case !slices.Contains(p.Providers, actor.OrgID):
		return hub.Errorf(hub.CodeForbidden, "Only an organisation whose data is shared can resume the protocol")
	case p.Suspended.IsZero():
		return hub.Errorf(hub.CodeConflict, "The protocol is not suspended")
	case !p.MayResume(now):
		return hub.Errorf(hub.CodeConflict, "The protocol ended on %s: renew it instead, and every party signs the renewal", dayWords(p.End))
	}
	p.EarlierSignatures = append(slices.Clone(p.EarlierSignatures), p.Signatures...)
	p.Signatures = nil
	p.Suspended, p.SuspendedBy, p.Reason = time.Time{}, "", ""
	p.Resumed, p.ResumedBy = now, actor.PersonID
	if err := s.save(ctx, actor, p, audit.ActionProtocolChange, "resumed; every party signs it again before data flows under it"); err != nil {
		return err
	}
	s.tellSigners(ctx, actor, p)
	return nil
}

// RenewalOf returns the protocol that renews the one with ID id, if there is one.
func (s *Service) RenewalOf(id string) (Protocol, bool) {
	for _, p := range s.Protocols() {
		if p.Renews == id {
			return p, true
		}
	}
	return Protocol{}, false
}

// Renew starts the renewal of a protocol that has ended or ends soon: a new
// protocol with the same terms, from start until end, linked to the old one
// and sent at once for every party to sign; data flows under it once they
// all have, and under the old one only until its end. A member of the forum
// from a party renews it, as they send a draft for signature.
func (s *Service) Renew(ctx context.Context, actor hub.Principal, id string, start, end time.Time) (Protocol, error) {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return Protocol{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Protocol(id)
	if err != nil {
		return Protocol{}, err
	}
	if !slices.Contains(old.Parties(), actor.OrgID) {
		return Protocol{}, errNotParty("renew it")
	}
	if r, ok := s.RenewalOf(id); ok {
		return Protocol{}, hub.Errorf(hub.CodeConflict, "The protocol has been renewed already, from %s until %s", dayWords(r.Start), dayWords(r.End))
	}
	now := s.clock.Now()
	if !old.MayRenew(now) {
		switch {
		case !old.Submitted || len(old.Unsigned()) > 0:
			return Protocol{}, hub.Errorf(hub.CodeConflict, "Only a protocol every party has signed is renewed")
		case !old.Suspended.IsZero():
			return Protocol{}, hub.Errorf(hub.CodeConflict, "The protocol is suspended: resume it, or draft a new one")
		}
		return Protocol{}, hub.Errorf(hub.CodeConflict, "The protocol runs until %s: it can be renewed from %s", dayWords(old.End), dayWords(old.End.Add(-RenewalWindow)))
	}
	p := old
	p.Providers, p.Recipients, p.Themes = slices.Clone(old.Providers), slices.Clone(old.Recipients), slices.Clone(old.Themes)
	p.Start, p.End = start, end
	var ps []hub.Problem
	if start.IsZero() {
		ps = append(ps, hub.Problem{Field: "start", Message: "Give the date the renewal runs from"})
	}
	if end.IsZero() {
		ps = append(ps, hub.Problem{Field: "end", Message: "Give the date the renewal runs until"})
	}
	if !start.IsZero() && !end.IsZero() {
		for _, pr := range hub.ErrorProblems(p.Validate()) {
			if pr.Field == "start" || pr.Field == "end" {
				ps = append(ps, pr)
			}
		}
	}
	if err := hub.Invalid("The renewal is not valid", ps); err != nil {
		return Protocol{}, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	p.ID, p.Created, p.CreatedBy, p.Entries = hex.EncodeToString(b), now, actor.PersonID, nil
	p.Submitted, p.Signatures, p.EarlierSignatures = true, nil, nil
	p.Suspended, p.SuspendedBy, p.Reason, p.Resumed, p.ResumedBy = time.Time{}, "", "", time.Time{}, ""
	p.Renews = old.ID
	if err := s.save(ctx, actor, p, audit.ActionProtocolChange, "renewed "+old.Title+" from "+dayWords(start)+" until "+dayWords(end)+"; every party signs the renewal"); err != nil {
		return Protocol{}, err
	}
	s.tellSigners(ctx, actor, p)
	return p, nil
}
