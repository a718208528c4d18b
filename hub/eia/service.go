package eia

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Store keeps assessments, each as one document written whole.
type Store interface {
	FindEIAs(ctx context.Context) ([]EIA, error)
	// SaveEIA creates or replaces an assessment.
	SaveEIA(ctx context.Context, e EIA) error
}

// The permissions of impact assessments. Reading is hub.PermEIARead.
var (
	PermWrite         = hub.Permission{Object: "eia", Action: "write"}          // draft and change assessments of one's organisation
	PermSign          = hub.Permission{Object: "eia", Action: "sign"}           // sign off for one's organisation
	PermScrutinise    = hub.Permission{Object: "eia", Action: "scrutinise"}     // comment on and challenge assessments
	PermPublishedRead = hub.Permission{Object: "eia-published", Action: "read"} // read published assessments
)

// ActionChange is the record's action for a change to an assessment; sign-off
// and publication are audit.ActionSign and audit.ActionPublish.
const ActionChange = "eia.change"

// EvidenceCheck says whether a principal may see the hub data a link points
// to; it returns an error when they may not.
type EvidenceCheck func(actor hub.Principal, link string) error

// OrganisationLookup returns an organisation of the partnership, or an error
// when there is none with that ID.
type OrganisationLookup func(id string) (hub.Organisation, error)

// Service holds the assessments.
type Service struct {
	store Store
	auth  hub.Authorizer
	rs    *hub.ReadSide
	clock hub.Clock
	log   audit.Log

	writeMu sync.Mutex

	mu       sync.RWMutex
	eias     map[string]EIA
	evidence EvidenceCheck
	orgs     OrganisationLookup
	teller   hub.Teller
}

// NewService returns the service. Call Reload (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, rs *hub.ReadSide, clock hub.Clock, log audit.Log) *Service {
	return &Service{store: store, auth: auth, rs: rs, clock: clock, log: log, eias: map[string]EIA{}}
}

// SetEvidenceCheck sets the check SignOff makes of every link to hub
// evidence: a decision maker signs only what they can see. nil: no check.
func (s *Service) SetEvidenceCheck(fn EvidenceCheck) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evidence = fn
}

// SetOrganisations sets how the service finds the partnership's
// organisations: an assessment names only organisations that exist, since
// only they can take part and sign it off. nil: names are not checked.
func (s *Service) SetOrganisations(fn OrganisationLookup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs = fn
}

// orgName names an organisation in words, or by its ID when it is not known.
func (s *Service) orgName(id string) string {
	s.mu.RLock()
	lookup := s.orgs
	s.mu.RUnlock()
	if lookup != nil {
		if o, err := lookup(id); err == nil && o.Name != "" {
			return o.Name
		}
	}
	return id
}

// unknownOrgs names, against its field, each organisation named that the
// partnership does not have.
func (s *Service) unknownOrgs(named map[string][]string) ([]hub.Problem, error) {
	s.mu.RLock()
	lookup := s.orgs
	s.mu.RUnlock()
	if lookup == nil {
		return nil, nil
	}
	var ps []hub.Problem
	for _, field := range slices.Sorted(maps.Keys(named)) {
		seen := map[string]bool{}
		for _, id := range named[field] {
			if blank(id) || seen[id] {
				continue
			}
			seen[id] = true
			if _, err := lookup(id); err != nil {
				if !hub.IsCode(err, hub.CodeNotFound) {
					return nil, err
				}
				ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf("There is no organisation %s in this partnership: name only partners that can take part and sign", hub.Excerpt(id))})
			}
		}
	}
	return ps, nil
}

// Reload reads every assessment from the store.
func (s *Service) Reload(ctx context.Context) error {
	es, err := s.store.FindEIAs(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eias = make(map[string]EIA, len(es))
	for _, e := range es {
		s.eias[e.ID] = e
	}
	return nil
}

// Filter narrows a list of assessments; empty fields match everything.
type Filter struct {
	Stage Stage
	OrgID string // the lead or a participant
}

// MayRead returns nil when the principal may read an assessment: its team,
// and those who read assessments (hub.PermEIARead); once it is published,
// anyone (PermPublishedRead), signed in or not. It returns an unauthorized
// error for a visitor who has not signed in and a forbidden error for anyone
// else.
func (s *Service) MayRead(actor hub.Principal, e EIA) error {
	if e.OnTeam(actor.PersonID) {
		return nil
	}
	if e.Stage == StagePublished {
		if err := hub.Authorize(s.auth, actor, PermPublishedRead, e.LeadOrg); err == nil || hub.IsCode(err, hub.CodeInternal) {
			return err
		}
	}
	return hub.Authorize(s.auth, actor, hub.PermEIARead, e.LeadOrg)
}

// mayRead reports whether a principal may read an assessment.
func (s *Service) mayRead(actor hub.Principal, e EIA) (bool, error) {
	err := s.MayRead(actor, e)
	if hub.IsCode(err, hub.CodeInternal) {
		return false, err
	}
	return err == nil, nil
}

// List returns the assessments the principal may read that match the filter, most recently changed first.
func (s *Service) List(actor hub.Principal, f Filter) ([]EIA, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []EIA
	for _, e := range s.eias {
		if f.Stage != "" && e.Stage != f.Stage || f.OrgID != "" && !slices.Contains(e.Orgs(), f.OrgID) {
			continue
		}
		ok, err := s.mayRead(actor, e)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e.clone())
		}
	}
	slices.SortFunc(out, func(a, b EIA) int { return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// Get returns one assessment the principal may read.
func (s *Service) Get(actor hub.Principal, id string) (EIA, error) {
	e, err := s.get(id)
	if err != nil {
		return EIA{}, err
	}
	if err := s.MayRead(actor, e); err != nil {
		return EIA{}, err
	}
	return e, nil
}

// EvidenceOpens reports whether the principal can open the hub's data a
// piece of evidence links to, by the check SetEvidenceCheck set: a page
// links evidence only for those who can open it.
func (s *Service) EvidenceOpens(actor hub.Principal, ev Evidence) bool {
	if !ev.OnHub() {
		return false
	}
	s.mu.RLock()
	check := s.evidence
	s.mu.RUnlock()
	return check == nil || check(actor, ev.Link) == nil
}

// The things an assessment may wait for.
const (
	WaitsForSignOff  = "sign-off" // the sign-off of the principal's organisation
	WaitsForScrutiny = "scrutiny" // the advisory group's comments, while scrutiny is open
)

// Waiting is an assessment that waits for something from a principal.
type Waiting struct {
	EIA EIA
	For string // WaitsForSignOff or WaitsForScrutiny
}

// WaitingFor returns the assessments that wait for the principal at now:
// those their organisation's decision maker can sign off now (complete,
// every challenge answered, not yet signed by the organisation), when the
// principal may sign for it; and those open to the advisory group's
// scrutiny, when the principal scrutinises. Soonest decision or closing
// date first.
func (s *Service) WaitingFor(actor hub.Principal, now time.Time) ([]Waiting, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	allowed := func(perm hub.Permission, dom string) (bool, error) {
		err := hub.Authorize(s.auth, actor, perm, dom)
		if hub.IsCode(err, hub.CodeInternal) {
			return false, err
		}
		return err == nil, nil
	}
	signs, err := allowed(PermSign, actor.OrgID)
	if err != nil {
		return nil, err
	}
	scrutinises, err := allowed(PermScrutinise, hub.DomainPartnership)
	if err != nil {
		return nil, err
	}
	var out []Waiting
	s.mu.RLock()
	for _, e := range s.eias {
		switch {
		case signs && slices.Contains(e.DecisionMakers, actor.OrgID) && !e.Signed() && !e.SignedBy(actor.OrgID) &&
			len(e.Incomplete()) == 0 && len(e.Scrutiny.OpenChallenges()) == 0:
			out = append(out, Waiting{EIA: e.clone(), For: WaitsForSignOff})
		case scrutinises && e.TakesComments(now):
			out = append(out, Waiting{EIA: e.clone(), For: WaitsForScrutiny})
		}
	}
	s.mu.RUnlock()
	when := func(w Waiting) time.Time {
		if w.For == WaitsForScrutiny {
			return w.EIA.Scrutiny.OpenUntil
		}
		return w.EIA.DecisionDate
	}
	slices.SortFunc(out, func(a, b Waiting) int { return cmp.Or(when(a).Compare(when(b)), cmp.Compare(a.EIA.ID, b.EIA.ID)) })
	return out, nil
}

func notFound() error { return hub.Errorf(hub.CodeNotFound, "There is no such impact assessment") }

// get returns a copy of an assessment, free to change.
func (s *Service) get(id string) (EIA, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.eias[id]
	if !ok {
		return EIA{}, notFound()
	}
	return e.clone(), nil
}

// Counts are the figures of the assessments dashboard.
type Counts struct {
	Total          int
	BeforeDecision int // signed, every sign-off before the decision
	Retrospective  int // with a sign-off after the decision date
	OpenChallenges int // challenges without a response
	OverdueActions int
	DueForReview   int
}

// Dashboard counts every assessment.
func (s *Service) Dashboard(now time.Time) Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var c Counts
	for _, e := range s.eias {
		c.Total++
		if e.BeforeDecision() {
			c.BeforeDecision++
		}
		if e.Retrospective() {
			c.Retrospective++
		}
		c.OpenChallenges += len(e.Scrutiny.OpenChallenges())
		for _, a := range e.Actions {
			if a.Overdue(now) {
				c.OverdueActions++
			}
		}
		if e.DueForReview(now) {
			c.DueForReview++
		}
	}
	return c
}

// DueForReview returns the signed assessments whose review date has come, earliest first.
func (s *Service) DueForReview(now time.Time) []EIA {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []EIA
	for _, e := range s.eias {
		if e.DueForReview(now) {
			out = append(out, e.clone())
		}
	}
	slices.SortFunc(out, func(a, b EIA) int { return cmp.Or(a.ReviewDate.Compare(b.ReviewDate), cmp.Compare(a.ID, b.ID)) })
	return out
}

// save puts a change on the record, then writes the assessment whole,
// keeping the entry's number in it, and applies it to memory.
func (s *Service) save(ctx context.Context, actor hub.Principal, e EIA, action, detail string) error {
	e.Updated = s.clock.Now()
	_, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: "eias/" + e.ID, Owner: e.LeadOrg, Detail: detail},
		func(seq int64) error {
			e.Entries = append(slices.Clone(e.Entries), seq)
			return s.store.SaveEIA(ctx, e)
		})
	if err != nil {
		return err
	}
	s.mu.Lock()
	prev, existed := s.eias[e.ID]
	s.eias[e.ID] = e.clone()
	teller := s.teller
	s.mu.Unlock()
	s.tellWaits(ctx, teller, actor, prev, existed, e)
	return s.rs.Wrote(ctx)
}

// Landed says whether the change of entry seq of the record is in the
// assessment it names ("eias/ID").
func (s *Service) Landed(_ context.Context, object string, seq int64) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.eias[strings.TrimPrefix(object, "eias/")]
	return ok && slices.Contains(e.Entries, seq), nil
}

// mayEdit returns nil when the principal is on the team, or an impact
// assessment author of the lead or a participant.
func (s *Service) mayEdit(actor hub.Principal, e EIA) error {
	if !actor.SignedIn() {
		return hub.Errorf(hub.CodeUnauthorized, "Sign in to see this page")
	}
	if e.OnTeam(actor.PersonID) {
		return nil
	}
	if slices.Contains(e.Orgs(), actor.OrgID) {
		err := hub.Authorize(s.auth, actor, PermWrite, actor.OrgID)
		if err == nil || hub.IsCode(err, hub.CodeInternal) {
			return err
		}
	}
	return hub.Errorf(hub.CodeForbidden, "Only the assessment's team, or an impact assessment author of a partner in it, can change it")
}

// CheckEdit returns nil when the principal may change the assessment as it
// stands: the refusal they would get for any change, before anything they
// sent is looked at.
func (s *Service) CheckEdit(actor hub.Principal, id string) error {
	e, err := s.get(id)
	if err != nil {
		return err
	}
	return s.mayEdit(actor, e)
}

func errFrozen() error {
	return hub.Errorf(hub.CodeConflict, "A change after sign-off makes a new version: start a new version first")
}

// edit runs the common steps of a change by the team: it takes the write
// locks, loads the assessment, checks the principal may change it and that
// it is not signed, lets change apply the change (returning the detail for
// the record, or an error to refuse), and saves.
func (s *Service) edit(ctx context.Context, actor hub.Principal, id string, frozenOK bool, change func(e *EIA) (string, error)) (EIA, error) {
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	e, err := s.get(id)
	if err != nil {
		return EIA{}, err
	}
	if err := s.mayEdit(actor, e); err != nil {
		return EIA{}, err
	}
	if e.Frozen() && !frozenOK {
		return EIA{}, errFrozen()
	}
	detail, err := change(&e)
	if err != nil {
		return EIA{}, err
	}
	if err := s.save(ctx, actor, e, ActionChange, detail); err != nil {
		return EIA{}, err
	}
	return e.clone(), nil
}

func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Create starts an assessment led by the principal's organisation. Without
// decision makers named, the lead and every participant sign.
func (s *Service) Create(ctx context.Context, actor hub.Principal, e EIA) (EIA, error) {
	if err := hub.Authorize(s.auth, actor, PermWrite, actor.OrgID); err != nil {
		return EIA{}, err
	}
	e = e.clone()
	if e.LeadOrg == "" {
		e.LeadOrg = actor.OrgID
	}
	if e.LeadOrg != actor.OrgID {
		return EIA{}, hub.Errorf(hub.CodeForbidden, "An assessment is started by its lead organisation")
	}
	if len(e.DecisionMakers) == 0 {
		e.DecisionMakers = e.Orgs()
	}
	ps := e.validateDetails()
	ps = append(ps, e.Screening.validate()...)
	ps = append(ps, e.Assessment.validate()...)
	// Decision makers are the lead or participants, checked with them.
	teamOrgs := make([]string, len(e.Team))
	for i, m := range e.Team {
		teamOrgs[i] = m.OrgID
	}
	unknown, err := s.unknownOrgs(map[string][]string{"participants": e.Participants, "team": teamOrgs})
	if err != nil {
		return EIA{}, err
	}
	ps = append(ps, unknown...)
	if err := hub.Invalid("The impact assessment is not valid", ps); err != nil {
		return EIA{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := s.clock.Now()
	e.ID, e.Created, e.CreatedBy = newID(), now, actor.PersonID
	e.Stage, e.Version = StageScreening, 1
	e.Actions, e.Scrutiny, e.SignOffs, e.History = nil, Scrutiny{}, nil, nil
	if err := s.save(ctx, actor, e, ActionChange, "started "+e.Title); err != nil {
		return EIA{}, err
	}
	return e.clone(), nil
}

// Details are what an assessment is about, who takes part and its dates:
// what its team may change until the first sign-off.
type Details struct {
	Title        string
	Subject      SubjectKind
	Summary      string
	Decision     string
	DecisionDate time.Time
	ReviewDate   time.Time
	Participants []string // organisation IDs other than the lead
}

// DetailsOf returns an assessment's details as they stand.
func DetailsOf(e EIA) Details {
	return Details{Title: e.Title, Subject: e.Subject, Summary: e.Summary, Decision: e.Decision,
		DecisionDate: e.DecisionDate, ReviewDate: e.ReviewDate, Participants: slices.Clone(e.Participants)}
}

// UpdateDetails changes an assessment's title, subject, summary, decision,
// dates and partners, until the first sign-off: after it, a change is made
// in a new version. The lead stays the lead. Decision makers follow the
// partners: a partner that leaves no longer signs, one that joins does.
func (s *Service) UpdateDetails(ctx context.Context, actor hub.Principal, id string, d Details) (EIA, error) {
	return s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		was := e.clone()
		e.Title, e.Subject, e.Summary, e.Decision = d.Title, d.Subject, d.Summary, d.Decision
		e.DecisionDate, e.ReviewDate, e.Participants = d.DecisionDate, d.ReviewDate, slices.Clone(d.Participants)
		orgs := e.Orgs()
		dms := []string{}
		for _, o := range was.DecisionMakers {
			if slices.Contains(orgs, o) {
				dms = append(dms, o)
			}
		}
		for _, o := range orgs {
			if !slices.Contains(was.Orgs(), o) && !slices.Contains(dms, o) {
				dms = append(dms, o)
			}
		}
		e.DecisionMakers = dms
		ps := e.validateDetails()
		unknown, err := s.unknownOrgs(map[string][]string{"participants": e.Participants})
		if err != nil {
			return "", err
		}
		if err := hub.Invalid("The assessment's details are not valid", append(ps, unknown...)); err != nil {
			return "", err
		}
		var changed []string
		for _, c := range []struct {
			what string
			same bool
		}{
			{"title", was.Title == e.Title}, {"kind of subject", was.Subject == e.Subject}, {"what is assessed", was.Summary == e.Summary},
			{"decision", was.Decision == e.Decision}, {"decision date", was.DecisionDate.Equal(e.DecisionDate)},
			{"review date", was.ReviewDate.Equal(e.ReviewDate)}, {"partners", slices.Equal(was.Participants, e.Participants)},
		} {
			if !c.same {
				changed = append(changed, c.what)
			}
		}
		if len(changed) == 0 {
			return "details saved unchanged", nil
		}
		return "changed the " + strings.Join(changed, ", the "), nil
	})
}

// UpdateScreening replaces the screening. A draft may be incomplete; sign-off needs it complete.
func (s *Service) UpdateScreening(ctx context.Context, actor hub.Principal, id string, sc Screening) (EIA, error) {
	return s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		if err := hub.Invalid("The screening is not valid", sc.validate()); err != nil {
			return "", err
		}
		e.Screening = sc.clone()
		if e.Stage == StageScreening && sc.Conclusion == FullAssessment {
			e.Stage = StageAssessment
		}
		return "screening changed", nil
	})
}

// UpdateAssessment replaces the full assessment. A draft may be incomplete; sign-off needs it complete.
func (s *Service) UpdateAssessment(ctx context.Context, actor hub.Principal, id string, a Assessment) (EIA, error) {
	return s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		if err := hub.Invalid("The assessment is not valid", a.validate()); err != nil {
			return "", err
		}
		e.Assessment = a.clone()
		if e.Stage == StageScreening {
			e.Stage = StageAssessment
		}
		return "assessment changed", nil
	})
}

// AddAction adds an action; an empty status is open.
func (s *Service) AddAction(ctx context.Context, actor hub.Principal, id string, a Action) (Action, error) {
	if a.Status == "" {
		a.Status = ActionOpen
	}
	var added Action
	_, err := s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		a.ID = fmt.Sprintf("a%d", len(e.Actions)+1)
		ps := a.validate()
		unknown, err := s.unknownOrgs(map[string][]string{"owner_org": {a.OwnerOrg}})
		if err != nil {
			return "", err
		}
		if err := hub.Invalid("The action is not valid", append(ps, unknown...)); err != nil {
			return "", err
		}
		e.Actions = append(e.Actions, a)
		added = a
		return "added the action " + hub.Excerpt(a.Text), nil
	})
	return added, err
}

// UpdateAction replaces the action with a's ID. Once the assessment is
// signed only the status may change: following actions up is part of the
// continuing duty, and does not change what was signed.
func (s *Service) UpdateAction(ctx context.Context, actor hub.Principal, id string, a Action) (Action, error) {
	_, err := s.edit(ctx, actor, id, true, func(e *EIA) (string, error) {
		i := slices.IndexFunc(e.Actions, func(x Action) bool { return x.ID == a.ID })
		if i < 0 {
			return "", hub.Errorf(hub.CodeNotFound, "There is no such action")
		}
		if e.Frozen() {
			was := e.Actions[i]
			was.Status = a.Status
			if was != a {
				return "", errFrozen()
			}
		}
		ps := a.validate()
		if a.OwnerOrg != e.Actions[i].OwnerOrg {
			unknown, err := s.unknownOrgs(map[string][]string{"owner_org": {a.OwnerOrg}})
			if err != nil {
				return "", err
			}
			ps = append(ps, unknown...)
		}
		if err := hub.Invalid("The action is not valid", ps); err != nil {
			return "", err
		}
		e.Actions[i] = a
		return "changed the action " + hub.Excerpt(a.Text) + ", now " + strings.ToLower(StatusLabel(a.Status)), nil
	})
	return a, err
}

// OpenScrutiny opens the assessment to the advisory group from now until
// until. The required sections must be complete: the group scrutinises a
// finished draft.
func (s *Service) OpenScrutiny(ctx context.Context, actor hub.Principal, id string, until time.Time) (EIA, error) {
	return s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		now := s.clock.Now()
		ps := e.Incomplete()
		if !until.After(now) {
			ps = append([]hub.Problem{{Field: "until", Message: "The scrutiny window must end in the future"}}, ps...)
		}
		if err := hub.Invalid("Complete the required sections before scrutiny", ps); err != nil {
			return "", err
		}
		e.Scrutiny.OpenFrom, e.Scrutiny.OpenUntil = now, until
		e.Stage = StageScrutiny
		return "open to scrutiny until " + until.Format("2 January 2006"), nil
	})
}

// Comment adds an advisory group member's comment, or a challenge when
// challenge is set, while the scrutiny window is open.
func (s *Service) Comment(ctx context.Context, actor hub.Principal, id, section, text string, challenge bool) (Comment, error) {
	if err := hub.Authorize(s.auth, actor, PermScrutinise, hub.DomainPartnership); err != nil {
		return Comment{}, err
	}
	if blank(text) {
		return Comment{}, hub.Invalid("The comment is not valid", []hub.Problem{{Field: "text", Message: "Write the comment"}})
	}
	if err := hub.Invalid("The comment is not valid", hub.CheckTexts(hub.Text{Field: "section", Value: section, Kind: hub.NameText},
		hub.Text{Field: "text", Label: "comment", Value: text, Kind: hub.ReasonText})); err != nil {
		return Comment{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	e, err := s.get(id)
	if err != nil {
		return Comment{}, err
	}
	now := s.clock.Now()
	switch {
	case e.Frozen():
		return Comment{}, hub.Errorf(hub.CodeConflict, "Scrutiny closed when the assessment was first signed off: comments are closed")
	case e.Scrutiny.OpenFrom.IsZero():
		return Comment{}, hub.Errorf(hub.CodeConflict, "The assessment is not open to scrutiny yet")
	case !e.Scrutiny.OpenAt(now):
		return Comment{}, hub.Errorf(hub.CodeConflict, "The scrutiny window closed on %s: comments after the scrutiny window are not taken", e.Scrutiny.OpenUntil.Format("2 January 2006"))
	}
	c := Comment{ID: fmt.Sprintf("c%d", len(e.Scrutiny.Comments)+1), PersonID: actor.PersonID, Name: actor.Name,
		Section: strings.TrimSpace(section), Text: strings.TrimSpace(text), Challenge: challenge, At: now}
	for _, g := range actor.Grants {
		if g.Role == hub.RoleAdvisoryMember && g.Characteristic != "" {
			c.Characteristic = g.Characteristic
			break
		}
	}
	e.Scrutiny.Comments = append(e.Scrutiny.Comments, c)
	kind := "comment"
	if challenge {
		kind = "challenge"
	}
	if err := s.save(ctx, actor, e, ActionChange, kind+" on "+strings.ToLower(SectionLabel(c.Section))+": "+hub.Excerpt(c.Text)); err != nil {
		return Comment{}, err
	}
	return c, nil
}

// Respond answers a comment, for the team. Until the first sign-off a
// response replaces an earlier one; after it, the responses are part of what
// was signed, and change only in a new version.
func (s *Service) Respond(ctx context.Context, actor hub.Principal, id, commentID, text string) error {
	_, err := s.edit(ctx, actor, id, false, func(e *EIA) (string, error) {
		i := slices.IndexFunc(e.Scrutiny.Comments, func(c Comment) bool { return c.ID == commentID })
		if i < 0 {
			return "", hub.Errorf(hub.CodeNotFound, "There is no such comment")
		}
		if blank(text) {
			return "", hub.Invalid("The response is not valid", []hub.Problem{{Field: "text", Message: "Write the response"}})
		}
		if err := hub.Invalid("The response is not valid", hub.CheckTexts(hub.Text{Field: "text", Label: "response", Value: text, Kind: hub.ReasonText})); err != nil {
			return "", err
		}
		e.Scrutiny.Comments[i].Response = &Response{PersonID: actor.PersonID, Name: actor.Name, Text: strings.TrimSpace(text), At: s.clock.Now()}
		return "answered " + e.Scrutiny.Comments[i].Name + "'s " + map[bool]string{true: "challenge", false: "comment"}[e.Scrutiny.Comments[i].Challenge], nil
	})
	return err
}

// SignOff signs the current version off for the principal's organisation,
// attesting due regard. readVersion is the version the decision maker read.
// When every decision maker has signed, the assessment is signed and frozen.
// A sign-off after the decision date is taken, and marked retrospective.
func (s *Service) SignOff(ctx context.Context, actor hub.Principal, id string, readVersion int, brown Brown) (EIA, error) {
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	e, err := s.get(id)
	if err != nil {
		return EIA{}, err
	}
	if !slices.Contains(e.DecisionMakers, actor.OrgID) {
		return EIA{}, hub.Errorf(hub.CodeForbidden, "Your organisation is not one whose decision maker signs this assessment off")
	}
	if err := hub.Authorize(s.auth, actor, PermSign, actor.OrgID); err != nil {
		if hub.IsCode(err, hub.CodeForbidden) {
			return EIA{}, hub.Errorf(hub.CodeForbidden, "Only a decision maker of %s can sign this assessment off for it", s.orgName(actor.OrgID))
		}
		return EIA{}, err
	}
	switch {
	case e.Signed():
		return EIA{}, hub.Errorf(hub.CodeConflict, "Every decision maker has signed this version already")
	case e.SignedBy(actor.OrgID):
		return EIA{}, hub.Errorf(hub.CodeConflict, "Your organisation has signed this version already")
	case readVersion != e.Version:
		return EIA{}, hub.Errorf(hub.CodeConflict, "The EIA changed since you read it: read it again (you read version %d, it is now version %d)", readVersion, e.Version)
	}
	// Everything that stands in the way is said at once.
	ps := e.Incomplete()
	for _, c := range e.Scrutiny.OpenChallenges() {
		ps = append(ps, hub.Problem{Message: fmt.Sprintf("The challenge from %s on %s (%s) needs the team's response before sign-off",
			c.Name, strings.ToLower(SectionLabel(c.Section)), hub.Excerpt(c.Text))})
	}
	for _, p := range BrownPrinciples {
		if !p.holds(brown) {
			ps = append(ps, hub.Problem{Field: "brown." + p.Key, Message: "Attest " + p.Name})
		}
	}
	if err := hub.Invalid("The assessment cannot be signed off yet", ps); err != nil {
		return EIA{}, err
	}
	s.mu.RLock()
	check := s.evidence
	s.mu.RUnlock()
	if check != nil {
		for _, ev := range e.Assessment.Evidence {
			if ev.Kind != EvidenceHub {
				continue
			}
			if err := check(actor, ev.Link); err != nil {
				if hub.IsCode(err, hub.CodeInternal) {
					return EIA{}, err
				}
				return EIA{}, hub.Errorf(hub.CodeForbidden, "You cannot see the evidence at %s: sign off only what you can see (%s)", ev.Link, hub.ErrorMessage(err))
			}
		}
	}
	now := s.clock.Now()
	so := SignOff{OrgID: actor.OrgID, PersonID: actor.PersonID, Name: actor.Name, At: now, Version: e.Version,
		Attestations: brown, Retrospective: afterDay(now, e.DecisionDate)}
	e.SignOffs = append(e.SignOffs, so)
	detail := fmt.Sprintf("signed version %d for %s", e.Version, s.orgName(actor.OrgID))
	if so.Retrospective {
		detail += ", after the decision date"
	}
	if len(e.Unsigned()) == 0 {
		e.Stage = StageSigned
		detail += "; every decision maker has signed"
	} else {
		e.Stage = StageSignOff
	}
	if err := s.save(ctx, actor, e, audit.ActionSign, detail); err != nil {
		return EIA{}, err
	}
	return e.clone(), nil
}

// NewVersion opens a signed (or partly signed) assessment for change: the
// current version is kept in History, the version number goes up, the
// sign-offs are cleared and the stage goes back to assessment.
func (s *Service) NewVersion(ctx context.Context, actor hub.Principal, id string) (EIA, error) {
	return s.edit(ctx, actor, id, true, func(e *EIA) (string, error) {
		if !e.Frozen() {
			return "", hub.Errorf(hub.CodeConflict, "No one has signed this version: change it as it is")
		}
		c := e.clone()
		e.History = append(e.History, Snapshot{Version: c.Version, At: s.clock.Now(), Stage: c.Stage, Summary: c.Summary,
			Screening: c.Screening, Assessment: c.Assessment, Actions: c.Actions, Scrutiny: c.Scrutiny, SignOffs: c.SignOffs})
		e.Version++
		e.SignOffs = nil
		e.Stage = StageAssessment
		return fmt.Sprintf("version %d started", e.Version), nil
	})
}

// Publish publishes a signed assessment.
func (s *Service) Publish(ctx context.Context, actor hub.Principal, id string) (EIA, error) {
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	e, err := s.get(id)
	if err != nil {
		return EIA{}, err
	}
	if err := s.mayEdit(actor, e); err != nil {
		return EIA{}, err
	}
	switch e.Stage {
	case StagePublished:
		return EIA{}, hub.Errorf(hub.CodeConflict, "The assessment is published already")
	case StageSigned:
	default:
		names := make([]string, 0, len(e.Unsigned()))
		for _, o := range e.Unsigned() {
			names = append(names, s.orgName(o))
		}
		return EIA{}, hub.Errorf(hub.CodeConflict, "Only an assessment signed off by every decision maker can be published: %s not signed yet", strings.Join(names, ", ")+map[bool]string{true: " has", false: " have"}[len(names) == 1])
	}
	e.Stage = StagePublished
	if err := s.save(ctx, actor, e, audit.ActionPublish, fmt.Sprintf("published version %d", e.Version)); err != nil {
		return EIA{}, err
	}
	return e.clone(), nil
}
