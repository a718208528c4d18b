// Package directory holds the partnership's organisations, the identity
// providers bound to them, and their people and roles. It keeps them in memory,
// where every request reads them, and writes every change to the store.
package directory

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Service manages organisations, people and roles.
type Service struct {
	store hub.DirectoryStore
	auth  hub.Authorizer
	rs    *hub.ReadSide
	clock hub.Clock

	// writeMu orders this process's changes, each of which reads what it
	// changes from memory first.
	writeMu sync.Mutex
	log     audit.Log

	mu          sync.RWMutex
	partnership hub.Partnership
	orgs        map[string]hub.Organisation
	people      map[string]hub.Person
	byIdentity  map[identity]string // (issuer, subject) to person ID
}

type identity struct{ issuer, subject string }

// New returns a directory. Call Reload (through the read side) before use.
func New(store hub.DirectoryStore, auth hub.Authorizer, rs *hub.ReadSide, clock hub.Clock) *Service {
	s := &Service{store: store, auth: auth, rs: rs, clock: clock, log: audit.Discard{}}
	s.reset(hub.Partnership{}, nil, nil)
	return s
}

func (s *Service) reset(p hub.Partnership, orgs []hub.Organisation, people []hub.Person) {
	s.partnership = p
	s.orgs = map[string]hub.Organisation{}
	s.people = map[string]hub.Person{}
	s.byIdentity = map[identity]string{}
	for _, o := range orgs {
		s.orgs[o.ID] = o
	}
	for _, p := range people {
		s.people[p.ID] = p
		s.byIdentity[identity{p.Issuer, p.Subject}] = p.ID
	}
}

// RecordTo puts every change of organisations and roles on the audit record.
func (s *Service) RecordTo(l audit.Log) { s.log = l }

// change puts a change on the record, then makes it with write (see audit.Change).
func (s *Service) change(ctx context.Context, actor hub.Principal, action, object, owner, detail string, write func() error) error {
	_, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: object, Owner: owner, Detail: detail},
		func(int64) error { return write() })
	return err
}

// Reload reads the partnership, organisations and people from the store and
// replaces the policy engine's role lines.
func (s *Service) Reload(ctx context.Context) error {
	p, err := s.store.FindPartnership(ctx)
	if err != nil && !hub.IsCode(err, hub.CodeNotFound) {
		return err
	}
	orgs, err := s.store.FindOrganisations(ctx)
	if err != nil {
		return err
	}
	people, err := s.store.FindPeople(ctx)
	if err != nil {
		return err
	}
	var lines []hub.RoleLine
	for _, p := range people {
		lines = append(lines, hub.RoleLinesOf(p)...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset(p, orgs, people)
	return s.auth.SetRoleLines(lines)
}

// Partnership returns the partnership.
func (s *Service) Partnership() hub.Partnership {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.partnership
}

// Unfinished reports whether the directory has organisations but no
// partnership: its seeding stopped before the end.
func (s *Service) Unfinished() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.orgs) > 0 && s.partnership == (hub.Partnership{})
}

// Empty reports whether the directory has no organisations yet.
func (s *Service) Empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.orgs) == 0
}

// Organisations returns every organisation, by name. Anyone may list them: the
// partnership's membership is public.
func (s *Service) Organisations() []hub.Organisation {
	s.mu.RLock()
	defer s.mu.RUnlock()
	os := make([]hub.Organisation, 0, len(s.orgs))
	for _, o := range s.orgs {
		os = append(os, o)
	}
	slices.SortFunc(os, func(a, b hub.Organisation) int { return cmp.Compare(a.Name, b.Name) })
	return os
}

// Organisation returns one organisation, or CodeNotFound.
func (s *Service) Organisation(id string) (hub.Organisation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orgs[id]
	if !ok {
		return hub.Organisation{}, hub.Errorf(hub.CodeNotFound, "There is no organisation %s in this partnership", hub.Excerpt(id))
	}
	return o, nil
}

// Members returns the people of an organisation, by name, for someone allowed to see them.
func (s *Service) Members(actor hub.Principal, orgID string) ([]hub.Person, error) {
	if _, err := s.Organisation(orgID); err != nil {
		return nil, err
	}
	if err := hub.Authorize(s.auth, actor, hub.PermOrgRead, orgID); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ps []hub.Person
	for _, p := range s.people {
		if p.OrgID == orgID {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b hub.Person) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.DisplayName()), strings.ToLower(b.DisplayName())), cmp.Compare(a.ID, b.ID))
	})
	return ps, nil
}

// Person returns one person, or CodeNotFound.
func (s *Service) Person(id string) (hub.Person, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.people[id]
	if !ok {
		return hub.Person{}, hub.Errorf(hub.CodeNotFound, "There is no such person")
	}
	return p, nil
}

// Principal returns the principal acting as a person, with their current roles.
func (s *Service) Principal(personID, via string) (hub.Principal, error) {
	p, err := s.Person(personID)
	if err != nil {
		return hub.Anonymous, hub.Errorf(hub.CodeUnauthorized, "Your account is no longer known to the hub: sign in again")
	}
	return hub.PrincipalOf(p, via), nil
}

// SignIn records that the identity provider issuerURL vouched for subject,
// signing in for organisation orgID, and returns the person. A first sign-in
// makes the person a member of the organisation with no other role; an
// administrator grants roles. An issuer not bound to the organisation, or a
// person who belongs to another organisation, is refused.
func (s *Service) SignIn(ctx context.Context, orgID, issuerURL, subject, name, email string) (hub.Person, error) {
	o, err := s.Organisation(orgID)
	if err != nil {
		return hub.Person{}, err
	}
	if !o.BoundTo(issuerURL) {
		return hub.Person{}, hub.Errorf(hub.CodeForbidden, "That identity provider is not one %s uses, so it cannot sign anyone in for them", o.Name)
	}
	if strings.TrimSpace(subject) == "" {
		return hub.Person{}, hub.Errorf(hub.CodeUnauthorized, "The identity provider did not say who you are")
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := s.clock.Now()
	s.mu.RLock()
	id, known := s.byIdentity[identity{issuerURL, subject}]
	p := s.people[id]
	s.mu.RUnlock()
	if known && p.OrgID != orgID {
		return hub.Person{}, hub.Errorf(hub.CodeForbidden, "Your account belongs to another organisation of the partnership: sign in through that organisation")
	}
	name, email = clip(name, hub.MaxNameLength), clip(email, 320)
	if !known {
		p = hub.Person{ID: newID(), Issuer: issuerURL, Subject: subject, OrgID: orgID, Name: name, Email: email, FirstSeen: now, LastSeen: now}
		if err := s.store.SavePerson(ctx, p); err != nil {
			return hub.Person{}, err
		}
		return p, s.applied(ctx, p)
	}
	// Only what the identity provider says changes, so that roles changed at
	// the same time by another hub process are kept.
	u := hub.PersonUpdate{Name: &name, Email: &email, LastSeen: &now}
	return s.update(ctx, p.ID, u)
}

// update writes some fields of a person, then applies them to memory.
func (s *Service) update(ctx context.Context, id string, u hub.PersonUpdate) (hub.Person, error) {
	if err := s.store.UpdatePerson(ctx, id, u); err != nil {
		return hub.Person{}, err
	}
	s.mu.RLock()
	p, ok := s.people[id]
	s.mu.RUnlock()
	if !ok {
		return hub.Person{}, hub.Errorf(hub.CodeNotFound, "There is no such person")
	}
	p = u.Apply(p)
	return p, s.applied(ctx, p)
}

// CreateOrganisation adds a partner organisation.
func (s *Service) CreateOrganisation(ctx context.Context, actor hub.Principal, o hub.Organisation) error {
	if err := hub.Authorize(s.auth, actor, hub.PermOrgManage, hub.DomainPartnership); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	o.Created = s.clock.Now()
	if err := s.checkOrganisation(o); err != nil {
		return err
	}
	if _, err := s.Organisation(o.ID); err == nil {
		return &hub.Error{Code: hub.CodeConflict, Message: "The organisation is not valid", Problems: []hub.Problem{{Field: "id", Message: "Another organisation already has the short name " + o.ID}}}
	}
	if err := s.change(ctx, actor, audit.ActionOrgChange, "organisations/"+o.ID, o.ID, "added "+o.Name,
		func() error { return s.store.CreateOrganisation(ctx, o) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.orgs[o.ID] = o
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// UpdateOrganisation changes an organisation's name, kind and identity
// providers. An identity provider's client secret left empty keeps the one
// held, as long as the provider's address and client ID are unchanged: a
// secret is never sent to a provider it was not given by.
func (s *Service) UpdateOrganisation(ctx context.Context, actor hub.Principal, o hub.Organisation) error {
	if err := hub.Authorize(s.auth, actor, hub.PermOrgManage, o.ID); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Organisation(o.ID)
	if err != nil {
		return err
	}
	o.Created = old.Created
	o.Issuers = slices.Clone(o.Issuers)
	for i, is := range o.Issuers {
		if prev, ok := old.IssuerByID(is.ID); ok && is.ClientSecret == "" && prev.URL == is.URL && prev.ClientID == is.ClientID {
			o.Issuers[i].ClientSecret = prev.ClientSecret
		}
	}
	if err := s.checkOrganisation(o); err != nil {
		return err
	}
	if err := s.change(ctx, actor, audit.ActionOrgChange, "organisations/"+o.ID, o.ID, "changed "+o.Name,
		func() error { return s.store.UpdateOrganisation(ctx, o) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.orgs[o.ID] = o
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// checkOrganisation validates o and that none of its issuers is bound to another organisation.
func (s *Service) checkOrganisation(o hub.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ps []hub.Problem
	for i, is := range o.Issuers {
		for _, other := range s.orgs {
			if other.ID != o.ID && other.BoundTo(is.URL) {
				ps = append(ps, hub.Problem{Field: "issuers." + strconv.Itoa(i) + ".url", Message: "This identity provider is already bound to " + other.Name + ": a person can act for one organisation only"})
			}
		}
	}
	if len(ps) > 0 {
		return &hub.Error{Code: hub.CodeConflict, Message: "The organisation is not valid", Problems: ps}
	}
	return nil
}

// SetGrants replaces the roles a person holds. The change takes effect at once.
func (s *Service) SetGrants(ctx context.Context, actor hub.Principal, personID string, grants []hub.Grant) error {
	p, err := s.Person(personID)
	if err != nil {
		return err
	}
	if err := hub.Authorize(s.auth, actor, hub.PermMembersManage, p.OrgID); err != nil {
		return err
	}
	if err := hub.ValidateGrants(grants); err != nil {
		return err
	}
	if actor.PersonID == p.ID && p.Has(hub.RoleAdmin) && !slices.ContainsFunc(grants, func(g hub.Grant) bool { return g.Role == hub.RoleAdmin }) {
		return hub.Errorf(hub.CodeConflict, "You cannot remove your own administrator role: ask another administrator")
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	gs := slices.Clone(grants)
	labels := make([]string, len(gs))
	for i, g := range gs {
		labels[i] = g.Label()
	}
	return s.change(ctx, actor, audit.ActionRolesChange, "people/"+p.ID, p.OrgID, p.DisplayName()+": "+strings.Join(labels, ", "), func() error {
		_, err := s.update(ctx, p.ID, hub.PersonUpdate{Grants: &gs})
		return err
	})
}

// savePerson writes a whole person, then applies it.
func (s *Service) savePerson(ctx context.Context, p hub.Person) error {
	if err := s.store.SavePerson(ctx, p); err != nil {
		return err
	}
	return s.applied(ctx, p)
}

// applied puts a person written to the store into memory and the policy engine.
func (s *Service) applied(ctx context.Context, p hub.Person) error {
	s.mu.Lock()
	if old, ok := s.people[p.ID]; ok {
		delete(s.byIdentity, identity{old.Issuer, old.Subject})
	}
	s.people[p.ID] = p
	s.byIdentity[identity{p.Issuer, p.Subject}] = p.ID
	err := s.auth.SetSubjectRoles(p.ID, p.OrgID, p.Roles())
	s.mu.Unlock()
	if err != nil {
		return hub.Internal(err, "updating role lines")
	}
	return s.rs.Wrote(ctx)
}

// Seed sets up a partnership in a new store: its organisations and people
// with their roles. It is how a new hub gets its first administrator. The
// partnership is written last, so a store that has organisations but no
// partnership is a seeding that stopped half way: seeding it again adds what
// is missing and keeps what is held.
func (s *Service) Seed(ctx context.Context, p hub.Partnership, orgs []hub.Organisation, people []hub.Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if !s.Empty() && !s.Unfinished() {
		return hub.Errorf(hub.CodeConflict, "The hub already has organisations: seeding is only for an empty hub")
	}
	now := s.clock.Now()
	for _, o := range orgs {
		if _, err := s.Organisation(o.ID); err == nil {
			continue
		}
		o.Created = now
		if err := s.checkOrganisation(o); err != nil {
			return err
		}
		if err := s.store.CreateOrganisation(ctx, o); err != nil {
			return err
		}
		s.mu.Lock()
		s.orgs[o.ID] = o
		s.mu.Unlock()
	}
	for _, person := range people {
		s.mu.RLock()
		_, held := s.byIdentity[identity{person.Issuer, person.Subject}]
		s.mu.RUnlock()
		if held {
			continue
		}
		if person.ID == "" {
			person.ID = newID()
		}
		if err := hub.ValidateGrants(person.Grants); err != nil {
			return err
		}
		if _, err := s.Organisation(person.OrgID); err != nil {
			return err
		}
		person.FirstSeen = now
		if err := s.savePerson(ctx, person); err != nil {
			return err
		}
	}
	if err := s.store.SavePartnership(ctx, p); err != nil {
		return err
	}
	s.mu.Lock()
	s.partnership = p
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// MoveIssuer changes the address of one of an organisation's identity
// providers and carries its people over to it. The hub does this at start in
// demo mode, where the demo providers live at the hub's own address, so that a
// hub started on another address keeps its demo people; it is not for
// providers that really moved, whose subjects may differ.
func (s *Service) MoveIssuer(ctx context.Context, orgID, issuerID, url string) error {
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	o, err := s.Organisation(orgID)
	if err != nil {
		return err
	}
	is, ok := o.IssuerByID(issuerID)
	if !ok || is.URL == url {
		return nil
	}
	old := is.URL
	o.Issuers = slices.Clone(o.Issuers)
	for i := range o.Issuers {
		if o.Issuers[i].ID == issuerID {
			o.Issuers[i].URL = url
		}
	}
	if err := s.checkOrganisation(o); err != nil {
		return err
	}
	if err := s.store.UpdateOrganisation(ctx, o); err != nil {
		return err
	}
	s.mu.Lock()
	s.orgs[o.ID] = o
	var moving []string
	for _, p := range s.people {
		if p.OrgID == orgID && p.Issuer == old {
			moving = append(moving, p.ID)
		}
	}
	s.mu.Unlock()
	for _, id := range moving {
		if _, err := s.update(ctx, id, hub.PersonUpdate{Issuer: &url}); err != nil {
			return err
		}
	}
	return s.rs.Wrote(ctx)
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clip trims what an identity provider says, leaves out control and invisible
// formatting characters, and cuts it to at most n characters: a person is
// never refused sign-in for what their identity provider calls them.
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(strings.ToValidUTF8(s, "")))
	r = slices.DeleteFunc(r, func(c rune) bool { return unicode.IsControl(c) || hub.Invisible(c) })
	if len(r) > n {
		r = r[:n]
	}
	return strings.TrimSpace(string(r))
}
