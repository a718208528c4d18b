package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A protocol's page says what it shares and who signed by name; a
// suspended protocol is resumed by a provider and waits on every party's
// home page until each has signed again; one that ends soon is renewed as a
// new protocol linked to it, which every party signs.
func TestProtocolResumedAndRenewed(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	county := h.visitor(t)
	county.signIn(countyForum.org, countyForum.subject)

	_, page := county.get("/protocols/demo-community-safety")
	page = html.UnescapeString(mainOf(page))
	for _, want := range []string{"Stop and search", "Hate crime", "Customer satisfaction", "Northshire Police on ", "Northshire County Council on "} {
		if !strings.Contains(page, want) {
			t.Errorf("the protocol page does not say %q", want)
		}
	}
	if strings.Contains(page, "northshire-police") && !strings.Contains(page, `"/protocols/`) || strings.Contains(page, ">stop-and-search<") {
		t.Errorf("the protocol page shows ids:\n%.3000s", page)
	}

	mustPost(t, police, "/protocols/demo-community-safety/suspend", url.Values{"reason": {"Checking a data quality problem"}}, "suspending")
	if status, _, _ := county.post("/protocols/demo-community-safety/resume", nil); status != http.StatusForbidden {
		t.Errorf("a recipient resumed a protocol: %d", status)
	}
	_, page = police.get("/protocols/demo-community-safety")
	if !strings.Contains(page, "Resume and ask every party to sign again") {
		t.Fatalf("a provider is not offered to resume a suspended protocol:\n%.3000s", mainOf(page))
	}
	mustPost(t, police, "/protocols/demo-community-safety/resume", nil, "resuming")
	_, home := county.get("/")
	if !strings.Contains(home, "/protocols/demo-community-safety") {
		t.Errorf("a resumed protocol does not wait on a party's home page")
	}
	_, page = county.get("/protocols/demo-community-safety")
	if !strings.Contains(page, "Awaiting signatures") || !strings.Contains(page, "Sign for") {
		t.Errorf("a resumed protocol does not ask the party to sign again:\n%.3000s", mainOf(page))
	}
	mustPost(t, county, "/protocols/demo-community-safety/sign", nil, "the county signing again")
	if _, home = county.get("/"); strings.Contains(home, "/protocols/demo-community-safety") {
		t.Errorf("a protocol signed again still waits on the county's home page")
	}

	// A protocol that ends soon is renewed.
	today := time.Now().UTC()
	status, _, loc := police.post("/protocols", url.Values{"title": {"Hate crime to the county"}, "providers": {"northshire-police"}, "recipients": {"org:northshire-county"},
		"themes": {"hate-crime"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Joint analysis"}, "lawful_basis": {"PSED"},
		"start": {today.AddDate(0, -11, 0).Format(time.DateOnly)}, "end": {today.AddDate(0, 0, 20).Format(time.DateOnly)}})
	if status != http.StatusSeeOther {
		t.Fatalf("drafting: %d", status)
	}
	mustPost(t, police, loc+"/submit", nil, "sending for signature")
	mustPost(t, police, loc+"/sign", nil, "the police signing")
	mustPost(t, county, loc+"/sign", nil, "the county signing")
	_, page = county.get(loc)
	if !strings.Contains(page, "Renew and send for signature") {
		t.Fatalf("a protocol ending soon is not offered for renewal:\n%.3000s", mainOf(page))
	}
	status, body, _ := county.post(loc+"/renew", url.Values{"start": {"soon"}, "end": {today.AddDate(9, 0, 0).Format(time.DateOnly)}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the date the renewal runs from as year-month-day") || !strings.Contains(body, `value="soon"`) {
		t.Errorf("a renewal with a date that cannot be read: %d\n%.3000s", status, summaryOf(body))
	}
	from, until := today.AddDate(0, 0, 21), today.AddDate(2, 0, 20)
	status, _, renewal := county.post(loc+"/renew", url.Values{"start": {from.Format(time.DateOnly)}, "end": {until.Format(time.DateOnly)}})
	if status != http.StatusSeeOther || renewal == loc {
		t.Fatalf("renewing: %d %s", status, renewal)
	}
	renewal = strings.TrimSuffix(renewal, "?done=renewed")
	_, page = county.get(renewal)
	if !strings.Contains(page, "Awaiting signatures") || !strings.Contains(page, `href="`+loc+`"`) || !strings.Contains(page, from.Format("2 January 2006")) {
		t.Errorf("the renewal does not wait for signatures or link to what it renews:\n%.3000s", mainOf(page))
	}
	if _, home = police.get("/"); !strings.Contains(home, renewal) {
		t.Errorf("a renewal does not wait on a party's home page")
	}
	if _, page = police.get(loc); !strings.Contains(page, `href="`+renewal+`"`) || strings.Contains(page, "Renew and send for signature") {
		t.Errorf("the old protocol does not link to its renewal, or offers another")
	}
}
