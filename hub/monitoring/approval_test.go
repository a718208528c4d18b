package monitoring_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// approval is a monitoring service with a steward of the police, a forum
// member of the police and one of the county council.
type approval struct {
	fixture
	policeForum, countyForum hub.Principal
}

func newApproval(t *testing.T) approval {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	if err := auth.SetRoleLines([]hub.RoleLine{
		{Subject: "owen", Role: hub.RoleMember, OrgID: "police"}, {Subject: "owen", Role: hub.RoleDataSteward, OrgID: "police"},
		{Subject: "fay", Role: hub.RoleMember, OrgID: "police"}, {Subject: "fay", Role: hub.RoleForumMember, OrgID: "police"},
		{Subject: "cara", Role: hub.RoleMember, OrgID: "county"}, {Subject: "cara", Role: hub.RoleForumMember, OrgID: "county"},
	}); err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	clock := hub.NewFixedClock(t0)
	rs := hub.NewReadSide(hubtest.NewStore(), 0, clock)
	svc := monitoring.NewService(store, auth, fakeCrypto{signedAt: t0}, rs, clock, monitoring.Limits{MaxReturnBytes: 1 << 20, MaxExtractBytes: 1 << 20})
	rs.Register(svc)
	ctx := context.Background()
	if err := rs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.Seed(ctx, testStandard(), []monitoring.Theme{testTheme()}); err != nil {
		t.Fatal(err)
	}
	police := hub.Principal{PersonID: "owen", OrgID: "police", Roles: []hub.Role{hub.RoleMember, hub.RoleDataSteward}}
	if _, err := svc.RegisterKey(ctx, police, "KEY:AAA:"); err != nil {
		t.Fatal(err)
	}
	return approval{fixture: fixture{svc: svc, store: store, clock: clock, police: police},
		policeForum: hub.Principal{PersonID: "fay", OrgID: "police", Roles: []hub.Role{hub.RoleMember, hub.RoleForumMember}},
		countyForum: hub.Principal{PersonID: "cara", OrgID: "county", Roles: []hub.Role{hub.RoleMember, hub.RoleForumMember}}}
}

// nextStandard is t.2: t.1 with a third sex answer, so that returns under
// t.1 can be set beside t.2's for ethnicity and not for sex.
func nextStandard(version string, effective time.Time) monitoring.Standard {
	st := testStandard()
	st.Version, st.Title, st.Effective = version, "Test standard, second version", effective
	st.Questions[1].Categories = append(st.Questions[1].Categories, monitoring.Category{Code: "intersex", Label: "Intersex"})
	return st
}

// docUnder is a police return of a period made under a version of the standard.
func (a approval) docUnder(t *testing.T, std monitoring.Standard, period string, records int64) []byte {
	t.Helper()
	l, err := monitoring.NewLayout(std, testTheme())
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int64, l.Size())
	counts[l.Index(0, 0, 0)] = records
	counts[l.Index(1, 0, 0)] = records
	return monitoring.Content{OrgID: "police", Theme: "stop-and-search", Period: monitoring.Period(period), Standard: std.Version, Records: records, Counts: counts}.Encode(l)
}

func (a approval) current(t *testing.T) string {
	t.Helper()
	st, err := a.svc.CurrentStandard()
	if err != nil {
		t.Fatal(err)
	}
	return st.Version
}

// One forum member's proposal changes nothing: the standard in effect
// stays, returns are made under it, and one made under the proposal is
// refused, saying which version to use.
func TestAProposalChangesNothing(t *testing.T) {
	a := newApproval(t)
	ctx := context.Background()
	next := nextStandard("t.2", t0.AddDate(0, 1, 0))
	proposed, err := a.svc.ProposeStandard(ctx, a.policeForum, next)
	if err != nil {
		t.Fatal(err)
	}
	if proposed.State != monitoring.StateProposed || proposed.ProposedOrg != "police" || !proposed.Effective.Equal(monitoring.Day(t0.AddDate(0, 1, 0))) {
		t.Fatalf("the proposal: %+v", proposed)
	}
	if got := a.current(t); got != "t.1" {
		t.Fatalf("a proposal is current: %s", got)
	}
	doc := a.doc(t, "2025-26", 10)
	if _, _, err := a.svc.Upload(ctx, a.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatalf("an upload under the standard in effect after a proposal: %v", err)
	}
	under := a.docUnder(t, next, "2026-27", 4)
	_, _, err = a.svc.Upload(ctx, a.police, under, sig("AAA", under), "")
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(hub.ErrorMessage(err), "t.2 is a proposal") || !strings.Contains(hub.ErrorMessage(err), "under t.1") {
		t.Fatalf("an upload under a proposal: %v", err)
	}
	// A proposal needs its day, from today on.
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, nextStandard("t.3", time.Time{})); !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorProblems(err)[0].Field != "effective" {
		t.Fatalf("a proposal without its day: %v", err)
	}
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, nextStandard("t.3", t0.AddDate(0, 0, -1))); !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(hub.ErrorMessage(err), "past") {
		t.Fatalf("a proposal to take effect yesterday: %v", err)
	}
	if _, err := a.svc.ProposeStandard(ctx, a.police, nextStandard("t.3", t0)); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a data steward proposing: %v", err)
	}
}

// The proposer's organisation cannot approve; a forum member of another
// does, and the version takes effect on its day, not before.
func TestApprovalByAnotherOrganisationThenItsDay(t *testing.T) {
	a := newApproval(t)
	ctx := context.Background()
	day := t0.AddDate(0, 1, 0)
	next := nextStandard("t.2", day)
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, next); err != nil {
		t.Fatal(err)
	}
	_, err := a.svc.ApproveStandard(ctx, a.policeForum, "t.2")
	if !hub.IsCode(err, hub.CodeForbidden) || !strings.Contains(hub.ErrorMessage(err), "another organisation") {
		t.Fatalf("the proposer's organisation approving: %v", err)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.police, "t.2"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a data steward approving: %v", err)
	}
	approved, err := a.svc.ApproveStandard(ctx, a.countyForum, "t.2")
	if err != nil {
		t.Fatal(err)
	}
	if approved.State != monitoring.StateApproved || approved.ApprovedOrg != "county" || approved.ApprovedBy != "cara" {
		t.Fatalf("the approval: %+v", approved)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.countyForum, "t.2"); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("approving twice: %v", err)
	}
	// Before its day it is not current, and returns under it are refused.
	if got := a.current(t); got != "t.1" {
		t.Fatalf("current before the day: %s", got)
	}
	under := a.docUnder(t, next, "2026-27", 4)
	if _, _, err := a.svc.Upload(ctx, a.police, under, sig("AAA", under), ""); !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(hub.ErrorMessage(err), "takes effect on") {
		t.Fatalf("an upload under an approved version before its day: %v", err)
	}
	// On its day it is current; returns are made under it.
	a.clock.Advance(day.Sub(t0))
	if got := a.current(t); got != "t.2" {
		t.Fatalf("current on the day: %s", got)
	}
	if _, _, err := a.svc.Upload(ctx, a.police, under, sig("AAA", under), ""); err != nil {
		t.Fatalf("an upload under the version in effect: %v", err)
	}
	// The approval stays after a restart.
	if err := a.svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.current(t); got != "t.2" {
		t.Fatalf("current after reloading: %s", got)
	}
}

// Any forum member withdraws a version before its day; on and after it,
// withdrawal is refused. A withdrawn version never takes effect.
func TestWithdrawBeforeItsDayOnly(t *testing.T) {
	a := newApproval(t)
	ctx := context.Background()
	day := t0.AddDate(0, 1, 0)
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, nextStandard("t.2", day)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.countyForum, "t.2"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.WithdrawStandard(ctx, a.police, "t.2"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a data steward withdrawing: %v", err)
	}
	w, err := a.svc.WithdrawStandard(ctx, a.policeForum, "t.2")
	if err != nil || w.State != monitoring.StateWithdrawn || w.WithdrawnBy != "fay" {
		t.Fatalf("withdrawing before the day: %+v %v", w, err)
	}
	a.clock.Advance(day.Sub(t0) + time.Hour)
	if got := a.current(t); got != "t.1" {
		t.Fatalf("a withdrawn version took effect: %s", got)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.countyForum, "t.2"); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("approving a withdrawn version: %v", err)
	}
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, nextStandard("t.2", a.clock.Now())); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("proposing a withdrawn version's number again: %v", err)
	}

	// t.3, proposed for today and approved, is in effect at once and can no longer be withdrawn.
	if _, err := a.svc.ProposeStandard(ctx, a.countyForum, nextStandard("t.3", a.clock.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.policeForum, "t.3"); err != nil {
		t.Fatal(err)
	}
	if got := a.current(t); got != "t.3" {
		t.Fatalf("current after approving for today: %s", got)
	}
	_, err = a.svc.WithdrawStandard(ctx, a.countyForum, "t.3")
	if !hub.IsCode(err, hub.CodeConflict) || !strings.Contains(hub.ErrorMessage(err), "can no longer be withdrawn") {
		t.Fatalf("withdrawing a version in effect: %v", err)
	}
	if _, err := a.svc.WithdrawStandard(ctx, a.countyForum, "t.1"); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("withdrawing the first version: %v", err)
	}
}

// After a new version takes effect, a return for a period the earlier
// version was in effect during may still be made under it; one for a
// period that began after is refused, naming the version to use.
func TestReturnsUnderAnEarlierVersion(t *testing.T) {
	a := newApproval(t)
	ctx := context.Background()
	day := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC) // in 2026-27-Q2
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, nextStandard("t.2", day)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.ApproveStandard(ctx, a.countyForum, "t.2"); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC).Sub(t0))
	past := a.doc(t, "2026-27", 10) // t.1 was in effect for April to June 2026
	if _, _, err := a.svc.Upload(ctx, a.police, past, sig("AAA", past), ""); err != nil {
		t.Fatalf("a return under t.1 for a year it was in effect during: %v", err)
	}
	late := a.doc(t, "2027-28", 3)
	_, _, err := a.svc.Upload(ctx, a.police, late, sig("AAA", late), "")
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(hub.ErrorMessage(err), "replaced by t.2 on 1 July 2026") {
		t.Fatalf("a return under t.1 for a year after t.2 took effect: %v", err)
	}
	older := a.doc(t, "2019-20", 3) // the first version counts as in effect before the hub began
	if _, _, err := a.svc.Upload(ctx, a.police, older, sig("AAA", older), ""); err != nil {
		t.Fatalf("a return under the first version for an old year: %v", err)
	}
}

// A standard stored before versions were approved is approved, in effect
// from when it was published.
func TestAStoredStandardWithoutApprovalIsInEffect(t *testing.T) {
	old := testStandard()
	old.Published = t0.Add(-time.Hour)
	if !old.InEffectAt(t0) || old.Approval() != monitoring.StateApproved || old.Pending(t0) {
		t.Fatalf("a standard stored without approval: %+v", old)
	}
	a := newApproval(t)
	a.store.standards = []monitoring.Standard{old}
	second := nextStandard("t.2", time.Time{})
	second.Published = t0.Add(-time.Minute)
	a.store.standards = append(a.store.standards, second)
	if err := a.svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := a.current(t); got != "t.2" {
		t.Fatalf("the current of two stored versions: %s", got)
	}
}

func TestTranslateKeepsQuestionsWithTheSameAnswers(t *testing.T) {
	from, err := monitoring.NewLayout(testStandard(), testTheme())
	if err != nil {
		t.Fatal(err)
	}
	to, err := monitoring.NewLayout(nextStandard("t.2", t0), testTheme())
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int64, from.Size())
	counts[from.Index(0, 1, 1)] = 7 // caribbean, arrested
	counts[from.Index(1, 1, 0)] = 5 // male, searched
	out, comparable := monitoring.Translate(from, to, counts)
	if !comparable[0] || comparable[1] {
		t.Fatalf("comparable: %v", comparable)
	}
	if out[to.Index(0, 1, 1)] != 7 {
		t.Fatalf("ethnicity was not carried over: %v", out)
	}
	for ai := range to.Questions[1].Answers() {
		if out[to.Index(1, ai, 0)] != 0 {
			t.Fatalf("sex, whose answers differ, was carried over: %v", out)
		}
	}
}

// A theme added while a version is proposed must read under it too, so
// that the picture does not break on the day it takes effect.
func TestAThemeAddedMustFitAProposal(t *testing.T) {
	a := newApproval(t)
	ctx := context.Background()
	next := nextStandard("t.2", t0.AddDate(0, 1, 0))
	next.Questions = next.Questions[:1] // ethnicity only
	if _, err := a.svc.ProposeStandard(ctx, a.policeForum, next); err != nil {
		t.Fatal(err)
	}
	th := monitoring.Theme{ID: "hate-crime", Name: "Hate crime", Frequency: monitoring.Annual, Questions: []string{"sex"},
		Measures: []monitoring.Measure{{ID: "reported", Label: "Reported"}}}
	err := a.svc.AddTheme(ctx, a.countyForum, th)
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(hub.ErrorMessage(err), "t.2") {
		t.Fatalf("a theme the proposal cannot read: %v", err)
	}
}
