package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAdministratorManagesOrganisations(t *testing.T) {
	h := mustStartHub(t, nil)
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)

	// Mistakes are named beside their fields, and what was typed is kept.
	bad := url.Values{"id": {"Northshire Schools!"}, "name": {"Northshire Schools Trust"}, "kind": {"school"},
		"issuers.0.id": {"staff"}, "issuers.0.label": {"Staff account"}, "issuers.0.url": {"http://login.schools.example"}, "issuers.0.client_id": {"hub"}}
	status, body, _ := admin.post("/organisations", bad)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad organisation form: %d", status)
	}
	for _, want := range []string{"Enter a short name of lower-case letters", "Choose the kind of organisation", "must start with https://", `value="Northshire Schools Trust"`, `href="#issuers.0.url"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the re-rendered form lacks %q", want)
		}
	}

	// An identity provider already bound to another organisation is refused.
	clash := url.Values{"id": {"northshire-schools"}, "name": {"Northshire Schools Trust"}, "kind": {"education"},
		"issuers.0.id": {"staff"}, "issuers.0.label": {"Staff account"}, "issuers.0.url": {h.URL + "/demo-idp/northshire-police"}, "issuers.0.client_id": {"hub"}}
	if status, body, _ := admin.post("/organisations", clash); status != http.StatusConflict || !strings.Contains(body, "already bound to Northshire Police") {
		t.Fatalf("a shared identity provider: %d", status)
	}

	good := url.Values{"id": {"northshire-schools"}, "name": {"Northshire Schools Trust"}, "kind": {"education"},
		"issuers.0.id": {"staff"}, "issuers.0.label": {"Staff account"}, "issuers.0.url": {"https://login.schools.example"},
		"issuers.0.client_id": {"hub"}, "issuers.0.client_secret": {"s3cret-value"}}
	if status, _, loc := admin.post("/organisations", good); status != http.StatusSeeOther || loc != "/organisations/northshire-schools?saved=1" {
		t.Fatalf("adding an organisation: %d %q", status, loc)
	}
	if status, _, _ := admin.post("/organisations", good); status != http.StatusConflict {
		t.Fatalf("adding it twice: %d", status)
	}
	_, page := admin.get("/organisations/northshire-schools")
	if !strings.Contains(page, "Northshire Schools Trust") || !strings.Contains(page, "https://login.schools.example") || !strings.Contains(page, "Nobody has signed in") {
		t.Fatalf("the new organisation's page:\n%.3000s", page)
	}
	_, form := admin.get("/organisations/northshire-schools/edit")
	if strings.Contains(form, "s3cret-value") || !strings.Contains(form, "A secret is held") {
		t.Fatal("the edit form must never show the client secret")
	}
	// Renaming with the secret left empty keeps it: the sign-in page still lists the organisation.
	good.Set("name", "Northshire Schools Partnership Trust")
	good.Del("issuers.0.client_secret")
	if status, _, _ := admin.post("/organisations/northshire-schools", good); status != http.StatusSeeOther {
		t.Fatalf("renaming: %d", status)
	}
	if _, list := h.visitor(t).get("/organisations"); !strings.Contains(list, "Northshire Schools Partnership Trust") {
		t.Fatal("the renamed organisation is not listed")
	}

	// An unknown organisation at the sign-in address gets a clear answer.
	if status, body := h.visitor(t).get("/login/nowhere"); status != http.StatusNotFound || !strings.Contains(body, `no organisation &#34;nowhere&#34;`) {
		t.Fatalf("/login/nowhere: %d", status)
	}
	// An advisory group member can change nothing.
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.post("/organisations/northshire-schools", good); status != http.StatusForbidden {
		t.Fatalf("an advisory group member changed an organisation: %d", status)
	}
}

// A hub started again on another address carries its demo people over to the
// demo identity providers' new address.
func TestDemoMovesWithTheHub(t *testing.T) {
	env := map[string]string{"HUB_DATABASE": "hubtest_moves_" + strings.ToLower(t.Name())}
	first := mustStartHub(t, env)
	c := first.visitor(t)
	c.signIn(countyForum.org, countyForum.subject)
	second := mustStartHub(t, env)
	c2 := second.visitor(t)
	c2.signIn(countyForum.org, countyForum.subject)
	if _, body := c2.get("/profile"); !strings.Contains(body, "Priya Shah") || !strings.Contains(body, "Equality forum member") {
		t.Fatal("the demo person lost their roles on the hub's new address")
	}
}
