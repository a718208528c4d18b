package oidc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/partnership/equalityhub/adapters/oidc"
	"github.com/partnership/equalityhub/hub"
)

// tokenServer is an issuer (go-oidc's oidctest) whose token endpoint answers
// with whatever ID token the test has signed.
type tokenServer struct {
	*httptest.Server
	key     *rsa.PrivateKey
	idToken string
}

func newTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ts := &tokenServer{key: key}
	issuer := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: "RS256"}}}
	mux := http.NewServeMux()
	mux.Handle("/", issuer)
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": ts.idToken})
	})
	ts.Server = httptest.NewServer(mux)
	issuer.SetIssuer(ts.URL)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) sign(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	return oidctest.SignIDToken(ts.key, "k1", "RS256", string(b))
}

var now = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func TestFinishVerifiesTheIDToken(t *testing.T) {
	ts := newTokenServer(t)
	org := hub.Organisation{ID: "county", Name: "Northshire County Council", Issuers: []hub.Issuer{{ID: "main", URL: ts.URL, ClientID: "hub", ClientSecret: "s"}}}
	is := org.Issuers[0]
	good := func(a oidc.Attempt) map[string]any {
		return map[string]any{"iss": ts.URL, "aud": "hub", "sub": "u1", "name": "Priya Shah", "nonce": a.Nonce, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	}
	cases := []struct {
		name   string
		mutate func(c map[string]any, a *oidc.Attempt, q url.Values)
		raw    func(string) string
		want   string // "" means accepted
	}{
		{name: "valid", mutate: func(map[string]any, *oidc.Attempt, url.Values) {}},
		{name: "wrong nonce", mutate: func(c map[string]any, _ *oidc.Attempt, _ url.Values) { c["nonce"] = "other" }, want: "nonce"},
		{name: "wrong audience", mutate: func(c map[string]any, _ *oidc.Attempt, _ url.Values) { c["aud"] = "someone-else" }, want: "could not be verified"},
		{name: "expired", mutate: func(c map[string]any, _ *oidc.Attempt, _ url.Values) { c["exp"] = now.Add(-time.Minute).Unix() }, want: "could not be verified"},
		{name: "other issuer", mutate: func(c map[string]any, _ *oidc.Attempt, _ url.Values) { c["iss"] = "https://evil.example" }, want: "could not be verified"},
		{name: "tampered", mutate: func(map[string]any, *oidc.Attempt, url.Values) {}, raw: func(tok string) string {
			parts := strings.Split(tok, ".")
			parts[1] = strings.TrimRight(parts[1], "=") + "x"
			return strings.Join(parts, ".")
		}, want: "could not be verified"},
		{name: "wrong state", mutate: func(_ map[string]any, _ *oidc.Attempt, q url.Values) { q.Set("state", "forged") }, want: "state"},
		{name: "no sign-in cookie", mutate: func(_ map[string]any, a *oidc.Attempt, _ url.Values) { *a = oidc.Attempt{} }, want: "expired"},
		{name: "provider swapped", mutate: func(_ map[string]any, a *oidc.Attempt, _ url.Values) { a.OrgID = "police" }, want: "different identity provider"},
		{name: "too slow", mutate: func(_ map[string]any, a *oidc.Attempt, _ url.Values) { a.Started = now.Add(-time.Hour) }, want: "expired"},
		{name: "provider error", mutate: func(_ map[string]any, _ *oidc.Attempt, q url.Values) { q.Set("error", "access_denied") }, want: "cancelled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rp := oidc.New("http://localhost:8080", nil, 10*time.Minute)
			authURL, a, err := rp.Begin(context.Background(), org, is, "/", now)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(authURL)
			if u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("nonce") != a.Nonce || u.Query().Get("state") != a.State {
				t.Fatalf("the authorization request lacks PKCE, nonce or state: %s", authURL)
			}
			if got := u.Query().Get("redirect_uri"); got != "http://localhost:8080/auth/county/main/callback" {
				t.Fatalf("redirect_uri %q", got)
			}
			q := url.Values{"code": {"c1"}, "state": {a.State}}
			claims := good(a)
			c.mutate(claims, &a, q)
			ts.idToken = ts.sign(claims)
			if c.raw != nil {
				ts.idToken = c.raw(ts.idToken)
			}
			id, err := rp.Finish(context.Background(), org, is, a, q, now)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused a valid sign-in: %v", err)
				}
				if id.Subject != "u1" || id.Issuer != ts.URL || id.Name != "Priya Shah" {
					t.Fatalf("identity %+v", id)
				}
				if _, err := rp.Finish(context.Background(), org, is, a, q, now); err == nil || !strings.Contains(hub.ErrorMessage(err), "already been used") {
					t.Fatalf("a replayed callback was accepted: %v", err)
				}
				return
			}
			if !hub.IsCode(err, hub.CodeUnauthorized) || !strings.Contains(hub.ErrorMessage(err), c.want) {
				t.Fatalf("got %v, want unauthorized mentioning %q", err, c.want)
			}
		})
	}
}

func TestUnreachableProvider(t *testing.T) {
	rp := oidc.New("http://localhost:8080", nil, time.Minute)
	org := hub.Organisation{ID: "county", Name: "Northshire County Council"}
	_, _, err := rp.Begin(context.Background(), org, hub.Issuer{ID: "main", URL: "http://127.0.0.1:1"}, "/", now)
	if !hub.IsCode(err, hub.CodeUnavailable) || !strings.Contains(hub.ErrorMessage(err), "Northshire County Council") {
		t.Fatalf("got %v", err)
	}
}
