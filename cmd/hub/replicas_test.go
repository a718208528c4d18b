package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Two hub processes on one database stay in step: a session made by one is
// honoured by the other, and a role removed through one stops working in the
// other at its next request.
func TestTwoHubsOnOneDatabase(t *testing.T) {
	env := map[string]string{"HUB_DATABASE": "hubtest_replicas_" + strings.ToLower(t.Name())}
	a := mustStartHub(t, env)
	steward, admin := a.visitor(t), a.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	b := mustStartHub(t, env)

	// Cookies do not depend on the port, so one visitor's jar serves both processes, as behind a load balancer.
	onB := &client{tb: t, hub: b, http: steward.http}
	if got, _ := onB.get("/protocols"); got != http.StatusOK {
		t.Fatalf("a session made on one process: the other answered %d", got)
	}

	admin.hub = b
	if got, body, _ := admin.post("/organisations/northshire-police/members/demo-police-steward", url.Values{"roles": {"analyst"}}); got != http.StatusSeeOther {
		t.Fatalf("removing a role through the second process: %d\n%.300s", got, body)
	}
	if got, _ := steward.get("/protocols"); got != http.StatusForbidden {
		t.Fatalf("the first process still honours a role removed through the second: %d", got)
	}

	if got, _, _ := steward.post("/sign-out", nil); got != http.StatusSeeOther {
		t.Fatalf("signing out: %d", got)
	}
	onB.http.Jar.SetCookies(mustURL(t, b.URL), []*http.Cookie{{Name: "hub_session", Value: "", MaxAge: -1}})
	if got, _ := onB.get("/profile"); got != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", got)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
