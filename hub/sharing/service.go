package sharing

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Store keeps protocols, each as one document written whole.
type Store interface {
	FindProtocols(ctx context.Context) ([]Protocol, error)
	// SaveProtocol creates or replaces a protocol.
	SaveProtocol(ctx context.Context, p Protocol) error
}

// The permissions of sharing.
var (
	PermManage = hub.Permission{Object: "protocols", Action: "manage"} // draft protocols
	PermSign   = hub.Permission{Object: "protocols", Action: "sign"}   // sign or suspend for one's organisation
)

// Service holds the protocols and keeps the policy engine's sharing lines in step with them.
type Service struct {
	store  Store
	auth   hub.Authorizer
	sharer hub.Sharer
	rs     *hub.ReadSide
	clock  hub.Clock
	log    audit.Log

	writeMu sync.Mutex

	mu        sync.RWMutex
	protocols map[string]Protocol
	orgs      OrganisationLookup
	teller    hub.Teller
}

// OrganisationLookup returns an organisation of the partnership, or an error
// when there is none with that ID.
type OrganisationLookup func(id string) (hub.Organisation, error)

// SetOrganisations sets how the service finds the partnership's
// organisations: a protocol names only organisations that exist, since only
// they can sign it. nil: names are not checked.
func (s *Service) SetOrganisations(fn OrganisationLookup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs = fn
}

// unknownOrgs names, against its field, each organisation a protocol names
// that the partnership does not have.
func (s *Service) unknownOrgs(p Protocol) ([]hub.Problem, error) {
	s.mu.RLock()
	lookup := s.orgs
	s.mu.RUnlock()
	if lookup == nil {
		return nil, nil
	}
	var recipients []string
	for _, r := range p.Recipients {
		if org, ok := r.OrgID(); ok {
			recipients = append(recipients, org)
		}
	}
	var ps []hub.Problem
	for _, f := range []struct {
		field string
		ids   []string
	}{{"providers", p.Providers}, {"recipients", recipients}} {
		seen := map[string]bool{}
		for _, id := range f.ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, err := lookup(id); err != nil {
				if !hub.IsCode(err, hub.CodeNotFound) {
					return nil, err
				}
				ps = append(ps, hub.Problem{Field: f.field, Message: fmt.Sprintf("There is no organisation %s in this partnership: name only partners, which can sign the protocol", hub.Excerpt(id))})
			}
		}
	}
	return ps, nil
}

// NewService returns the service. Call Reload (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, sharer hub.Sharer, rs *hub.ReadSide, clock hub.Clock, log audit.Log) *Service {
	return &Service{store: store, auth: auth, sharer: sharer, rs: rs, clock: clock, log: log, protocols: map[string]Protocol{}}
}

// Reload reads the protocols and replaces the sharing lines.
func (s *Service) Reload(ctx context.Context) error {
	ps, err := s.store.FindProtocols(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.protocols = map[string]Protocol{}
	for _, p := range ps {
		s.protocols[p.ID] = p
	}
	return s.sharer.SetSharingLines(s.linesLocked())
}

// linesLocked returns a line for every provider, recipient and theme of
// every signed protocol that is not suspended; the policy engine checks the dates.
func (s *Service) linesLocked() []hub.SharingLine {
	var lines []hub.SharingLine
	for _, p := range s.protocols {
		if !p.Submitted || len(p.Unsigned()) > 0 || !p.Suspended.IsZero() {
			continue
		}
		for _, owner := range p.Providers {
			for _, r := range p.Recipients {
				for _, t := range p.Themes {
					lines = append(lines, hub.SharingLine{Owner: owner, Recipient: string(r), Theme: t,
						Start: p.Start.Format(time.DateOnly), End: p.End.Format(time.DateOnly), Protocol: p.ID})
				}
			}
		}
	}
	return lines
}

// Protocols returns every protocol, newest first.
func (s *Service) Protocols() []Protocol {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Protocol, 0, len(s.protocols))
	for _, p := range s.protocols {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Protocol) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Protocol returns one protocol.
func (s *Service) Protocol(id string) (Protocol, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.protocols[id]
	if !ok {
		return Protocol{}, hub.Errorf(hub.CodeNotFound, "There is no such protocol")
	}
	return p, nil
}

// save puts a change on the record, then writes the protocol whole, keeping
// the entry's number in it, and applies it to memory and the policy engine.
func (s *Service) save(ctx context.Context, actor hub.Principal, p Protocol, action, detail string) error {
	owner := hub.DomainPartnership
	if len(p.Providers) == 1 {
		owner = p.Providers[0]
	}
	_, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: "protocols/" + p.ID, Owner: owner, Protocol: p.ID, Detail: detail},
		func(seq int64) error {
			p.Entries = append(slices.Clone(p.Entries), seq)
			return s.store.SaveProtocol(ctx, p)
		})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.protocols[p.ID] = p
	err = s.sharer.SetSharingLines(s.linesLocked())
	s.mu.Unlock()
	if err != nil {
		return hub.Internal(err, "updating the sharing lines")
	}
	return s.rs.Wrote(ctx)
}

// Landed says whether the change of entry seq of the record is in the
// protocol it names ("protocols/ID").
func (s *Service) Landed(_ context.Context, object string, seq int64) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.protocols[strings.TrimPrefix(object, "protocols/")]
	return ok && slices.Contains(p.Entries, seq), nil
}

// MayRead returns nil when the principal may read a protocol: those who
// read every protocol (the forum, the board, data stewards); the people of a
// party who read their own organisation's protocols (its decision makers,
// who sign them); and the members of a body of the partnership the protocol
// shares data with. It returns an unauthorized error for a visitor who has
// not signed in, and a forbidden error for anyone else.
func (s *Service) MayRead(actor hub.Principal, p Protocol) error {
	err := hub.Authorize(s.auth, actor, hub.PermProtocolsRead, hub.DomainPartnership)
	if err == nil || !hub.IsCode(err, hub.CodeForbidden) {
		return err
	}
	if own := hub.Authorize(s.auth, actor, hub.PermProtocolsRead, actor.OrgID); own != nil {
		if hub.IsCode(own, hub.CodeInternal) {
			return own
		}
		return err
	}
	if slices.Contains(p.Parties(), actor.OrgID) {
		return nil
	}
	for _, r := range RecipientsOf(actor) {
		if _, isOrg := r.OrgID(); !isOrg && r != Public && slices.Contains(p.Recipients, r) {
			return nil
		}
	}
	return err
}

// Read returns a protocol the principal may read.
func (s *Service) Read(actor hub.Principal, id string) (Protocol, error) {
	p, err := s.Protocol(id)
	if err != nil {
		return Protocol{}, err
	}
	if err := s.MayRead(actor, p); err != nil {
		return Protocol{}, err
	}
	return p, nil
}

// Readable returns the protocols the principal may read, newest first.
func (s *Service) Readable(actor hub.Principal) ([]Protocol, error) {
	var out []Protocol
	for _, p := range s.Protocols() {
		switch err := s.MayRead(actor, p); {
		case err == nil:
			out = append(out, p)
		case hub.IsCode(err, hub.CodeInternal):
			return nil, err
		}
	}
	return out, nil
}

// WaitingFor returns the protocols waiting for the signature of the
// principal's organisation that the principal may give: sent for signature,
// not suspended nor past their end, and not yet signed by the organisation.
// Oldest first: the longest wait comes first.
func (s *Service) WaitingFor(actor hub.Principal) ([]Protocol, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	switch err := hub.Authorize(s.auth, actor, PermSign, actor.OrgID); {
	case hub.IsCode(err, hub.CodeInternal):
		return nil, err
	case err != nil:
		return nil, nil
	}
	today := s.clock.Now().UTC().Truncate(24 * time.Hour)
	var out []Protocol
	for _, p := range s.Protocols() {
		if p.Submitted && p.Suspended.IsZero() && !today.After(p.End) && slices.Contains(p.Parties(), actor.OrgID) && !p.SignedBy(actor.OrgID) {
			out = append(out, p)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// errNotParty refuses a change to a protocol by someone whose organisation is not a party to it.
func errNotParty(what string) error {
	return hub.Errorf(hub.CodeForbidden, "Only a party to a protocol (an organisation whose data is shared, or that receives it) can %s", what)
}

// CheckDraft returns nil when the principal may draft a protocol between the
// parties p names: a member of the equality forum whose organisation is one
// of them. It looks at nothing else of p, so that someone who may not draft
// it is refused before anything else they sent is judged.
func (s *Service) CheckDraft(actor hub.Principal, p Protocol) error {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return err
	}
	if parties := p.Parties(); len(parties) > 0 && !slices.Contains(parties, actor.OrgID) {
		return errNotParty("draft it")
	}
	return nil
}

// Draft starts a protocol. The equality forum drafts protocols, each member
// for a protocol to which their organisation is a party.
func (s *Service) Draft(ctx context.Context, actor hub.Principal, p Protocol) (Protocol, error) {
	if err := s.CheckDraft(actor, p); err != nil {
		return Protocol{}, err
	}
	ps := hub.ErrorProblems(p.Validate())
	unknown, err := s.unknownOrgs(p)
	if err != nil {
		return Protocol{}, err
	}
	if err := hub.Invalid("The protocol is not valid", append(ps, unknown...)); err != nil {
		return Protocol{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	p.ID, p.Created, p.CreatedBy = hex.EncodeToString(b), s.clock.Now(), actor.PersonID
	p.Submitted, p.Signatures, p.Suspended = false, nil, time.Time{}
	return p, s.save(ctx, actor, p, audit.ActionProtocolChange, "drafted "+p.Title)
}

// Submit closes a draft for changes and asks every party to sign it. Only a
// member of the forum from a party sends it: no one commits another
// organisation's data, or asks for its signature, on its behalf.
func (s *Service) Submit(ctx context.Context, actor hub.Principal, id string) error {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	p, err := s.Protocol(id)
	if err != nil {
		return err
	}
	if !slices.Contains(p.Parties(), actor.OrgID) {
		return errNotParty("send it for signature")
	}
	if p.Submitted {
		return hub.Errorf(hub.CodeConflict, "The protocol was sent for signature already")
	}
	p.Submitted = true
	if err := s.save(ctx, actor, p, audit.ActionProtocolChange, "sent for signature"); err != nil {
		return err
	}
	s.tellSigners(ctx, actor, p)
	return nil
}

// Sign signs a protocol for the actor's organisation, which must be a party.
func (s *Service) Sign(ctx context.Context, actor hub.Principal, id string) error {
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
	switch {
	case !slices.Contains(p.Parties(), actor.OrgID):
		return hub.Errorf(hub.CodeForbidden, "Your organisation is not a party to this protocol")
	case !p.Submitted:
		return hub.Errorf(hub.CodeConflict, "The protocol is still a draft: it can be signed once it is sent for signature")
	case p.SignedBy(actor.OrgID):
		return hub.Errorf(hub.CodeConflict, "Your organisation has signed this protocol already")
	}
	p.Signatures = append(slices.Clone(p.Signatures), Signature{OrgID: actor.OrgID, PersonID: actor.PersonID, Name: actor.Name, At: s.clock.Now()})
	detail := "signed for " + actor.OrgID
	if len(p.Unsigned()) == 0 {
		detail += "; every party has signed"
	}
	return s.save(ctx, actor, p, audit.ActionSign, detail)
}

// Suspend stops a protocol at once. Any provider may suspend it.
func (s *Service) Suspend(ctx context.Context, actor hub.Principal, id, reason string) error {
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
	if !slices.Contains(p.Providers, actor.OrgID) {
		return hub.Errorf(hub.CodeForbidden, "Only an organisation whose data is shared can suspend the protocol")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &hub.Error{Code: hub.CodeInvalid, Message: "Say why the protocol is suspended", Problems: []hub.Problem{{Field: "reason", Message: "Say why the protocol is suspended"}}}
	}
	if err := hub.Invalid("The reason is not valid", hub.CheckText("reason", reason, hub.ReasonText)); err != nil {
		return err
	}
	if !p.Suspended.IsZero() {
		return nil
	}
	p.Suspended, p.SuspendedBy, p.Reason = s.clock.Now(), actor.PersonID, reason
	return s.save(ctx, actor, p, audit.ActionProtocolChange, "suspended: "+reason)
}

// Seed adds a protocol as it is, signatures and all; for the demo partnership.
func (s *Service) Seed(ctx context.Context, p Protocol) error {
	if _, err := s.Protocol(p.ID); err == nil {
		return nil
	}
	if err := p.Validate(); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.save(ctx, hub.Principal{}, p, audit.ActionProtocolChange, "set up with the demo partnership")
}

// RecipientsOf returns every recipient a principal receives data as: their
// organisation, and the bodies their roles make them a member of.
func RecipientsOf(p hub.Principal) []Recipient {
	if !p.SignedIn() {
		return []Recipient{Public}
	}
	rs := []Recipient{OrgRecipient(p.OrgID)}
	if p.Has(hub.RoleBoardMember) {
		rs = append(rs, Board)
	}
	if p.Has(hub.RoleForumMember) {
		rs = append(rs, Forum)
	}
	if p.Has(hub.RoleAdvisoryMember) {
		rs = append(rs, AdvisoryGroup)
	}
	return append(rs, Public)
}

// Flow says under which protocol, if any, a principal may see an
// organisation's data of a theme today. An organisation always sees its own.
func (s *Service) Flow(p hub.Principal, owner, theme string) (Protocol, bool, error) {
	if p.SignedIn() && p.OrgID == owner {
		return Protocol{}, true, nil
	}
	day := s.clock.Now().Format(time.DateOnly)
	for _, r := range RecipientsOf(p) {
		id, ok, err := s.sharer.SharingAllowed(string(r), owner, theme, day)
		if err != nil {
			return Protocol{}, false, hub.Internal(err, "deciding a flow of data")
		}
		if ok {
			pr, err := s.Protocol(id)
			return pr, err == nil, err
		}
	}
	return Protocol{}, false, nil
}

// Describe says a recipient in words.
func Describe(r Recipient, orgName func(string) string) string {
	switch r {
	case Board:
		return "the partnership board"
	case Forum:
		return "the equality forum"
	case AdvisoryGroup:
		return "the advisory group"
	case Public:
		return "the public"
	}
	if org, ok := r.OrgID(); ok {
		return orgName(org)
	}
	return fmt.Sprint(r)
}
