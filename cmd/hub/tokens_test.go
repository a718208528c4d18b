package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
		"99999999999999999999": "99999999999999999999 days is more than the 90 allowed",
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
