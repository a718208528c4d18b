package main

import (
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// Evidence from the hub links only to a path of this hub, and its page says where the link goes.
func TestHubEvidenceLinksStayOnTheHub(t *testing.T) {
	h := mustStartHub(t, nil)
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Leisure centre pricing", time.Now().AddDate(0, 1, 0))
	evidence := func(link string) url.Values {
		return url.Values{"evidence_kind": {"hub"}, "evidence_title": {"Satisfaction by age"}, "evidence_link": {link}}
	}
	for _, link := range []string{"//evil.example/phish", "/\\evil.example/phish", "https://evil.example/phish", "https:evil.example", "javascript:alert(1)", "/\t/evil.example"} {
		status, body, _ := author.post(at+"/assessment", evidence(link))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "a page of this hub") {
			t.Errorf("hub evidence linking to %q: %d", link, status)
		}
	}
	if _, page := author.get(at); strings.Contains(page, "evil.example") || strings.Contains(page, "javascript:") {
		t.Fatal("a link to another site was kept")
	}
	link := "/data/picture?theme=customer-satisfaction&question=age"
	mustPost(t, author, at+"/assessment", evidence(link), "hub evidence with a path of the hub")
	_, page := author.get(at)
	if !strings.Contains(page, `href="`+html.EscapeString(link)+`"`) || !strings.Contains(page, "the hub's data at "+html.EscapeString(link)) {
		t.Fatalf("the evidence does not link to %s, saying so", link)
	}
}

// The picture's CSV neutralises formulas in its header too: an organisation's
// name that a spreadsheet would run is written as text, whether it starts
// with an equals sign or with the full-width one some spreadsheets read alike.
func TestPictureCSVHeaderIsNotAFormula(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	names := map[string]string{
		"northshire-police": `=HYPERLINK("https://evil.example/","Northshire Police")`,
		"northshire-fire":   "\uff1dHYPERLINK(\"https://evil.example/\",\"Northshire Fire\")",
	}
	kinds := map[string]string{"northshire-police": "police", "northshire-fire": "fire-rescue"}
	for id, name := range names {
		if status, body, _ := admin.post("/organisations/"+id, url.Values{"id": {id}, "name": {name}, "kind": {kinds[id]}}); status != http.StatusSeeOther {
			t.Fatalf("renaming %s: %d\n%.2000s", id, status, body)
		}
	}
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	status, text := forum.get("/data/picture?theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4&format=csv")
	if status != http.StatusOK {
		t.Fatalf("the CSV: %d", status)
	}
	head, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !slices.Contains(head, "'"+name) {
			t.Errorf("the header does not hold %q as text: %q", name, head)
		}
	}
}

// An overdue action of the strategy shows on the home page of its owner's
// people who may read the strategy, and of no one else there.
func TestStrategyOnTheHomePageOnlyForItsReaders(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	now := time.Now()
	start := now.AddDate(-1, 0, 0)
	form := url.Values{"statement": {"Accessible customer contact for deaf residents"}, "aims": {"advance-equality"}, "owners": {"northshire-county"},
		"start": {start.Format(time.DateOnly)}, "end": {start.AddDate(3, 0, -1).Format(time.DateOnly)},
		"action_text": {"Offer a BSL video relay at every contact centre"}, "action_org": {"northshire-county"}, "action_due": {now.AddDate(0, 0, -3).Format(time.DateOnly)},
		"measure_label": {"Satisfied residents (%)"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"disability"},
		"group": {"disabled"}, "org": {"northshire-county"}, "kind": {"share"}, "baseline": {"70"}, "baseline_period": {"2025-26"},
		"target": {"80"}, "target_period": {"2027-28"}, "direction": {"up"}}
	mustPost(t, forum, "/strategy/objectives", form, "an objective with an overdue action")
	if _, home := forum.get("/"); !strings.Contains(home, "Offer a BSL video relay") {
		t.Fatal("the overdue action is not on the home page of a forum member of its owner")
	}
	for _, subject := range []string{"county-admin", "county-steward"} {
		c := h.visitor(t)
		c.signIn("northshire-county", subject)
		if status, _ := c.get("/strategy"); status != forbidden {
			t.Fatalf("%s may read the strategy (%d): the test needs someone who may not", subject, status)
		}
		if _, home := c.get("/"); strings.Contains(home, "Offer a BSL video relay") || strings.Contains(home, "Accessible customer contact") || strings.Contains(home, "/strategy#") {
			t.Errorf("the strategy's action is on the home page of %s, who may not read the strategy", subject)
		}
	}
}

// Only a party to a protocol drafts it and sends it for signature; an
// impact assessment names only organisations of the partnership.
func TestPartiesAndOrganisationsThatExist(t *testing.T) {
	h := mustStartHub(t, nil)
	county := h.visitor(t)
	county.signIn(countyForum.org, countyForum.subject)
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	draft := url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"},
		"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
		"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}
	if status, body, _ := police.post("/protocols", cloneValues(draft)); status != forbidden || !strings.Contains(body, "Only a party") {
		t.Errorf("the police drafting a protocol between the fire service and the county: %d", status)
	}
	status, _, loc := county.post("/protocols", cloneValues(draft))
	if status != saved {
		t.Fatalf("the county drafting: %d", status)
	}
	if _, page := police.get(loc); strings.Contains(page, "Send for signature") {
		t.Error("the police are offered to send another organisation's draft for signature")
	}
	if status, body, _ := police.post(loc+"/submit", nil); status != forbidden || !strings.Contains(body, "Only a party") {
		t.Errorf("the police sending another organisation's draft for signature: %d", status)
	}
	if _, page := county.get(loc); !strings.Contains(page, "Send for signature") {
		t.Error("a party is not offered to send its draft for signature")
	}
	if status, _, _ := county.post(loc+"/submit", nil); status != saved {
		t.Errorf("a party sending its draft for signature: %d", status)
	}

	decision := time.Now().AddDate(0, 1, 0)
	eiaForm := url.Values{"title": {"Library service redesign"}, "summary": {"Moving library services to community hubs"}, "subject": {"service"},
		"decision": {"Cabinet decision"}, "participants": {"northam-city", "northshire-nowhere"},
		"decision_date": {decision.Format(time.DateOnly)}, "review_date": {decision.AddDate(1, 0, 0).Format(time.DateOnly)}}
	if status, body, _ := county.post("/impact-assessments", eiaForm); status != http.StatusUnprocessableEntity || !strings.Contains(body, "no organisation &#34;northshire-nowhere&#34;") {
		t.Errorf("an assessment with an organisation that does not exist: %d", status)
	}
	at := startEIA(t, county, "Day centre opening hours", decision)
	action := url.Values{"text": {"Ask carers about evening hours"}, "owner_org": {"northshire-nowhere"}, "owner_person": {"Priya Shah"},
		"due": {decision.Format(time.DateOnly)}}
	if status, body, _ := county.post(at+"/actions", action); status != http.StatusUnprocessableEntity || !strings.Contains(body, "no organisation &#34;northshire-nowhere&#34;") {
		t.Errorf("an action owned by an organisation that does not exist: %d", status)
	}
}

// Someone who may not make a change is refused before anything they sent is
// judged: they learn nothing from field messages, and the hub does no work
// for them.
func TestRefusedBeforeJudged(t *testing.T) {
	h := mustStartHub(t, nil)
	county := h.visitor(t)
	county.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, county, "Day centre opening hours", time.Now().AddDate(0, 1, 0))
	_, _, prot := county.post("/protocols", url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"},
		"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
		"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}})
	// A forum member and impact assessment author of a partner that takes no part in either.
	eastvale := h.visitor(t)
	eastvale.signIn("eastvale-district", "eastvale-forum")
	// A decision maker of an organisation that is no party to the protocol.
	nhs := h.visitor(t)
	nhs.signIn("northshire-nhs", "nhs-director")
	cases := []struct {
		who  *client
		name string
		path string
		form url.Values
	}{
		{eastvale, "a screening", at + "/screening", url.Values{"conclusion": {"maybe"}}},
		{eastvale, "an assessment", at + "/assessment", url.Values{"conclusion": {"maybe"}, "effect-age": {"awful"}}},
		{eastvale, "an action", at + "/actions", url.Values{"text": {""}, "due": {"soon"}}},
		{eastvale, "a scrutiny window", at + "/scrutiny", url.Values{"until": {"later"}}},
		{eastvale, "a response", at + "/comments/c1/response", url.Values{"text": {""}}},
		{eastvale, "a protocol between others", "/protocols", url.Values{"title": {""}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"}, "threshold": {"x"}, "start": {"soon"}}},
		{nhs, "a signature", prot + "/sign", nil},
		{nhs, "a suspension", prot + "/suspend", url.Values{"reason": {""}}},
	}
	for _, c := range cases {
		if status, body, _ := c.who.post(c.path, c.form); status != forbidden {
			i := strings.Index(body, "<main")
			if i < 0 {
				i = 0
			}
			t.Errorf("%s with mistakes, by someone who may not make it: %d, want %d\n%.600s", c.name, status, forbidden, body[i:])
		}
	}
	// Those who may make the change are told what is wrong with it.
	if status, _, _ := county.post(at+"/screening", url.Values{"conclusion": {"maybe"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("a screening with mistakes by its author: %d", status)
	}
	if status, _, _ := county.post(at+"/actions", url.Values{"text": {"Ask carers"}, "due": {"soon"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("an action with mistakes by its author: %d", status)
	}
}

// After the first sign-off nothing of an assessment changes but through a
// new version: scrutiny closes, and no page offers a comment form; a response
// to a challenge stays as it was signed and published.
func TestSignedAssessmentKeepsItsScrutiny(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Mobile library routes", time.Now().AddDate(0, 1, 0))
	screenAndAssess(t, author, at, h)
	mustPost(t, author, at+"/scrutiny", url.Values{"until": {time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}}, "opening scrutiny")
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	mustPost(t, adv, at+"/comments", url.Values{"section": {"assessment"}, "text": {"Is there step-free access?"}, "challenge": {"yes"}}, "a challenge")
	original := "Yes: the vehicle has a lift"
	mustPost(t, author, at+"/comments/c1/response", url.Values{"text": {original}}, "a response")

	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	mustPost(t, director, at+"/sign", brown, "the county's sign-off")
	// Scrutiny closed at the first sign-off: no form is offered, and none is taken.
	if _, page := adv.get(at); strings.Contains(page, at+`/comments"`) {
		t.Error("the assessment's page offers a comment form after sign-off")
	}
	if _, page := adv.get("/advisory"); strings.Contains(page, "Mobile library routes</a>, open until") {
		t.Error("the advisory page lists a signed assessment as open for scrutiny")
	}
	if status, _, _ := adv.post(at+"/comments", url.Values{"section": {"assessment"}, "text": {"One more thing"}}); status != http.StatusConflict {
		t.Errorf("a comment after the first sign-off: %d, want 409", status)
	}
	if status, _, _ := author.post(at+"/comments/c1/response", url.Values{"text": {"No lift after all"}}); status != http.StatusConflict {
		t.Errorf("rewriting a response after the first sign-off: %d, want 409", status)
	}
	city := h.visitor(t)
	city.signIn("northam-city", "city-cabinet")
	mustPost(t, city, at+"/sign", brown, "the city's sign-off")
	nhs := h.visitor(t)
	nhs.signIn("northshire-nhs", "nhs-director")
	mustPost(t, nhs, at+"/sign", brown, "the NHS trust's sign-off")
	mustPost(t, author, at+"/publish", nil, "publishing")
	if status, _, _ := author.post(at+"/comments/c1/response", url.Values{"text": {"No lift after all"}}); status != http.StatusConflict {
		t.Errorf("rewriting a response on a published assessment: %d, want 409", status)
	}
	if _, page := author.get(at); !strings.Contains(page, original) || strings.Contains(page, "No lift after all") {
		t.Error("the published response is not the one that was signed")
	}
}
