package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub/audit"
)

// recordOf exports the whole record as the board does.
func recordOf(t *testing.T, h *testHub) []audit.Entry {
	t.Helper()
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	status, export := board.get("/api/v1/audit/export")
	if status != http.StatusOK {
		t.Fatalf("exporting the record: %d", status)
	}
	es, _, err := audit.ReadExport(strings.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// entriesOf returns the entries by a person (or, with person "", anyone)
// with an action, whose detail or object contains what.
func entriesOf(es []audit.Entry, person, action, what string) []audit.Entry {
	var out []audit.Entry
	for _, e := range es {
		if (person == "" || e.PersonID == person) && e.Action == action && (strings.Contains(e.Detail, what) || strings.Contains(e.Object, what)) {
			out = append(out, e)
		}
	}
	return out
}

var tokenID = regexp.MustCompile(`/profile/tokens/([0-9A-Za-z_-]+)/revoke`)

// Everything a person does with the hub, or tries to, is on the record:
// signing in and out, failed sign-ins, API tokens made, revoked and refused,
// reads of a return and its document, reads through the strategy, and
// refusals, which a flood cannot multiply past ten a person a minute.
func TestTheRecordIsComplete(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	person := "demo-" + policeSteward.subject

	// A token made, used wrongly, and revoked.
	_, body, _ := steward.post("/profile/tokens", url.Values{"name": {"script"}, "days": {"7"}})
	token := tokenPattern.FindString(body)
	if token == "" {
		t.Fatal("no token made")
	}
	bad := h.visitor(t)
	if status, _, _ := bad.do(http.MethodGet, "/api/v1/me", nil, http.Header{"Authorization": {"Bearer " + token + "x"}}); status != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d", status)
	}
	_, profile := steward.get("/profile")
	m := tokenID.FindStringSubmatch(profile)
	if m == nil {
		t.Fatal("no token to revoke on the profile page")
	}
	if status, _, _ := steward.post("/profile/tokens/"+m[1]+"/revoke", nil); status != http.StatusSeeOther {
		t.Fatalf("revoking: %d", status)
	}

	// A return and its signed document read.
	_, data := steward.get("/data")
	ret := regexp.MustCompile(`/data/returns/([0-9a-f]{16,})`).FindStringSubmatch(data)
	if ret == nil {
		t.Fatal("no return listed on the Data page")
	}
	if status, _ := steward.get("/data/returns/" + ret[1]); status != http.StatusOK {
		t.Fatalf("reading a return: %d", status)
	}

	// The county's forum member reads the strategy. An advisory group
	// member reads it too, seeing no partner's figures, and then tries the
	// whole record fifty times.
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	if status, _ := forum.get("/strategy"); status != http.StatusOK {
		t.Fatalf("the strategy: %d", status)
	}
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _ := adv.get("/strategy"); status != http.StatusOK {
		t.Fatalf("the strategy: %d", status)
	}
	for range 50 {
		if status, _ := adv.get("/api/v1/audit/export"); status != http.StatusForbidden {
			t.Fatalf("an advisory member exported the record: %d", status)
		}
	}
	// Someone not signed in is refused too.
	if status, _, _ := h.visitor(t).do(http.MethodGet, "/api/v1/me", nil, nil); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
	// A sign-in that fails: a callback the hub did not start.
	if status, _ := h.visitor(t).get("/auth/northshire-police/main/callback?code=x&state=forged"); status < 400 {
		t.Fatalf("a forged callback: %d", status)
	}
	// Signing out.
	if status, _, _ := steward.post("/sign-out", nil); status != http.StatusSeeOther {
		t.Fatalf("signing out: %d", status)
	}

	es := recordOf(t, h)
	advPerson := "demo-" + advisory.subject
	for _, c := range []struct {
		what                   string
		person, action, detail string
		min, max               int
	}{
		{"sign-in", person, "signin", "signed in", 1, 1},
		{"token made", person, "token.create", "script", 1, 1},
		{"token refused", "", audit.ActionDenied, "is not valid: it may be mistyped", 1, 1},
		{"token revoked", person, "token.revoke", "script", 1, 1},
		{"return read", person, audit.ActionRead, "returns/" + ret[1], 1, 1},
		{"strategy read", "demo-" + countyForum.subject, audit.ActionRead, "returns/", 1, 1000},
		{"refused requests, at most ten a minute", advPerson, audit.ActionDenied, "GET /api/v1/audit/export", 10, 10},
		{"partners withheld from the strategy, at most ten a minute, counted apart", advPerson, audit.ActionDenied, "no protocol in force", 10, 10},
		{"refusals of people not signed in, the wrong token among them", "", audit.ActionDenied, "(from 127.0.0.1)", 2, 2},
		{"failed sign-in", "", "signin.failed", "callback", 1, 1},
		{"sign-out", person, "signout", "signed out", 1, 1},
	} {
		if n := len(entriesOf(es, c.person, c.action, c.detail)); n < c.min || n > c.max {
			t.Errorf("%s: %d entries, want %d to %d", c.what, n, c.min, c.max)
		}
	}
	for _, e := range entriesOf(es, "", "signin.failed", "") {
		if e.Owner != "northshire-police" {
			t.Errorf("a failed sign-in does not name the organisation: %+v", e)
		}
	}

	// The record page says it in words, a kind at a time, a page at a time.
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, page := board.get("/audit?kind=refusals")
	for _, want := range []string{"<strong>Refused</strong>: asked for GET /api/v1/audit/export", "Someone not signed in", "<strong>Sign-in failed</strong>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the refusals on the record page do not say %q", want)
		}
	}
	if strings.Contains(page, "<strong>Read</strong>") {
		t.Error("reads are listed among the refusals")
	}
	_, page = board.get("/audit?kind=sign-ins")
	if !strings.Contains(page, "<strong>Signed in</strong>") || !strings.Contains(page, "<strong>API token revoked</strong>") || strings.Contains(page, "<strong>Refused</strong>") {
		t.Error("the sign-ins on the record page are not as they should be")
	}
	_, page = board.get("/audit")
	newest := regexp.MustCompile(`The newest 100 entries, of (\d+) found`).FindStringSubmatch(page)
	older := regexp.MustCompile(`href="(/audit\?before=\d+)"`).FindStringSubmatch(page)
	if newest == nil || len(newest[1]) < 3 || older == nil {
		t.Fatalf("the record page is not a page at a time: %.300s", page[max(0, strings.Index(page, "The newest")):])
	}
	if _, page = board.get(older[1]); !strings.Contains(page, "100 earlier entries, of "+newest[1]) || !strings.Contains(page, "The newest entries") {
		t.Error("the page of older entries is not as it should be")
	}
}
