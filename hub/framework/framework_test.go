package framework_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/hubtest"
)

func TestBuiltInFrameworksValidate(t *testing.T) {
	fs, err := framework.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]framework.Framework{}
	for _, f := range fs {
		if err := f.Validate(); err != nil {
			t.Errorf("%s: %v", f.ID, err)
		}
		byID[f.ID] = f
	}
	eflg := byID["eflg"]
	if len(eflg.Modules) != 4 || len(eflg.Themes()) != 18 {
		t.Errorf("EFLG has %d modules and %d themes, want 4 and 18", len(eflg.Modules), len(eflg.Themes()))
	}
	var codes []string
	for _, l := range eflg.Levels {
		codes = append(codes, l.Code)
	}
	if !reflect.DeepEqual(codes, []string{"developing", "achieving", "excellent"}) {
		t.Errorf("EFLG levels %v", codes)
	}
	for _, th := range eflg.Themes() {
		if th.Description == "" || len(th.Evidence) == 0 {
			t.Errorf("theme %s lacks a description or evidence", th.ID)
		}
	}
	es := byID["equality-standard"]
	if len(es.Levels) != 5 || es.Levels[0].Code != "level-1" || es.Levels[4].Code != "level-5" {
		t.Errorf("equality standard levels %+v", es.Levels)
	}
}

func TestDecodeRefusesBadFiles(t *testing.T) {
	for name, c := range map[string]struct{ in, want string }{
		"unknown field": {"{\n  \"id\": \"x\",\n  \"colour\": \"red\"\n}", `row 3: The field "colour" is not part of a framework`},
		"malformed":     {"{\n  \"id\": \"x\",\n  \"name\" \"y\"\n}", "row 3: The file is not valid JSON"},
		"wrong type":    {"{\"id\": \"x\", \"levels\": 3}", `The field "levels" should be`},
		"truncated":     {"{\"id\": \"x\",", "ends before"},
		"empty":         {"", "empty"},
		"two":           {`{"id":"a"} {"id":"b"}`, "more after the framework"},
		"no levels":     {`{"id":"a","name":"A","modules":[{"id":"m","name":"M","themes":[{"id":"t","name":"T"}]}]}`, "at least one level"},
		"no themes":     {`{"id":"a","name":"A","levels":[{"code":"l","label":"L","rank":1}]}`, "at least one theme"},
		"ranks": {`{"id":"a","name":"A","levels":[{"code":"l","label":"L","rank":2},{"code":"m","label":"M","rank":1}],
			"modules":[{"id":"m","name":"M","themes":[{"id":"t","name":"T"},{"id":"t","name":"U"}]}]}`, "must rank above"},
		"duplicate theme": {`{"id":"a","name":"A","levels":[{"code":"l","label":"L","rank":1}],
			"modules":[{"id":"m","name":"M","themes":[{"id":"t","name":"T"},{"id":"t","name":"U"}]}]}`, `theme ID "t" is used twice`},
	} {
		_, err := framework.Decode(strings.NewReader(c.in))
		if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want invalid with %q", name, err, c.want)
		}
	}
}

type memStore struct {
	mu          sync.Mutex
	frameworks  map[string]framework.Framework
	assessments map[string]framework.Assessment
}

func (m *memStore) FindAssessments(context.Context) ([]framework.Assessment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []framework.Assessment
	for _, a := range m.assessments {
		out = append(out, a)
	}
	return out, nil
}

func (m *memStore) SaveAssessment(_ context.Context, a framework.Assessment) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.assessments[a.Key()] = a
	return nil
}

func (m *memStore) FindFrameworks(context.Context) ([]framework.Framework, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []framework.Framework
	for _, f := range m.frameworks {
		out = append(out, f)
	}
	return out, nil
}

func (m *memStore) SaveFramework(_ context.Context, f framework.Framework) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.frameworks[f.ID] = f
	return nil
}

var (
	countyForum = hubtest.Principal("cf", "northshire-county", hub.RoleForumMember)
	policeForum = hubtest.Principal("pf", "northshire-police", hub.RoleForumMember)
	advisor     = hubtest.Principal("ad", "vcs", hub.RoleAdvisoryMember)
	analyst     = hubtest.Principal("an", "northshire-county", hub.RoleAnalyst)
	start       = time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
)

type fixture struct {
	svc   *framework.Service
	store *memStore
	log   *hubtest.Log
	clock *hub.FixedClock
	rs    *hub.ReadSide
	ctx   context.Context
}

func setup(t *testing.T) *fixture {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	for _, p := range []hub.Principal{countyForum, policeForum, advisor, analyst} {
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := framework.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	clock := hub.NewFixedClock(start)
	f := &fixture{store: &memStore{frameworks: map[string]framework.Framework{}, assessments: map[string]framework.Assessment{}},
		log: &hubtest.Log{}, clock: clock, rs: hub.NewReadSide(hubtest.NewStore(), 0, clock), ctx: context.Background()}
	f.svc = framework.NewService(f.store, auth, f.rs, clock, f.log, fs)
	f.rs.Register(f.svc)
	if err := f.rs.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRecordAndHistory(t *testing.T) {
	f := setup(t)
	ev := []framework.EvidenceLink{{Kind: "eia", Title: "Library hours EIA", Link: "/eia/1"}}
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "impact-assessment", "developing", ev, "first go"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	a, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "impact-assessment", "achieving", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Level != "achieving" || len(a.History) != 1 || a.History[0].Level != "developing" || a.History[0].Note != "first go" || !a.At.Equal(start.Add(time.Hour)) {
		t.Fatalf("assessment %+v", a)
	}
	if got := f.store.assessments[a.Key()]; !reflect.DeepEqual(got, a) {
		t.Fatalf("stored %+v", got)
	}
	if len(f.log.Entries()) != 2 || f.log.Entries()[1].Action != framework.ActionAssess || f.log.Entries()[1].Owner != "northshire-county" {
		t.Fatalf("audit %+v", f.log.Entries())
	}

	// Another process's view after a reload is the same.
	g := setup(t)
	g.store = f.store
	svc := framework.NewService(f.store, hubtest.NewAuthorizer(nil), g.rs, g.clock, g.log, mustBuiltIn(t))
	if err := svc.Reload(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok := svc.Assessment("northshire-county", "eflg", "impact-assessment"); !ok || !reflect.DeepEqual(got, a) {
		t.Fatalf("reloaded %+v", got)
	}
}

func mustBuiltIn(t *testing.T) []framework.Framework {
	fs, err := framework.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestRecordRefusals(t *testing.T) {
	f := setup(t)
	for name, c := range map[string]struct {
		actor               hub.Principal
		org, fw, theme, lvl string
		code                hub.Code
	}{
		"unknown level":     {countyForum, "northshire-county", "eflg", "leadership", "level-3", hub.CodeInvalid},
		"unknown theme":     {countyForum, "northshire-county", "eflg", "commitment", "achieving", hub.CodeInvalid},
		"unknown framework": {countyForum, "northshire-county", "nope", "leadership", "achieving", hub.CodeNotFound},
		"another org":       {countyForum, "northshire-police", "eflg", "leadership", "achieving", hub.CodeForbidden},
		"no role":           {analyst, "northshire-county", "eflg", "leadership", "achieving", hub.CodeForbidden},
		"anonymous":         {hub.Anonymous, "northshire-county", "eflg", "leadership", "achieving", hub.CodeUnauthorized},
	} {
		_, err := f.svc.Record(f.ctx, c.actor, c.org, c.fw, c.theme, c.lvl, nil, "")
		if !hub.IsCode(err, c.code) {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	if len(f.store.assessments) != 0 || len(f.log.Entries()) != 0 {
		t.Fatal("a refused record was written")
	}
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "equality-standard", "commitment", "level-3", nil, ""); err != nil {
		t.Fatal(err)
	}
}

func TestChallenge(t *testing.T) {
	f := setup(t)
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Really?"); !hub.IsCode(err, hub.CodeInvalid) || hub.ErrorProblems(err)[0].Field != "theme" {
		t.Fatalf("challenge of nothing: %v", err)
	}
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "excellent", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Challenge(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "We are great"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("own challenge: %v", err)
	}
	if err := f.svc.Challenge(f.ctx, analyst, "northshire-police", "eflg", "leadership", "x"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("analyst challenge: %v", err)
	}
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "  "); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("empty challenge: %v", err)
	}
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Where is the evidence?"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Challenge(f.ctx, advisor, "northshire-county", "eflg", "leadership", "Disabled residents were not asked"); err != nil {
		t.Fatal(err)
	}
	a, _ := f.svc.Assessment("northshire-county", "eflg", "leadership")
	if len(a.Challenges) != 2 || a.Challenges[0].ByOrg != "northshire-police" || a.Challenges[1].ByPerson != "ad" {
		t.Fatalf("challenges %+v", a.Challenges)
	}
	// A new record keeps the challenges.
	a, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "achieving", nil, "")
	if err != nil || len(a.Challenges) != 2 {
		t.Fatalf("after re-record: %v %+v", err, a.Challenges)
	}
}

func TestAdd(t *testing.T) {
	f := setup(t)
	fw := framework.Framework{ID: "local", Name: "Local", Levels: []framework.Level{{Code: "bronze", Label: "Bronze", Rank: 1}},
		Modules: []framework.Module{{ID: "m", Name: "M", Themes: []framework.Theme{{ID: "t", Name: "T"}}}}}
	if err := f.svc.Add(f.ctx, analyst, fw); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("analyst add: %v", err)
	}
	if err := f.svc.Add(f.ctx, countyForum, fw); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Add(f.ctx, countyForum, fw); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("second add: %v", err)
	}
	bad := fw
	bad.ID = "eflg"
	if err := f.svc.Add(f.ctx, countyForum, bad); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("add over built-in: %v", err)
	}
	if len(f.store.frameworks) != 1 {
		t.Fatalf("stored %d frameworks, want only the added one", len(f.store.frameworks))
	}
	if err := f.rs.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	if fs := f.svc.Frameworks(); len(fs) != 3 || fs[2].ID != "local" {
		t.Fatalf("frameworks %v", fs)
	}
	if _, err := f.svc.Record(f.ctx, policeForum, "northshire-police", "local", "t", "bronze", nil, ""); err != nil {
		t.Fatal(err)
	}
}

func TestGrid(t *testing.T) {
	f := setup(t)
	rec := func(p hub.Principal, theme, level string) {
		t.Helper()
		if _, err := f.svc.Record(f.ctx, p, p.OrgID, "eflg", theme, level, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	rec(countyForum, "leadership", "developing")
	rec(countyForum, "leadership", "achieving")
	rec(policeForum, "leadership", "achieving")
	rec(policeForum, "leadership", "achieving") // re-recorded, not moved
	rec(policeForum, "service-delivery", "excellent")
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "why?"); err != nil {
		t.Fatal(err)
	}
	orgs := []string{"northshire-county", "northshire-police", "northshire-fire"}
	g := f.svc.Grid("eflg", orgs)
	if len(g.Themes) != 18 || len(g.Cells) != 18 || !reflect.DeepEqual(g.Orgs, orgs) {
		t.Fatalf("grid shape %d themes, %d rows", len(g.Themes), len(g.Cells))
	}
	row := func(id string) []framework.Cell {
		for i, th := range g.Themes {
			if th.ID == id {
				return g.Cells[i]
			}
		}
		t.Fatalf("no theme %s", id)
		return nil
	}
	lead := row("leadership")
	if want := (framework.Cell{Level: "achieving", Label: "Achieving", Rank: 2, Changed: true, Challenges: 1, Unanswered: 1}); lead[0] != want {
		t.Errorf("county %+v", lead[0])
	}
	if want := (framework.Cell{Level: "achieving", Label: "Achieving", Rank: 2}); lead[1] != want {
		t.Errorf("police %+v", lead[1])
	}
	if lead[2] != (framework.Cell{}) {
		t.Errorf("fire %+v", lead[2])
	}
	if c := row("service-delivery")[1]; c.Rank != 3 || c.Changed {
		t.Errorf("police delivery %+v", c)
	}
	if g := f.svc.Grid("nope", orgs); len(g.Cells) != 0 {
		t.Errorf("unknown framework grid %+v", g)
	}
}

func TestSuggest(t *testing.T) {
	f := setup(t)
	got := f.svc.Suggest("partnership-priorities", map[string]int{"eia": 3, "protocols": 1, "returns": 9})
	if want := []string{"1 signed data sharing protocol", "3 signed impact assessments"}; !reflect.DeepEqual(got, want) {
		t.Errorf("suggest %q, want %q", got, want)
	}
	if got := f.svc.Suggest("impact-assessment", map[string]int{"returns": 2}); len(got) != 0 {
		t.Errorf("suggest without evidence %q", got)
	}
	if got := f.svc.Suggest("nope", map[string]int{"eia": 2}); len(got) != 0 {
		t.Errorf("suggest for unknown theme %q", got)
	}
}

func TestDemoLevels(t *testing.T) {
	a, b := framework.DemoLevels(), framework.DemoLevels()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("demo levels differ between calls")
	}
	eflg := mustBuiltIn(t)[0]
	if eflg.ID != "eflg" {
		eflg = mustBuiltIn(t)[1]
	}
	if len(a) != 7 {
		t.Fatalf("%d orgs", len(a))
	}
	for org, levels := range a {
		if len(levels) != 18 {
			t.Errorf("%s has %d themes", org, len(levels))
		}
		for th, l := range levels {
			if _, ok := eflg.Theme(th); !ok {
				t.Errorf("%s: unknown theme %s", org, th)
			}
			if _, ok := eflg.Level(l); !ok {
				t.Errorf("%s: unknown level %s", org, l)
			}
		}
	}
}
