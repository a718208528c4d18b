// Package hubtest holds in-memory fakes of the interfaces package hub needs
// from the outside world, for the unit tests of hub and its subpackages.
package hubtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Store is an in-memory hub.Store, safe for concurrent use. It keeps copies:
// neither what is saved nor what is returned shares slices with the caller.
type Store struct {
	mu          sync.Mutex
	partnership *hub.Partnership
	orgs        map[string]hub.Organisation
	people      map[string]hub.Person
	sessions    map[string]hub.Session
	tokens      map[string]hub.APIToken
	failures    map[string]time.Time // when each wrong token secret was sent, by token ID, bucket and place
	locks       map[string]time.Time // until when each refused token ID is refused
	gen         int64
	hook        func(method string) error
}

var _ hub.Store = (*Store)(nil)

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		orgs:     map[string]hub.Organisation{},
		people:   map[string]hub.Person{},
		sessions: map[string]hub.Session{},
		tokens:   map[string]hub.APIToken{},
	}
}

// SetHook installs fn, called with the method's name (e.g. "SavePerson") at the
// start of every method, before the store is locked. A non-nil result is
// returned by the method, which then does nothing. nil removes the hook.
func (s *Store) SetHook(fn func(method string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// FailWith makes every call of method return err until FailWith(method, nil).
func (s *Store) FailWith(method string, err error) {
	s.SetHook(func(m string) error {
		if m == method {
			return err
		}
		return nil
	})
}

func (s *Store) enter(method string) error {
	s.mu.Lock()
	hook := s.hook
	s.mu.Unlock()
	if hook == nil {
		return nil
	}
	return hook(method)
}

func copyOrg(o hub.Organisation) hub.Organisation {
	o.Issuers = slices.Clone(o.Issuers)
	return o
}

func copyPerson(p hub.Person) hub.Person {
	p.Grants = slices.Clone(p.Grants)
	return p
}

// sortedValues returns the map's values ordered by key, each passed through cp.
func sortedValues[V any](m map[string]V, cp func(V) V) []V {
	keys := slices.Sorted(maps.Keys(m))
	vs := make([]V, 0, len(keys))
	for _, k := range keys {
		vs = append(vs, cp(m[k]))
	}
	return vs
}

func same[V any](v V) V { return v }

// FindPartnership returns the partnership, or CodeNotFound when none is saved.
func (s *Store) FindPartnership(ctx context.Context) (hub.Partnership, error) {
	if err := s.enter("FindPartnership"); err != nil {
		return hub.Partnership{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.partnership == nil {
		return hub.Partnership{}, hub.Errorf(hub.CodeNotFound, "No partnership is set up")
	}
	return *s.partnership, nil
}

// SavePartnership creates or replaces the partnership.
func (s *Store) SavePartnership(ctx context.Context, p hub.Partnership) error {
	if err := s.enter("SavePartnership"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partnership = &p
	return nil
}

// FindOrganisations returns every organisation, by ID.
func (s *Store) FindOrganisations(ctx context.Context) ([]hub.Organisation, error) {
	if err := s.enter("FindOrganisations"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.orgs, copyOrg), nil
}

// CreateOrganisation adds an organisation; CodeConflict when its ID is taken.
func (s *Store) CreateOrganisation(ctx context.Context, o hub.Organisation) error {
	if err := s.enter("CreateOrganisation"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[o.ID]; ok {
		return hub.Errorf(hub.CodeConflict, "There is already an organisation %q", o.ID)
	}
	s.orgs[o.ID] = copyOrg(o)
	return nil
}

// UpdateOrganisation replaces an organisation; CodeNotFound when it does not exist.
func (s *Store) UpdateOrganisation(ctx context.Context, o hub.Organisation) error {
	if err := s.enter("UpdateOrganisation"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[o.ID]; !ok {
		return hub.Errorf(hub.CodeNotFound, "There is no organisation %q", o.ID)
	}
	s.orgs[o.ID] = copyOrg(o)
	return nil
}

// FindPeople returns every person, by ID.
func (s *Store) FindPeople(ctx context.Context) ([]hub.Person, error) {
	if err := s.enter("FindPeople"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.people, copyPerson), nil
}

// SavePerson creates or replaces a person; CodeConflict when another person
// has the same issuer and subject.
func (s *Store) SavePerson(ctx context.Context, p hub.Person) error {
	if err := s.enter("SavePerson"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, other := range s.people {
		if other.ID != p.ID && other.Issuer == p.Issuer && other.Subject == p.Subject {
			return hub.Errorf(hub.CodeConflict, "Another person has that issuer and subject")
		}
	}
	s.people[p.ID] = copyPerson(p)
	return nil
}

// UpdatePerson changes the fields the update sets.
func (s *Store) UpdatePerson(ctx context.Context, id string, u hub.PersonUpdate) error {
	if err := s.enter("UpdatePerson"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	if !ok {
		return hub.Errorf(hub.CodeNotFound, "There is no such person")
	}
	s.people[id] = copyPerson(u.Apply(p))
	return nil
}

// FindSessions returns every session, by ID.
func (s *Store) FindSessions(ctx context.Context) ([]hub.Session, error) {
	if err := s.enter("FindSessions"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.sessions, same), nil
}

// CreateSession adds a session; CodeConflict when its ID is taken.
func (s *Store) CreateSession(ctx context.Context, x hub.Session) error {
	if err := s.enter("CreateSession"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.sessions[x.ID]; ok {
		return hub.Errorf(hub.CodeConflict, "There is already a session with that ID")
	}
	s.sessions[x.ID] = x
	return nil
}

// DeleteSession removes a session; removing a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if err := s.enter("DeleteSession"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
	return nil
}

// DeleteSessionsExpiredBefore removes sessions that expired before t and says how many.
func (s *Store) DeleteSessionsExpiredBefore(ctx context.Context, t time.Time) (int, error) {
	if err := s.enter("DeleteSessionsExpiredBefore"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, x := range s.sessions {
		if x.Expires.Before(t) {
			delete(s.sessions, id)
			n++
		}
	}
	return n, nil
}

// FindAPITokens returns every API token, revoked ones included, by ID.
func (s *Store) FindAPITokens(ctx context.Context) ([]hub.APIToken, error) {
	if err := s.enter("FindAPITokens"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedValues(s.tokens, same), nil
}

// AddTokenFailure keeps a wrong secret in the first free place of a token ID's bucket.
func (s *Store) AddTokenFailure(ctx context.Context, id string, bucket int64, max int, at time.Time) (int, error) {
	if err := s.enter("AddTokenFailure"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures == nil {
		s.failures = map[string]time.Time{}
	}
	for k := 1; k <= max; k++ {
		place := fmt.Sprintf("%s:%d:%d", id, bucket, k)
		if _, taken := s.failures[place]; !taken {
			s.failures[place] = at
			return k, nil
		}
	}
	return max + 1, nil
}

// TokenFailures returns when the wrong secrets kept in a token ID's bucket were sent.
func (s *Store) TokenFailures(ctx context.Context, id string, bucket int64, max int) ([]time.Time, error) {
	if err := s.enter("TokenFailures"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for k := 1; k <= max; k++ {
		if at, ok := s.failures[fmt.Sprintf("%s:%d:%d", id, bucket, k)]; ok {
			out = append(out, at)
		}
	}
	return out, nil
}

// LockToken keeps that a token ID is refused until until, unless refused at from already.
func (s *Store) LockToken(ctx context.Context, id string, from, until time.Time) (time.Time, bool, error) {
	if err := s.enter("LockToken"); err != nil {
		return time.Time{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks == nil {
		s.locks = map[string]time.Time{}
	}
	if kept, ok := s.locks[id]; ok && from.Before(kept) {
		return kept, false, nil
	}
	s.locks[id] = until
	return until, true, nil
}

// FindTokenLocks returns until when each refused token ID is refused.
func (s *Store) FindTokenLocks(ctx context.Context) (map[string]time.Time, error) {
	if err := s.enter("FindTokenLocks"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.locks), nil
}

// DeleteTokenFailuresBefore forgets wrong secrets sent, and refusals ended, before t.
func (s *Store) DeleteTokenFailuresBefore(ctx context.Context, t time.Time) error {
	if err := s.enter("DeleteTokenFailuresBefore"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.DeleteFunc(s.failures, func(_ string, at time.Time) bool { return at.Before(t) })
	maps.DeleteFunc(s.locks, func(_ string, until time.Time) bool { return until.Before(t) })
	return nil
}

// SaveAPIToken creates or replaces a token.
func (s *Store) SaveAPIToken(ctx context.Context, t hub.APIToken) error {
	if err := s.enter("SaveAPIToken"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t.ID] = t
	return nil
}

// Generation returns the write counter (0 before any bump).
func (s *Store) Generation(ctx context.Context) (int64, error) {
	if err := s.enter("Generation"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, nil
}

// BumpGeneration adds one to the write counter and returns the new value.
func (s *Store) BumpGeneration(ctx context.Context) (int64, error) {
	if err := s.enter("BumpGeneration"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	return s.gen, nil
}

// Ping reports the store reachable unless a hook says otherwise.
func (s *Store) Ping(ctx context.Context) error {
	return s.enter("Ping")
}

// PersonByIdentity returns the stored person with that issuer and subject.
func (s *Store) PersonByIdentity(issuer, subject string) (hub.Person, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.people {
		if p.Issuer == issuer && p.Subject == subject {
			return copyPerson(p), true
		}
	}
	return hub.Person{}, false
}

// Counts says how many organisations, people, sessions and API tokens are stored.
func (s *Store) Counts() (orgs, people, sessions, tokens int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.orgs), len(s.people), len(s.sessions), len(s.tokens)
}
