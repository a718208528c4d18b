package strategy

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/duty"
)

// Store keeps objectives and reports, each as one document written whole.
type Store interface {
	FindObjectives(ctx context.Context) ([]Objective, error)
	// SaveObjective creates or replaces an objective.
	SaveObjective(ctx context.Context, o Objective) error
	FindReports(ctx context.Context) ([]Report, error)
	// SaveReport keeps a version of the report of a quarter, beside the
	// quarter's earlier versions (by quarter and version).
	SaveReport(ctx context.Context, r Report) error
	// FindDutyRecords returns the publications recorded for the duty calendar.
	FindDutyRecords(ctx context.Context) ([]duty.Record, error)
	// SaveDutyRecord keeps a new publication for the duty calendar.
	SaveDutyRecord(ctx context.Context, r duty.Record) error
	AnnualStore
}

// The permissions of the strategy.
var (
	PermRead   = hub.Permission{Object: "strategy", Action: "read"}   // see the strategy and its reports
	PermManage = hub.Permission{Object: "strategy", Action: "manage"} // set objectives and make reports, for the partnership
	PermUpdate = hub.Permission{Object: "strategy", Action: "update"} // report progress on one's organisation's actions
)

// Actions recorded in the audit log.
const (
	ActionChange = "strategy.change"
	ActionReport = "strategy.report"
	ActionRetire = "strategy.retire"
	ActionDone   = "strategy.done"
	ActionDuty   = "strategy.duty-publication"
)

// Service holds the strategy's objectives and quarterly reports.
type Service struct {
	store Store
	auth  hub.Authorizer
	rs    *hub.ReadSide
	clock hub.Clock
	log   audit.Log

	writeMu   sync.Mutex
	check     IndicatorCheck
	catalogue Catalogue

	mu         sync.RWMutex
	objectives map[string]Objective
	reports    map[string][]Report // by quarter, each quarter's versions in order
	duties     []duty.Record       // publications recorded for the duty calendar
	annual     []AnnualReport      // annual reports published
}

// NewService returns the service. Call Reload (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, rs *hub.ReadSide, clock hub.Clock, log audit.Log) *Service {
	return &Service{store: store, auth: auth, rs: rs, clock: clock, log: log,
		objectives: map[string]Objective{}, reports: map[string][]Report{}}
}

// Reload reads the objectives and reports.
func (s *Service) Reload(ctx context.Context) error {
	os, err := s.store.FindObjectives(ctx)
	if err != nil {
		return err
	}
	rs, err := s.store.FindReports(ctx)
	if err != nil {
		return err
	}
	ds, err := s.store.FindDutyRecords(ctx)
	if err != nil {
		return err
	}
	as, err := s.store.FindAnnualReports(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.duties, s.annual = ds, as
	s.objectives = make(map[string]Objective, len(os))
	for _, o := range os {
		if o.Version == 0 {
			o.Version = 1 // kept before versions were counted
		}
		s.objectives[o.ID] = o
	}
	s.reports = make(map[string][]Report, len(rs))
	for _, r := range rs {
		if r.Version == 0 {
			r.Version = 1
		}
		s.reports[r.Quarter] = append(s.reports[r.Quarter], r)
	}
	for _, vs := range s.reports {
		slices.SortFunc(vs, func(a, b Report) int { return cmp.Compare(a.Version, b.Version) })
	}
	return nil
}

// Objectives returns every objective that stands (not retired), earliest start first.
func (s *Service) Objectives() []Objective {
	return s.objectivesWhere(func(o Objective) bool { return !o.IsRetired() })
}

// ObjectivesAt returns every version of every objective, standing or
// retired, each objective's versions in order with the one that stood at t
// last: what a report made at t was made from. A reader of the report is
// shown each of its measures only as the version it was made from allows,
// and a measure since removed or changed is still found.
func (s *Service) ObjectivesAt(t time.Time) []Objective {
	var out []Objective
	for _, o := range s.objectivesWhere(func(Objective) bool { return true }) {
		versions := append(o.Earlier, o)
		stood := 0
		for i, v := range versions {
			if !v.Since.After(t) {
				stood = i
			}
		}
		for i, v := range versions {
			if i != stood {
				v.Earlier = nil
				out = append(out, v)
			}
		}
		v := versions[stood]
		v.Earlier = nil
		out = append(out, v)
	}
	return out
}

// RetiredObjectives returns every retired objective, earliest start first.
func (s *Service) RetiredObjectives() []Objective {
	return s.objectivesWhere(Objective.IsRetired)
}

func (s *Service) objectivesWhere(keep func(Objective) bool) []Objective {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Objective, 0, len(s.objectives))
	for _, o := range s.objectives {
		if keep(o) {
			out = append(out, o.clone())
		}
	}
	slices.SortFunc(out, func(a, b Objective) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Objective returns one objective.
func (s *Service) Objective(id string) (Objective, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.objectives[id]
	if !ok {
		return Objective{}, hub.Errorf(hub.CodeNotFound, "There is no such objective")
	}
	return o.clone(), nil
}

// Reports returns the latest version of every quarter's report, earliest quarter first.
func (s *Service) Reports() []Report {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Report, 0, len(s.reports))
	for _, vs := range s.reports {
		out = append(out, vs[len(vs)-1])
	}
	slices.SortFunc(out, func(a, b Report) int {
		x, _ := Ordinal(a.Quarter)
		y, _ := Ordinal(b.Quarter)
		return cmp.Compare(x, y)
	})
	return out
}

// Report returns the latest version of the report of a quarter.
func (s *Service) Report(quarter string) (Report, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs := s.reports[quarter]
	if len(vs) == 0 {
		return Report{}, hub.Errorf(hub.CodeNotFound, "There is no report for %s", PeriodLabel(quarter))
	}
	return vs[len(vs)-1], nil
}

// ReportVersions returns every version of the report of a quarter, the first made first.
func (s *Service) ReportVersions(quarter string) []Report {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.reports[quarter])
}

// ReportVersion returns one version of the report of a quarter.
func (s *Service) ReportVersion(quarter string, version int) (Report, error) {
	for _, r := range s.ReportVersions(quarter) {
		if r.Version == version {
			return r, nil
		}
	}
	return Report{}, hub.Errorf(hub.CodeNotFound, "There is no version %d of the report for %s", version, PeriodLabel(quarter))
}

func newID(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// fillIDs gives every action and measure without an ID one.
func fillIDs(o *Objective) {
	for i := range o.Actions {
		if o.Actions[i].ID == "" {
			o.Actions[i].ID = newID("action-")
		}
		if o.Actions[i].Status == "" {
			o.Actions[i].Status = NotStarted
		}
	}
	for i := range o.Measures {
		if o.Measures[i].ID == "" {
			o.Measures[i].ID = newID("measure-")
		}
	}
}

// save writes an objective whole, then applies it to memory and records it.
func (s *Service) save(ctx context.Context, actor hub.Principal, o Objective, owner, detail string) error {
	return s.saveAs(ctx, actor, ActionChange, o, owner, detail)
}

// saveAs is save, recorded as the action given.
func (s *Service) saveAs(ctx context.Context, actor hub.Principal, action string, o Objective, owner, detail string) error {
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action,
		Object: "strategy/" + o.ID, Owner: owner, Detail: detail}, func(int64) error { return s.store.SaveObjective(ctx, o) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.objectives[o.ID] = o
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// IndicatorCheck says whether a person may see the data an indicator reads,
// or why not. The web layer plugs in the sharing protocols.
type IndicatorCheck func(actor hub.Principal, ref IndicatorRef) error

// SetIndicatorCheck sets the check every measure of a new or changed objective passes.
func (s *Service) SetIndicatorCheck(c IndicatorCheck) { s.check = c }

// checkMeasures refuses a measure bound to data the person may not see.
func (s *Service) checkMeasures(actor hub.Principal, o Objective) error {
	if s.check == nil {
		return nil
	}
	var ps []hub.Problem
	for i, m := range o.Measures {
		if err := s.check(actor, m.Indicator); err != nil {
			ps = append(ps, hub.Problem{Field: "measures[" + strconv.Itoa(i) + "]", Message: m.Label + ": " + hub.ErrorMessage(err)})
		}
	}
	if len(ps) > 0 {
		return &hub.Error{Code: hub.CodeForbidden, Message: "A measure reads data you may not see", Problems: ps}
	}
	return nil
}

// CreateObjective adds an objective. The forum and the board set objectives.
func (s *Service) CreateObjective(ctx context.Context, actor hub.Principal, o Objective) (Objective, error) {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return Objective{}, err
	}
	o = o.clone()
	fillIDs(&o)
	if err := s.ValidateObjective(o); err != nil {
		return Objective{}, err
	}
	if err := s.checkMeasures(actor, o); err != nil {
		return Objective{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if o.ID == "" {
		o.ID = newID("objective-")
	} else if _, err := s.Objective(o.ID); err == nil {
		return Objective{}, hub.Errorf(hub.CodeConflict, "There is an objective with this ID already")
	}
	o.Created, o.CreatedBy, o.Updated, o.UpdatedBy, o.Version, o.Since = s.clock.Now(), actor.PersonID, s.clock.Now(), actor.PersonID, 1, s.clock.Now()
	o.Earlier, o.Retired, o.RetiredBy, o.RetiredWhy = nil, time.Time{}, "", ""
	return o, s.save(ctx, actor, o, hub.DomainPartnership, "set the objective: "+o.Statement)
}

// UpdateObjective changes an objective's statement, aims, dates, actions and
// measures: the change is a new version, and the version it replaces is
// kept, readable, beside it. A retired objective is not changed. The forum
// and the board change objectives.
func (s *Service) UpdateObjective(ctx context.Context, actor hub.Principal, o Objective) (Objective, error) {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return Objective{}, err
	}
	o = o.clone()
	fillIDs(&o)
	if err := s.ValidateObjective(o); err != nil {
		return Objective{}, err
	}
	if err := s.checkMeasures(actor, o); err != nil {
		return Objective{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := s.Objective(o.ID)
	if err != nil {
		return Objective{}, err
	}
	if old.IsRetired() {
		return Objective{}, hub.Errorf(hub.CodeConflict, "The objective was retired on %s: it is kept as it was, and cannot be changed", old.Retired.Format("2 January 2006"))
	}
	if o.Version != 0 && o.Version != old.Version {
		return Objective{}, hub.Errorf(hub.CodeConflict, "Someone changed the objective while you were editing it: open it again to see their change")
	}
	prev := old.clone()
	prev.Earlier = nil
	o.Earlier = append(old.Earlier, prev)
	o.Version = old.Version + 1
	o.Created, o.CreatedBy, o.Updated, o.UpdatedBy, o.Since = old.Created, old.CreatedBy, s.clock.Now(), actor.PersonID, s.clock.Now()
	o.Retired, o.RetiredBy, o.RetiredWhy = time.Time{}, "", ""
	return o, s.save(ctx, actor, o, hub.DomainPartnership, fmt.Sprintf("changed the objective (version %d): %s", o.Version, o.Statement))
}

// RetireObjective retires an objective, saying why: it is no longer
// reported on, and is kept with its versions, never deleted. The forum and
// the board retire objectives.
func (s *Service) RetireObjective(ctx context.Context, actor hub.Principal, id, why string) error {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return err
	}
	why = strings.TrimSpace(why)
	ps := hub.CheckText("why", why, hub.ReasonText)
	if why == "" {
		ps = append([]hub.Problem{{Field: "why", Message: "Say why the objective is retired"}}, ps...)
	}
	if err := hub.Invalid("The objective cannot be retired: "+firstMessage(ps), ps); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	o, err := s.Objective(id)
	if err != nil {
		return err
	}
	if o.IsRetired() {
		return hub.Errorf(hub.CodeConflict, "The objective was retired on %s already", o.Retired.Format("2 January 2006"))
	}
	o.Retired, o.RetiredBy, o.RetiredWhy = s.clock.Now(), actor.PersonID, why
	return s.saveAs(ctx, actor, ActionRetire, o, hub.DomainPartnership, "retired the objective: "+o.Statement+"; "+why)
}

func firstMessage(ps []hub.Problem) string {
	if len(ps) == 0 {
		return ""
	}
	return ps[0].Message
}

// MarkDone marks an action done with a note of what was done, saying who
// marked it and when. People of the organisation that owns the action who
// may report its progress mark it done, and so do the forum and the board.
func (s *Service) MarkDone(ctx context.Context, actor hub.Principal, objectiveID, actionID, note string) error {
	note = strings.TrimSpace(note)
	ps := hub.CheckText("note", note, hub.ReasonText)
	if note == "" {
		ps = append([]hub.Problem{{Field: "note", Message: "Say what was done"}}, ps...)
	}
	o, err := s.Objective(objectiveID)
	if err != nil {
		return err
	}
	a, ok := o.Action(actionID)
	if !ok {
		return hub.Errorf(hub.CodeNotFound, "There is no such action")
	}
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		if err := hub.Authorize(s.auth, actor, PermUpdate, a.OwnerOrg); err != nil {
			return err
		}
		if a.OwnerOrg != actor.OrgID {
			return hub.Errorf(hub.CodeForbidden, "Only the organisation that owns the action, the forum or the board can mark it done")
		}
	}
	if err := hub.Invalid("The action cannot be marked done: "+firstMessage(ps), ps); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if o, err = s.Objective(objectiveID); err != nil {
		return err
	}
	if o.IsRetired() {
		return hub.Errorf(hub.CodeConflict, "The objective was retired: its actions are kept as they were")
	}
	i := slices.IndexFunc(o.Actions, func(a Action) bool { return a.ID == actionID })
	if i < 0 {
		return hub.Errorf(hub.CodeNotFound, "There is no such action")
	}
	x := &o.Actions[i]
	if x.Status == Done {
		return hub.Errorf(hub.CodeConflict, "The action was marked done already")
	}
	now := s.clock.Now()
	x.Status, x.DoneAt, x.DoneBy, x.DoneByName, x.DoneNote = Done, now, actor.PersonID, actor.Name, note
	x.Notes = append(x.Notes, Note{Quarter: QuarterOf(now), Text: note, By: actor.PersonID, At: now})
	o.Updated = now
	return s.saveAs(ctx, actor, ActionDone, o, x.OwnerOrg, "action "+x.ID+" is done: "+note)
}

// UpdateAction sets an action's status and, when note is not blank, adds the
// quarter's note on its progress (the current quarter when quarter is "").
// Only people of the organisation that owns the action may update it.
func (s *Service) UpdateAction(ctx context.Context, actor hub.Principal, objectiveID, actionID string, status Status, quarter, note string) error {
	if !slices.Contains(Statuses(), status) {
		return hub.Invalid("Choose a status for the action", []hub.Problem{{Field: "status", Message: "Choose a status for the action"}})
	}
	if quarter == "" {
		quarter = QuarterOf(s.clock.Now())
	}
	if _, err := ParseQuarter(quarter); err != nil {
		return hub.Invalid(hub.ErrorMessage(err), []hub.Problem{{Field: "quarter", Message: hub.ErrorMessage(err)}})
	}
	if err := hub.Invalid("The note is not valid", hub.CheckText("note", note, hub.ReasonText)); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	o, err := s.Objective(objectiveID)
	if err != nil {
		return err
	}
	if o.IsRetired() {
		return hub.Errorf(hub.CodeConflict, "The objective was retired: its actions are kept as they were")
	}
	i := slices.IndexFunc(o.Actions, func(a Action) bool { return a.ID == actionID })
	if i < 0 {
		return hub.Errorf(hub.CodeNotFound, "There is no such action")
	}
	a := &o.Actions[i]
	if err := hub.Authorize(s.auth, actor, PermUpdate, a.OwnerOrg); err != nil {
		return err
	}
	if a.OwnerOrg != actor.OrgID {
		return hub.Errorf(hub.CodeForbidden, "Only the organisation that owns the action can report its progress")
	}
	a.Status = status
	detail := "action " + a.ID + " is " + string(status)
	if note = strings.TrimSpace(note); note != "" {
		a.Notes = append(a.Notes, Note{Quarter: quarter, Text: note, By: actor.PersonID, At: s.clock.Now()})
		detail += "; note for " + quarter
	}
	o.Updated = s.clock.Now()
	return s.save(ctx, actor, o, a.OwnerOrg, detail)
}

// LinkFromEIA adds to an objective an action that flows from an equality
// impact assessment: the golden thread from the EIA to the strategy. The
// forum and the board may link any action; a person who may update the
// strategy for their organisation may link their organisation's actions.
func (s *Service) LinkFromEIA(ctx context.Context, actor hub.Principal, objectiveID string, a Action) (Action, error) {
	if a.OwnerOrg == "" {
		a.OwnerOrg = actor.OrgID
	}
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		if err := hub.Authorize(s.auth, actor, PermUpdate, a.OwnerOrg); err != nil {
			return Action{}, err
		}
		if a.OwnerOrg != actor.OrgID {
			return Action{}, hub.Errorf(hub.CodeForbidden, "You can only link actions your organisation owns")
		}
	}
	if strings.TrimSpace(a.FromEIA) == "" {
		return Action{}, hub.Invalid("Say which equality impact assessment the action flows from",
			[]hub.Problem{{Field: "fromEIA", Message: "Say which equality impact assessment the action flows from"}})
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	o, err := s.Objective(objectiveID)
	if err != nil {
		return Action{}, err
	}
	if o.IsRetired() {
		return Action{}, hub.Errorf(hub.CodeConflict, "The objective was retired: no action is added to it")
	}
	if slices.ContainsFunc(o.Actions, func(x Action) bool { return x.FromEIA == a.FromEIA && x.Text == a.Text }) {
		return Action{}, hub.Errorf(hub.CodeConflict, "This action of the assessment is linked to the objective already")
	}
	a.ID = newID("action-")
	if a.Status == "" {
		a.Status = NotStarted
	}
	o.Actions = append(o.Actions, a)
	if err := o.Validate(); err != nil {
		return Action{}, err
	}
	o.Updated = s.clock.Now()
	return a, s.save(ctx, actor, o, a.OwnerOrg, "linked action "+a.ID+" from EIA "+a.FromEIA)
}

// MakeReport assembles the quarter's progress report from the standing
// objectives and the actual values supplied, and keeps it; making it again
// for the same quarter makes a new version, and the earlier ones are kept.
// The forum and the board make reports.
func (s *Service) MakeReport(ctx context.Context, actor hub.Principal, quarter string, v Values) (Report, error) {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return Report{}, err
	}
	if _, err := ParseQuarter(quarter); err != nil {
		return Report{}, hub.Invalid(hub.ErrorMessage(err), []hub.Problem{{Field: "quarter", Message: hub.ErrorMessage(err)}})
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	now := s.clock.Now()
	r := Report{Quarter: quarter, Version: len(s.ReportVersions(quarter)) + 1, Made: now, MadeBy: actor.PersonID, Objectives: report(s.Objectives(), quarter, v, now)}
	detail := "made the report for " + quarter
	if r.Version > 1 {
		detail = fmt.Sprintf("made the report for %s again (version %d)", quarter, r.Version)
	}
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: ActionReport,
		Object: "strategy/reports/" + quarter, Owner: hub.DomainPartnership, Detail: detail}, func(int64) error { return s.store.SaveReport(ctx, r) }); err != nil {
		return Report{}, err
	}
	s.mu.Lock()
	s.reports[quarter] = append(s.reports[quarter], r)
	s.mu.Unlock()
	return r, s.rs.Wrote(ctx)
}

// DutyRecords returns the publications recorded for the duty calendar, newest first.
func (s *Service) DutyRecords() []duty.Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := slices.Clone(s.duties)
	slices.SortFunc(out, func(a, b duty.Record) int { return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(a.ID, b.ID)) })
	return out
}

// RecordPublication records a publication of the person's organisation's
// equality information or equality objectives, made in the hub or
// elsewhere, for the duty calendar (see hub/duty for what meets each duty).
// Whoever may publish for the organisation records its publications.
func (s *Service) RecordPublication(ctx context.Context, actor hub.Principal, r duty.Record) (duty.Record, error) {
	if err := hub.Authorize(s.auth, actor, duty.PermRecord, actor.OrgID); err != nil {
		return duty.Record{}, err
	}
	now := s.clock.Now()
	r.Title, r.URL = strings.TrimSpace(r.Title), strings.TrimSpace(r.URL)
	if err := r.Validate(now); err != nil {
		return duty.Record{}, err
	}
	r.ID, r.OrgID, r.RecordedBy, r.RecordedByName, r.RecordedAt = newID("publication-"), actor.OrgID, actor.PersonID, actor.Name, now
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: ActionDuty,
		Object: "strategy/duty/" + r.ID, Owner: actor.OrgID, Detail: fmt.Sprintf("recorded a publication of %s: %s, %s, %s", strings.ToLower(r.Kind.Label()), r.Title, r.Date.Format("2 January 2006"), r.URL)},
		func(int64) error { return s.store.SaveDutyRecord(ctx, r) }); err != nil {
		return duty.Record{}, err
	}
	s.mu.Lock()
	s.duties = append(s.duties, r)
	s.mu.Unlock()
	return r, s.rs.Wrote(ctx)
}

// Seed adds an objective as it is; for the demo partnership.
func (s *Service) Seed(ctx context.Context, o Objective) error {
	if _, err := s.Objective(o.ID); err == nil {
		return nil
	}
	if err := o.Validate(); err != nil {
		return err
	}
	o = o.clone()
	if o.Version == 0 {
		o.Version = 1
	}
	if o.Created.IsZero() {
		o.Created, o.Updated = s.clock.Now(), s.clock.Now()
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.save(ctx, hub.Principal{}, o, hub.DomainPartnership, "set up with the demo partnership")
}
