package framework

import (
	"cmp"
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// Waiting is a challenge to one of the principal's organisation's levels
// that waits for the organisation's answer.
type Waiting struct {
	Framework Framework
	Theme     Theme
	N         int // the challenge's number among the theme's, from 1
	Challenge Challenge
}

// WaitingFor returns the challenges to the principal's organisation's
// levels not yet answered, when the principal answers for the
// organisation (whoever records its levels). Oldest first: the longest
// wait comes first.
func (s *Service) WaitingFor(actor hub.Principal) ([]Waiting, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	switch err := hub.Authorize(s.auth, actor, PermAnswer, actor.OrgID); {
	case hub.IsCode(err, hub.CodeInternal):
		return nil, err
	case err != nil:
		return nil, nil
	}
	var out []Waiting
	for _, f := range s.Frameworks() {
		for _, th := range f.Themes() {
			a, ok := s.Assessment(actor.OrgID, f.ID, th.ID)
			if !ok {
				continue
			}
			for i, c := range a.Challenges {
				if c.Answer == nil {
					out = append(out, Waiting{Framework: f, Theme: th, N: i + 1, Challenge: c})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Waiting) int { return cmp.Compare(a.Challenge.At.UnixNano(), b.Challenge.At.UnixNano()) })
	return out, nil
}
