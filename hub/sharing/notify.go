package sharing

import (
	"context"
	"fmt"

	"github.com/partnership/equalityhub/hub"
)

// SetTeller sets who tells each party's signers that a protocol sent for
// signature waits for them. nil: no one is told.
func (s *Service) SetTeller(t hub.Teller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teller = t
}

// tellSigners tells the people who sign for each party that has not signed
// p that it waits for their organisation's signature; not the actor who sent it.
func (s *Service) tellSigners(ctx context.Context, actor hub.Principal, p Protocol) {
	s.mu.RLock()
	t := s.teller
	s.mu.RUnlock()
	if t == nil {
		return
	}
	for _, org := range p.Parties() {
		if p.SignedBy(org) {
			continue
		}
		t.Tell(ctx, hub.Wait{Key: "protocols/" + p.ID + "/sign/" + org, OrgID: org, Perm: PermSign, Domain: org,
			What: fmt.Sprintf("The protocol %q waits for your organisation's signature", p.Title), Path: "/protocols/" + p.ID,
			Date: p.Start, DateWords: "It is to start on", By: actor.PersonID})
	}
}
