package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub"
)

// The store contract: what the domain relies on from any store. It runs on the
// embedded database, and on MongoDB when HUB_TEST_MONGO_URI is set.

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func TestPartnership(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	if _, err := s.FindPartnership(ctx); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("empty store: got %v, want not found", err)
	}
	p := hub.Partnership{Name: "Northshire Together", Area: "Northshire"}
	if err := s.SavePartnership(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Name = "Northshire Together Partnership"
	if err := s.SavePartnership(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindPartnership(ctx)
	if err != nil || got != p {
		t.Fatalf("got %+v, %v; want %+v", got, err, p)
	}
}

func TestOrganisations(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	o := hub.Organisation{ID: "northshire-police", Name: "Northshire Police", Kind: hub.KindPolice, Created: t0,
		Issuers: []hub.Issuer{{ID: "staff", Label: "Staff", URL: "https://login.police.example", ClientID: "hub", ClientSecret: "s3cret"}}}
	if err := s.CreateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateOrganisation(ctx, o); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("creating twice: got %v, want conflict", err)
	}
	o.Name = "Northshire Constabulary"
	if err := s.UpdateOrganisation(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateOrganisation(ctx, hub.Organisation{ID: "nobody"}); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("updating a missing organisation: got %v, want not found", err)
	}
	os, err := s.FindOrganisations(ctx)
	if err != nil || len(os) != 1 {
		t.Fatalf("got %v, %v", os, err)
	}
	if got := os[0]; got.Name != o.Name || !got.Created.Equal(t0) || len(got.Issuers) != 1 || got.Issuers[0] != o.Issuers[0] {
		t.Fatalf("round trip: got %+v, want %+v", got, o)
	}
}

func TestPeople(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	p := hub.Person{ID: "p1", Issuer: "https://idp.example", Subject: "abc", OrgID: "county", Name: "Priya Shah",
		Grants: []hub.Grant{{Role: hub.RoleForumMember}, {Role: hub.RoleAdvisoryMember, Characteristic: hub.Disability}}, FirstSeen: t0, LastSeen: t0}
	if err := s.SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Grants = p.Grants[:1]
	if err := s.SavePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	clash := hub.Person{ID: "p2", Issuer: p.Issuer, Subject: p.Subject, OrgID: "county"}
	if err := s.SavePerson(ctx, clash); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a second person with the same issuer and subject: got %v, want conflict", err)
	}
	ps, err := s.FindPeople(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("got %v, %v", ps, err)
	}
	if got := ps[0]; got.Name != p.Name || len(got.Grants) != 1 || got.Grants[0] != p.Grants[0] || !got.FirstSeen.Equal(t0) {
		t.Fatalf("round trip: got %+v", got)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	for i, exp := range []time.Time{t0.Add(-time.Hour), t0.Add(time.Hour)} {
		x := hub.Session{ID: string(rune('a' + i)), PersonID: "p1", Created: t0.Add(-2 * time.Hour), Expires: exp}
		if err := s.CreateSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, hub.Session{ID: "a"}); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a repeated session ID: got %v, want conflict", err)
	}
	n, err := s.DeleteSessionsExpiredBefore(ctx, t0)
	if err != nil || n != 1 {
		t.Fatalf("purge: got %d, %v; want 1", n, err)
	}
	if err := s.DeleteSession(ctx, "missing"); err != nil {
		t.Fatalf("deleting a missing session: %v", err)
	}
	ss, err := s.FindSessions(ctx)
	if err != nil || len(ss) != 1 || ss[0].ID != "b" || !ss[0].Expires.Equal(t0.Add(time.Hour)) {
		t.Fatalf("got %+v, %v", ss, err)
	}
	tok := hub.APIToken{ID: "t1", Hash: "h", PersonID: "p1", OrgID: "county", Name: "script", Created: t0, Expires: t0.Add(24 * time.Hour), Scope: hub.ScopeUpload}
	if err := s.SaveAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	ts, err := s.FindAPITokens(ctx)
	if err != nil || len(ts) != 1 || !ts[0].Revoked.IsZero() || !ts[0].Active(t0) {
		t.Fatalf("got %+v, %v", ts, err)
	}
	tok.Revoked = t0.Add(time.Minute)
	if err := s.SaveAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	ts, _ = s.FindAPITokens(ctx)
	if len(ts) != 1 || ts[0].Active(t0.Add(2*time.Minute)) || ts[0].Scope != hub.ScopeUpload {
		t.Fatalf("a revoked token is still active, or lost its scope: %+v", ts)
	}
	// The hub's key is kept once: every later process gets the first key.
	first, err := s.SecretKey(ctx, "cookies", []byte("first key"))
	if err != nil || string(first) != "first key" {
		t.Fatalf("keeping a key: %q, %v", first, err)
	}
	if again, err := s.SecretKey(ctx, "cookies", []byte("second key")); err != nil || string(again) != "first key" {
		t.Fatalf("a second process got key %q (%v), want the first", again, err)
	}
}

func TestGeneration(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	if g, err := s.Generation(ctx); err != nil || g != 0 {
		t.Fatalf("fresh store: got %d, %v", g, err)
	}
	for want := int64(1); want <= 3; want++ {
		if g, err := s.BumpGeneration(ctx); err != nil || g != want {
			t.Fatalf("bump: got %d, %v; want %d", g, err, want)
		}
	}
	if g, _ := s.Generation(ctx); g != 3 {
		t.Fatalf("got %d, want 3", g)
	}
}
