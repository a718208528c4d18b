package eia_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/hubtest"
)

// memStore is an in-memory eia.Store that counts saves and can fail them.
type memStore struct {
	mu    sync.Mutex
	eias  map[string]eia.EIA
	saves int
	fail  error
}

func (m *memStore) FindEIAs(context.Context) ([]eia.EIA, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Collect(maps.Values(m.eias)), nil
}

func (m *memStore) SaveEIA(_ context.Context, e eia.EIA) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.saves++
	m.eias[e.ID] = e
	return nil
}

var (
	start    = time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	decision = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
)

var (
	author    = hubtest.Principal("ann", "council", hub.RoleEIAAuthor)
	nhsAuthor = hubtest.Principal("nick", "nhs", hub.RoleEIAAuthor)
	analyst   = hubtest.Principal("al", "council", hub.RoleAnalyst)
	councilDM = hubtest.Principal("dee", "council", hub.RoleDecisionMaker)
	nhsDM     = hubtest.Principal("don", "nhs", hub.RoleDecisionMaker)
	policeDM  = hubtest.Principal("pol", "police", hub.RoleDecisionMaker)
	advisor   = hubtest.Principal("ada", "vcs", hub.RoleAdvisoryMember)
	teamMate  = hubtest.Principal("tom", "police") // on the team, with no role
	everyone  = []hub.Principal{author, nhsAuthor, analyst, councilDM, nhsDM, policeDM, advisor, teamMate}
	allBrown  = eia.Brown{Aware: true, BeforeDecision: true, Substance: true, Personal: true, Continuing: true, Recorded: true}
)

type fixture struct {
	svc   *eia.Service
	store *memStore
	log   *hubtest.Log
	clock *hub.FixedClock
	ctx   context.Context
}

func setup(t *testing.T) *fixture {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	for _, p := range everyone {
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
	}
	clock := hub.NewFixedClock(start)
	rs := hub.NewReadSide(hubtest.NewStore(), 0, clock)
	f := &fixture{store: &memStore{eias: map[string]eia.EIA{}}, log: &hubtest.Log{}, clock: clock, ctx: context.Background()}
	f.svc = eia.NewService(f.store, auth, rs, clock, f.log)
	rs.Register(f.svc)
	if err := rs.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func draft() eia.EIA {
	return eia.EIA{Title: "Library opening hours", Subject: eia.SubjectService, Summary: "Shorter hours at branch libraries",
		Participants: []string{"nhs"}, Team: []eia.TeamMember{{PersonID: "tom", Name: "Tom", OrgID: "police"}},
		Decision: "Cabinet decision on the library budget", DecisionDate: decision, ReviewDate: decision.AddDate(1, 0, 0)}
}

func screening(full bool) eia.Screening {
	s := eia.Screening{Relevance: map[hub.Characteristic]eia.Relevance{}, Conclusion: eia.NoFullAssessment, Reason: "little effect"}
	for _, c := range hub.Characteristics() {
		s.Relevance[c] = eia.Relevance{Reason: "no evidence of a different effect"}
	}
	if full {
		s.Relevance[hub.Age] = eia.Relevance{Relevant: true, Reason: "older people use branch libraries most"}
		s.Relevance[hub.Disability] = eia.Relevance{Relevant: true, Reason: "travel to the central library is harder"}
		s.Conclusion, s.Reason = eia.FullAssessment, "age and disability are relevant"
	}
	return s
}

func assessment() eia.Assessment {
	return eia.Assessment{
		Evidence: []eia.Evidence{
			{Kind: eia.EvidenceHub, Title: "Library users by age", Link: "/data/picture?theme=libraries&by=age", Date: start},
			{Kind: eia.EvidenceExternal, Title: "Consultation", Link: "Library users' survey 2026", Date: start},
		},
		Impacts: map[string]eia.Impact{
			"age":        {Effect: eia.Negative, Reasoning: "older users rely on branches", Evidence: []int{0, 1}},
			"disability": {Effect: eia.Negative, Reasoning: "longer journeys", Evidence: []int{1}},
			"carers":     {Effect: eia.Unknown, Reasoning: "no data"},
		},
		Alternatives: "Shorter hours at the central library instead",
		Conclusion:   eia.Adjust, ConclusionReason: "a mobile library visits the branches on closed days",
	}
}

// wantErr fails unless err has the code and its text contains each of parts, case-insensitively.
func wantErr(t *testing.T, err error, code hub.Code, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s with %q", code, parts)
	}
	if hub.ErrorCode(err) != code {
		t.Fatalf("got %s (%v), want %s", hub.ErrorCode(err), err, code)
	}
	for _, p := range parts {
		if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(p)) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

// must returns v, and panics on an error, failing the test with its stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// ready creates an EIA with a complete full assessment and one action.
func (f *fixture) ready(t *testing.T) eia.EIA {
	t.Helper()
	e := must(f.svc.Create(f.ctx, author, draft()))
	must(f.svc.UpdateScreening(f.ctx, author, e.ID, screening(true)))
	must(f.svc.AddAction(f.ctx, nhsAuthor, e.ID, eia.Action{Text: "Run a mobile library", OwnerOrg: "council", Due: decision.AddDate(0, 3, 0), StrategyLink: "obj-2"}))
	return must(f.svc.UpdateAssessment(f.ctx, teamMate, e.ID, assessment()))
}

func TestFullPath(t *testing.T) {
	f := setup(t)
	e := must(f.svc.Create(f.ctx, author, draft()))
	if e.Stage != eia.StageScreening || e.Version != 1 || e.LeadOrg != "council" || !slices.Equal(e.DecisionMakers, []string{"council", "nhs"}) {
		t.Fatalf("created: %+v", e)
	}
	e = must(f.svc.UpdateScreening(f.ctx, author, e.ID, screening(true)))
	if e.Stage != eia.StageAssessment {
		t.Fatalf("after a screening for a full assessment the stage is %s", e.Stage)
	}
	must(f.svc.UpdateAssessment(f.ctx, nhsAuthor, e.ID, assessment()))
	a := must(f.svc.AddAction(f.ctx, teamMate, e.ID, eia.Action{Text: "Mobile library", OwnerOrg: "council", Due: decision.AddDate(0, 3, 0)}))
	if a.ID == "" || a.Status != eia.ActionOpen {
		t.Fatalf("action: %+v", a)
	}
	e = must(f.svc.OpenScrutiny(f.ctx, author, e.ID, start.AddDate(0, 0, 14)))
	if e.Stage != eia.StageScrutiny {
		t.Fatalf("stage %s, want scrutiny", e.Stage)
	}
	f.clock.Advance(24 * time.Hour)
	c := must(f.svc.Comment(f.ctx, advisor, e.ID, "impacts", "Has the mobile library step-free access?", true))
	if c.Characteristic != hub.Disability || !c.Challenge {
		t.Fatalf("comment: %+v", c)
	}
	_, err := f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeInvalid, "needs the team's response before sign-off", "Has the mobile library step-free access?")
	if err := f.svc.Respond(f.ctx, teamMate, e.ID, c.ID, "Yes: it has a lift"); err != nil {
		t.Fatal(err)
	}
	e = must(f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown))
	if e.Stage != eia.StageSignOff || e.Signed() {
		t.Fatalf("after one of two sign-offs the stage is %s", e.Stage)
	}
	_, err = f.svc.Publish(f.ctx, author, e.ID)
	wantErr(t, err, hub.CodeConflict, "nhs")
	e = must(f.svc.SignOff(f.ctx, nhsDM, e.ID, 1, allBrown))
	if e.Stage != eia.StageSigned || e.Retrospective() || !e.BeforeDecision() {
		t.Fatalf("after both sign-offs: stage %s, retrospective %v", e.Stage, e.Retrospective())
	}
	// The public cannot see it until it is published.
	if l := must(f.svc.List(hub.Anonymous, eia.Filter{})); len(l) != 0 {
		t.Fatalf("the public sees %d unpublished assessments", len(l))
	}
	e = must(f.svc.Publish(f.ctx, author, e.ID))
	if e.Stage != eia.StagePublished {
		t.Fatalf("stage %s, want published", e.Stage)
	}
	if l := must(f.svc.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished})); len(l) != 1 {
		t.Fatalf("the public sees %d published assessments, want 1", len(l))
	}
	if l := must(f.svc.List(advisor, eia.Filter{OrgID: "nhs"})); len(l) != 1 {
		t.Fatalf("the advisory group sees %d of nhs's assessments, want 1", len(l))
	}
	// Every change is on the record, once, and every save went to the store once.
	want := []string{eia.ActionChange, eia.ActionChange, eia.ActionChange, eia.ActionChange, eia.ActionChange, eia.ActionChange, eia.ActionChange,
		audit.ActionSign, audit.ActionSign, audit.ActionPublish}
	if got := f.log.Actions(); !slices.Equal(got, want) {
		t.Fatalf("record: %v, want %v", got, want)
	}
	if f.store.saves != len(want) {
		t.Fatalf("%d saves for %d changes", f.store.saves, len(want))
	}
	for _, en := range f.log.Entries() {
		if en.Owner != "council" || en.Object != "eias/"+e.ID {
			t.Fatalf("entry %+v", en)
		}
	}
	// The memory reloaded from the store is the same.
	before := must(f.svc.Get(author, e.ID))
	if err := f.svc.Reload(f.ctx); err != nil {
		t.Fatal(err)
	}
	if after := must(f.svc.Get(author, e.ID)); after.Stage != before.Stage || len(after.SignOffs) != 2 {
		t.Fatalf("after reload: %+v", after)
	}
}

func TestCreateRefusals(t *testing.T) {
	f := setup(t)
	_, err := f.svc.Create(f.ctx, analyst, draft())
	wantErr(t, err, hub.CodeForbidden)
	d := draft()
	d.LeadOrg = "nhs"
	_, err = f.svc.Create(f.ctx, author, d)
	wantErr(t, err, hub.CodeForbidden, "lead organisation")
	_, err = f.svc.Create(f.ctx, author, eia.EIA{Subject: "poster", DecisionDate: decision, ReviewDate: decision})
	wantErr(t, err, hub.CodeInvalid, "title", "subject", "review date after the decision date")
	d = draft()
	d.DecisionMakers = []string{"police"}
	_, err = f.svc.Create(f.ctx, author, d)
	wantErr(t, err, hub.CodeInvalid, "police is neither the lead nor a participant")
	if f.store.saves != 0 || len(f.log.Entries()) != 0 {
		t.Fatalf("refused creations wrote %d times", f.store.saves)
	}
}

func TestEditRefusals(t *testing.T) {
	f := setup(t)
	e := f.ready(t)
	_, err := f.svc.UpdateScreening(f.ctx, analyst, e.ID, screening(false))
	wantErr(t, err, hub.CodeForbidden, "team")
	_, err = f.svc.UpdateScreening(f.ctx, policeDM, e.ID, screening(false))
	wantErr(t, err, hub.CodeForbidden)
	bad := assessment()
	bad.Impacts["age"] = eia.Impact{Effect: "awful", Evidence: []int{7}}
	_, err = f.svc.UpdateAssessment(f.ctx, author, e.ID, bad)
	wantErr(t, err, hub.CodeInvalid, "Age: choose whether the impact is positive, negative, neutral or not known", "evidence 8")
	// Comments only by the advisory group, only inside the window.
	_, err = f.svc.Comment(f.ctx, author, e.ID, "impacts", "a comment", false)
	wantErr(t, err, hub.CodeForbidden)
	_, err = f.svc.Comment(f.ctx, advisor, e.ID, "impacts", "too early", false)
	wantErr(t, err, hub.CodeConflict, "not open to scrutiny")
	must(f.svc.OpenScrutiny(f.ctx, author, e.ID, start.AddDate(0, 0, 7)))
	f.clock.Advance(8 * 24 * time.Hour)
	_, err = f.svc.Comment(f.ctx, advisor, e.ID, "impacts", "too late", true)
	wantErr(t, err, hub.CodeConflict, "comments after the scrutiny window")
}

func TestSignOffRefusals(t *testing.T) {
	f := setup(t)
	// A required section skipped: the screening is incomplete.
	e := must(f.svc.Create(f.ctx, author, draft()))
	_, err := f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeInvalid, "cannot be signed off yet", "Age: say whether it is relevant, and why", "conclude whether a full assessment is needed")
	// The full assessment is required and missing.
	must(f.svc.UpdateScreening(f.ctx, author, e.ID, screening(true)))
	_, err = f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeInvalid, "Disability: choose the impact", "conclude the assessment")

	e = f.ready(t)
	_, err = f.svc.SignOff(f.ctx, policeDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeForbidden, "not one whose decision maker signs")
	_, err = f.svc.SignOff(f.ctx, author, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeForbidden, "only a decision maker of council")
	_, err = f.svc.SignOff(f.ctx, councilDM, e.ID, 2, allBrown)
	wantErr(t, err, hub.CodeConflict, "the EIA changed since you read it: read it again")
	b := allBrown
	b.Personal, b.Recorded = false, false
	_, err = f.svc.SignOff(f.ctx, councilDM, e.ID, 1, b)
	wantErr(t, err, hub.CodeInvalid, "not delegated", "adequate record")

	// Hub evidence the signer cannot see.
	f.svc.SetEvidenceCheck(func(p hub.Principal, link string) error {
		if p.OrgID == "nhs" && strings.HasPrefix(link, "/data/picture") {
			return hub.Errorf(hub.CodeForbidden, "no protocol shares this data with you")
		}
		return nil
	})
	_, err = f.svc.SignOff(f.ctx, nhsDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeForbidden, "/data/picture?theme=libraries&by=age", "no protocol")
	if n := f.store.saves; n != 2+4 {
		t.Fatalf("refused sign-offs wrote: %d saves", n)
	}

	must(f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown))
	_, err = f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeConflict, "signed this version already")
}

func TestSignedIsFrozenAndNewVersion(t *testing.T) {
	f := setup(t)
	e := f.ready(t)
	must(f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown))
	// Even one sign-off freezes the content.
	_, err := f.svc.UpdateAssessment(f.ctx, author, e.ID, assessment())
	wantErr(t, err, hub.CodeConflict, "a change after sign-off makes a new version: start a new version first")
	e = must(f.svc.SignOff(f.ctx, nhsDM, e.ID, 1, allBrown))
	for _, try := range []func() error{
		func() error { _, err := f.svc.UpdateScreening(f.ctx, author, e.ID, screening(true)); return err },
		func() error {
			_, err := f.svc.AddAction(f.ctx, author, e.ID, eia.Action{Text: "x", OwnerOrg: "council", Due: decision})
			return err
		},
		func() error {
			a := e.Actions[0]
			a.Text = "something else"
			_, err := f.svc.UpdateAction(f.ctx, author, e.ID, a)
			return err
		},
		func() error { _, err := f.svc.OpenScrutiny(f.ctx, author, e.ID, decision); return err },
	} {
		wantErr(t, try(), hub.CodeConflict, "start a new version first")
	}
	// Following an action up is not a change of content.
	a := e.Actions[0]
	a.Status = eia.ActionDone
	must(f.svc.UpdateAction(f.ctx, author, e.ID, a))

	e = must(f.svc.NewVersion(f.ctx, author, e.ID))
	if e.Version != 2 || e.Stage != eia.StageAssessment || len(e.SignOffs) != 0 || len(e.History) != 1 ||
		e.History[0].Version != 1 || len(e.History[0].SignOffs) != 2 || e.History[0].Stage != eia.StageSigned {
		t.Fatalf("new version: %+v", e)
	}
	_, err = f.svc.NewVersion(f.ctx, author, e.ID)
	wantErr(t, err, hub.CodeConflict, "no one has signed")
	changed := assessment()
	changed.Conclusion = eia.ContinueJustified
	must(f.svc.UpdateAssessment(f.ctx, author, e.ID, changed))
	_, err = f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	wantErr(t, err, hub.CodeConflict, "read it again")
	must(f.svc.SignOff(f.ctx, councilDM, e.ID, 2, allBrown))
	e = must(f.svc.SignOff(f.ctx, nhsDM, e.ID, 2, allBrown))
	if e.Stage != eia.StageSigned || e.History[0].Assessment.Conclusion != eia.Adjust {
		t.Fatalf("re-signed: stage %s, history %+v", e.Stage, e.History[0].Assessment)
	}
}

func TestRetrospectiveAndDashboard(t *testing.T) {
	f := setup(t)
	// One signed in time, with an action that becomes overdue.
	onTime := f.ready(t)
	must(f.svc.SignOff(f.ctx, councilDM, onTime.ID, 1, allBrown))
	must(f.svc.SignOff(f.ctx, nhsDM, onTime.ID, 1, allBrown))
	// One with an open challenge, and an action.
	challenged := f.ready(t)
	must(f.svc.OpenScrutiny(f.ctx, author, challenged.ID, start.AddDate(0, 0, 7)))
	must(f.svc.Comment(f.ctx, advisor, challenged.ID, "actions", "Not enough", true))
	// One screened out: signed on the decision day by one, the day after by the other.
	late := must(f.svc.Create(f.ctx, author, draft()))
	must(f.svc.UpdateScreening(f.ctx, author, late.ID, screening(false)))
	f.clock.Advance(decision.Sub(start) + 20*time.Hour)
	must(f.svc.SignOff(f.ctx, councilDM, late.ID, 1, allBrown))
	f.clock.Advance(24 * time.Hour)
	late = must(f.svc.SignOff(f.ctx, nhsDM, late.ID, 1, allBrown))
	if late.Stage != eia.StageSigned || !late.Retrospective() || late.BeforeDecision() || late.SignOffs[0].Retrospective || !late.SignOffs[1].Retrospective {
		t.Fatalf("late: stage %s, sign-offs %+v", late.Stage, late.SignOffs)
	}

	now := decision.AddDate(0, 4, 0)
	got := f.svc.Dashboard(now)
	want := eia.Counts{Total: 3, BeforeDecision: 1, Retrospective: 1, OpenChallenges: 1, OverdueActions: 2, DueForReview: 0}
	if got != want {
		t.Fatalf("dashboard %+v, want %+v", got, want)
	}
	later := decision.AddDate(1, 0, 1)
	if got := f.svc.Dashboard(later).DueForReview; got != 2 {
		t.Fatalf("%d due for review, want 2", got)
	}
	if got := f.svc.DueForReview(later); len(got) != 2 {
		t.Fatalf("DueForReview: %d, want 2", len(got))
	}
}

func TestNothingHalfWritten(t *testing.T) {
	f := setup(t)
	e := f.ready(t)
	f.store.fail = errors.New("store down")
	_, err := f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown)
	if err == nil {
		t.Fatal("a failed save was reported as done")
	}
	f.store.fail = nil
	got := must(f.svc.Get(author, e.ID))
	if len(got.SignOffs) != 0 || got.Stage == eia.StageSignOff {
		t.Fatalf("memory changed though the store did not: %+v", got.SignOffs)
	}
}
