package monitoring

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Store keeps the monitoring standard, themes, mappings, keys and returns.
// Create methods return CodeConflict when the thing exists already.
type Store interface {
	FindStandards(ctx context.Context) ([]Standard, error)
	CreateStandard(ctx context.Context, s Standard) error
	// UpdateStandard replaces a version of the standard, as one document;
	// CodeNotFound when there is none.
	UpdateStandard(ctx context.Context, s Standard) error
	FindThemes(ctx context.Context) ([]Theme, error)
	CreateTheme(ctx context.Context, t Theme) error
	FindMappings(ctx context.Context) ([]Mapping, error)
	// CreateMapping adds a mapping version; CodeConflict when the organisation has that version.
	CreateMapping(ctx context.Context, m Mapping) error
	FindKeys(ctx context.Context) ([]Key, error)
	CreateKey(ctx context.Context, k Key) error
	// UpdateKey replaces a key; CodeNotFound when there is none.
	UpdateKey(ctx context.Context, k Key) error
	// FindReturns returns every return, with its body and signature when
	// bodies is true.
	FindReturns(ctx context.Context, bodies bool) ([]Return, error)
	// FindReturnBodies returns the documents and signatures of the returns
	// with these IDs, by ID; a return with none is left out.
	FindReturnBodies(ctx context.Context, ids []string) (map[string]SignedBody, error)
	// CreateReturn adds a return; CodeConflict when its ID, or its
	// organisation, theme, period and version, are taken.
	CreateReturn(ctx context.Context, r Return) error
	// FindReturnBody returns a return's document and signature.
	FindReturnBody(ctx context.Context, id string) (body []byte, signature string, err error)
}

// The permissions of monitoring.
var (
	PermReturnsRead   = hub.Permission{Object: "returns", Action: "read"}
	PermReturnsUpload = hub.Permission{Object: "returns", Action: "upload"}
	PermKeysManage    = hub.Permission{Object: "keys", Action: "manage"}
	PermMappingManage = hub.Permission{Object: "mapping", Action: "manage"}
	PermStandardEdit  = hub.Permission{Object: "standard", Action: "manage"}
	PermStandardRead  = hub.Permission{Object: "standard", Action: "read"}
)

// Limits bounds what an upload may be.
type Limits struct {
	MaxReturnBytes  int64 // a return document
	MaxExtractBytes int64 // a record-level extract uploaded through the browser
}

// Service holds the standard, themes, mappings, keys and returns.
type Service struct {
	store  Store
	auth   hub.Authorizer
	crypto Crypto
	rs     *hub.ReadSide
	clock  hub.Clock
	Limits Limits

	writeMu sync.Mutex
	log     audit.Log

	mu        sync.RWMutex
	standards []Standard // by publication, oldest first
	themes    []Theme
	mappings  map[string][]Mapping // by organisation, oldest first
	keys      map[string]Key       // by fingerprint
	returns   map[string]Return    // by ID, without body and signature
	verified  map[string][32]byte  // by ID, the SHA-256 of the signature verified over its body, for returns not damaged
	reported  map[string]bool      // by ID, returns found damaged and put on the audit record by this process
	current   map[slot]string      // the ID of the latest version of each organisation's theme and period
}

// slot is what a return is of: one organisation's theme and period.
type slot struct {
	org, theme string
	period     Period
}

func (s *Service) track(r Return) {
	k := slot{r.OrgID, r.Theme, r.Period}
	if cur, ok := s.returns[s.current[k]]; !ok || r.Version > cur.Version {
		s.current[k] = r.ID
	}
}

// NewService returns the monitoring service. Call Reload (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, crypto Crypto, rs *hub.ReadSide, clock hub.Clock, limits Limits) *Service {
	return &Service{store: store, auth: auth, crypto: crypto, rs: rs, clock: clock, Limits: limits, log: audit.Discard{},
		mappings: map[string][]Mapping{}, keys: map[string]Key{}, returns: map[string]Return{}, verified: map[string][32]byte{}, reported: map[string]bool{}, current: map[slot]string{}}
}

// RecordTo puts every change and upload on the audit record.
func (s *Service) RecordTo(l audit.Log) { s.log = l }

// change puts a change on the audit record, then makes it with write: no
// change is stored without its entry (see audit.Change).
func (s *Service) change(ctx context.Context, actor hub.Principal, action, object, owner, detail string, write func() error) error {
	_, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: object, Owner: owner, Detail: detail},
		func(int64) error { return write() })
	return err
}

// record puts an action on the audit record.
func (s *Service) record(ctx context.Context, actor hub.Principal, action, object, owner, detail string) error {
	_, err := s.log.Record(ctx, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: object, Owner: owner, Detail: detail})
	if err != nil {
		return hub.Internal(err, "recording "+action)
	}
	return nil
}

// Reload reads everything from the store. Each return's figures are those of
// the document its organisation signed: its document is checked again, and
// its signature verified against the organisation's keys, the first time
// this process loads it; each time, its stored figures are compared with the
// signed ones. A return whose stored figures differ, or whose document or
// signature fails, is kept as damaged and left out of every table. A
// document changed after this process verified it is found when the return
// is next read (see Return) and when a hub process next starts.
func (s *Service) Reload(ctx context.Context) error {
	stds, err := s.store.FindStandards(ctx)
	if err != nil {
		return err
	}
	themes, err := s.store.FindThemes(ctx)
	if err != nil {
		return err
	}
	maps, err := s.store.FindMappings(ctx)
	if err != nil {
		return err
	}
	keys, err := s.store.FindKeys(ctx)
	if err != nil {
		return err
	}
	// The first load of this process reads every document with its return.
	s.mu.RLock()
	first := len(s.verified) == 0
	s.mu.RUnlock()
	rets, err := s.store.FindReturns(ctx, first)
	if err != nil {
		return err
	}
	slices.SortFunc(stds, func(a, b Standard) int {
		return cmp.Or(a.Published.Compare(b.Published), cmp.Compare(a.Version, b.Version))
	})
	slices.SortFunc(themes, func(a, b Theme) int { return cmp.Compare(a.Name, b.Name) })
	armored := map[string][]string{}
	for _, k := range keys {
		armored[k.OrgID] = append(armored[k.OrgID], k.Armored)
	}
	cat := fixedCatalogue{stds, themes}
	s.mu.RLock()
	known, knownSums := s.returns, s.verified
	s.mu.RUnlock()
	verified, err := s.checkAll(ctx, rets, cat, armored, known, knownSums)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.standards, s.themes = stds, themes
	s.mappings = map[string][]Mapping{}
	for _, m := range maps {
		s.mappings[m.OrgID] = append(s.mappings[m.OrgID], m)
	}
	for _, ms := range s.mappings {
		slices.SortFunc(ms, func(a, b Mapping) int { return cmp.Compare(a.Version, b.Version) })
	}
	s.keys = map[string]Key{}
	for _, k := range keys {
		s.keys[k.Fingerprint] = k
	}
	s.returns, s.current, s.verified = map[string]Return{}, map[slot]string{}, verified
	for _, r := range rets {
		s.returns[r.ID] = r
	}
	for _, r := range rets {
		s.track(r)
	}
	var found []Return
	for _, r := range rets {
		if r.Damaged != "" && !s.reported[r.ID] {
			s.reported[r.ID] = true
			found = append(found, r)
		}
	}
	s.mu.Unlock()
	for _, r := range found {
		s.recordDamage(ctx, r)
	}
	return nil
}

// ActionDamaged is the entry that says a return was found damaged.
const ActionDamaged = "return.damaged"

// recordDamage puts a return found damaged on the audit record, once in the
// life of this process, so that its owner and the administrators learn of
// it. It is not a change, so a failure to record it stops nothing.
func (s *Service) recordDamage(ctx context.Context, r Return) {
	_ = s.record(ctx, hub.Principal{}, ActionDamaged, "returns/"+r.ID, r.OrgID,
		fmt.Sprintf("%s %s version %d found damaged: %s", r.Theme, r.Period, r.Version, r.Damaged))
}

// Seed adds the first standard and the built-in themes to a store that has none.
func (s *Service) Seed(ctx context.Context, std Standard, themes []Theme) error {
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if len(s.Standards()) == 0 {
		if err := std.Validate(); err != nil {
			return err
		}
		// The first version is agreed with the hub: approved, in effect from the start.
		if std.Published.IsZero() {
			std.Published = s.clock.Now()
		}
		std.State, std.Effective = StateApproved, Day(std.Published)
		if err := s.store.CreateStandard(ctx, std); err != nil {
			return err
		}
		s.mu.Lock()
		s.standards = append(s.standards, std)
		s.mu.Unlock()
	}
	if len(s.Themes()) == 0 {
		for _, t := range themes {
			if err := t.Validate(std); err != nil {
				return err
			}
			if err := s.store.CreateTheme(ctx, t); err != nil {
				return err
			}
		}
		s.mu.Lock()
		s.themes = append([]Theme(nil), themes...)
		slices.SortFunc(s.themes, func(a, b Theme) int { return cmp.Compare(a.Name, b.Name) })
		s.mu.Unlock()
	}
	return s.rs.Wrote(ctx)
}

// SeedMapping records an organisation's first mapping when it has none; for
// setting up the demo partnership.
func (s *Service) SeedMapping(ctx context.Context, m Mapping) error {
	if m.Version == 0 || s.Mapping(m.OrgID).Version > 0 {
		return nil
	}
	st, ok := s.Standard(m.Standard)
	if !ok {
		return hub.Errorf(hub.CodeInvalid, "There is no monitoring standard %q", m.Standard)
	}
	if err := m.Validate(st); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	m.Version, m.Created = 1, s.clock.Now()
	if err := s.change(ctx, hub.Principal{}, audit.ActionMappingChange, MappingObject(m.OrgID, m.Version), m.OrgID, "set up with the hub",
		func() error { return s.store.CreateMapping(ctx, m) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.mappings[m.OrgID] = append(s.mappings[m.OrgID], m)
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// The audit record's entries for a version of the standard: its proposal
// is audit.ActionPublish.
const (
	ActionStandardApprove  = "standard.approve"
	ActionStandardWithdraw = "standard.withdraw"
)

// StandardObject names a version of the standard on the audit record.
func StandardObject(version string) string { return "standards/" + version }

// ProposeStandard proposes a new version of the standard, for the equality
// forum, to take effect on st.Effective, a day not before today. A proposal
// changes nothing until a forum member of another organisation approves it
// and its day comes: returns are made, and the partnership's picture shown,
// under the current version until then. Returns already made keep the
// version they were made with.
func (s *Service) ProposeStandard(ctx context.Context, actor hub.Principal, st Standard) (Standard, error) {
	if err := hub.Authorize(s.auth, actor, PermStandardEdit, hub.DomainPartnership); err != nil {
		return Standard{}, err
	}
	effective := st.Effective
	st = st.withoutLife()
	if err := st.Validate(); err != nil {
		return Standard{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if old, exists := s.Standard(st.Version); exists {
		msg := "Version " + st.Version + " is published already: a published version never changes, so give the new one a new version"
		if old.Approval() == StateWithdrawn {
			msg = "Version " + st.Version + " was proposed and withdrawn: a version's number is used once, so give the new one a new version"
		}
		return Standard{}, &hub.Error{Code: hub.CodeConflict, Message: "The standard is not valid", Problems: []hub.Problem{{Field: "version", Message: msg}}}
	}
	now := s.clock.Now()
	switch {
	case effective.IsZero():
		return Standard{}, &hub.Error{Code: hub.CodeInvalid, Message: "Give the date the new version is to take effect",
			Problems: []hub.Problem{{Field: "effective", Message: "Give the date the new version takes effect, such as " + Day(now).AddDate(0, 3, 0).Format(time.DateOnly)}}}
	case Day(effective).Before(Day(now)):
		return Standard{}, &hub.Error{Code: hub.CodeInvalid, Message: "The new version cannot take effect in the past",
			Problems: []hub.Problem{{Field: "effective", Message: "Give a date from today, " + Day(now).Format("2 January 2006") + ", onwards"}}}
	}
	for _, t := range s.Themes() {
		if err := t.Validate(st); err != nil {
			return Standard{}, hub.Errorf(hub.CodeInvalid, "The theme %s asks about a question this version does not have: %s", t.Name, err.Error())
		}
	}
	st.Published, st.State, st.Effective = now, StateProposed, Day(effective)
	st.ProposedBy, st.ProposedOrg = actor.PersonID, actor.OrgID
	detail := fmt.Sprintf("monitoring standard %s proposed, to take effect on %s once a forum member of another organisation approves it", st.Version, st.Effective.Format("2 January 2006"))
	if err := s.change(ctx, actor, audit.ActionPublish, StandardObject(st.Version), hub.DomainPartnership, detail,
		func() error { return s.store.CreateStandard(ctx, st) }); err != nil {
		return Standard{}, err
	}
	s.mu.Lock()
	s.standards = append(s.standards, st)
	s.mu.Unlock()
	return st, s.rs.Wrote(ctx)
}

// ApproveStandard approves a proposed version, for a forum member of an
// organisation other than the proposer's: a change to what every partner
// collects needs two organisations. It takes effect on the day proposed,
// or today when that day has passed.
func (s *Service) ApproveStandard(ctx context.Context, actor hub.Principal, version string) (Standard, error) {
	return s.changeStandard(ctx, actor, version, ActionStandardApprove, func(st *Standard, now time.Time) (string, error) {
		switch st.Approval() {
		case StateApproved:
			return "", hub.Errorf(hub.CodeConflict, "Version %s is approved already", st.Version)
		case StateWithdrawn:
			return "", hub.Errorf(hub.CodeConflict, "Version %s was withdrawn on %s: it cannot be approved", st.Version, st.Withdrawn.Format("2 January 2006"))
		}
		if actor.OrgID == st.ProposedOrg {
			return "", hub.Errorf(hub.CodeForbidden, "Version %s was proposed by your organisation: a forum member of another organisation approves it, so that two organisations agree to a change in what every partner collects", st.Version)
		}
		detail := fmt.Sprintf("monitoring standard %s approved, in effect from %s", st.Version, st.Effective.Format("2 January 2006"))
		if st.Effective.Before(Day(now)) {
			detail = fmt.Sprintf("monitoring standard %s approved after the day proposed, %s, had passed: in effect from %s", st.Version, st.Effective.Format("2 January 2006"), Day(now).Format("2 January 2006"))
			st.Effective = Day(now)
		}
		st.State, st.ApprovedBy, st.ApprovedOrg, st.Approved = StateApproved, actor.PersonID, actor.OrgID, now
		return detail, nil
	})
}

// WithdrawStandard withdraws a proposal, or an approved version before its
// day, for any forum member. A version in effect is not withdrawn: returns
// are made under it; the forum proposes a new version instead.
func (s *Service) WithdrawStandard(ctx context.Context, actor hub.Principal, version string) (Standard, error) {
	return s.changeStandard(ctx, actor, version, ActionStandardWithdraw, func(st *Standard, now time.Time) (string, error) {
		switch {
		case st.Approval() == StateWithdrawn:
			return "", hub.Errorf(hub.CodeConflict, "Version %s was withdrawn already, on %s", st.Version, st.Withdrawn.Format("2 January 2006"))
		case !st.Pending(now):
			return "", hub.Errorf(hub.CodeConflict, "Version %s took effect on %s and can no longer be withdrawn: returns are made under it. To change it, propose a new version", st.Version, st.From().Format("2 January 2006"))
		}
		was := "proposal"
		if st.Approval() == StateApproved {
			was = "approved version, before it took effect on " + st.Effective.Format("2 January 2006") + ","
		}
		st.State, st.WithdrawnBy, st.Withdrawn = StateWithdrawn, actor.PersonID, now
		return fmt.Sprintf("monitoring standard %s withdrawn: the %s withdrawn", st.Version, was), nil
	})
}

// changeStandard changes a stored version of the standard, for the forum:
// decide checks the version and changes it, saying the change for the
// record; the change is recorded, then stored as one document.
func (s *Service) changeStandard(ctx context.Context, actor hub.Principal, version, action string, decide func(st *Standard, now time.Time) (string, error)) (Standard, error) {
	if err := hub.Authorize(s.auth, actor, PermStandardEdit, hub.DomainPartnership); err != nil {
		return Standard{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	st, ok := s.Standard(version)
	if !ok {
		return Standard{}, hub.Errorf(hub.CodeNotFound, "There is no monitoring standard %s", quote(version))
	}
	detail, err := decide(&st, s.clock.Now())
	if err != nil {
		return Standard{}, err
	}
	if err := s.change(ctx, actor, action, StandardObject(st.Version), hub.DomainPartnership, detail,
		func() error { return s.store.UpdateStandard(ctx, st) }); err != nil {
		return Standard{}, err
	}
	s.replaceStandard(st)
	return st, s.rs.Wrote(ctx)
}

func (s *Service) replaceStandard(st Standard) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.standards {
		if s.standards[i].Version == st.Version {
			s.standards[i] = st
		}
	}
}

// PendingStandards returns the versions proposed, or approved and not yet in
// effect, oldest first: those that can still be withdrawn.
func (s *Service) PendingStandards() []Standard {
	now := s.clock.Now()
	var out []Standard
	for _, st := range s.Standards() {
		if st.Pending(now) {
			out = append(out, st)
		}
	}
	return out
}

// StandardsToApprove returns the proposals that wait for the person's
// approval: a forum member of an organisation other than the proposer's.
func (s *Service) StandardsToApprove(p hub.Principal) []Standard {
	if !p.SignedIn() || hub.Authorize(s.auth, p, PermStandardEdit, hub.DomainPartnership) != nil {
		return nil
	}
	var out []Standard
	for _, st := range s.PendingStandards() {
		if st.Approval() == StateProposed && st.ProposedOrg != p.OrgID {
			out = append(out, st)
		}
	}
	return out
}

// inEffect returns the versions that have taken effect, the current last.
func inEffect(stds []Standard, now time.Time) []Standard {
	var out []Standard
	for _, st := range stds {
		if st.InEffectAt(now) {
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b Standard) int {
		return cmp.Or(a.From().Compare(b.From()), a.Published.Compare(b.Published), cmp.Compare(a.Version, b.Version))
	})
	return out
}

// CheckStandardFor refuses a return of a period made under a version of the
// standard that was not in effect for it. A return may be made under the
// current version, whatever its period, or under an earlier version that
// was in effect during some of its period (the first version counts as in
// effect before it was published). A proposal, a version approved but not
// yet in effect, and a withdrawn one are refused.
func (s *Service) CheckStandardFor(version string, p Period) error {
	now := s.clock.Now()
	s.mu.RLock()
	all := append([]Standard(nil), s.standards...)
	s.mu.RUnlock()
	live := inEffect(all, now)
	if len(live) == 0 {
		return hub.Errorf(hub.CodeNotFound, "No monitoring standard is in effect yet")
	}
	cur := live[len(live)-1]
	refuse := func(msg string) error {
		return &hub.Error{Code: hub.CodeInvalid, Message: msg, Problems: []hub.Problem{{Field: "standard", Message: msg}}}
	}
	i := slices.IndexFunc(live, func(st Standard) bool { return st.Version == version })
	if i < 0 {
		st, ok := s.Standard(version)
		switch {
		case !ok:
			return refuse(fmt.Sprintf("There is no monitoring standard %s", quote(version)))
		case st.Approval() == StateWithdrawn:
			return refuse(fmt.Sprintf("Standard %s was withdrawn and never took effect: make the return under %s, the standard in effect", st.Version, cur.Version))
		case st.Approval() == StateApproved:
			return refuse(fmt.Sprintf("Standard %s takes effect on %s: until then, make the return under %s, the standard in effect", st.Version, st.From().Format("2 January 2006"), cur.Version))
		default:
			return refuse(fmt.Sprintf("Standard %s is a proposal, not yet approved: make the return under %s, the standard in effect", st.Version, cur.Version))
		}
	}
	if i == len(live)-1 {
		return nil
	}
	st, next := live[i], live[i+1]
	start, end := p.Start(), p.Start().AddDate(1, 0, 0)
	if len(p) == len("2025-26-Q1") {
		end = p.Start().AddDate(0, 3, 0)
	}
	if (i == 0 || st.From().Before(end)) && start.Before(next.From()) {
		return nil
	}
	return refuse(fmt.Sprintf("Standard %s was replaced by %s on %s, before %s began: make the return under %s, the standard in effect, or under the version that was in effect during the period",
		st.Version, next.Version, next.From().Format("2 January 2006"), p, cur.Version))
}

// AddTheme adds a theme of returns, for the equality forum.
func (s *Service) AddTheme(ctx context.Context, actor hub.Principal, t Theme) error {
	if err := hub.Authorize(s.auth, actor, PermStandardEdit, hub.DomainPartnership); err != nil {
		return err
	}
	st, err := s.CurrentStandard()
	if err != nil {
		return err
	}
	if err := t.Validate(st); err != nil {
		return err
	}
	// A version proposed must still read every theme when it takes effect.
	for _, p := range s.PendingStandards() {
		if err := t.Validate(p); err != nil {
			return hub.Errorf(hub.CodeInvalid, "Standard %s, proposed, does not have every question the theme asks about: %s", p.Version, hub.ErrorMessage(err))
		}
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, exists := s.Theme(t.ID); exists {
		return &hub.Error{Code: hub.CodeConflict, Message: "The theme is not valid", Problems: []hub.Problem{{Field: "id", Message: "There is a theme " + t.ID + " already"}}}
	}
	if err := s.store.CreateTheme(ctx, t); err != nil {
		return err
	}
	s.mu.Lock()
	s.themes = append(s.themes, t)
	slices.SortFunc(s.themes, func(a, b Theme) int { return cmp.Compare(a.Name, b.Name) })
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// Standards returns every version of the standard, oldest first.
func (s *Service) Standards() []Standard {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Standard(nil), s.standards...)
}

// CurrentStandard returns the standard in effect: the approved version
// whose day came last. Returns are made, and the partnership's picture
// shown, under it.
func (s *Service) CurrentStandard() (Standard, error) {
	s.mu.RLock()
	live := inEffect(s.standards, s.clock.Now())
	s.mu.RUnlock()
	if len(live) == 0 {
		return Standard{}, hub.Errorf(hub.CodeNotFound, "No monitoring standard has been published yet")
	}
	return live[len(live)-1], nil
}

// Standard returns one version of the standard.
func (s *Service) Standard(version string) (Standard, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, st := range s.standards {
		if st.Version == version {
			return st, true
		}
	}
	return Standard{}, false
}

// Themes returns every theme, by name.
func (s *Service) Themes() []Theme {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Theme(nil), s.themes...)
}

// Theme returns one theme.
func (s *Service) Theme(id string) (Theme, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.themes {
		if t.ID == id {
			return t, true
		}
	}
	return Theme{}, false
}

// Layout returns the layout of a theme's returns under a standard version.
func (s *Service) Layout(themeID, version string) (*Layout, error) {
	t, ok := s.Theme(themeID)
	if !ok {
		return nil, hub.Errorf(hub.CodeNotFound, "There is no theme %q", themeID)
	}
	st, ok := s.Standard(version)
	if !ok {
		return nil, hub.Errorf(hub.CodeNotFound, "There is no monitoring standard %q", version)
	}
	return NewLayout(st, t)
}

// Mapping returns an organisation's current mapping: version 0, standard codes
// as they are, when it has none.
func (s *Service) Mapping(orgID string) Mapping {
	s.mu.RLock()
	ms := s.mappings[orgID]
	s.mu.RUnlock()
	if len(ms) > 0 {
		return ms[len(ms)-1]
	}
	m := Mapping{OrgID: orgID}
	if st, err := s.CurrentStandard(); err == nil {
		m.Standard = st.Version
	}
	return m
}

// Mappings returns every version of an organisation's mapping, oldest first.
func (s *Service) Mappings(actor hub.Principal, orgID string) ([]Mapping, error) {
	if err := hub.Authorize(s.auth, actor, PermReturnsRead, orgID); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Mapping(nil), s.mappings[orgID]...), nil
}

// SaveMapping records a new version of the actor's organisation's mapping.
func (s *Service) SaveMapping(ctx context.Context, actor hub.Principal, m Mapping) (Mapping, error) {
	if err := hub.Authorize(s.auth, actor, PermMappingManage, actor.OrgID); err != nil {
		return Mapping{}, err
	}
	st, ok := s.Standard(m.Standard)
	if !ok {
		return Mapping{}, hub.Errorf(hub.CodeInvalid, "There is no monitoring standard %q", m.Standard)
	}
	if st.Approval() == StateWithdrawn {
		return Mapping{}, hub.Errorf(hub.CodeInvalid, "Standard %s was withdrawn: map your codes to the standard in effect, or to a version proposed", st.Version)
	}
	if err := m.Validate(st); err != nil {
		return Mapping{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	m.OrgID, m.Version, m.Created, m.By = actor.OrgID, s.Mapping(actor.OrgID).Version+1, s.clock.Now(), actor.PersonID
	if err := s.change(ctx, actor, audit.ActionMappingChange, MappingObject(m.OrgID, m.Version), m.OrgID, m.Note,
		func() error { return s.store.CreateMapping(ctx, m) }); err != nil {
		return Mapping{}, err
	}
	s.mu.Lock()
	s.mappings[m.OrgID] = append(s.mappings[m.OrgID], m)
	s.mu.Unlock()
	return m, s.rs.Wrote(ctx)
}

// mappingFor returns the standard and the version of an organisation's
// mapping to count a period's records with: its newest mapping whose
// standard a return of the period may be made under (see
// CheckStandardFor). A mapping made ready for a proposed version does not
// stop returns under the version in effect.
func (s *Service) mappingFor(orgID string, p Period) (Standard, Mapping, error) {
	cur, err := s.CurrentStandard()
	if err != nil {
		return Standard{}, Mapping{}, err
	}
	s.mu.RLock()
	ms := append([]Mapping(nil), s.mappings[orgID]...)
	s.mu.RUnlock()
	if len(ms) == 0 {
		return cur, Mapping{OrgID: orgID, Standard: cur.Version}, nil
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if s.CheckStandardFor(ms[i].Standard, p) == nil {
			st, _ := s.Standard(ms[i].Standard)
			return st, ms[i], nil
		}
	}
	m := ms[len(ms)-1]
	return Standard{}, Mapping{}, hub.Errorf(hub.CodeInvalid, "Your mapping is for standard %s, which is not in effect for %s: update the mapping to %s, the current standard, first", m.Standard, p, cur.Version)
}

// MappingVersion returns one version of an organisation's mapping.
func (s *Service) MappingVersion(orgID string, version int) (Mapping, bool) {
	if version == 0 {
		return Mapping{OrgID: orgID}, true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, m := range s.mappings[orgID] {
		if m.Version == version {
			return m, true
		}
	}
	return Mapping{}, false
}

// Keys returns an organisation's keys, newest first.
func (s *Service) Keys(orgID string) []Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ks []Key
	for _, k := range s.keys {
		if k.OrgID == orgID {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, b Key) int { return cmp.Or(b.Added.Compare(a.Added), cmp.Compare(a.Fingerprint, b.Fingerprint)) })
	return ks
}

// RegisterKey adds a public key that may sign the actor's organisation's returns.
func (s *Service) RegisterKey(ctx context.Context, actor hub.Principal, armored string) (Key, error) {
	if err := hub.Authorize(s.auth, actor, PermKeysManage, actor.OrgID); err != nil {
		return Key{}, err
	}
	info, err := s.crypto.ReadKey(armored)
	if err != nil {
		return Key{}, err
	}
	now := s.clock.Now()
	if !info.Expires.IsZero() && !now.Before(info.Expires) {
		return Key{}, hub.Errorf(hub.CodeInvalid, "The key expired on %s: make a new one", info.Expires.Format("2 January 2006"))
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	old, exists := s.keys[info.Fingerprint]
	s.mu.RUnlock()
	if exists {
		if old.OrgID != actor.OrgID {
			return Key{}, hub.Errorf(hub.CodeConflict, "This key is registered to another organisation")
		}
		return Key{}, hub.Errorf(hub.CodeConflict, "This key is registered already")
	}
	k := Key{Fingerprint: info.Fingerprint, OrgID: actor.OrgID, Armored: strings.TrimSpace(armored) + "\n", UserIDs: info.UserIDs,
		Created: info.Created, Expires: info.Expires, Added: now, AddedBy: actor.PersonID}
	if err := s.change(ctx, actor, audit.ActionKeyChange, "keys/"+k.Fingerprint, k.OrgID, "registered",
		func() error { return s.store.CreateKey(ctx, k) }); err != nil {
		return Key{}, err
	}
	s.mu.Lock()
	s.keys[k.Fingerprint] = k
	s.mu.Unlock()
	return k, s.rs.Wrote(ctx)
}

// RevokeKey stops a key signing the actor's organisation's returns from now
// on. Returns it signed before stay valid.
func (s *Service) RevokeKey(ctx context.Context, actor hub.Principal, fingerprint string) error {
	if err := hub.Authorize(s.auth, actor, PermKeysManage, actor.OrgID); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	k, ok := s.keys[strings.ToUpper(fingerprint)]
	s.mu.RUnlock()
	if !ok || k.OrgID != actor.OrgID {
		return hub.Errorf(hub.CodeNotFound, "Your organisation has no key %s", fingerprint)
	}
	if !k.Revoked.IsZero() {
		return nil
	}
	k.Revoked, k.RevokedBy = s.clock.Now(), actor.PersonID
	if err := s.change(ctx, actor, audit.ActionKeyChange, "keys/"+k.Fingerprint, k.OrgID, "revoked",
		func() error { return s.store.UpdateKey(ctx, k) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.keys[k.Fingerprint] = k
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// Upload accepts a signed return from the actor's organisation. The signature
// must be by one of the organisation's keys, valid now; the return must be
// valid against the standard and theme it names, and for a period that has
// begun. The same signed return sent again while it is current is held
// already and changes nothing. A return for a theme and period the
// organisation has returned already is a correction, and needs a reason; an
// earlier version sent again with a reason is restored as a new version,
// undoing the corrections since. Nothing is kept unless all of it is
// accepted. The outcome says which of these happened.
func (s *Service) Upload(ctx context.Context, actor hub.Principal, body []byte, signature, reason string) (Return, Outcome, error) {
	if err := hub.Authorize(s.auth, actor, PermReturnsUpload, actor.OrgID); err != nil {
		return Return{}, "", err
	}
	if err := hub.Invalid("The reason for the correction is not valid", hub.CheckText("reason", reason, hub.ReasonText)); err != nil {
		return Return{}, "", err
	}
	return s.accept(ctx, actor.OrgID, actor.PersonID, body, signature, reason)
}

// SeedReturn accepts a signed return for an organisation as Upload does, but
// with no one acting; for loading the demo partnership.
func (s *Service) SeedReturn(ctx context.Context, orgID string, body []byte, signature string) error {
	_, _, err := s.accept(ctx, orgID, "", body, signature, "")
	return err
}

// SeedKey registers a key for an organisation with no one acting; for the demo partnership.
func (s *Service) SeedKey(ctx context.Context, orgID, armored string) error {
	info, err := s.crypto.ReadKey(armored)
	if err != nil {
		return err
	}
	if _, ok := s.KeyOf(info.Fingerprint); ok {
		return nil
	}
	defer s.rs.BeginWrite()()
	k := Key{Fingerprint: info.Fingerprint, OrgID: orgID, Armored: armored, UserIDs: info.UserIDs, Created: info.Created, Expires: info.Expires, Added: s.clock.Now()}
	if err := s.store.CreateKey(ctx, k); err != nil {
		return err
	}
	s.mu.Lock()
	s.keys[k.Fingerprint] = k
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

func (s *Service) accept(ctx context.Context, orgID, personID string, body []byte, signature, reason string) (Return, Outcome, error) {
	actor := hub.Principal{OrgID: orgID, PersonID: personID}
	if int64(len(body)) > s.Limits.MaxReturnBytes {
		return Return{}, "", hub.Errorf(hub.CodeTooLarge, "The return is larger than the %d KB allowed", s.Limits.MaxReturnBytes>>10)
	}
	content, l, err := Decode(body, s)
	if err != nil {
		return Return{}, "", err
	}
	if content.OrgID != actor.OrgID {
		return Return{}, "", hub.Errorf(hub.CodeForbidden, "The return is for %s, but you upload for %q: each organisation uploads its own returns", hub.Clip(strconv.Quote(content.OrgID)), actor.OrgID)
	}
	now := s.clock.Now()
	if err := CheckStarted(content.Period, l.Theme.Frequency, now); err != nil {
		return Return{}, "", err
	}
	if err := s.CheckStandardFor(content.Standard, content.Period); err != nil {
		return Return{}, "", err
	}
	if content.Mapping > 0 {
		if _, ok := s.MappingVersion(content.OrgID, content.Mapping); !ok {
			return Return{}, "", hub.Errorf(hub.CodeInvalid, "Your organisation has no mapping version %d", content.Mapping)
		}
	}
	var armored []string
	for _, k := range s.Keys(actor.OrgID) {
		armored = append(armored, k.Armored)
	}
	if len(armored) == 0 {
		return Return{}, "", hub.Errorf(hub.CodeInvalid, "Your organisation has registered no signing key: register one on the Keys page first")
	}
	sig, err := s.crypto.Verify(body, signature, armored)
	if err != nil {
		return Return{}, "", err
	}
	s.mu.RLock()
	key := s.keys[sig.Fingerprint]
	s.mu.RUnlock()
	switch {
	case !key.Revoked.IsZero() && !now.Before(key.Revoked):
		return Return{}, "", hub.Errorf(hub.CodeInvalid, "The return was signed with key %s, which was revoked on %s: sign it with a current key", key.Fingerprint, key.Revoked.Format("2 January 2006"))
	case !key.Expires.IsZero() && !now.Before(key.Expires):
		return Return{}, "", hub.Errorf(hub.CodeInvalid, "The return was signed with key %s, which expired on %s: sign it with a current key", key.Fingerprint, key.Expires.Format("2 January 2006"))
	case sig.SignedAt.After(now.Add(5 * time.Minute)):
		return Return{}, "", hub.Errorf(hub.CodeInvalid, "The signature is dated in the future: check the clock of the computer that signed it")
	}

	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	id := ReturnID(body)
	s.mu.RLock()
	earlier, seen := s.returns[id]
	current := s.currentLocked(content.OrgID, content.Theme, content.Period)
	s.mu.RUnlock()
	sameAsCurrent := current != nil && (current.ID == id || current.ID == RestoreID(body, current.Version))
	if sameAsCurrent && current.Damaged == "" {
		// A repeat is put on the record too: a retry after a failure to record lands here.
		return *current, OutcomeHeld, s.record(ctx, actor, audit.ActionUpload, "returns/"+current.ID, orgID, fmt.Sprintf("%s %s version %d, sent again: already held", current.Theme, current.Period, current.Version))
	}
	r := Return{ID: id, Content: content, Body: body, Signature: signature, Key: sig.Fingerprint, SignedAt: sig.SignedAt,
		Version: 1, Uploaded: now, UploadedBy: actor.PersonID}
	outcome := OutcomeNew
	if current != nil {
		reason = strings.TrimSpace(reason)
		if reason == "" {
			if sameAsCurrent {
				return Return{}, "", &hub.Error{Code: hub.CodeConflict, Message: fmt.Sprintf("This return is version %d of your organisation's %s return for %s, which the hub holds as damaged: to store it afresh, as version %d, send it again with a reason", current.Version, l.Theme.Name, content.Period, current.Version+1),
					Problems: []hub.Problem{{Field: "reason", Message: fmt.Sprintf("Say why version %d is sent again", current.Version)}}}
			}
			if seen {
				return Return{}, "", &hub.Error{Code: hub.CodeConflict, Message: fmt.Sprintf("This return is version %d of your organisation's %s return for %s, and version %d is current: to make it current again, send it with a reason", earlier.Version, l.Theme.Name, content.Period, current.Version),
					Problems: []hub.Problem{{Field: "reason", Message: fmt.Sprintf("Say why version %d should replace version %d", earlier.Version, current.Version)}}}
			}
			return Return{}, "", &hub.Error{Code: hub.CodeConflict, Message: "Your organisation has already returned " + l.Theme.Name + " for " + string(content.Period) + ": to correct it, send the new return with a reason",
				Problems: []hub.Problem{{Field: "reason", Message: "Say why this return corrects the one sent on " + current.Uploaded.Format("2 January 2006")}}}
		}
		r.Version, r.Supersedes, r.Reason = current.Version+1, current.ID, reason
		outcome = OutcomeCorrection
		if seen {
			r.ID, r.Restores = RestoreID(body, r.Version), earlier.Version
			outcome = OutcomeRestored
		}
	}
	detail := fmt.Sprintf("%s %s version %d, %d records, signed with key %s", r.Theme, r.Period, r.Version, r.Records, r.Key)
	switch {
	case r.Restores > 0:
		detail += fmt.Sprintf(", restores version %d: %s", r.Restores, r.Reason)
	case r.Version > 1:
		detail += fmt.Sprintf(", corrects version %d: %s", r.Version-1, r.Reason)
	}
	if err := s.change(ctx, actor, audit.ActionUpload, "returns/"+r.ID, orgID, detail,
		func() error { return s.store.CreateReturn(ctx, r) }); err != nil {
		return Return{}, "", err
	}
	kept := r
	kept.Body, kept.Signature = nil, ""
	s.mu.Lock()
	s.returns[r.ID] = kept
	s.verified[r.ID] = sha256.Sum256([]byte(signature))
	s.track(kept)
	s.mu.Unlock()
	return r, outcome, s.rs.Wrote(ctx)
}

func (s *Service) currentLocked(org, theme string, period Period) *Return {
	r, ok := s.returns[s.current[slot{org, theme, period}]]
	if !ok {
		return nil
	}
	return &r
}

// ReturnFilter narrows a list of returns.
type ReturnFilter struct {
	OrgID  string
	Theme  string
	Latest bool // only the current version of each theme and period
}

// Returns lists an organisation's returns for someone who may read them, newest period first.
func (s *Service) Returns(actor hub.Principal, f ReturnFilter) ([]Return, error) {
	if err := hub.Authorize(s.auth, actor, PermReturnsRead, f.OrgID); err != nil {
		return nil, err
	}
	return s.returnsOf(f), nil
}

func (s *Service) returnsOf(f ReturnFilter) []Return {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Return
	for _, r := range s.returns {
		if r.OrgID != f.OrgID || (f.Theme != "" && r.Theme != f.Theme) {
			continue
		}
		if f.Latest {
			if cur := s.currentLocked(r.OrgID, r.Theme, r.Period); cur.ID != r.ID {
				continue
			}
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Return) int {
		return cmp.Or(cmp.Compare(b.Period, a.Period), cmp.Compare(a.Theme, b.Theme), cmp.Compare(b.Version, a.Version))
	})
	return out
}

// Return returns one return, with its body and signature, for someone who may read it.
func (s *Service) Return(ctx context.Context, actor hub.Principal, id string) (Return, error) {
	s.mu.RLock()
	r, ok := s.returns[id]
	s.mu.RUnlock()
	if !ok {
		return Return{}, hub.Errorf(hub.CodeNotFound, "There is no such return")
	}
	if err := hub.Authorize(s.auth, actor, PermReturnsRead, r.OrgID); err != nil {
		return Return{}, err
	}
	// A read that cannot be recorded is refused.
	if err := s.record(ctx, actor, audit.ActionRead, "returns/"+id, r.OrgID, fmt.Sprintf("%s %s version %d, with its signed document", r.Theme, r.Period, r.Version)); err != nil {
		return Return{}, err
	}
	body, sig, err := s.store.FindReturnBody(ctx, id)
	if err != nil {
		return Return{}, err
	}
	// What is served as signed is checked against the signature again: a
	// document changed in the store since it was loaded is damaged from now on.
	s.mu.RLock()
	known, knownSum := s.returns[id], s.verified[id]
	s.mu.RUnlock()
	var keys []string
	for _, k := range s.Keys(r.OrgID) {
		keys = append(keys, k.Armored)
	}
	stored := r
	stored.Body, stored.Signature = body, sig
	checked, _ := s.check(stored, s, keys, known, knownSum)
	if checked.Damaged == "" {
		checked.Damaged = r.Damaged // found when loading, from figures this read does not see
	}
	if checked.Damaged != "" && r.Damaged == "" {
		s.mu.Lock()
		s.returns[id] = checked
		delete(s.verified, id)
		report := !s.reported[id]
		s.reported[id] = true
		s.mu.Unlock()
		if report {
			s.recordDamage(ctx, checked)
		}
	}
	checked.Body, checked.Signature = body, sig
	return checked, nil
}

// Reader reads every organisation's current returns with no access check.
// Only the gate (hub/figures) holds one: it decides each viewer's flow,
// protects what it shows and records the read. cmd/hub hands it over once.
type Reader struct{ s *Service }

// Reader returns the reader of every organisation's returns. It never reads a
// damaged return: no table uses figures that are not what was signed.
func (s *Service) Reader() Reader { return Reader{s} }

// Latest returns the current version of an organisation's return of a theme for a period.
func (r Reader) Latest(org, theme string, period Period) (Return, bool) {
	return r.s.latest(org, theme, period)
}

// CurrentStandard returns the standard in force.
func (r Reader) CurrentStandard() (Standard, error) { return r.s.CurrentStandard() }

// Layout returns the layout of a theme's returns under a standard.
func (r Reader) Layout(theme, version string) (*Layout, error) { return r.s.Layout(theme, version) }

// Themes returns every theme.
func (r Reader) Themes() []Theme { return r.s.Themes() }

// Theme returns a theme.
func (r Reader) Theme(id string) (Theme, bool) { return r.s.Theme(id) }

// Periods returns the periods any organisation has returned a theme for, newest first.
func (r Reader) Periods(theme string) []Period { return r.s.Periods(theme) }

// OwnLatest returns the current version of the actor's own organisation's
// return of a theme for a period.
func (s *Service) OwnLatest(actor hub.Principal, theme string, period Period) (Return, bool) {
	if !actor.SignedIn() {
		return Return{}, false
	}
	return s.latest(actor.OrgID, theme, period)
}

func (s *Service) latest(org, theme string, period Period) (Return, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.currentLocked(org, theme, period)
	if r == nil || r.Damaged != "" {
		return Return{}, false
	}
	return *r, true
}

// Periods returns the periods any organisation has returned a theme for, newest first.
func (s *Service) Periods(theme string) []Period {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[Period]bool{}
	var out []Period
	for k, id := range s.current {
		if k.theme == theme && !seen[k.period] && s.returns[id].Damaged == "" {
			seen[k.period] = true
			out = append(out, k.period)
		}
	}
	slices.SortFunc(out, func(a, b Period) int { return cmp.Compare(b, a) })
	return out
}

// CountLatest counts an organisation's returns, one per theme and period.
func (s *Service) CountLatest(org string) int {
	return len(s.returnsOf(ReturnFilter{OrgID: org, Latest: true}))
}

// KeyOf returns a registered key.
func (s *Service) KeyOf(fingerprint string) (Key, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[fingerprint]
	return k, ok
}

// Spreadsheets reads the first worksheet of an Excel workbook as rows.
type Spreadsheets interface {
	Rows(r io.ReaderAt, size int64) (Rows, error)
}

// CheckSlot checks the theme and period a return is to be made for: a
// theme the hub has, and a period, in its spellings, that has begun.
func (s *Service) CheckSlot(themeID, period string) (Theme, Period, error) {
	var ps []hub.Problem
	theme, ok := s.Theme(themeID)
	if !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: "Choose the theme of the return"})
		if strings.TrimSpace(period) == "" {
			ps = append(ps, hub.Problem{Field: "period", Message: "Enter the period the return is for, such as 2025-26 or 2025-26-Q1"})
		}
	}
	p, err := ParsePeriod(period, theme.Frequency)
	if ok && err == nil {
		err = CheckStarted(p, theme.Frequency, s.clock.Now())
	}
	if ok && err != nil {
		msg := hub.ErrorMessage(err)
		if found := hub.ErrorProblems(err); len(found) > 0 {
			msg = found[0].Message
		}
		ps = append(ps, hub.Problem{Field: "period", Message: msg})
	}
	return theme, p, hub.Invalid("The return cannot be made", ps)
}

// AggregateExtract turns a record-level extract uploaded through the browser
// into a return document for the actor's organisation to sign, with the
// current standard and the organisation's current mapping. The records are
// read in memory and dropped: the hub keeps nothing of them. A CSV extract is
// counted as it is read and is never held whole; a workbook, which can only
// be read whole, is held once, within MaxExtractBytes.
func (s *Service) AggregateExtract(actor hub.Principal, themeID, period, name string, extract io.Reader, sheets Spreadsheets) ([]byte, *Aggregator, *Layout, error) {
	if err := hub.Authorize(s.auth, actor, PermReturnsUpload, actor.OrgID); err != nil {
		return nil, nil, nil, err
	}
	theme, p, err := s.CheckSlot(themeID, period)
	if err != nil {
		return nil, nil, nil, err
	}
	std, m, err := s.mappingFor(actor.OrgID, p)
	if err != nil {
		return nil, nil, nil, err
	}
	l, err := NewLayout(std, theme)
	if err != nil {
		return nil, nil, nil, err
	}
	var rows Rows
	switch {
	case strings.HasSuffix(name, ".xlsx"):
		whole, err := readWhole(extract, s.Limits.MaxExtractBytes)
		if err != nil {
			return nil, nil, nil, err
		}
		if rows, err = sheets.Rows(whole, whole.Size()); err != nil {
			return nil, nil, nil, err
		}
	case strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".txt"):
		rows = NewCSVRows(extract, s.Limits.MaxExtractBytes)
	default:
		return nil, nil, nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract must be a CSV file or an Excel workbook (.xlsx)", Problems: []hub.Problem{{Field: "extract", Message: "Choose a .csv or .xlsx file"}}}
	}
	agg, err := AggregateFor(rows, l, m, Scope{Periods: []Period{p}, Now: s.clock.Now()})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := CheckCounted(agg, theme, p); err != nil {
		return nil, nil, nil, err
	}
	counted, rejected := agg.Records()
	doc := Content{OrgID: actor.OrgID, Theme: theme.ID, Period: p, Standard: std.Version, Mapping: m.Version,
		Records: counted, Rejected: rejected, Counts: agg.Counts()}.Encode(l)
	return doc, agg, l, nil
}
