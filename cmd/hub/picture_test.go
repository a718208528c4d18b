package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type pictureJSON struct {
	Columns  []string `json:"columns"`
	Rows     []string `json:"rows"`
	NotShown []string `json:"not_shown"`
	Rules    string   `json:"rules"`
	Cells    [][]struct {
		Value  *int64 `json:"value"`
		Status string `json:"status"`
		Text   string `json:"text"`
	} `json:"cells"`
}

func getPicture(t *testing.T, c *client, query string) (int, pictureJSON) {
	t.Helper()
	status, body := c.get("/data/picture?" + query + "&format=json")
	var p pictureJSON
	if status == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("%v\n%.500s", err, body)
		}
	}
	return status, p
}

func TestPartnershipPictureUnderProtocols(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)

	// The county's forum member sees the police's satisfaction beside the other partners', protected.
	status, p := getPicture(t, forum, "theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4")
	if status != http.StatusOK || !contains(p.Columns, "Northshire Police") || !contains(p.Columns, "Northam City Council") || p.Rules == "" {
		t.Fatalf("the satisfaction picture: %d %+v", status, p.Columns)
	}
	withheld := 0
	for _, line := range p.Cells {
		for j, c := range line {
			if p.Columns[j] == "Northshire County Council" {
				continue // the viewer's own counts are never withheld from them
			}
			if c.Value != nil && *c.Value > 0 && *c.Value < 5 {
				t.Fatalf("a count below 5 was released: %+v", c)
			}
			if c.Value == nil {
				withheld++
				if !strings.Contains(c.Text, "fewer than") && !strings.Contains(c.Text, "withheld") && !strings.Contains(c.Text, "whole year only") {
					t.Fatalf("a withheld cell is not said in words: %q", c.Text)
				}
			}
		}
	}
	if withheld == 0 {
		t.Fatal("no small cell was withheld in an ethnicity table of the demo partnership")
	}
	// Stop and search: the police share it with the councils, not the fire service.
	status, p = getPicture(t, forum, "theme=stop-and-search&measure=arrested&question=ethnicity&period=2025-26&grouping=broad")
	if status != http.StatusOK || !contains(p.Columns, "Northshire Police") {
		t.Fatalf("the stop and search picture: %d %+v %v", status, p.Columns, p.NotShown)
	}
	// Against the population the force serves (county and city), rates from shown counts only.
	_, ss := forum.get("/data/picture?theme=stop-and-search&measure=searched&question=ethnicity&period=2025-26")
	for _, want := range []string{"Against the population", "Northam City Council and Northshire County Council, 2025-26", "times (", "a real difference"} {
		if !strings.Contains(ss, want) {
			t.Fatalf("the stop and search page does not show disproportionality against the population (%q):\n%.3000s", want, ss[strings.Index(ss, "<main"):])
		}
	}
	_, page := forum.get("/data/picture?theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4")
	if !strings.Contains(page, "The gap between White people") || !strings.Contains(page, "points (95% interval") {
		t.Fatal("the page does not show the satisfaction gap with its interval")
	}

	// The police suspend the protocol: the county loses the police's column at once.
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	if status, body, _ := police.post("/protocols/demo-community-safety/suspend", url.Values{"reason": {""}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Say why") {
		t.Fatalf("suspending without a reason: %d", status)
	}
	if status, _, _ := police.post("/protocols/demo-community-safety/suspend", url.Values{"reason": {"checking a data quality problem"}}); status != http.StatusSeeOther {
		t.Fatalf("suspending: %d", status)
	}
	_, p = getPicture(t, forum, "theme=stop-and-search&measure=arrested&question=ethnicity&period=2025-26")
	if contains(p.Columns, "Northshire Police") || len(p.NotShown) == 0 {
		t.Fatalf("the police's data is still shown after the suspension: %+v", p.Columns)
	}
	// A provider only can suspend; a partner without a role cannot sign.
	if status, _, _ := forum.post("/protocols/demo-community-safety/suspend", url.Values{"reason": {"x"}}); status != http.StatusForbidden {
		t.Fatalf("a recipient suspended a protocol: %d", status)
	}

	// The record shows the reads and the refusal.
	_, record := police.get("/audit")
	for _, want := range []string{"<strong>Read</strong>", "Satisfied with the service by Ethnic group", "<strong>Refused</strong>", "no protocol in force",
		"<strong>Protocol</strong>: <a class=\"govuk-link\" href=\"/protocols/demo-community-safety\">the protocol Community safety monitoring between the police and the councils</a>", "suspended: checking a data quality problem"} {
		if !strings.Contains(record, want) {
			t.Errorf("the police's record lacks %q", want)
		}
	}
	// An advisory group member sees no partner-level data.
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _ := adv.get("/data/picture?theme=stop-and-search&period=2025-26"); status != http.StatusForbidden {
		t.Fatalf("an advisory group member opened the partnership picture: %d", status)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestProtocolFromDraftToActive(t *testing.T) {
	h := mustStartHub(t, nil)
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	bad := url.Values{"title": {""}, "providers": {"northshire-fire", "northshire-county"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"2"},
		"purpose": {""}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2031-03-31"}}
	status, body, _ := priya.post("/protocols", bad)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad draft: %d", status)
	}
	for _, want := range []string{"Give the protocol a title", "Choose who receives the data", "at least 3", "Say what the data is shared for", "at most four years"} {
		if !strings.Contains(body, want) {
			t.Errorf("the form does not say %q", want)
		}
	}
	good := url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"},
		"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
		"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}
	status, _, loc := priya.post("/protocols", good)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/protocols/") {
		t.Fatalf("drafting: %d %s", status, loc)
	}
	fire := h.visitor(t)
	fire.signIn("northshire-fire", "fire-forum")
	if status, _, _ := fire.post(loc+"/sign", nil); status != http.StatusConflict {
		t.Fatalf("signing a draft: %d", status)
	}
	if status, _, _ := priya.post(loc+"/submit", nil); status != http.StatusSeeOther {
		t.Fatalf("sending for signature: %d", status)
	}
	if status, _, _ := fire.post(loc+"/sign", nil); status != http.StatusSeeOther {
		t.Fatalf("the fire service signing: %d", status)
	}
	if status, _, _ := fire.post(loc+"/sign", nil); status != http.StatusConflict {
		t.Fatalf("signing twice: %d", status)
	}
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	if status, _, _ := police.post(loc+"/sign", nil); status != http.StatusForbidden {
		t.Fatalf("a non-party signing: %d", status)
	}
	if _, page := priya.get(loc); !strings.Contains(page, "Awaiting signatures") || !strings.Contains(page, "Still to sign: Northshire County Council") {
		t.Fatal("the protocol does not say who is still to sign")
	}
	if status, _, _ := priya.post(loc+"/sign", nil); status != http.StatusSeeOther {
		t.Fatalf("the county signing: %d", status)
	}
	if _, page := priya.get(loc); !strings.Contains(page, ">Active<") {
		t.Fatal("a protocol signed by every party is not active")
	}
	if _, list := priya.get("/protocols"); !strings.Contains(list, "Northshire Fire and Rescue Service</th><td class=\"govuk-table__cell\">Northshire County Council</td><td class=\"govuk-table__cell\">Workforce strength") {
		t.Fatal("the map of flows does not show the new protocol")
	}
}

// Sensitive characteristics are held back harder: nothing from 1 to 9 is released.
func TestSensitiveCharacteristicsHaveAStricterThreshold(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	status, p := getPicture(t, forum, "theme=customer-satisfaction&measure=satisfied&question=sexual-orientation&period=2025-26-Q4")
	if status != http.StatusOK || p.Rules == "" {
		t.Fatalf("%d %+v", status, p)
	}
	for _, line := range p.Cells {
		for j, c := range line {
			if p.Columns[j] == "Northshire County Council" {
				continue // the viewer's own counts are never withheld from them
			}
			if c.Value != nil && *c.Value > 0 && *c.Value < 10 {
				t.Fatalf("a count below 10 of a sensitive characteristic was released: %+v", c)
			}
		}
	}
}
