package hubtest_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func org(id, issuerURL string) hub.Organisation {
	return hub.Organisation{ID: id, Name: id, Kind: hub.KindPolice,
		Issuers: []hub.Issuer{{ID: "main", Label: "Sign in", URL: issuerURL, ClientID: "hub", ClientSecret: "s"}}}
}

func TestStorePartnership(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	if _, err := s.FindPartnership(ctx); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("FindPartnership on an empty store: %v, want not_found", err)
	}
	want := hub.Partnership{Name: "Northshire Together", Area: "Northshire"}
	if err := s.SavePartnership(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindPartnership(ctx); err != nil || got != want {
		t.Fatalf("FindPartnership = %+v, %v; want %+v", got, err, want)
	}
}

func TestStoreOrganisations(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	if err := s.UpdateOrganisation(ctx, org("a", "https://a.example")); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("updating a missing organisation: %v, want not_found", err)
	}
	o := org("a", "https://a.example")
	if err := s.CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOrganisation(ctx, org("a", "https://other.example")); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("creating a duplicate ID: %v, want conflict", err)
	}
	o.Issuers[0].URL = "https://changed-by-caller.example"
	got, err := s.FindOrganisations(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("FindOrganisations = %v, %v", got, err)
	}
	if got[0].Issuers[0].URL != "https://a.example" {
		t.Fatalf("the caller's slice is aliased by the stored organisation: %q", got[0].Issuers[0].URL)
	}
	got[0].Issuers[0].URL = "https://changed-by-reader.example"
	again, _ := s.FindOrganisations(ctx)
	if again[0].Issuers[0].URL != "https://a.example" {
		t.Fatalf("a returned slice is aliased by the stored organisation: %q", again[0].Issuers[0].URL)
	}
	upd := org("a", "https://b.example")
	upd.Name = "Renamed"
	if err := s.UpdateOrganisation(ctx, upd); err != nil {
		t.Fatal(err)
	}
	again, _ = s.FindOrganisations(ctx)
	if again[0].Name != "Renamed" || again[0].Issuers[0].URL != "https://b.example" {
		t.Fatalf("update not kept: %+v", again[0])
	}
}

func TestStorePeople(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	p := hub.Person{ID: "p1", Issuer: "https://a.example", Subject: "ann", OrgID: "a", Grants: []hub.Grant{{Role: hub.RoleAnalyst}}}
	if err := s.SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Name = "Ann"
	if err := s.SavePerson(ctx, p); err != nil {
		t.Fatalf("replacing a person by ID: %v", err)
	}
	dup := hub.Person{ID: "p2", Issuer: "https://a.example", Subject: "ann", OrgID: "a"}
	if err := s.SavePerson(ctx, dup); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("another person with the same issuer and subject: %v, want conflict", err)
	}
	other := hub.Person{ID: "p3", Issuer: "https://b.example", Subject: "ann", OrgID: "b"}
	if err := s.SavePerson(ctx, other); err != nil {
		t.Fatalf("the same subject at another issuer is another person: %v", err)
	}
	p.Grants[0].Role = hub.RoleAdmin
	people, err := s.FindPeople(ctx)
	if err != nil || len(people) != 2 {
		t.Fatalf("FindPeople = %v, %v", people, err)
	}
	if people[0].ID != "p1" || people[0].Name != "Ann" || people[0].Grants[0].Role != hub.RoleAnalyst {
		t.Fatalf("stored person = %+v; want Ann, analyst, not aliased", people[0])
	}
	people[0].Grants[0].Role = hub.RoleAdmin
	if got, _ := s.PersonByIdentity("https://a.example", "ann"); got.Grants[0].Role != hub.RoleAnalyst {
		t.Fatalf("a returned person's grants are aliased: %+v", got.Grants)
	}
}

func TestStoreSessions(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	for i, exp := range []time.Time{t0.Add(-time.Hour), t0, t0.Add(time.Hour)} {
		if err := s.CreateSession(ctx, hub.Session{ID: fmt.Sprint("s", i), PersonID: "p", Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, hub.Session{ID: "s0"}); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("duplicate session ID: %v, want conflict", err)
	}
	if n, err := s.DeleteSessionsExpiredBefore(ctx, t0); err != nil || n != 1 {
		t.Fatalf("DeleteSessionsExpiredBefore = %d, %v; want 1", n, err)
	}
	if err := s.DeleteSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "missing"); err != nil {
		t.Fatalf("deleting a missing session: %v", err)
	}
	ss, _ := s.FindSessions(ctx)
	if len(ss) != 1 || ss[0].ID != "s2" {
		t.Fatalf("sessions left = %+v, want only s2", ss)
	}
}

func TestStoreTokensAndGeneration(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	tok := hub.APIToken{ID: "t1", Hash: "h", PersonID: "p", Expires: t0}
	if err := s.SaveAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	tok.Revoked = t0
	if err := s.SaveAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	ts, _ := s.FindAPITokens(ctx)
	if len(ts) != 1 || ts[0].Revoked != t0 {
		t.Fatalf("tokens = %+v, want t1 revoked", ts)
	}
	if g, _ := s.Generation(ctx); g != 0 {
		t.Fatalf("Generation before any bump = %d", g)
	}
	for want := int64(1); want <= 3; want++ {
		if g, err := s.BumpGeneration(ctx); err != nil || g != want {
			t.Fatalf("BumpGeneration = %d, %v; want %d", g, err, want)
		}
	}
	if g, _ := s.Generation(ctx); g != 3 {
		t.Fatalf("Generation = %d, want 3", g)
	}
}

func TestStoreHook(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	down := hub.Errorf(hub.CodeUnavailable, "down")
	s.FailWith("Ping", down)
	if err := s.Ping(ctx); !errors.Is(err, down) {
		t.Fatalf("Ping = %v, want the injected error", err)
	}
	s.FailWith("SavePerson", down)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after the failure moved on: %v", err)
	}
	if err := s.SavePerson(ctx, hub.Person{ID: "p"}); !errors.Is(err, down) {
		t.Fatalf("SavePerson = %v, want the injected error", err)
	}
	if _, people, _, _ := s.Counts(); people != 0 {
		t.Fatal("a failed SavePerson stored the person")
	}
	s.SetHook(nil)
	if err := s.SavePerson(ctx, hub.Person{ID: "p"}); err != nil {
		t.Fatal(err)
	}
}

func TestStoreConcurrent(t *testing.T) {
	ctx := context.Background()
	s := hubtest.NewStore()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_ = s.SavePerson(ctx, hub.Person{ID: fmt.Sprint("p", i), Issuer: "https://a.example", Subject: fmt.Sprint(i)})
			_, _ = s.BumpGeneration(ctx)
			_, _ = s.FindPeople(ctx)
		})
	}
	wg.Wait()
	if g, _ := s.Generation(ctx); g != 20 {
		t.Fatalf("Generation after 20 concurrent bumps = %d", g)
	}
	if _, people, _, _ := s.Counts(); people != 20 {
		t.Fatalf("people after 20 concurrent saves = %d", people)
	}
}
