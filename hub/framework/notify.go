package framework

import (
	"context"
	"fmt"

	"github.com/partnership/equalityhub/hub"
)

// SetTeller sets who tells an organisation's people that a challenge to one
// of its levels waits for their answer. nil: no one is told.
func (s *Service) SetTeller(t hub.Teller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teller = t
}

// tellChallenge tells the people who answer for the challenged organisation
// that challenge number n of a waits for their answer.
func (s *Service) tellChallenge(ctx context.Context, f Framework, a Assessment, n int) {
	s.mu.RLock()
	t := s.teller
	s.mu.RUnlock()
	if t == nil || n < 1 || n > len(a.Challenges) {
		return
	}
	c := a.Challenges[n-1]
	t.Tell(ctx, hub.Wait{Key: fmt.Sprintf("assessments/%s/challenges/%d", a.Key(), n), OrgID: a.OrgID, Perm: PermAnswer, Domain: a.OrgID,
		What: fmt.Sprintf("Your organisation's level on %s was challenged and waits for your answer", f.ThemeName(a.Theme)),
		Path: "/framework#challenges-" + a.OrgID + "-" + a.Theme, Date: c.At, DateWords: "The challenge was made on", By: c.ByPerson})
}
