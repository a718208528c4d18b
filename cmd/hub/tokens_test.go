package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub/audit"
)

// A token's lifetime is checked before any arithmetic: a number of days whose
// nanoseconds wrap round (213504 days is 25 minutes once wrapped) is refused
// with the number sent and the range allowed, and no token is made.
func TestTokenLifetimeOutOfRange(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	for days, want := range map[string]string{
		"120":                  "120 days is more than the 90 allowed",
		"213504":               "213504 days is more than the 90 allowed",
		"99999999999999999999": "99999999999999999999 is too large a number of days to count",
		"0":                    "0 days is fewer than 1",
		"-3":                   "-3 days is fewer than 1",
	} {
		status, body, _ := c.post("/profile/tokens", url.Values{"name": {"script"}, "days": {days}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) || tokenPattern.MatchString(body) {
			t.Errorf("days=%s: %d, want 422 saying %q\n%.3000s", days, status, want, body)
		}
	}
	if _, body := c.get("/profile"); strings.Contains(body, "/revoke") {
		t.Fatal("a refused lifetime made a token")
	}
}

// makeToken makes an API token on the profile page and returns its bearer text.
func (c *client) makeToken(form url.Values) string {
	c.tb.Helper()
	status, body, _ := c.post("/profile/tokens", form)
	token := tokenPattern.FindString(body)
	if status != http.StatusOK || token == "" {
		c.tb.Fatalf("making a token: %d\n%.3000s", status, body)
	}
	return token
}

func bearerOf(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// Wrong secrets against one token ID are throttled: after five in a minute
// the token ID is refused for a while even with the right secret, and the
// failed attempts are on the record, naming the token.
func TestWrongTokenSecretsThrottledAndRecorded(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	token := c.makeToken(url.Values{"name": {"script"}, "days": {"7"}})
	id := strings.Split(strings.TrimPrefix(token, "eqh_"), "_")[0]
	wrong := "eqh_" + id + "_" + strings.Repeat("A", 43)
	api := h.visitor(t)
	for range 5 {
		if status, _, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(wrong)); status != http.StatusUnauthorized {
			t.Fatalf("a wrong secret: %d", status)
		}
	}
	status, body, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(token))
	if status != http.StatusUnauthorized || !strings.Contains(body, "refused until") {
		t.Fatalf("the right secret after five wrong ones: %d %s", status, body)
	}
	es := recordOf(t, h)
	if n := len(entriesOf(es, "", audit.ActionDenied, "API token "+id+" is not valid")); n != 5 {
		t.Errorf("%d failed uses of the token on the record, want 5", n)
	}
	if n := len(entriesOf(es, "", audit.ActionDenied, "API token "+id+" is refused until")); n != 1 {
		t.Errorf("%d refusals of the throttled token on the record, want 1", n)
	}
}

// A token stops working at once when its person no longer holds a role in
// their organisation.
func TestTokenStopsWithMembership(t *testing.T) {
	h := mustStartHub(t, nil)
	admin, steward := h.visitor(t), h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	steward.signIn(policeSteward.org, policeSteward.subject)
	token := steward.makeToken(url.Values{"name": {"script"}, "days": {"7"}})
	api := h.visitor(t)
	if status, _, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(token)); status != http.StatusOK {
		t.Fatalf("the token before: %d", status)
	}
	if got, body, _ := admin.post("/organisations/northshire-police/members/demo-police-steward", url.Values{}); got != saved {
		t.Fatalf("removing every role: %d\n%.2000s", got, body)
	}
	status, body, _ := api.do(http.MethodGet, "/api/v1/me", nil, bearerOf(token))
	if status != http.StatusUnauthorized || !strings.Contains(body, "no role") {
		t.Fatalf("the token of a person with no role left: %d %s", status, body)
	}
}

// A token's scope, chosen when it is made and shown on the profile page,
// narrows every API request it makes: read is GET only; upload adds returns,
// keys and the mapping; administer is everything its person may do. Tokens
// work on the API only.
func TestTokenScopes(t *testing.T) {
	h := mustStartHub(t, nil)
	steward, admin := h.visitor(t), h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	read := steward.makeToken(url.Values{"name": {"reader"}, "days": {"7"}, "scope": {"read"}})
	upload := steward.makeToken(url.Values{"name": {"uploader"}, "days": {"7"}, "scope": {"upload"}})
	unchosen := steward.makeToken(url.Values{"name": {"unchosen"}, "days": {"7"}})
	adminUpload := admin.makeToken(url.Values{"name": {"uploader"}, "days": {"7"}, "scope": {"upload"}})
	adminAll := admin.makeToken(url.Values{"name": {"everything"}, "days": {"7"}, "scope": {"administer"}})

	if _, page := steward.get("/profile"); !strings.Contains(page, "Read only. Made") || !strings.Contains(page, "Read and upload returns. Made") {
		t.Errorf("the profile page does not show each token's scope:\n%.4000s", page)
	}
	if status, body, _ := steward.post("/profile/tokens", url.Values{"name": {"x"}, "days": {"7"}, "scope": {"root"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose what the token may do") {
		t.Errorf("an unknown scope: %d", status)
	}

	api := h.visitor(t)
	call := func(token, method, path string) (int, string) {
		t.Helper()
		status, body, _ := api.send(method, path, []byte("{}"), http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}})
		return status, body
	}
	for _, c := range []struct {
		who, token, method, path string
		scopeRefused             bool
	}{
		{"read", read, http.MethodGet, "/api/v1/me", false},
		{"read", read, http.MethodGet, "/api/v1/returns", false},
		{"read", read, http.MethodPost, "/api/v1/returns", true},
		{"read", read, http.MethodPost, "/api/v1/keys", true},
		{"read", read, http.MethodPut, "/api/v1/mapping", true},
		{"nothing chosen", unchosen, http.MethodPost, "/api/v1/returns", true},
		{"upload", upload, http.MethodGet, "/api/v1/returns", false},
		{"upload", upload, http.MethodPost, "/api/v1/returns", false},
		{"upload", upload, http.MethodPost, "/api/v1/keys", false},
		{"upload", upload, http.MethodPut, "/api/v1/mapping", false},
		{"an administrator's upload", adminUpload, http.MethodPut, "/api/v1/organisations/northshire-county/members/demo-county-forum/roles", true},
		{"an administrator's administer", adminAll, http.MethodPut, "/api/v1/organisations/northshire-county/members/demo-county-forum/roles", false},
	} {
		status, body := call(c.token, c.method, c.path)
		refused := status == http.StatusForbidden && strings.Contains(body, "scope")
		if refused != c.scopeRefused || status == http.StatusUnauthorized || status >= 500 {
			t.Errorf("a %s token, %s %s: %d %s, want refused for its scope: %v", c.who, c.method, c.path, status, body, c.scopeRefused)
		}
	}
	// A token of any scope works on the API only: not on pages, and never to make another token.
	if status, _ := call(adminAll, http.MethodGet, "/profile"); status == http.StatusOK {
		t.Error("a token opened a page")
	}
	if status, body := call(adminAll, http.MethodPost, "/profile/tokens"); status != http.StatusUnauthorized || tokenPattern.MatchString(body) {
		t.Errorf("a token made a token: %d", status)
	}
}
