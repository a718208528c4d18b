package directory

import (
	"cmp"
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// People returns every person the hub knows, by ID: for the hub's own use,
// such as telling people what waits for them, never for showing.
func (s *Service) People() []hub.Person {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]hub.Person, 0, len(s.people))
	for _, p := range s.people {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b hub.Person) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
