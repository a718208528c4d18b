package eia

import (
	"context"
	"fmt"
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// SetTeller sets who tells people that an assessment waits for them: each
// decision maker's organisation when it is ready for its sign-off, the
// advisory group when scrutiny opens. nil: no one is told.
func (s *Service) SetTeller(t hub.Teller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teller = t
}

// waitsForSignOff says whether e waits for org's sign-off: as WaitingFor
// decides, complete, every challenge answered, not signed by org.
func waitsForSignOff(e EIA, org string) bool {
	return slices.Contains(e.DecisionMakers, org) && !e.Signed() && !e.SignedBy(org) &&
		len(e.Incomplete()) == 0 && len(e.Scrutiny.OpenChallenges()) == 0
}

// tellWaits tells, after a change from prev to e, those e has started to
// wait for, except the actor who made the change.
func (s *Service) tellWaits(ctx context.Context, t hub.Teller, actor hub.Principal, prev EIA, existed bool, e EIA) {
	if t == nil {
		return
	}
	now := s.clock.Now()
	for _, org := range e.DecisionMakers {
		if waitsForSignOff(e, org) && !(existed && waitsForSignOff(prev, org)) {
			t.Tell(ctx, hub.Wait{Key: fmt.Sprintf("eias/%s/v%d/sign-off/%s", e.ID, e.Version, org), OrgID: org, Perm: PermSign, Domain: org,
				What: fmt.Sprintf("The impact assessment %q is ready for your organisation's sign-off", e.Title), Path: "/impact-assessments/" + e.ID,
				Date: e.DecisionDate, DateWords: "The decision is to be made on", By: actor.PersonID})
		}
	}
	if e.TakesComments(now) && !(existed && prev.TakesComments(now)) {
		t.Tell(ctx, hub.Wait{Key: fmt.Sprintf("eias/%s/v%d/scrutiny/%s", e.ID, e.Version, e.Scrutiny.OpenUntil.Format("2006-01-02")), Perm: PermScrutinise, Domain: hub.DomainPartnership,
			What: fmt.Sprintf("The impact assessment %q is open for the advisory group's scrutiny", e.Title), Path: "/impact-assessments/" + e.ID,
			Date: e.Scrutiny.OpenUntil, DateWords: "Scrutiny closes on", By: actor.PersonID})
	}
}
