package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/hubtest"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

const (
	countyIssuer = "https://login.county.example"
	policeIssuer = "https://login.police.example"
)

func organisation(id, name, issuerURL string) hub.Organisation {
	return hub.Organisation{ID: id, Name: name, Kind: hub.KindCountyCouncil,
		Issuers: []hub.Issuer{{ID: "staff", Label: name + " staff", URL: issuerURL, ClientID: "hub", ClientSecret: "secret-" + id}}}
}

// process is one hub process: its read side, authorizer and directory, over a shared store.
type process struct {
	rs   *hub.ReadSide
	auth *hubtest.Authorizer
	dir  *directory.Service
}

func newProcess(t *testing.T, store *hubtest.Store, clock hub.Clock) *process {
	t.Helper()
	p := &process{rs: hub.NewReadSide(store, time.Minute, clock), auth: hubtest.NewAuthorizer(hubtest.DefaultRules())}
	p.dir = directory.New(store, p.auth, p.rs, clock)
	p.rs.Register(p.dir)
	if err := p.rs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

type fixture struct {
	*process
	store *hubtest.Store
	clock *hub.FixedClock
}

// newFixture returns a directory seeded with a county council and a police
// force, and an administrator "adm" at the county council.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	store := hubtest.NewStore()
	clock := hub.NewFixedClock(t0)
	f := &fixture{process: newProcess(t, store, clock), store: store, clock: clock}
	err := f.dir.Seed(context.Background(), hub.Partnership{Name: "Northshire Together", Area: "Northshire"},
		[]hub.Organisation{organisation("county", "Northshire County Council", countyIssuer), organisation("police", "Northshire Police", policeIssuer)},
		[]hub.Person{{ID: "adm", Issuer: countyIssuer, Subject: "sub-adm", OrgID: "county", Name: "Ada Admin", Grants: []hub.Grant{{Role: hub.RoleAdmin}}}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) principal(t *testing.T, id string) hub.Principal {
	t.Helper()
	p, err := f.dir.Principal(id, "session")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) signIn(t *testing.T, orgID, issuerURL, subject, name string) hub.Person {
	t.Helper()
	p, err := f.dir.SignIn(context.Background(), orgID, issuerURL, subject, name, subject+"@example.org")
	if err != nil {
		t.Fatalf("SignIn(%s, %s, %s): %v", orgID, issuerURL, subject, err)
	}
	return p
}

func wantCode(t *testing.T, what string, err error, code hub.Code) {
	t.Helper()
	if !hub.IsCode(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func problemFields(err error) []string {
	var fs []string
	for _, p := range hub.ErrorProblems(err) {
		fs = append(fs, p.Field)
	}
	return fs
}

func TestSignInCreatesMemberThenUpdates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "  Ann  ")
	if ann.ID == "" || ann.OrgID != "county" || ann.Name != "Ann" || ann.Email != "sub-ann@example.org" {
		t.Fatalf("first sign-in = %+v", ann)
	}
	if len(ann.Grants) != 0 || !slices.Equal(ann.Roles(), []hub.Role{hub.RoleMember}) {
		t.Fatalf("a first sign-in gave roles %v, want member only", ann.Roles())
	}
	if !ann.FirstSeen.Equal(t0) || !ann.LastSeen.Equal(t0) {
		t.Fatalf("first and last seen = %v, %v; want %v", ann.FirstSeen, ann.LastSeen, t0)
	}
	if stored, ok := f.store.PersonByIdentity(countyIssuer, "sub-ann"); !ok || stored.ID != ann.ID {
		t.Fatalf("the person was not stored: %+v", stored)
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermOrgRead, "county"); err != nil {
		t.Fatalf("a new member cannot read their organisation: %v", err)
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a new member can read data: %v", err)
	}

	if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAnalyst}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Hour)
	again := f.signIn(t, "county", countyIssuer, "sub-ann", strings.Repeat("é", 250))
	if again.ID != ann.ID {
		t.Fatalf("a second sign-in made a new person %s (was %s)", again.ID, ann.ID)
	}
	if len([]rune(again.Name)) != 200 {
		t.Fatalf("the name was not cut to 200 characters: %d", len([]rune(again.Name)))
	}
	if !again.FirstSeen.Equal(t0) || !again.LastSeen.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("first and last seen = %v, %v", again.FirstSeen, again.LastSeen)
	}
	if !again.Has(hub.RoleAnalyst) {
		t.Fatal("signing in again lost the person's roles")
	}
	if _, people, _, _ := f.store.Counts(); people != 2 {
		t.Fatalf("%d people stored, want 2", people)
	}
	if stored, _ := f.store.PersonByIdentity(countyIssuer, "sub-ann"); !stored.LastSeen.Equal(t0.Add(2 * time.Hour)) {
		t.Fatalf("the store did not get the new last seen: %v", stored.LastSeen)
	}
}

func TestSignInRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.dir.SignIn(ctx, "county", policeIssuer, "sub-bob", "Bob", "")
	wantCode(t, "an issuer not bound to the organisation", err, hub.CodeForbidden)
	_, err = f.dir.SignIn(ctx, "nowhere", countyIssuer, "sub-bob", "Bob", "")
	wantCode(t, "an unknown organisation", err, hub.CodeNotFound)
	_, err = f.dir.SignIn(ctx, "county", countyIssuer, "  ", "Bob", "")
	wantCode(t, "a blank subject", err, hub.CodeUnauthorized)
	if _, people, _, _ := f.store.Counts(); people != 1 {
		t.Fatalf("refused sign-ins stored people: %d", people)
	}
}

func TestSignInThroughAnotherOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	// The directory refuses to bind one issuer to two organisations, so the
	// second binding is written to the store directly, as a faulty process might.
	if err := f.store.CreateOrganisation(ctx, organisation("shadow", "Shadow Council", countyIssuer)); err != nil {
		t.Fatal(err)
	}
	if err := f.dir.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := f.dir.SignIn(ctx, "shadow", countyIssuer, "sub-ann", "Ann", "")
	wantCode(t, "a county person through the shadow council", err, hub.CodeForbidden)
	p, err := f.dir.Person(ann.ID)
	if err != nil || p.OrgID != "county" {
		t.Fatalf("the person changed organisation: %+v, %v", p, err)
	}
	if stored, _ := f.store.PersonByIdentity(countyIssuer, "sub-ann"); stored.OrgID != "county" {
		t.Fatalf("the stored person changed organisation: %+v", stored)
	}
}

func TestCreateOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	fire := organisation("fire", "Northshire Fire", "https://login.fire.example")

	wantCode(t, "a visitor", f.dir.CreateOrganisation(ctx, hub.Anonymous, fire), hub.CodeUnauthorized)
	wantCode(t, "a member", f.dir.CreateOrganisation(ctx, f.principal(t, ann.ID), fire), hub.CodeForbidden)
	if _, err := f.dir.Organisation("fire"); err == nil {
		t.Fatal("a refused organisation was added")
	}

	adm := f.principal(t, "adm")
	f.clock.Advance(time.Hour)
	if err := f.dir.CreateOrganisation(ctx, adm, fire); err != nil {
		t.Fatal(err)
	}
	got, err := f.dir.Organisation("fire")
	if err != nil || got.Name != "Northshire Fire" || !got.Created.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Organisation(fire) = %+v, %v", got, err)
	}
	if orgs, _, _, _ := f.store.Counts(); orgs != 3 {
		t.Fatalf("%d organisations stored, want 3", orgs)
	}

	err = f.dir.CreateOrganisation(ctx, adm, organisation("fire", "Another Fire", "https://login.fire2.example"))
	wantCode(t, "a taken ID", err, hub.CodeConflict)
	if fs := problemFields(err); !slices.Equal(fs, []string{"id"}) {
		t.Fatalf("a taken ID: problems on %v, want id", fs)
	}

	bad := organisation("Bad ID", "", "http://insecure.example")
	err = f.dir.CreateOrganisation(ctx, adm, bad)
	wantCode(t, "an invalid organisation", err, hub.CodeInvalid)
	if fs := problemFields(err); !slices.Equal(fs, []string{"id", "name", "issuers.0.url"}) {
		t.Fatalf("an invalid organisation: problems on %v", fs)
	}

	taken := organisation("nhs", "Northshire NHS", "https://login.nhs.example")
	taken.Issuers = append(taken.Issuers, hub.Issuer{ID: "borrowed", Label: "Borrowed", URL: policeIssuer, ClientID: "hub"})
	err = f.dir.CreateOrganisation(ctx, adm, taken)
	wantCode(t, "an issuer bound to the police", err, hub.CodeConflict)
	ps := hub.ErrorProblems(err)
	if len(ps) != 1 || ps[0].Field != "issuers.1.url" || !strings.Contains(ps[0].Message, "Northshire Police") {
		t.Fatalf("an issuer bound to the police: problems %+v, want one on issuers.1.url naming the police", ps)
	}
	if _, err := f.dir.Organisation("nhs"); err == nil {
		t.Fatal("an organisation with a taken issuer was added")
	}
}

func TestUpdateOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	adm := f.principal(t, "adm")
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")

	upd := organisation("county", "Northshire County Council (renamed)", countyIssuer)
	upd.Issuers[0].ClientSecret = ""
	upd.Issuers = append(upd.Issuers, hub.Issuer{ID: "contractors", Label: "Contractors", URL: "https://login.contractors.example", ClientID: "hub2", ClientSecret: "new-secret"})
	wantCode(t, "a member", f.dir.UpdateOrganisation(ctx, f.principal(t, ann.ID), upd), hub.CodeForbidden)

	f.clock.Advance(time.Hour)
	if err := f.dir.UpdateOrganisation(ctx, adm, upd); err != nil {
		t.Fatal(err)
	}
	got, _ := f.dir.Organisation("county")
	if got.Name != "Northshire County Council (renamed)" || len(got.Issuers) != 2 {
		t.Fatalf("the update was not kept: %+v", got)
	}
	if got.Issuers[0].ClientSecret != "secret-county" {
		t.Fatalf("an empty client secret replaced the one held: %q", got.Issuers[0].ClientSecret)
	}
	if got.Issuers[1].ClientSecret != "new-secret" {
		t.Fatalf("a new issuer's secret = %q", got.Issuers[1].ClientSecret)
	}
	if !got.Created.Equal(t0) {
		t.Fatalf("the update changed Created to %v", got.Created)
	}
	stored, _ := f.store.FindOrganisations(ctx)
	if i := slices.IndexFunc(stored, func(o hub.Organisation) bool { return o.ID == "county" }); stored[i].Issuers[0].ClientSecret != "secret-county" {
		t.Fatalf("the store lost the client secret: %+v", stored[i].Issuers)
	}

	changed := organisation("county", "Northshire County Council", countyIssuer)
	changed.Issuers[0].ClientSecret = "rotated"
	if err := f.dir.UpdateOrganisation(ctx, adm, changed); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.dir.Organisation("county"); got.Issuers[0].ClientSecret != "rotated" {
		t.Fatalf("a new client secret was not kept: %q", got.Issuers[0].ClientSecret)
	}
	// A provider moved to another address does not take the old secret with it.
	moved := organisation("county", "Northshire County Council", "https://login.elsewhere.example")
	moved.Issuers[0].ClientSecret = ""
	if err := f.dir.UpdateOrganisation(ctx, adm, moved); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.dir.Organisation("county"); got.Issuers[0].ClientSecret != "" {
		t.Fatalf("the secret followed the provider to a new address: %q", got.Issuers[0].ClientSecret)
	}
	if err := f.dir.UpdateOrganisation(ctx, adm, changed); err != nil {
		t.Fatal(err)
	}

	clash := organisation("county", "Northshire County Council", countyIssuer)
	clash.Issuers[0].URL = policeIssuer
	err := f.dir.UpdateOrganisation(ctx, adm, clash)
	wantCode(t, "binding the police's issuer", err, hub.CodeConflict)
	if fs := problemFields(err); !slices.Equal(fs, []string{"issuers.0.url"}) {
		t.Fatalf("binding the police's issuer: problems on %v", fs)
	}
	if got, _ := f.dir.Organisation("county"); got.Issuers[0].URL != countyIssuer {
		t.Fatal("a refused update changed memory")
	}

	err = f.dir.UpdateOrganisation(ctx, adm, organisation("nowhere", "Nowhere", "https://login.nowhere.example"))
	wantCode(t, "an unknown organisation", err, hub.CodeNotFound)
	invalid := organisation("county", "", countyIssuer)
	wantCode(t, "an invalid update", f.dir.UpdateOrganisation(ctx, adm, invalid), hub.CodeInvalid)
}

func TestSetGrants(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	adm := f.principal(t, "adm")
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	bob := f.signIn(t, "police", policeIssuer, "sub-bob", "Bob")

	err := f.dir.SetGrants(ctx, f.principal(t, ann.ID), ann.ID, []hub.Grant{{Role: hub.RoleAdmin}})
	wantCode(t, "a member granting themself admin", err, hub.CodeForbidden)
	wantCode(t, "a visitor", f.dir.SetGrants(ctx, hub.Anonymous, ann.ID, nil), hub.CodeUnauthorized)
	wantCode(t, "an unknown person", f.dir.SetGrants(ctx, adm, "nobody", nil), hub.CodeNotFound)
	err = f.dir.SetGrants(ctx, adm, ann.ID, []hub.Grant{{Role: hub.RoleAdvisoryMember}})
	wantCode(t, "an advisory member with no characteristic", err, hub.CodeInvalid)
	if got, _ := f.dir.Person(ann.ID); len(got.Grants) != 0 {
		t.Fatalf("refused grants were kept: %v", got.Grants)
	}

	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("before the grant: %v, want forbidden", err)
	}
	grants := []hub.Grant{{Role: hub.RoleDataSteward}}
	if err := f.dir.SetGrants(ctx, adm, ann.ID, grants); err != nil {
		t.Fatal(err)
	}
	grants[0].Role = hub.RoleAdmin
	if got, _ := f.dir.Person(ann.ID); !got.Has(hub.RoleDataSteward) || got.Has(hub.RoleAdmin) {
		t.Fatalf("the directory holds the caller's slice: %v", got.Grants)
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); err != nil {
		t.Fatalf("a data steward cannot read their data at once: %v", err)
	}
	if stored, _ := f.store.PersonByIdentity(countyIssuer, "sub-ann"); !slices.Equal(stored.Grants, []hub.Grant{{Role: hub.RoleDataSteward}}) {
		t.Fatalf("the store holds grants %v", stored.Grants)
	}

	if err := f.dir.SetGrants(ctx, adm, ann.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a revoked role still works: %v", err)
	}

	if err := f.dir.SetGrants(ctx, adm, bob.ID, []hub.Grant{{Role: hub.RoleAdmin}}); err != nil {
		t.Fatalf("an administrator granting a role in another organisation: %v", err)
	}
	err = f.dir.SetGrants(ctx, adm, "adm", []hub.Grant{{Role: hub.RoleAnalyst}})
	wantCode(t, "an administrator removing their own admin role", err, hub.CodeConflict)
	if err := hub.Authorize(f.auth, adm, hub.PermMembersManage, "county"); err != nil {
		t.Fatalf("the refused self-removal took effect: %v", err)
	}
	if err := f.dir.SetGrants(ctx, adm, "adm", []hub.Grant{{Role: hub.RoleAdmin}, {Role: hub.RoleAnalyst}}); err != nil {
		t.Fatalf("an administrator adding a role to themself: %v", err)
	}
	if err := f.dir.SetGrants(ctx, f.principal(t, bob.ID), "adm", nil); err != nil {
		t.Fatalf("another administrator removing the admin role: %v", err)
	}
	if err := hub.Authorize(f.auth, f.principal(t, "adm"), hub.PermMembersManage, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("the removed administrator can still manage members: %v", err)
	}
}

func TestSetGrantsStoreFailureChangesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	f.store.FailWith("UpdatePerson", hub.Errorf(hub.CodeUnavailable, "the store is down"))
	err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAnalyst}})
	wantCode(t, "a grant with the store down", err, hub.CodeUnavailable)
	if got, _ := f.dir.Person(ann.ID); got.Has(hub.RoleAnalyst) {
		t.Fatal("memory took a grant the store refused")
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatal("the authorizer took a grant the store refused")
	}
}

func TestMembers(t *testing.T) {
	f := newFixture(t)
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "ann")
	f.signIn(t, "county", countyIssuer, "sub-zed", "Zed")
	f.signIn(t, "county", countyIssuer, "sub-ben", "Ben")
	bob := f.signIn(t, "police", policeIssuer, "sub-bob", "Bob")

	ms, err := f.dir.Members(f.principal(t, ann.ID), "county")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"Ada Admin", "ann", "Ben", "Zed"}) {
		t.Fatalf("members = %v, want the county's people by name, ignoring case", names)
	}
	_, err = f.dir.Members(f.principal(t, bob.ID), "county")
	wantCode(t, "a police member listing the county's members", err, hub.CodeForbidden)
	_, err = f.dir.Members(hub.Anonymous, "county")
	wantCode(t, "a visitor listing members", err, hub.CodeUnauthorized)
	_, err = f.dir.Members(f.principal(t, ann.ID), "nowhere")
	wantCode(t, "an unknown organisation", err, hub.CodeNotFound)
	ms, err = f.dir.Members(f.principal(t, "adm"), "police")
	if err != nil || len(ms) != 1 || ms[0].ID != bob.ID {
		t.Fatalf("an administrator listing the police: %v, %v", ms, err)
	}
}

func TestSeedAndReads(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if f.dir.Empty() {
		t.Fatal("a seeded directory is empty")
	}
	if got := f.dir.Partnership(); got.Name != "Northshire Together" {
		t.Fatalf("Partnership = %+v", got)
	}
	if p, err := f.store.FindPartnership(ctx); err != nil || p.Name != "Northshire Together" {
		t.Fatalf("the stored partnership = %+v, %v", p, err)
	}
	var names []string
	for _, o := range f.dir.Organisations() {
		names = append(names, o.Name)
	}
	if !slices.Equal(names, []string{"Northshire County Council", "Northshire Police"}) {
		t.Fatalf("Organisations = %v, want by name", names)
	}
	adm, _ := f.dir.Person("adm")
	if !adm.FirstSeen.Equal(t0) || !adm.Has(hub.RoleAdmin) {
		t.Fatalf("the seeded administrator = %+v", adm)
	}
	if err := hub.Authorize(f.auth, f.principal(t, "adm"), hub.PermOrgManage, hub.DomainPartnership); err != nil {
		t.Fatalf("the seeded administrator cannot manage organisations: %v", err)
	}
	if _, err := f.dir.Principal("nobody", "session"); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("Principal of an unknown person = %v, want unauthorized", err)
	}

	err := f.dir.Seed(ctx, hub.Partnership{Name: "Again"}, []hub.Organisation{organisation("other", "Other", "https://login.other.example")}, nil)
	wantCode(t, "seeding a non-empty directory", err, hub.CodeConflict)
	if _, err := f.dir.Organisation("other"); err == nil {
		t.Fatal("a refused seed added an organisation")
	}

	empty := newProcess(t, hubtest.NewStore(), f.clock)
	if !empty.dir.Empty() {
		t.Fatal("a new directory is not empty")
	}
	wantCode(t, "seeding an unnamed partnership", empty.dir.Seed(ctx, hub.Partnership{}, nil, nil), hub.CodeInvalid)
	err = empty.dir.Seed(ctx, hub.Partnership{Name: "P"}, []hub.Organisation{organisation("a", "A", "https://login.a.example")},
		[]hub.Person{{Issuer: "https://login.a.example", Subject: "s", OrgID: "a", Grants: []hub.Grant{{Role: hub.RoleAdvisoryMember}}}})
	wantCode(t, "seeding a person with invalid grants", err, hub.CodeInvalid)
}

func TestReloadAcrossProcesses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	other := newProcess(t, f.store, f.clock)
	if _, err := other.dir.Person(ann.ID); err != nil {
		t.Fatalf("the other process does not know a person in the store at its load: %v", err)
	}

	if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAnalyst}}); err != nil {
		t.Fatal(err)
	}
	if err := f.dir.CreateOrganisation(ctx, f.principal(t, "adm"), organisation("fire", "Fire", "https://login.fire.example")); err != nil {
		t.Fatal(err)
	}
	if p, _ := other.dir.Person(ann.ID); p.Has(hub.RoleAnalyst) {
		t.Fatal("the other process saw the write before syncing")
	}
	f.clock.Advance(time.Minute)
	if err := other.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := other.dir.Person(ann.ID); !p.Has(hub.RoleAnalyst) {
		t.Fatal("the other process did not see the grant after Sync")
	}
	if _, err := other.dir.Organisation("fire"); err != nil {
		t.Fatalf("the other process did not see the new organisation after Sync: %v", err)
	}
	annThere, _ := other.dir.Principal(ann.ID, "session")
	if err := hub.Authorize(other.auth, annThere, hub.PermDataRead, "county"); err != nil {
		t.Fatalf("the other process's authorizer did not get the grant: %v", err)
	}

	admThere, _ := other.dir.Principal("adm", "session")
	if err := other.dir.SetGrants(ctx, admThere, ann.ID, nil); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := f.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.dir.Person(ann.ID); p.Has(hub.RoleAnalyst) {
		t.Fatal("the first process kept a grant the other process removed")
	}
	if err := hub.Authorize(f.auth, f.principal(t, ann.ID), hub.PermDataRead, "county"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("the first process's authorizer kept the removed grant: %v", err)
	}
}

func TestMoveIssuer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAnalyst}}); err != nil {
		t.Fatal(err)
	}
	bob := f.signIn(t, "police", policeIssuer, "sub-bob", "Bob")
	const moved = "http://127.0.0.1:8080/idp/county"

	before, _ := f.store.Generation(ctx)
	if err := f.dir.MoveIssuer(ctx, "county", "staff", countyIssuer); err != nil {
		t.Fatalf("moving an issuer to where it is: %v", err)
	}
	if err := f.dir.MoveIssuer(ctx, "county", "no-such-issuer", moved); err != nil {
		t.Fatalf("moving an unknown issuer: %v", err)
	}
	if after, _ := f.store.Generation(ctx); after != before {
		t.Fatal("a move that changes nothing wrote to the store")
	}
	wantCode(t, "an unknown organisation", f.dir.MoveIssuer(ctx, "nowhere", "staff", moved), hub.CodeNotFound)
	err := f.dir.MoveIssuer(ctx, "county", "staff", policeIssuer)
	wantCode(t, "moving onto the police's issuer", err, hub.CodeConflict)
	if o, _ := f.dir.Organisation("county"); o.Issuers[0].URL != countyIssuer {
		t.Fatal("a refused move changed the organisation")
	}
	wantCode(t, "moving onto an insecure address", f.dir.MoveIssuer(ctx, "county", "staff", "http://idp.example"), hub.CodeInvalid)

	if err := f.dir.MoveIssuer(ctx, "county", "staff", moved); err != nil {
		t.Fatal(err)
	}
	o, _ := f.dir.Organisation("county")
	if o.Issuers[0].URL != moved || o.Issuers[0].ClientSecret != "secret-county" {
		t.Fatalf("the moved issuer = %+v", o.Issuers[0])
	}
	_, err = f.dir.SignIn(ctx, "county", countyIssuer, "sub-ann", "Ann", "")
	wantCode(t, "signing in through the old address", err, hub.CodeForbidden)
	again := f.signIn(t, "county", moved, "sub-ann", "Ann")
	if again.ID != ann.ID || !again.Has(hub.RoleAnalyst) {
		t.Fatalf("after the move Ann is %+v, want the same person with her roles", again)
	}
	if _, ok := f.store.PersonByIdentity(moved, "sub-ann"); !ok {
		t.Fatal("the store's person was not moved")
	}
	if _, ok := f.store.PersonByIdentity(countyIssuer, "sub-ann"); ok {
		t.Fatal("the store still has the person at the old address")
	}
	if p, _ := f.dir.Person(bob.ID); p.Issuer != policeIssuer {
		t.Fatalf("a person of another organisation was moved: %+v", p)
	}
	if _, people, _, _ := f.store.Counts(); people != 3 {
		t.Fatalf("%d people stored, want 3", people)
	}
}
