package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Wrong secrets for one token ID are counted together by every hub process
// on one database: five spread over two processes refuse the token on both,
// even with the right secret.
func TestWrongTokenSecretsThrottledAcrossHubs(t *testing.T) {
	env := map[string]string{"HUB_DATABASE": "hubtest_throttle_" + strings.ToLower(t.Name())}
	a := mustStartHub(t, env)
	c := a.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	token := c.makeToken(url.Values{"name": {"script"}, "days": {"7"}})
	// Started after the sign-in, as in TestTwoHubsOnOneDatabase: the demo
	// identity provider sends people back to the hub started last.
	b := mustStartHub(t, env)
	id := strings.Split(strings.TrimPrefix(token, "eqh_"), "_")[0]
	wrong := "eqh_" + id + "_" + strings.Repeat("A", 43)
	onA, onB := a.visitor(t), b.visitor(t)
	for i, api := range []*client{onA, onB, onA, onB, onA} {
		if status, _, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(token)); status != http.StatusOK {
			t.Fatalf("the right secret after %d wrong ones: %d", i, status)
		}
		if status, _, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(wrong)); status != http.StatusUnauthorized {
			t.Fatalf("a wrong secret: %d", status)
		}
	}
	for name, api := range map[string]*client{"the first hub": onA, "the second hub": onB} {
		status, body, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(token))
		if status != http.StatusUnauthorized || !strings.Contains(body, "refused until") {
			t.Errorf("%s, the right secret after five wrong ones over two hubs: %d %.300s", name, status, body)
		}
	}
}
