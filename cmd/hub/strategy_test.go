package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub/strategy"
)

// The board sees the strategy with live measures, the quarter's report and every partner's framework levels.
func TestBoardSeesStrategyAndFramework(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	status, page := board.get("/strategy")
	if status != http.StatusOK {
		t.Fatalf("/strategy: %d", status)
	}
	// Every demo measure is there: one whose baseline its author could not see would have been left out.
	for _, want := range []string{"objective-accessible-services", "Quarterly reports", "made ",
		"Black users of police services satisfied", "Asian users of police services satisfied", "Stop and searches of Black people", "Black police staff", "Disabled staff"} {
		if !strings.Contains(page, want) {
			t.Errorf("the strategy page lacks %q", want)
		}
	}
	statuses := 0
	for _, s := range []string{">On track<", ">At risk<", ">Off track<"} {
		if strings.Contains(page, s) {
			statuses++
		}
	}
	if statuses < 2 || strings.Count(page, ">No data yet<") > 2 {
		t.Errorf("the measures are not live: %d kinds of status shown\n%.8000s", statuses, page[strings.Index(page, "<main"):])
	}
	q := page[strings.Index(page, `href="/strategy/reports/`)+len(`href="/strategy/reports/`):]
	q = q[:strings.Index(q, `"`)]
	if status, rep := board.get("/strategy/reports/" + q); status != http.StatusOK || !strings.Contains(rep, "Progress report for "+strategy.PeriodLabel(q)) || strings.Contains(rep, ">"+q+"<") || !strings.Contains(rep, "Stop and searches of Black people") {
		t.Errorf("the quarter's report %s: %d", q, status)
	}
	status, grid := board.get("/framework")
	if status != http.StatusOK || !strings.Contains(grid, "Northshire Police") || !strings.Contains(grid, "Achieving") {
		t.Fatalf("/framework: %d", status)
	}
	if strings.Count(grid, "Not assessed") > 0 {
		t.Error("the demo grid has unassessed cells")
	}
	if status, rep := board.get("/strategy/annual-report"); status != http.StatusOK || !strings.Contains(rep, "The area's population") || !strings.Contains(rep, "Staff in post by ethnic group") || !strings.Contains(rep, "signed before their decision") {
		t.Errorf("the annual report: %d\n%.3000s", status, rep[strings.Index(rep, "<main"):])
	}
	if _, cal := board.get("/strategy/duty"); !strings.Contains(cal, "Northshire County Council") || !strings.Contains(cal, "Nothing on record") || !strings.Contains(cal, "Met</strong>") {
		t.Errorf("the duty calendar:\n%.2000s", cal[strings.Index(cal, "<main"):])
	}
}

// The advisory group's page shows their challenge and its answer, and the data shared with them.
func TestAdvisoryGroupView(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	status, page := adv.get("/advisory")
	if status != http.StatusOK || !strings.Contains(page, "step-free access") || !strings.Contains(page, "the vehicle has a lift") || !strings.Contains(page, "Population baseline") {
		t.Fatalf("/advisory: %d\n%.2000s", status, page)
	}
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	if status, _ := forum.get("/advisory"); status != http.StatusForbidden {
		t.Fatalf("a forum member opened the advisory group's page: %d", status)
	}
}

// Partners challenge each other's framework levels, never their own; the grid counts the challenge.
func TestFrameworkChallenge(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	if _, page := priya.get("/framework"); !strings.Contains(page, "Evidence the hub already holds") {
		t.Error("no evidence is suggested from what the hub holds")
	}
	if status, body, _ := priya.post("/framework/challenges", url.Values{"org": {"northshire-county"}, "theme": {"impact-assessment"}, "text": {"x"}}); status != http.StatusForbidden || !strings.Contains(body, "own") {
		t.Fatalf("challenging one's own organisation: %d", status)
	}
	_, grid := priya.get("/framework")
	i := strings.Index(grid, `id="ctheme"`)
	theme := grid[i:]
	theme = theme[strings.Index(theme, `value="`)+7:]
	theme = theme[:strings.Index(theme, `"`)]
	if status, _, _ := priya.post("/framework/challenges", url.Values{"org": {"northshire-police"}, "theme": {theme}, "text": {"Where is the evidence of community involvement?"}}); status != http.StatusSeeOther {
		t.Fatalf("challenging the police: %d", status)
	}
	if _, grid := priya.get("/framework"); !strings.Contains(grid, "(1 challenge)") {
		t.Error("the grid does not count the challenge")
	}
}

// Setting an objective: contradictory targets, objectives past four years and
// measures bound to data the author may not see are refused; a good one is live.
func TestSetAnObjective(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	form := func(changes map[string]string) url.Values {
		v := url.Values{"statement": {"Fair recruitment for every community"}, "aims": {"advance-equality"}, "owners": {"northshire-county"},
			"start": {"2026-04-01"}, "end": {"2029-03-31"}, "measure_label": {"Black applicants appointed (%)"}, "theme": {"workforce-recruitment"},
			"measure": {"appointed"}, "question": {"ethnicity"}, "group": {"black"}, "org": {"northshire-county"}, "kind": {"share"},
			"baseline": {"10"}, "baseline_period": {"2025-26"}, "target": {"15"}, "target_period": {"2028-29"}, "direction": {"up"}}
		for k, x := range changes {
			v.Set(k, x)
		}
		return v
	}
	cases := []struct {
		name    string
		changes map[string]string
		want    string
	}{
		{"contradicting target", map[string]string{"target": "5"}, "below the baseline"},
		{"past four years", map[string]string{"end": "2031-03-31"}, "four years"},
		{"data the author may not see", map[string]string{"org": "northshire-fire", "theme": "hate-crime", "measure": "reported", "kind": "count"}, "no sharing protocol in force"},
	}
	for _, c := range cases {
		if status, body, _ := priya.post("/strategy/objectives", form(c.changes)); status == http.StatusSeeOther || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want a message with %q", c.name, status, c.want)
		}
	}
	if status, body, _ := priya.post("/strategy/objectives", form(nil)); status != http.StatusSeeOther {
		t.Fatalf("a good objective: %d\n%.1500s", status, body[strings.Index(body, "<main"):])
	}
	if _, page := priya.get("/strategy"); !strings.Contains(page, "Fair recruitment for every community") || !strings.Contains(page, "Black applicants appointed (%)") {
		t.Fatal("the new objective is not on the strategy page")
	}
}

// Every link on the Data and Strategy pages opens for the person shown it: a
// board member is not offered the mapping, nor an advisory member the annual
// report, that their roles do not let them open. The quarter's report gives a
// count as a whole number.
func TestStrategyAndDataLinksOpen(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	for _, p := range []persona{countyBoard, advisory} {
		v := h.visitor(t)
		v.signIn(p.org, p.subject)
		for _, page := range []string{"/data", "/strategy"} {
			status, body := v.get(page)
			if status == http.StatusForbidden {
				continue
			}
			for _, m := range href.FindAllStringSubmatch(body, -1) {
				link := html.UnescapeString(m[1])
				if strings.HasPrefix(link, "/assets/") || strings.HasPrefix(link, "/api/") {
					continue
				}
				if status, _ := v.get(link); status >= 400 {
					t.Errorf("%s: %s links to %s, which answers %d", p.name, page, link, status)
				}
			}
		}
	}
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, page := board.get("/strategy")
	q := page[strings.Index(page, `href="/strategy/reports/`)+len(`href="/strategy/reports/`):]
	q = q[:strings.Index(q, `"`)]
	_, rep := board.get("/strategy/reports/" + q)
	row := rep[strings.Index(rep, "Stop and searches of Black people"):]
	row = row[:strings.Index(row, "</tr>")]
	if regexp.MustCompile(`\d\.\d \(`).MatchString(row) {
		t.Errorf("the report gives a count with a decimal: %s", row)
	}
}
