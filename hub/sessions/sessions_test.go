package sessions_test

import (
	"context"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/sessions"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

const (
	day          = 24 * time.Hour
	sessionTTL   = 8 * time.Hour
	countyIssuer = "https://login.county.example"
	policeIssuer = "https://login.police.example"
)

// process is one hub process over a shared store.
type process struct {
	rs   *hub.ReadSide
	auth *hubtest.Authorizer
	dir  *directory.Service
	sess *sessions.Service
}

func newProcess(t *testing.T, store *hubtest.Store, clock hub.Clock) *process {
	t.Helper()
	p := &process{rs: hub.NewReadSide(store, time.Minute, clock), auth: hubtest.NewAuthorizer(hubtest.DefaultRules())}
	p.dir = directory.New(store, p.auth, p.rs, clock)
	p.sess = sessions.New(store, p.dir, p.auth, p.rs, clock, sessions.Config{SessionTTL: sessionTTL, MaxTokenTTL: 90 * day})
	p.rs.Register(p.dir, p.sess)
	if err := p.rs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

type fixture struct {
	*process
	store *hubtest.Store
	clock *hub.FixedClock
	ann   hub.Person // a member of the county council
	bob   hub.Person // a member of the police
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	store := hubtest.NewStore()
	clock := hub.NewFixedClock(t0)
	f := &fixture{process: newProcess(t, store, clock), store: store, clock: clock}
	org := func(id, url string) hub.Organisation {
		return hub.Organisation{ID: id, Name: id, Kind: hub.KindPolice, Issuers: []hub.Issuer{{ID: "staff", Label: "Staff", URL: url, ClientID: "hub"}}}
	}
	err := f.dir.Seed(ctx, hub.Partnership{Name: "Northshire Together"},
		[]hub.Organisation{org("county", countyIssuer), org("police", policeIssuer)},
		[]hub.Person{{ID: "adm", Issuer: countyIssuer, Subject: "sub-adm", OrgID: "county", Grants: []hub.Grant{{Role: hub.RoleAdmin}}}})
	if err != nil {
		t.Fatal(err)
	}
	if f.ann, err = f.dir.SignIn(ctx, "county", countyIssuer, "sub-ann", "Ann", ""); err != nil {
		t.Fatal(err)
	}
	if f.bob, err = f.dir.SignIn(ctx, "police", policeIssuer, "sub-bob", "Bob", ""); err != nil {
		t.Fatal(err)
	}
	// Tokens work only for people who hold a role in their organisation.
	for _, p := range []*hub.Person{&f.ann, &f.bob} {
		if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), p.ID, []hub.Grant{{Role: hub.RoleEIAAuthor}}); err != nil {
			t.Fatal(err)
		}
		if *p, err = f.dir.Person(p.ID); err != nil {
			t.Fatal(err)
		}
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

func wantCode(t *testing.T, what string, err error, code hub.Code) {
	t.Helper()
	if !hub.IsCode(err, code) {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func TestSessionStartPrincipalEnd(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	token, x, err := f.sess.Start(ctx, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < 40 || x.PersonID != f.ann.ID || !x.Created.Equal(t0) || !x.Expires.Equal(t0.Add(sessionTTL)) {
		t.Fatalf("Start = %q, %+v", token, x)
	}
	other, _, err := f.sess.Start(ctx, f.ann.ID)
	if err != nil || other == token {
		t.Fatalf("a second session has the same token (%v)", err)
	}
	p, got, err := f.sess.Principal(token)
	if err != nil {
		t.Fatal(err)
	}
	if p.PersonID != f.ann.ID || p.OrgID != "county" || p.Via != "session" || got.ID != x.ID {
		t.Fatalf("Principal = %+v, %+v", p, got)
	}
	_, _, err = f.sess.Principal(token + "x")
	wantCode(t, "a wrong token", err, hub.CodeUnauthorized)
	_, _, err = f.sess.Principal("")
	wantCode(t, "an empty token", err, hub.CodeUnauthorized)

	if err := f.sess.End(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.sess.Principal(token)
	wantCode(t, "an ended session", err, hub.CodeUnauthorized)
	if _, _, err := f.sess.Principal(other); err != nil {
		t.Fatalf("ending one session ended another: %v", err)
	}
	if _, _, sessionsLeft, _ := f.store.Counts(); sessionsLeft != 1 {
		t.Fatalf("%d sessions stored after End, want 1", sessionsLeft)
	}
	if err := f.sess.End(ctx, "never-issued"); err != nil {
		t.Fatalf("ending an unknown session: %v", err)
	}
}

func TestSessionOfUnknownPerson(t *testing.T) {
	f := newFixture(t)
	token, _, err := f.sess.Start(context.Background(), "ghost")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.sess.Principal(token)
	wantCode(t, "a session of a person the directory does not know", err, hub.CodeUnauthorized)
}

func TestSessionExpires(t *testing.T) {
	f := newFixture(t)
	token, _, err := f.sess.Start(context.Background(), f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(sessionTTL - time.Second)
	if _, _, err := f.sess.Principal(token); err != nil {
		t.Fatalf("a session a second before it expires: %v", err)
	}
	f.clock.Advance(time.Second)
	_, _, err = f.sess.Principal(token)
	wantCode(t, "a session at its expiry", err, hub.CodeUnauthorized)
}

func TestPurgeExpired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, _, err := f.sess.Start(ctx, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(4 * time.Hour)
	fresh, _, err := f.sess.Start(ctx, f.bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.sess.PurgeExpired(ctx); err != nil || n != 0 {
		t.Fatalf("PurgeExpired with nothing expired = %d, %v", n, err)
	}
	f.clock.Advance(5 * time.Hour)
	if n, err := f.sess.PurgeExpired(ctx); err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v; want 1", n, err)
	}
	ss, _ := f.store.FindSessions(ctx)
	if len(ss) != 1 || ss[0].PersonID != f.bob.ID {
		t.Fatalf("sessions left in the store = %+v, want Bob's", ss)
	}
	if _, _, err := f.sess.Principal(fresh); err != nil {
		t.Fatalf("a live session was purged: %v", err)
	}
	if n, _ := f.sess.PurgeExpired(ctx); n != 0 {
		t.Fatalf("a second purge removed %d", n)
	}
}

func TestCreateAPITokenValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.principal(t, f.ann.ID)
	cases := []struct {
		name    string
		days    int
		fields  []string
		message string // what the days problem says, when there is one
	}{
		{"", 0, []string{"name", "days"}, "from 1 to 90"},
		{"   ", 30, []string{"name"}, ""},
		{strings.Repeat("n", 101), 30, []string{"name"}, ""},
		{"monthly \x1b[31mupload", 30, []string{"name"}, ""},
		{"monthly \u202eupload", 30, []string{"name"}, ""},
		{"script", -1, []string{"days"}, "-1 days is fewer than 1: choose from 1 to 90"},
		{"script", 0, []string{"days"}, "0 days is fewer than 1"},
		{"script", 91, []string{"days"}, "91 days is more than the 90 allowed"},
		{"script", 120, []string{"days"}, "120 days is more than the 90 allowed: choose from 1 to 90"},
		// 213504 days times a day in nanoseconds wraps round to 25 minutes.
		{"script", 213504, []string{"days"}, "213504 days is more than the 90 allowed"},
		{"script", math.MaxInt, []string{"days"}, "more than the 90 allowed"},
		{"script", math.MinInt, []string{"days"}, "fewer than 1"},
		{"script", 90, nil, ""},
	}
	for _, c := range cases {
		_, tok, err := f.sess.CreateAPIToken(ctx, ann, c.name, c.days, hub.ScopeRead)
		if c.fields == nil {
			if err != nil || !tok.Expires.Equal(t0.Add(90*day)) {
				t.Errorf("days %d: %v, expires %v", c.days, err, tok.Expires)
			}
			if err := f.sess.RevokeAPIToken(ctx, ann, tok.ID); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("name %q, days %d: %v, want invalid", c.name, c.days, err)
			continue
		}
		var fields []string
		for _, p := range hub.ErrorProblems(err) {
			fields = append(fields, p.Field)
			if p.Field == "days" && !strings.Contains(p.Message, c.message) {
				t.Errorf("days %d: the problem %q does not say %q", c.days, p.Message, c.message)
			}
		}
		if !slices.Equal(fields, c.fields) {
			t.Errorf("name %q, days %d: problems on %v, want %v", c.name, c.days, fields, c.fields)
		}
	}
	if _, _, _, tokens := f.store.Counts(); tokens != 1 {
		t.Fatalf("refused tokens were stored: %d", tokens)
	}
	if _, _, err := f.sess.CreateAPIToken(ctx, ann, strings.Repeat("n", 100), 90, hub.ScopeUpload); err != nil {
		t.Fatalf("the longest name and ttl allowed: %v", err)
	}
	_, _, err := f.sess.CreateAPIToken(ctx, hub.Anonymous, "script", 1, hub.ScopeUpload)
	wantCode(t, "a visitor making a token", err, hub.CodeUnauthorized)
}

var bearerPattern = regexp.MustCompile(`^eqh_([A-Za-z0-9-]{16})_([A-Za-z0-9-]{43})$`)

func TestAPITokenRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.principal(t, f.ann.ID)
	bearer, tok, err := f.sess.CreateAPIToken(ctx, ann, "  monthly upload script ", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	m := bearerPattern.FindStringSubmatch(bearer)
	if m == nil {
		t.Fatalf("the token %q is not of the form eqh_<id>_<secret>", bearer)
	}
	if m[1] != tok.ID || tok.PersonID != f.ann.ID || tok.OrgID != "county" || tok.Name != "monthly upload script" || !tok.Expires.Equal(t0.Add(30*day)) {
		t.Fatalf("token = %+v (id in bearer %q)", tok, m[1])
	}
	p, err := f.sess.TokenPrincipal(context.Background(), bearer)
	if err != nil {
		t.Fatal(err)
	}
	if p.PersonID != f.ann.ID || p.OrgID != "county" || p.Via != "token" {
		t.Fatalf("TokenPrincipal = %+v", p)
	}

	last := bearer[len(bearer)-1]
	swap := byte('A')
	if last == 'A' {
		swap = 'B'
	}
	other, _, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.bob.ID), "bob's", 1, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	otherID := bearerPattern.FindStringSubmatch(other)[1]
	for _, bad := range []string{
		bearer[:len(bearer)-1] + string(swap),
		"eqh_" + tok.ID + "_" + bearerPattern.FindStringSubmatch(other)[2],
		"eqh_" + otherID + "_" + m[2],
		"eqh_" + strings.Repeat("z", 16) + "_" + m[2],
		"eqh_" + tok.ID,
		"eqh_" + tok.ID + "_",
		"eqh_",
		"",
		strings.TrimPrefix(bearer, "eqh_"),
		"Bearer " + bearer,
		"EQH_" + strings.TrimPrefix(bearer, "eqh_"),
		m[2],
	} {
		if _, err := f.sess.TokenPrincipal(context.Background(), bad); !hub.IsCode(err, hub.CodeUnauthorized) {
			t.Errorf("TokenPrincipal(%q) = %v, want unauthorized", bad, err)
		}
	}

	if ts := f.sess.APITokens(ann); len(ts) != 1 || ts[0].ID != tok.ID {
		t.Fatalf("Ann's tokens = %+v", ts)
	}
	f.clock.Advance(time.Hour)
	_, newer, _ := f.sess.CreateAPIToken(ctx, ann, "newer", 1, hub.ScopeUpload)
	if ts := f.sess.APITokens(ann); len(ts) != 2 || ts[0].ID != newer.ID {
		t.Fatalf("Ann's tokens are not newest first: %+v", ts)
	}
}

func TestAPITokenExpires(t *testing.T) {
	f := newFixture(t)
	bearer, _, err := f.sess.CreateAPIToken(context.Background(), f.principal(t, f.ann.ID), "script", 7, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(7*day - time.Second)
	if _, err := f.sess.TokenPrincipal(context.Background(), bearer); err != nil {
		t.Fatalf("a token a second before it expires: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "an expired token", err, hub.CodeUnauthorized)
}

func TestRevokeAPIToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.principal(t, f.ann.ID)
	bearer, tok, err := f.sess.CreateAPIToken(ctx, ann, "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	err = f.sess.RevokeAPIToken(ctx, f.principal(t, f.bob.ID), tok.ID)
	wantCode(t, "Bob revoking Ann's token", err, hub.CodeNotFound)
	err = f.sess.RevokeAPIToken(ctx, f.principal(t, "adm"), tok.ID)
	wantCode(t, "an administrator revoking Ann's token", err, hub.CodeNotFound)
	if _, err := f.sess.TokenPrincipal(context.Background(), bearer); err != nil {
		t.Fatalf("a refused revocation stopped the token: %v", err)
	}
	wantCode(t, "revoking an unknown token", f.sess.RevokeAPIToken(ctx, ann, "nope"), hub.CodeNotFound)
	wantCode(t, "a visitor revoking", f.sess.RevokeAPIToken(ctx, hub.Anonymous, tok.ID), hub.CodeUnauthorized)

	f.clock.Advance(time.Minute)
	if err := f.sess.RevokeAPIToken(ctx, ann, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "a revoked token", err, hub.CodeUnauthorized)
	ts, _ := f.store.FindAPITokens(ctx)
	if len(ts) != 1 || !ts[0].Revoked.Equal(t0.Add(time.Minute)) {
		t.Fatalf("the store's token = %+v, want revoked at the clock's time", ts)
	}
	f.clock.Advance(time.Minute)
	if err := f.sess.RevokeAPIToken(ctx, ann, tok.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if ts, _ := f.store.FindAPITokens(ctx); !ts[0].Revoked.Equal(t0.Add(time.Minute)) {
		t.Fatal("revoking twice moved the revocation time")
	}
}

func TestTokenCarriesCurrentRoles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bearer, _, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.sess.TokenPrincipal(context.Background(), bearer)
	if p.Has(hub.RoleDataSteward) {
		t.Fatal("a member's token has the data steward role")
	}
	if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), f.ann.ID, []hub.Grant{{Role: hub.RoleDataSteward}}); err != nil {
		t.Fatal(err)
	}
	p, err = f.sess.TokenPrincipal(context.Background(), bearer)
	if err != nil || !p.Has(hub.RoleDataSteward) {
		t.Fatalf("after the grant the token's principal has roles %v (%v)", p.Roles, err)
	}
	if err := hub.Authorize(f.auth, p, hub.PermDataRead, "county"); err != nil {
		t.Fatalf("the token cannot read data after the grant: %v", err)
	}
	// A person left with no role in their organisation no longer has an
	// active membership: their tokens stop at once.
	if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), f.ann.ID, nil); err != nil {
		t.Fatal(err)
	}
	p, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "the token of a person with no role left", err, hub.CodeUnauthorized)
	if !strings.Contains(hub.ErrorMessage(err), "no role") {
		t.Fatalf("the refusal does not say why: %v", err)
	}
	if p.SignedIn() {
		t.Fatalf("the refused token still acts as %+v", p)
	}
	_, _, err = f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	wantCode(t, "a person with no role making a token", err, hub.CodeForbidden)
}

func TestWrongSecretsThrottled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bearer, tok, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "eqh_" + tok.ID + "_" + strings.Repeat("x", 43)
	for i := range sessions.MaxTokenFailures - 1 {
		_, err := f.sess.TokenPrincipal(context.Background(), wrong)
		wantCode(t, "a wrong secret", err, hub.CodeUnauthorized)
		if !strings.Contains(hub.ErrorMessage(err), tok.ID) {
			t.Fatalf("the refusal does not name the token ID, for the record: %v", err)
		}
		f.clock.Advance(time.Second)
		if i == 0 {
			if _, err := f.sess.TokenPrincipal(context.Background(), bearer); err != nil {
				t.Fatalf("one wrong secret stopped the right one: %v", err)
			}
		}
	}
	// Wrong secrets spread over more than the window are not counted together.
	f.clock.Advance(sessions.TokenFailureWindow)
	if _, err := f.sess.TokenPrincipal(context.Background(), wrong); err == nil {
		t.Fatal("a wrong secret was accepted")
	}
	if _, err := f.sess.TokenPrincipal(context.Background(), bearer); err != nil {
		t.Fatalf("wrong secrets spread over time locked the token: %v", err)
	}
	for range sessions.MaxTokenFailures {
		_, _ = f.sess.TokenPrincipal(context.Background(), wrong)
	}
	_, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "the right secret after too many wrong ones", err, hub.CodeUnauthorized)
	if msg := hub.ErrorMessage(err); !strings.Contains(msg, "refused until") || !strings.Contains(msg, tok.ID) {
		t.Fatalf("the refusal does not say the token ID is refused for a while: %q", msg)
	}
	// Another token of the same person is not affected.
	other, _, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "other", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.sess.TokenPrincipal(context.Background(), other); err != nil {
		t.Fatalf("another token was refused: %v", err)
	}
	f.clock.Advance(sessions.TokenLockout - time.Second)
	_, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "the right secret just before the refusal ends", err, hub.CodeUnauthorized)
	f.clock.Advance(time.Second)
	if _, err := f.sess.TokenPrincipal(context.Background(), bearer); err != nil {
		t.Fatalf("the token is still refused after the refusal ended: %v", err)
	}
}

func TestTokenRefusedWhenPersonMovedOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bearer, _, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	moved := f.ann
	moved.OrgID = "police"
	if err := f.store.SavePerson(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if err := f.dir.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = f.sess.TokenPrincipal(context.Background(), bearer)
	wantCode(t, "a token made for another organisation of its person", err, hub.CodeUnauthorized)
}

// stringFields returns every string field of v, a struct.
func stringFields(v any) []string {
	rv := reflect.ValueOf(v)
	var out []string
	for i := range rv.NumField() {
		if f := rv.Field(i); f.Kind() == reflect.String {
			out = append(out, f.String())
		}
	}
	return out
}

func TestStoreNeverHoldsSecrets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cookie, _, err := f.sess.Start(ctx, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	bearer, _, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	secret := bearerPattern.FindStringSubmatch(bearer)[2]
	ss, _ := f.store.FindSessions(ctx)
	ts, _ := f.store.FindAPITokens(ctx)
	if len(ss) != 1 || len(ts) != 1 {
		t.Fatalf("stored %d sessions and %d tokens, want 1 each", len(ss), len(ts))
	}
	var stored []string
	stored = append(stored, stringFields(ss[0])...)
	stored = append(stored, stringFields(ts[0])...)
	for _, s := range stored {
		for _, secretText := range []string{cookie, bearer, secret} {
			if s != "" && strings.Contains(s, secretText) {
				t.Errorf("the store holds a secret: field value %q contains %q", s, secretText)
			}
		}
	}
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	if !hex64.MatchString(ss[0].ID) || !hex64.MatchString(ts[0].Hash) {
		t.Fatalf("the store does not hold hashes: session ID %q, token hash %q", ss[0].ID, ts[0].Hash)
	}
}

func TestSessionsAcrossProcesses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := newProcess(t, f.store, f.clock)
	cookie, _, err := f.sess.Start(ctx, f.ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	bearer, tok, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := other.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _, err := other.sess.Principal(cookie); err != nil || p.PersonID != f.ann.ID {
		t.Fatalf("the other process does not know the session: %+v, %v", p, err)
	}
	if _, err := other.sess.TokenPrincipal(context.Background(), bearer); err != nil {
		t.Fatalf("the other process does not know the token: %v", err)
	}

	if err := f.sess.End(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	if err := f.sess.RevokeAPIToken(ctx, f.principal(t, f.ann.ID), tok.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if err := other.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.sess.Principal(cookie); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("the other process still accepts an ended session: %v", err)
	}
	if _, err := other.sess.TokenPrincipal(context.Background(), bearer); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("the other process still accepts a revoked token: %v", err)
	}
}

func TestTokenScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.principal(t, f.ann.ID)
	_, _, err := f.sess.CreateAPIToken(ctx, ann, "script", 30, "everything")
	if ps := hub.ErrorProblems(err); len(ps) != 1 || ps[0].Field != "scope" {
		t.Fatalf("an unknown scope: %v", err)
	}
	_, _, err = f.sess.CreateAPIToken(ctx, ann, "script", 30, "")
	if ps := hub.ErrorProblems(err); len(ps) != 1 || ps[0].Field != "scope" {
		t.Fatalf("no scope: %v", err)
	}
	for _, scope := range hub.TokenScopes {
		bearer, tok, err := f.sess.CreateAPIToken(ctx, ann, "script", 30, scope)
		if err != nil || tok.Scope != scope {
			t.Fatalf("a %s token: %+v, %v", scope, tok, err)
		}
		p, err := f.sess.TokenPrincipal(context.Background(), bearer)
		if err != nil || p.Scope != scope {
			t.Fatalf("the %s token acts with scope %q (%v)", scope, p.Scope, err)
		}
	}
	upload := hub.Permission{Object: "returns", Action: "upload"}
	manage := hub.PermMembersManage
	for _, c := range []struct {
		perm    hub.Permission
		changes bool
		want    hub.TokenUse
	}{
		{hub.PermDataRead, false, hub.UseRead},
		{upload, false, hub.UseRead},
		{manage, false, hub.UseRead},
		{hub.PermDataRead, true, hub.UseAdminister},
		{upload, true, hub.UseUpload},
		{hub.Permission{Object: "keys", Action: "manage"}, true, hub.UseUpload},
		{hub.Permission{Object: "mapping", Action: "manage"}, true, hub.UseUpload},
		{manage, true, hub.UseAdminister},
		{hub.PermTokensManage, true, hub.UseAdminister},
	} {
		if got := hub.UseOf(c.perm, c.changes); got != c.want {
			t.Errorf("%v, changes %v: %s, want %s", c.perm, c.changes, got, c.want)
		}
	}
	for _, c := range []struct {
		scope hub.TokenScope
		use   hub.TokenUse
		want  bool
	}{
		{hub.ScopeRead, hub.UseRead, true},
		{hub.ScopeRead, hub.UseUpload, false},
		{hub.ScopeRead, hub.UseAdminister, false},
		{hub.ScopeUpload, hub.UseRead, true},
		{hub.ScopeUpload, hub.UseUpload, true},
		{hub.ScopeUpload, hub.UseAdminister, false},
		{hub.ScopeAdminister, hub.UseAdminister, true},
		{"", hub.UseAdminister, true},
		{"everything", hub.UseRead, false},
	} {
		p := hub.Principal{PersonID: "ann", Via: "token", Scope: c.scope}
		if err := hub.AuthorizeScope(p, c.use); (err == nil) != c.want {
			t.Errorf("%q token, %s: %v, want allowed %v", c.scope, c.use, err, c.want)
		} else if err != nil && !hub.IsCode(err, hub.CodeForbidden) {
			t.Errorf("%q token, %s: %v, want forbidden", c.scope, c.use, err)
		}
		p.Via = "session"
		if err := hub.AuthorizeScope(p, c.use); err != nil {
			t.Errorf("a session was narrowed by a scope: %v", err)
		}
	}
	for _, u := range []hub.TokenUse{hub.UseRead, hub.UseUpload, hub.UseAdminister} {
		if !u.Scope().Allows(u) {
			t.Errorf("the scope %q does not allow its own use", u.Scope())
		}
	}
}
