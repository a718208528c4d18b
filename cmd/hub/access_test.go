package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The access scenario table: each persona × route × expected status. It is
// the proof of isolation between partners and between roles.

type persona struct {
	name, org, subject string // subject "" is an anonymous visitor
}

var (
	anonymous     = persona{"anonymous", "", ""}
	countyForum   = persona{"county forum member", "northshire-county", "county-forum"}
	countyAdmin   = persona{"hub administrator", "northshire-county", "county-admin"}
	countyBoard   = persona{"board member", "northshire-county", "county-board"}
	policeSteward = persona{"police data steward", "northshire-police", "police-steward"}
	advisory      = persona{"advisory group member", "advisory-group", "advisory-disability"}
	countyDM      = persona{"county decision maker", "northshire-county", "county-director"}
)

// personas are every persona of the access scenario table.
var personas = []persona{anonymous, countyForum, countyAdmin, countyBoard, policeSteward, advisory, countyDM}

type step struct {
	method string
	path   string
	form   url.Values
	want   map[persona]int
}

func all(status int) map[persona]int {
	m := map[persona]int{}
	for _, p := range personas {
		m[p] = status
	}
	return m
}

func signedIn(anon, others int) map[persona]int {
	m := all(others)
	m[anonymous] = anon
	return m
}

func with(m map[persona]int, p persona, status int) map[persona]int {
	out := map[persona]int{}
	for k, v := range m {
		out[k] = v
	}
	out[p] = status
	return out
}

const (
	ok        = http.StatusOK
	toSignIn  = http.StatusSeeOther
	forbidden = http.StatusForbidden
	saved     = http.StatusSeeOther
)

func TestAccessScenarios(t *testing.T) {
	// With the demo returns, the demo impact assessments are there: one published, one signed and not.
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	clients := map[persona]*client{}
	for _, p := range personas {
		c := h.visitor(t)
		if p.subject != "" {
			c.signIn(p.org, p.subject)
		}
		clients[p] = c
	}
	stewardRoles := url.Values{"roles": {"data-steward", "analyst"}}
	// A draft between the fire service and the police: the county is no party to it.
	policeForum := h.visitor(t)
	policeForum.signIn("northshire-police", "police-forum")
	_, _, draft := policeForum.post("/protocols", url.Values{"title": {"Fire workforce for the police"}, "providers": {"northshire-fire"},
		"recipients": {"org:northshire-police"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"},
		"purpose": {"Workforce representation"}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}})
	// A protocol the county sent for signature: its decision maker reads it, to sign it.
	countyForumClient := clients[countyForum]
	_, _, waiting := countyForumClient.post("/protocols", url.Values{"title": {"County workforce for the police"}, "providers": {"northshire-county"},
		"recipients": {"org:northshire-police"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"},
		"purpose": {"Workforce representation"}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}})
	mustPost(t, countyForumClient, waiting+"/submit", nil, "sending the county's protocol for signature")
	unknownOrg := url.Values{"title": {"County workforce for nobody"}, "providers": {"northshire-county"},
		"recipients": {"org:northshire-nowhere"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"},
		"purpose": {"Workforce representation"}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}
	published, unpublished := demoAssessments(t, countyForumClient)
	decision := time.Now().AddDate(0, 1, 0)
	unknownPartner := url.Values{"title": {"Library service redesign"}, "subject": {"service"}, "participants": {"northshire-nowhere"},
		"decision_date": {decision.Format(time.DateOnly)}, "review_date": {decision.AddDate(1, 0, 0).Format(time.DateOnly)}}
	steps := []step{
		{"GET", "/", nil, all(ok)},
		{"GET", "/organisations", nil, all(ok)},
		{"GET", "/published", nil, all(ok)},
		{"GET", "/accessibility", nil, all(ok)},
		{"GET", "/api/v1/openapi.json", nil, all(ok)},
		{"GET", "/profile", nil, signedIn(toSignIn, ok)},
		// An organisation's members are private to it and to administrators.
		{"GET", "/organisations/northshire-county", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: ok, countyBoard: ok, policeSteward: forbidden, advisory: forbidden, countyDM: ok}},
		{"GET", "/organisations/northshire-police", nil, map[persona]int{anonymous: toSignIn, countyForum: forbidden, countyAdmin: ok, countyBoard: forbidden, policeSteward: ok, advisory: forbidden, countyDM: forbidden}},
		{"GET", "/organisations/northshire-county/edit", nil, with(signedIn(toSignIn, forbidden), countyAdmin, ok)},
		{"GET", "/organisations/new", nil, with(signedIn(toSignIn, forbidden), countyAdmin, ok)},
		{"GET", "/organisations/northshire-police/members/demo-police-steward", nil, with(signedIn(toSignIn, forbidden), countyAdmin, ok)},
		// Changing roles: administrators only; nobody else, whatever their organisation.
		{"POST", "/organisations/northshire-police/members/demo-police-steward", stewardRoles, with(signedIn(http.StatusUnauthorized, forbidden), countyAdmin, saved)},
		{"POST", "/organisations/northshire-county/members/demo-county-steward", stewardRoles, with(signedIn(http.StatusUnauthorized, forbidden), countyAdmin, saved)},
		// The work areas, by role.
		{"GET", "/data", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: forbidden, countyDM: ok}},
		// Decision makers and the advisory group see the protocols they may read: their organisation's, and those that share data with the group.
		{"GET", "/protocols", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: ok, countyDM: ok}},
		{"GET", "/impact-assessments", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: forbidden, advisory: ok, countyDM: ok}},
		{"GET", "/strategy", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: ok, countyDM: ok}},
		{"GET", "/framework", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: forbidden, advisory: forbidden, countyDM: forbidden}},
		// The API: visitors get 401, not a redirect.
		{"GET", "/api/v1/me", nil, signedIn(http.StatusUnauthorized, ok)},
		{"GET", "/api/v1/organisations", nil, all(ok)},
		{"GET", "/api/v1/organisations/northshire-police/members", nil, map[persona]int{anonymous: http.StatusUnauthorized, countyForum: forbidden, countyAdmin: ok, countyBoard: forbidden, policeSteward: ok, advisory: forbidden, countyDM: forbidden}},
		{"GET", "/organisations/nowhere", nil, map[persona]int{anonymous: toSignIn, countyForum: forbidden, countyAdmin: http.StatusNotFound, countyBoard: forbidden, policeSteward: forbidden, advisory: forbidden, countyDM: forbidden}},
		{"GET", "/no-such-page", nil, all(http.StatusNotFound)},
		// Only a party to a protocol sends it for signature, whatever the sender's roles.
		{"POST", draft + "/submit", nil, signedIn(http.StatusUnauthorized, forbidden)},
		// An assessment names only organisations of the partnership.
		{"POST", "/impact-assessments", unknownPartner, with(signedIn(http.StatusUnauthorized, forbidden), countyForum, http.StatusUnprocessableEntity)},
		// So does a protocol: the forum member who drafts it is told; no one else learns anything.
		{"POST", "/protocols", unknownOrg, with(signedIn(http.StatusUnauthorized, forbidden), countyForum, http.StatusUnprocessableEntity)},
		// A protocol's page opens to those who read every protocol, to its parties' decision makers, and to
		// the advisory group when it shares data with the group.
		{"GET", waiting, nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: forbidden, countyDM: ok}},
		{"GET", draft, nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: forbidden, countyDM: forbidden}},
		{"GET", "/protocols/demo-population", nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: ok, advisory: ok, countyDM: ok}},
		// Anyone reads a published impact assessment, signed in or not, whatever their roles.
		{"GET", published, nil, all(ok)},
		{"GET", published + "?print=1", nil, all(ok)},
		// hubctl is for anyone to download; a mapping is changed by its organisation's data steward alone.
		{"GET", "/hubctl", nil, all(ok)},
		{"POST", "/data/mapping", url.Values{"note": {"nothing chosen"}}, with(signedIn(http.StatusUnauthorized, forbidden), policeSteward, http.StatusUnprocessableEntity)},
		// One not yet published is for those who read assessments.
		{"GET", unpublished, nil, map[persona]int{anonymous: toSignIn, countyForum: ok, countyAdmin: forbidden, countyBoard: ok, policeSteward: forbidden, advisory: ok, countyDM: ok}},
	}
	runSteps(t, clients, steps)
}

var assessmentLink = regexp.MustCompile(`href="(/impact-assessments/[0-9a-f]+)(?:\?print=1)?">([^<]+)</a>`)

// demoAssessments returns the addresses of the demo partnership's published
// impact assessment and of its signed, unpublished one.
func demoAssessments(t *testing.T, forum *client) (published, unpublished string) {
	t.Helper()
	_, list := forum.get("/impact-assessments")
	for _, m := range assessmentLink.FindAllStringSubmatch(list, -1) {
		switch m[2] {
		case "Library service redesign":
			published = m[1]
		case "Car parking charges review":
			unpublished = m[1]
		}
	}
	if published == "" || unpublished == "" {
		t.Fatalf("the demo assessments are not listed:\n%s", list)
	}
	return published, unpublished
}

// runSteps asks each step as each of its personas and checks the status; a
// page that refuses says why (the refusal page, or the page again with its
// error summary), and a visitor is sent to sign in.
func runSteps(t *testing.T, clients map[persona]*client, steps []step) {
	t.Helper()
	for _, s := range steps {
		for p, want := range s.want {
			c := clients[p]
			var got int
			var body string
			if s.method == "POST" {
				got, body, _ = c.post(s.path, url.Values(cloneValues(s.form)))
			} else {
				got, body, _ = c.do(s.method, s.path, nil, nil)
			}
			if got != want {
				t.Errorf("%s %s as %s: got %d, want %d\n%.300s", s.method, s.path, p.name, got, want, mainOf(body))
			}
			if got == forbidden && !strings.HasPrefix(s.path, "/api/") && !strings.Contains(body, "You do not have access") && !strings.Contains(body, "govuk-error-summary") {
				t.Errorf("%s %s as %s: the refusal does not say why", s.method, s.path, p.name)
			}
			if got == toSignIn && s.method == "GET" && p == anonymous {
				if _, _, loc := c.do("GET", s.path, nil, nil); !strings.HasPrefix(loc, "/sign-in?return_to=") {
					t.Errorf("%s as a visitor: redirected to %q, not to sign in", s.path, loc)
				}
			}
		}
	}
}

func cloneValues(v url.Values) map[string][]string {
	out := map[string][]string{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// A role an administrator removes stops working at the next request.
func TestRevokedRoleStopsAtOnce(t *testing.T) {
	h := mustStartHub(t, nil)
	admin, steward := h.visitor(t), h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	steward.signIn(policeSteward.org, policeSteward.subject)
	if got, _ := steward.get("/data"); got != ok {
		t.Fatalf("before: %d", got)
	}
	if got, body, _ := admin.post("/organisations/northshire-police/members/demo-police-steward", url.Values{"roles": {"analyst"}}); got != saved {
		t.Fatalf("removing the data steward role: %d\n%s", got, body)
	}
	if got, _ := steward.get("/protocols"); got != forbidden {
		t.Fatalf("after the data steward role was removed, /protocols answered %d", got)
	}
	if got, body := steward.get("/organisations/northshire-police"); got != ok || !strings.Contains(body, "Analyst") {
		t.Fatalf("the member page should still open and show the new role: %d", got)
	}
}

// A person from one organisation's identity provider can never act for another organisation.
func TestIssuerBoundToItsOrganisation(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	// Start at the police's sign-in, but come back through the county's callback.
	status, body, at := c.follow("/login/northshire-police")
	if status != ok {
		t.Fatalf("%d at %s", status, at)
	}
	m := authRequestPattern.FindStringSubmatch(body)
	login, _ := url.Parse(at)
	login.RawQuery = ""
	_, _, loc := c.do("POST", login.String(), url.Values{"authRequestID": {m[1]}, "subject": {"police-steward"}}, nil)
	for range 3 {
		if strings.Contains(loc, "/auth/") {
			break
		}
		_, _, loc = c.do("GET", loc, nil, nil)
	}
	forged := strings.Replace(loc, "/auth/northshire-police/", "/auth/northshire-county/", 1)
	got, page, _ := c.do("GET", forged, nil, nil)
	if got != http.StatusUnauthorized || !strings.Contains(page, "different identity provider") {
		t.Fatalf("a callback moved to another organisation: %d\n%.500s", got, page)
	}
	if got, _ := c.get("/profile"); got != toSignIn {
		t.Fatalf("the forged sign-in made a session: /profile answered %d", got)
	}
	// Replaying the genuine callback after the attempt was used fails too.
	if got, _, _ := c.do("GET", loc, nil, nil); got != http.StatusUnauthorized {
		t.Fatalf("a replayed callback answered %d", got)
	}
}

func TestAPITokens(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	got, body, _ := c.post("/profile/tokens", url.Values{"name": {"monthly upload"}, "days": {"30"}})
	if got != ok {
		t.Fatalf("making a token: %d\n%s", got, body)
	}
	token := tokenPattern.FindString(body)
	if token == "" {
		t.Fatalf("the new token is not shown:\n%s", body)
	}
	api := h.visitor(t)
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	status, me, _ := api.do("GET", "/api/v1/me", nil, bearer)
	var who struct {
		Name string `json:"name"`
		Org  string `json:"organisation"`
	}
	if status != ok || json.Unmarshal([]byte(me), &who) != nil || who.Name != "Owen Richards" || who.Org != "northshire-police" {
		t.Fatalf("/api/v1/me with the token: %d %s", status, me)
	}
	if status, _, _ := api.do("GET", "/api/v1/organisations/northshire-county/members", nil, bearer); status != forbidden {
		t.Fatalf("the token reached another organisation's members: %d", status)
	}
	// Bad input in the token form is named beside the field.
	got, body, _ = c.post("/profile/tokens", url.Values{"name": {""}, "days": {"9999"}})
	if got != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter a name") || !strings.Contains(body, "from 1 to 90") {
		t.Fatalf("a bad token form: %d\n%.2000s", got, body)
	}
	// Revoke it: it stops working at once.
	id := strings.Split(strings.TrimPrefix(token, "eqh_"), "_")[0]
	if got, _, _ := c.post("/profile/tokens/"+id+"/revoke", nil); got != http.StatusSeeOther {
		t.Fatalf("revoking: %d", got)
	}
	status, problem, _ := api.do("GET", "/api/v1/me", nil, bearer)
	if status != http.StatusUnauthorized || !strings.Contains(problem, "revoked") {
		t.Fatalf("a revoked token: %d %s", status, problem)
	}
	for _, bad := range []string{"Bearer nonsense", "Basic abc", "Bearer eqh_" + id + "_wrongsecret"} {
		if status, _, _ := api.do("GET", "/api/v1/me", nil, http.Header{"Authorization": {bad}}); status != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d", bad, status)
		}
	}
}
