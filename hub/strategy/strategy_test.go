package strategy_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/strategy"
)

// memStore is an in-memory strategy.Store.
type memStore struct {
	mu         sync.Mutex
	objectives map[string]strategy.Objective
	reports    map[string]strategy.Report
	duties     []duty.Record
	annual     []strategy.AnnualReport
	saves      int
}

func newMemStore() *memStore {
	return &memStore{objectives: map[string]strategy.Objective{}, reports: map[string]strategy.Report{}}
}

func (m *memStore) FindObjectives(context.Context) ([]strategy.Objective, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Collect(maps.Values(m.objectives)), nil
}

func (m *memStore) SaveObjective(_ context.Context, o strategy.Objective) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saves++
	m.objectives[o.ID] = o
	return nil
}

func (m *memStore) FindReports(context.Context) ([]strategy.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Collect(maps.Values(m.reports)), nil
}

func (m *memStore) SaveReport(_ context.Context, r strategy.Report) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.saves++
	m.reports[fmt.Sprintf("%s/%d", r.Quarter, r.Version)] = r
	return nil
}

func (m *memStore) FindDutyRecords(context.Context) ([]duty.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.duties), nil
}

func (m *memStore) SaveDutyRecord(_ context.Context, r duty.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.duties = append(m.duties, r)
	return nil
}

func (m *memStore) FindAnnualReports(context.Context) ([]strategy.AnnualReport, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.annual), nil
}

func (m *memStore) SaveAnnualReport(_ context.Context, r strategy.AnnualReport) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.annual = append(m.annual, r)
	return nil
}

// values is a fake strategy.Values: period → value, for every indicator.
type values map[string]float64

func (v values) Value(_ strategy.IndicatorRef, period string) (float64, bool) {
	x, ok := v[period]
	return x, ok
}

var now = time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC)

// baselines is a fake strategy.Values with a value in 2024-25 for every
// indicator the demo objectives read, by theme, group and organisation.
type baselines map[string]float64

func (b baselines) Value(ref strategy.IndicatorRef, period string) (float64, bool) {
	if period != "2024-25" {
		return 0, false
	}
	x, ok := b[ref.Theme+"/"+ref.Group+"/"+ref.OrgID]
	return x, ok
}

var demoData = baselines{
	"customer-satisfaction/black/northshire-police": 68, "customer-satisfaction/asian/northshire-police": 72, "customer-satisfaction/white/northshire-police": 88,
	"stop-and-search/black/northshire-police": 600, "stop-and-search/white/northshire-police": 3600,
	"population//northshire-county": 700000, "population/white/northshire-county": 650000, "population/black/northshire-county": 6000,
	"population//northam-city": 350000, "population/white/northam-city": 235000, "population/black/northam-city": 24000,
	"workforce-strength/black/northshire-police": 1.8, "workforce-strength/disabled/": 6,
}

// demoObjectives returns the demo objectives with baselines from demoData.
func demoObjectives(t *testing.T) []strategy.Objective {
	t.Helper()
	os, err := strategy.DemoObjectives(now, demoData)
	if err != nil {
		t.Fatal(err)
	}
	return os
}

func principal(id, org string, roles ...hub.Role) hub.Principal {
	return hub.Principal{PersonID: id, OrgID: org, Name: id, Roles: append([]hub.Role{hub.RoleMember}, roles...)}
}

var (
	forum        = principal("fay", "northshire-county", hub.RoleForumMember)
	policeAuthor = principal("pat", "northshire-police", hub.RoleEIAAuthor)
	cityAuthor   = principal("cal", "northam-city", hub.RoleEIAAuthor)
	analyst      = principal("ann", "northam-city", hub.RoleAnalyst)
)

type fixture struct {
	svc   *strategy.Service
	store *memStore
	log   *hubtest.Log
	clock *hub.FixedClock
}

func setup(t *testing.T) fixture {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	var lines []hub.RoleLine
	for _, p := range []hub.Principal{forum, policeAuthor, cityAuthor, analyst} {
		for _, r := range p.Roles {
			lines = append(lines, hub.RoleLine{Subject: p.PersonID, Role: r, OrgID: p.OrgID})
		}
	}
	if err := auth.SetRoleLines(lines); err != nil {
		t.Fatal(err)
	}
	clock := hub.NewFixedClock(now)
	f := fixture{store: newMemStore(), log: &hubtest.Log{}, clock: clock}
	rs := hub.NewReadSide(hubtest.NewStore(), 0, clock)
	f.svc = strategy.NewService(f.store, auth, rs, clock, f.log)
	rs.Register(f.svc)
	ctx := context.Background()
	if err := rs.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for _, o := range demoObjectives(t) {
		if err := f.svc.Seed(ctx, o); err != nil {
			t.Fatalf("seeding %s: %v", o.ID, err)
		}
	}
	return f
}

func TestDemoObjectivesAreValid(t *testing.T) {
	os := demoObjectives(t)
	if len(os) != 3 || !slices.ContainsFunc(os, func(o strategy.Objective) bool { return o.ID == "objective-accessible-services" }) {
		t.Fatalf("demo objectives: %d, want three with objective-accessible-services", len(os))
	}
	for _, o := range os {
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", o.ID, hub.ErrorProblems(err))
		}
	}
}

// The demo's baselines are the data's, for the last whole year before the
// strategy was drafted; the targets follow from them and the same year's data.
func TestDemoObjectivesReadTheirBaselines(t *testing.T) {
	want := map[string][2]float64{ // baseline, target
		"measure-satisfaction-black":        {68, 78},   // halfway to White users' 88
		"measure-satisfaction-asian":        {72, 88},   // the gap closed: White users' 88
		"measure-searches-black":            {600, 361}, // halfway to 122: 30,000 Black residents searched at White people's 3,600 in 885,000
		"measure-workforce-minority-ethnic": {1.8, 2.3}, // halfway to 2.9% of residents
		"measure-workforce-disabled":        {6, 9},     // half as many again
	}
	for _, o := range demoObjectives(t) {
		for _, m := range o.Measures {
			w, ok := want[m.ID]
			if !ok {
				t.Errorf("an unexpected measure %s", m.ID)
				continue
			}
			if m.Baseline != w[0] || m.Target != w[1] || m.BaselinePeriod != "2024-25" || m.TargetPeriod != "2029-30" {
				t.Errorf("%s: baseline %v (%s), target %v (%s); want %v (2024-25) and %v (2029-30)", m.ID, m.Baseline, m.BaselinePeriod, m.Target, m.TargetPeriod, w[0], w[1])
			}
			delete(want, m.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("measures missing: %v", want)
	}
	partial := maps.Clone(demoData)
	delete(partial, "population/black/northam-city")
	if _, err := strategy.DemoObjectives(now, partial); err == nil || !strings.Contains(err.Error(), "population / population by ethnicity, black of northam-city") {
		t.Fatalf("a baseline without its data: %v", err)
	}
	// When the strategy was drafted later, so is its baseline.
	if _, err := strategy.DemoObjectives(now.AddDate(1, 0, 0), demoData); err == nil || !strings.Contains(err.Error(), "2025-26") {
		t.Fatalf("a year later: %v", err)
	}
}

func TestValidate(t *testing.T) {
	good := demoObjectives(t)[0]
	cases := []struct {
		name, field, message string
		change               func(o *strategy.Objective)
	}{
		{"no statement", "statement", "Say what the objective is", func(o *strategy.Objective) { o.Statement = " " }},
		{"unknown aim", "aims[1]", "is not an aim", func(o *strategy.Objective) { o.Aims = []strategy.Aim{strategy.AdvanceEquality, "be-nice"} }},
		{"no aims", "aims", "at least one aim", func(o *strategy.Objective) { o.Aims = nil }},
		{"too long", "end", "at most four years", func(o *strategy.Objective) { o.End = o.Start.AddDate(4, 0, 1) }},
		{"ends first", "end", "must end after it starts", func(o *strategy.Objective) { o.End = o.Start.AddDate(0, 0, -1) }},
		{"target against direction", "measures[0].target", "the target is below the baseline but the measure should go up",
			func(o *strategy.Objective) { o.Measures[0].Target = o.Measures[0].Baseline - 1 }},
		{"target against down", "measures[0].target", "the target is above the baseline but the measure should go down",
			func(o *strategy.Objective) { o.Measures[0].Direction = strategy.Down }},
		{"bad period", "measures[0].baselinePeriod", "is not a period", func(o *strategy.Objective) { o.Measures[0].BaselinePeriod = "2025-27" }},
		{"target before baseline", "measures[0].targetPeriod", "must come after the baseline", func(o *strategy.Objective) {
			o.Measures[0].BaselinePeriod, o.Measures[0].TargetPeriod = "2026-27", "2025-26"
		}},
		{"bad action status", "actions[0].status", "is not a status", func(o *strategy.Objective) { o.Actions[0].Status = "maybe" }},
		{"NaN baseline", "measures[0].baseline", "Give the baseline as a number", func(o *strategy.Objective) { o.Measures[0].Baseline = math.NaN() }},
		{"infinite target", "measures[0].target", "Give the target as a number", func(o *strategy.Objective) { o.Measures[0].Target = math.Inf(1) }},
		{"negative infinite baseline", "measures[0].baseline", "as a number", func(o *strategy.Objective) { o.Measures[0].Baseline = math.Inf(-1) }},
		{"long statement", "statement", "longer than 2,000 characters", func(o *strategy.Objective) { o.Statement = strings.Repeat("s", 2001) }},
		{"reversed action", "actions[0].text", "invisible formatting character", func(o *strategy.Objective) { o.Actions[0].Text += "\u202e" }},
		{"long measure label", "measures[0].label", "longer than 200 characters", func(o *strategy.Objective) { o.Measures[0].Label = strings.Repeat("l", 201) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := demoObjectives(t)[0]
			c.change(&o)
			err := o.Validate()
			if !hub.IsCode(err, hub.CodeInvalid) {
				t.Fatalf("got %v, want invalid", err)
			}
			ps := hub.ErrorProblems(err)
			if !slices.ContainsFunc(ps, func(p hub.Problem) bool { return p.Field == c.field && strings.Contains(p.Message, c.message) }) {
				t.Fatalf("problems %v lack %s: %q", ps, c.field, c.message)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	// A message quotes a short excerpt of what was sent, never all of it.
	long := demoObjectives(t)[0]
	long.Aims = []strategy.Aim{strategy.Aim(strings.Repeat("x", 1<<20))}
	long.Measures[0].BaselinePeriod = strings.Repeat("2", 1<<20)
	if err := long.Validate(); !hub.IsCode(err, hub.CodeInvalid) || len(err.Error()) > 2000 {
		t.Fatalf("a long aim and period: %d bytes of message", len(err.Error()))
	}
}

func TestOrdinalAndQuarter(t *testing.T) {
	for p, want := range map[string]float64{"2025-26": 2025, "2025-26-Q1": 2025, "2025-26-Q3": 2025.5, "2025-26-Q4": 2025.75, "1999-00": 1999} {
		if got, err := strategy.Ordinal(p); err != nil || got != want {
			t.Errorf("Ordinal(%q) = %v, %v; want %v", p, got, err, want)
		}
	}
	for _, p := range []string{"2025", "2025-27", "2025-26-Q5", "25-26", "2025-26-Q1-x"} {
		if _, err := strategy.Ordinal(p); err == nil {
			t.Errorf("Ordinal(%q) accepted", p)
		}
	}
	for d, want := range map[time.Time]string{
		time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC):  "2026-27-Q1",
		time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC): "2026-27-Q2",
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC): "2026-27-Q3",
		time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC): "2026-27-Q4",
	} {
		if got := strategy.QuarterOf(d); got != want {
			t.Errorf("QuarterOf(%s) = %s, want %s", d.Format(time.DateOnly), got, want)
		}
	}
}

func TestProgress(t *testing.T) {
	up := strategy.Measure{Baseline: 60, BaselinePeriod: "2024-25", Target: 80, TargetPeriod: "2028-29", Direction: strategy.Up}
	down := strategy.Measure{Baseline: 1000, BaselinePeriod: "2024-25", Target: 600, TargetPeriod: "2028-29", Direction: strategy.Down}
	periods := []string{"2024-25", "2025-26", "2026-27"}
	// At 2026-27 the trajectory is half way: 70 going up, 800 going down.
	// The distance from the baseline to it is 10 and 200; a quarter of it is 2.5 and 50.
	cases := []struct {
		name string
		m    strategy.Measure
		v    values
		want strategy.ProgressStatus
	}{
		{"up on track", up, values{"2024-25": 60, "2026-27": 71}, strategy.ProgressOnTrack},
		{"up exactly on the line", up, values{"2026-27": 70}, strategy.ProgressOnTrack},
		{"up at risk", up, values{"2026-27": 68}, strategy.ProgressAtRisk},
		{"up off track", up, values{"2026-27": 67}, strategy.ProgressOffTrack},
		{"up no data", up, values{"2030-31": 99}, strategy.ProgressNoData},
		{"down on track", down, values{"2026-27": 780}, strategy.ProgressOnTrack},
		{"down at risk", down, values{"2026-27": 840}, strategy.ProgressAtRisk},
		{"down off track", down, values{"2026-27": 900}, strategy.ProgressOffTrack},
		{"down no data", down, values{}, strategy.ProgressNoData},
		{"latest earlier year", up, values{"2025-26": 64.5}, strategy.ProgressAtRisk}, // expected 65, short by 0.5 of 5
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := c.m.Progress(c.v, periods)
			if p.Status != c.want {
				t.Fatalf("status %s, want %s (%+v)", p.Status, c.want, p)
			}
			if c.want != strategy.ProgressNoData && (p.LatestPeriod == "" || len(p.Points) == 0 || p.Points[len(p.Points)-1].Value != p.Latest) {
				t.Fatalf("latest not the last point: %+v", p)
			}
		})
	}
	if p := up.Progress(values{"2024-25": 60, "2026-27": 71}, periods); p.Expected != 70 || p.Latest != 71 || p.LatestPeriod != "2026-27" || len(p.Points) != 2 {
		t.Fatalf("progress %+v", p)
	}
	if p := up.Progress(nil, periods); p.Status != strategy.ProgressNoData {
		t.Fatalf("nil values: %+v", p)
	}
	q := strategy.Measure{Baseline: 0, BaselinePeriod: "2025-26-Q1", Target: 10, TargetPeriod: "2026-27-Q1", Direction: strategy.Up}
	if got := q.Periods("2025-26-Q3"); !slices.Equal(got, []string{"2025-26-Q1", "2025-26-Q2", "2025-26-Q3"}) {
		t.Fatalf("quarterly periods %v", got)
	}
	if e, _ := q.Expected("2025-26-Q3"); e != 5 {
		t.Fatalf("expected at Q3: %v, want 5", e)
	}
	if got := up.Periods("2026-27-Q2"); !slices.Equal(got, periods) {
		t.Fatalf("yearly periods %v, want %v", got, periods)
	}
}

func TestCreateAndUpdateObjective(t *testing.T) {
	f, ctx := setup(t), context.Background()
	o := demoObjectives(t)[2]
	o.ID, o.Statement = "", "Fair promotion for all staff"
	if _, err := f.svc.CreateObjective(ctx, analyst, o); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst created an objective: %v", err)
	}
	made, err := f.svc.CreateObjective(ctx, forum, o)
	if err != nil {
		t.Fatal(err)
	}
	if made.ID == "" || made.CreatedBy != forum.PersonID || len(f.svc.Objectives()) != 4 {
		t.Fatalf("made %+v; %d objectives", made, len(f.svc.Objectives()))
	}
	made.Statement = "Fair promotion and pay for all staff"
	if _, err := f.svc.UpdateObjective(ctx, forum, made); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Objective(made.ID)
	if err != nil || got.Statement != made.Statement || !got.Created.Equal(made.Created) {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	bad := got
	bad.End = bad.Start.AddDate(5, 0, 0)
	if _, err := f.svc.UpdateObjective(ctx, forum, bad); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("five years accepted: %v", err)
	}
}

func TestUpdateAction(t *testing.T) {
	f, ctx := setup(t), context.Background()
	const obj, act = "objective-accessible-services", "action-satisfaction-gap" // owned by the police
	if err := f.svc.UpdateAction(ctx, cityAuthor, obj, act, strategy.Delayed, "", "not ours"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("another organisation updated the action: %v", err)
	}
	if err := f.svc.UpdateAction(ctx, analyst, obj, "action-library-hours", strategy.Done, "", ""); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst updated an action: %v", err)
	}
	if err := f.svc.UpdateAction(ctx, policeAuthor, obj, act, strategy.Delayed, "", "Survey delayed by the new contract"); err != nil {
		t.Fatal(err)
	}
	o, _ := f.svc.Objective(obj)
	a, _ := o.Action(act)
	if a.Status != strategy.Delayed || len(a.Notes) != 1 || a.Notes[0].Quarter != "2026-27-Q2" || a.Notes[0].By != policeAuthor.PersonID {
		t.Fatalf("action after update: %+v", a)
	}
	if err := f.svc.UpdateAction(ctx, policeAuthor, obj, act, strategy.Delayed, "", strings.Repeat("n", hub.MaxReasonLength+1)); !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorProblems(err)[0].Field != "note" {
		t.Fatalf("a note over its limit: %v", err)
	}
	if err := f.svc.UpdateAction(ctx, policeAuthor, obj, act, "maybe", "", ""); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("unknown status: %v", err)
	}
	if err := f.svc.UpdateAction(ctx, policeAuthor, obj, "nope", strategy.Done, "", ""); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("unknown action: %v", err)
	}
}

func TestLinkFromEIA(t *testing.T) {
	f, ctx := setup(t), context.Background()
	const obj = "objective-accessible-services"
	a := strategy.Action{Text: "Home delivery of library books", OwnerOrg: "northam-city", Due: now.AddDate(0, 6, 0), FromEIA: "eia-42"}
	if _, err := f.svc.LinkFromEIA(ctx, policeAuthor, obj, a); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("the police linked the city's action: %v", err)
	}
	noEIA := a
	noEIA.FromEIA = ""
	if _, err := f.svc.LinkFromEIA(ctx, cityAuthor, obj, noEIA); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("linked without an EIA: %v", err)
	}
	got, err := f.svc.LinkFromEIA(ctx, cityAuthor, obj, a)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := f.svc.Objective(obj)
	stored, ok := o.Action(got.ID)
	if !ok || stored.FromEIA != "eia-42" || stored.Status != strategy.NotStarted {
		t.Fatalf("linked action %+v, %v", stored, ok)
	}
	if _, err := f.svc.LinkFromEIA(ctx, cityAuthor, obj, a); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("linked twice: %v", err)
	}
}

func TestMakeReport(t *testing.T) {
	f, ctx := setup(t), context.Background()
	// The demo measures run from 2024-25 (baseline) to 2029-30 (target); Black
	// users' satisfaction from 68 to 78, so 72 is expected in 2026-27.
	first := values{"2024-25": 68, "2026-27": 72}
	if _, err := f.svc.MakeReport(ctx, analyst, "2026-27-Q2", first); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst made a report: %v", err)
	}
	if _, err := f.svc.MakeReport(ctx, forum, "2026-27", first); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("a report for a year: %v", err)
	}
	r, err := f.svc.MakeReport(ctx, forum, "2026-27-Q2", first)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := r.Measure("objective-accessible-services", "measure-satisfaction-black")
	if !ok || m.Progress.Status != strategy.ProgressOnTrack || m.Progress.Latest != 72 || m.Progress.Expected != 72 {
		t.Fatalf("measure in report: %+v, %v", m, ok)
	}
	if len(r.Objectives) != 3 {
		t.Fatalf("%d objectives in the report", len(r.Objectives))
	}
	if _, ok := f.store.reports["2026-27-Q2/1"]; !ok {
		t.Fatal("the report was not stored")
	}
	f.clock.Advance(time.Hour)
	again, err := f.svc.MakeReport(ctx, forum, "2026-27-Q2", values{"2026-27": 69})
	if err != nil {
		t.Fatal(err)
	}
	if rs := f.svc.Reports(); len(rs) != 1 || !rs[0].Made.Equal(again.Made) || rs[0].Version != 2 {
		t.Fatalf("reports after making it again: %+v", rs)
	}
	// The first version is kept, readable as it was.
	if vs := f.svc.ReportVersions("2026-27-Q2"); len(vs) != 2 || vs[0].Version != 1 || vs[1].Version != 2 {
		t.Fatalf("versions after making it again: %+v", vs)
	}
	if was, err := f.svc.ReportVersion("2026-27-Q2", 1); err != nil {
		t.Fatal(err)
	} else if m, _ := was.Measure("objective-accessible-services", "measure-satisfaction-black"); m.Progress.Latest != 72 {
		t.Fatalf("the first version changed: %+v", m)
	}
	got, err := f.svc.Report("2026-27-Q2")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := got.Measure("objective-accessible-services", "measure-satisfaction-black"); m.Progress.Status != strategy.ProgressOffTrack {
		t.Fatalf("replaced report: %+v", m)
	}
	if len(f.store.reports) != 2 {
		t.Fatalf("%d reports stored, want both versions", len(f.store.reports))
	}
	if _, err := f.svc.MakeReport(ctx, forum, "2026-27-Q3", values{"2026-27": 72}); err != nil {
		t.Fatal(err)
	}
	rs := f.svc.Reports()
	if len(rs) != 2 || rs[0].Quarter != "2026-27-Q2" || rs[1].Quarter != "2026-27-Q3" {
		t.Fatalf("reports %+v", rs)
	}
	var found bool
	for _, c := range strategy.Compare(rs[0], rs[1]) {
		if c.MeasureID == "measure-satisfaction-black" {
			found = c.Before.Latest == 69 && c.After.Latest == 72 && c.After.Status == strategy.ProgressOnTrack
		}
	}
	if !found {
		t.Fatal("the comparison lacks the measure's move from 69 to 72")
	}
	var reported int
	for _, e := range f.log.Entries() {
		if e.Action == strategy.ActionReport {
			reported++
		}
	}
	if reported != 3 {
		t.Fatalf("%d report entries in the audit log, want 3", reported)
	}
	// A fresh service reads the reports back from the store.
	fresh := strategy.NewService(f.store, hubtest.NewAuthorizer(nil), hub.NewReadSide(hubtest.NewStore(), 0, f.clock), f.clock, audit.Discard{})
	if err := fresh.Reload(ctx); err != nil || len(fresh.Reports()) != 2 || len(fresh.Objectives()) != 3 || len(fresh.ReportVersions("2026-27-Q2")) != 2 {
		t.Fatalf("reloaded: %v, %d reports, %d objectives", err, len(fresh.Reports()), len(fresh.Objectives()))
	}
}

// An action's state is one rule: done once marked done, overdue the day
// after its due date when not done, otherwise the status its owner gave.
func TestActionState(t *testing.T) {
	due := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	a := strategy.Action{Due: due, Status: strategy.OnTrack}
	for _, c := range []struct {
		now  time.Time
		a    strategy.Action
		want strategy.Status
	}{
		{time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC), a, strategy.OnTrack},
		{time.Date(2026, 7, 1, 0, 0, 1, 0, time.UTC), a, strategy.Overdue},
		{time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC), strategy.Action{Due: due, Status: strategy.Done}, strategy.Done},
		{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), strategy.Action{Due: due}, strategy.NotStarted},
	} {
		if got := c.a.State(c.now); got != c.want {
			t.Errorf("%+v on %s: %s, want %s", c.a, c.now, got, c.want)
		}
	}
}

// A report says an action is overdue only when its due date has passed on
// the day it is made, as the strategy page does; not for being due later in
// the quarter.
func TestReportOverdueByTheClock(t *testing.T) {
	f, ctx := setup(t), context.Background()
	o, _ := f.svc.Objective("objective-accessible-services")
	later := f.clock.Now().AddDate(0, 0, 20) // in the same quarter, not yet due
	past := f.clock.Now().AddDate(0, -1, 0)
	o.Actions[0].Due, o.Actions[0].Status = later, strategy.OnTrack
	o.Actions[1].Due, o.Actions[1].Status = past, strategy.OnTrack
	if _, err := f.svc.UpdateObjective(ctx, forum, o); err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.MakeReport(ctx, forum, strategy.QuarterOf(f.clock.Now()), values{})
	if err != nil {
		t.Fatal(err)
	}
	for _, or := range r.Objectives {
		if or.ID != o.ID {
			continue
		}
		if got := or.Actions[0].Shown(); got != strategy.OnTrack {
			t.Errorf("an action due in 20 days is %s in the report", got)
		}
		if got := or.Actions[1].Shown(); got != strategy.Overdue {
			t.Errorf("an action due last month is %s in the report", got)
		}
	}
}

// The owner's people, the forum and the board mark an action done with a
// note; who and when are kept, and it is done on every page after.
func TestMarkDone(t *testing.T) {
	f, ctx := setup(t), context.Background()
	const obj, act = "objective-accessible-services", "action-satisfaction-gap" // owned by the police
	if err := f.svc.MarkDone(ctx, cityAuthor, obj, act, "not ours"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("another organisation marked the action done: %v", err)
	}
	if err := f.svc.MarkDone(ctx, policeAuthor, obj, act, "  "); !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorProblems(err)[0].Field != "note" {
		t.Fatalf("done without a note: %v", err)
	}
	if err := f.svc.MarkDone(ctx, policeAuthor, obj, act, "Survey redesigned with the advisory group"); err != nil {
		t.Fatal(err)
	}
	o, _ := f.svc.Objective(obj)
	a, _ := o.Action(act)
	if a.Status != strategy.Done || !a.DoneAt.Equal(now) || a.DoneBy != policeAuthor.PersonID || a.DoneNote != "Survey redesigned with the advisory group" {
		t.Fatalf("action after done: %+v", a)
	}
	if a.State(now.AddDate(5, 0, 0)) != strategy.Done {
		t.Fatal("a done action is overdue later")
	}
	if err := f.svc.MarkDone(ctx, policeAuthor, obj, act, "again"); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("marked done twice: %v", err)
	}
	// The forum marks any action done.
	if err := f.svc.MarkDone(ctx, forum, obj, "action-library-hours", "Opening hours extended"); err != nil {
		t.Fatal(err)
	}
	var done int
	for _, e := range f.log.Entries() {
		if e.Action == strategy.ActionDone {
			done++
		}
	}
	if done != 2 {
		t.Fatalf("%d entries of actions done, want 2", done)
	}
}

// Changing an objective makes a new version and keeps the earlier one
// readable; a retired objective is listed apart, kept, and not changed.
func TestObjectiveVersionsAndRetiring(t *testing.T) {
	f, ctx := setup(t), context.Background()
	const id = "objective-accessible-services"
	o, _ := f.svc.Objective(id)
	if o.Version != 1 {
		t.Fatalf("a seeded objective is version %d", o.Version)
	}
	first := o.Statement
	o.Statement = "To provide a fair and accessible service"
	o.Measures[0].Target = o.Measures[0].Target + 1
	changed, err := f.svc.UpdateObjective(ctx, forum, o)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Version != 2 || len(changed.Earlier) != 1 || changed.Earlier[0].Statement != first || changed.Earlier[0].Version != 1 {
		t.Fatalf("after a change: version %d, earlier %+v", changed.Version, changed.Earlier)
	}
	if v1, ok := changed.VersionOf(1); !ok || v1.Statement != first || v1.Measures[0].Target == changed.Measures[0].Target {
		t.Fatalf("version 1: %+v, %v", v1, ok)
	}
	stale := o // still version 1
	if _, err := f.svc.UpdateObjective(ctx, forum, stale); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a change to an old version was taken: %v", err)
	}
	if err := f.svc.RetireObjective(ctx, analyst, id, "done"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst retired an objective: %v", err)
	}
	if err := f.svc.RetireObjective(ctx, forum, id, ""); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("retired without a reason: %v", err)
	}
	if err := f.svc.RetireObjective(ctx, forum, id, "Replaced by the 2027 strategy"); err != nil {
		t.Fatal(err)
	}
	if len(f.svc.Objectives()) != 2 || len(f.svc.RetiredObjectives()) != 1 {
		t.Fatalf("%d standing, %d retired", len(f.svc.Objectives()), len(f.svc.RetiredObjectives()))
	}
	kept, err := f.svc.Objective(id)
	if err != nil || kept.RetiredWhy != "Replaced by the 2027 strategy" || kept.RetiredBy != forum.PersonID || len(kept.Earlier) != 1 {
		t.Fatalf("the retired objective: %+v, %v", kept, err)
	}
	kept.Version = 0
	if _, err := f.svc.UpdateObjective(ctx, forum, kept); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a retired objective was changed: %v", err)
	}
	r, err := f.svc.MakeReport(ctx, forum, "2026-27-Q2", values{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r.Objectives {
		if x.ID == id {
			t.Fatal("a retired objective is reported on")
		}
	}
}

// Whoever may publish for an organisation records its publication of
// equality information made elsewhere; an analyst may not.
func TestRecordPublication(t *testing.T) {
	f, ctx := setup(t), context.Background()
	r := duty.Record{Kind: duty.Information, Date: now.AddDate(0, -1, 0), Title: "Equality information 2026", URL: "https://www.northshire.gov.uk/equality"}
	if _, err := f.svc.RecordPublication(ctx, analyst, r); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst recorded a publication: %v", err)
	}
	bad := r
	bad.URL = "northshire"
	if _, err := f.svc.RecordPublication(ctx, forum, bad); !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorProblems(err)[0].Field != "url" {
		t.Fatalf("a web address without https: %v", err)
	}
	got, err := f.svc.RecordPublication(ctx, forum, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrgID != forum.OrgID || got.RecordedBy != forum.PersonID || len(f.svc.DutyRecords()) != 1 || len(f.store.duties) != 1 {
		t.Fatalf("recorded %+v", got)
	}
}

// The forum and the board publish the annual report; it is kept and read back.
func TestPublishAnnual(t *testing.T) {
	f, ctx := setup(t), context.Background()
	r := strategy.AnnualReport{Year: "2025-26", Characteristics: []string{"Ethnic group"},
		Sections: []strategy.AnnualSection{{Heading: "Ethnic group", Notes: []string{"No table is published for the public."}}}}
	if _, err := f.svc.PublishAnnual(ctx, analyst, r); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an analyst published the annual report: %v", err)
	}
	if _, err := f.svc.PublishAnnual(ctx, forum, strategy.AnnualReport{Year: "2025"}); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("a report without a year: %v", err)
	}
	got, err := f.svc.PublishAnnual(ctx, forum, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID == "" || got.PublishedBy != forum.PersonID || len(f.svc.AnnualReports()) != 1 || len(f.store.annual) != 1 {
		t.Fatalf("published %+v", got)
	}
	if back, err := f.svc.AnnualReport(got.ID); err != nil || back.Sections[0].Notes[0] != "No table is published for the public." {
		t.Fatalf("read back %+v, %v", back, err)
	}
}

// Periods are said in words, and the periods offered run round today's.
func TestPeriodWords(t *testing.T) {
	for in, want := range map[string]string{"2025-26": "2025-26 (April 2025 to March 2026)", "2025-26-Q3": "2025-26 quarter 3 (October to December 2025)",
		"2025-26-Q4": "2025-26 quarter 4 (January to March 2026)", "soon": "soon"} {
		if got := strategy.PeriodLabel(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	ps := strategy.PeriodsAround(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), 1, 1)
	if len(ps) != 15 || ps[0] != "2025-26" || ps[1] != "2025-26-Q1" || ps[14] != "2027-28-Q4" {
		t.Errorf("periods around February 2027: %v", ps)
	}
}

// A report is read with the objectives as they stood when it was made: a
// measure since removed, or of an objective since retired, is still found.
func TestObjectivesAt(t *testing.T) {
	f, ctx := setup(t), context.Background()
	const id = "objective-accessible-services"
	o, _ := f.svc.Objective(id)
	removed := o.Measures[0].ID
	made := f.clock.Now()
	f.clock.Advance(time.Hour)
	o.Measures = o.Measures[1:]
	if _, err := f.svc.UpdateObjective(ctx, forum, o); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RetireObjective(ctx, forum, id, "Replaced"); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	var last strategy.Objective
	for _, x := range f.svc.ObjectivesAt(made) {
		for _, m := range x.Measures {
			found[m.ID] = true
		}
		if x.ID == id {
			last = x
		}
	}
	if !found[removed] || last.Version != 1 {
		t.Fatalf("as at the report: measure found %v, version last %d", found[removed], last.Version)
	}
}

// An objective set up with the demo partnership is dated the day it was
// set up, so its page never says it was set on no date.
func TestSeededObjectivesAreDated(t *testing.T) {
	f := setup(t)
	for _, o := range f.svc.Objectives() {
		if o.Created.IsZero() {
			t.Errorf("%s has no date it was set", o.ID)
		}
	}
}
