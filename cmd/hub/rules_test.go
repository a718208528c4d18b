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
