package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// policeForumMember is the police's equality officer on the forum.
var policeForumMember = persona{"police forum member", "northshire-police", "police-forum"}

// except is m without a persona's row.
func except(m map[persona]int, p persona) map[persona]int {
	out := with(m, p, 0)
	delete(out, p)
	return out
}

// builtInStandard reads a version of the standard the hub ships, renamed.
func builtInStandard(t *testing.T, file, version string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "hub", "monitoring", "data", file))
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	st["Version"] = version
	out, _ := json.Marshal(st)
	return out
}

// currentVersion is the version /api/v1/standard answers.
func currentVersion(t *testing.T, c *client) string {
	t.Helper()
	_, body := c.get("/api/v1/standard")
	var st struct{ Version string }
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("%v\n%.300s", err, body)
	}
	return st.Version
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// A forum member's proposal of a new standard changes nothing: the
// standard in effect, the picture and uploads stay as they were. The
// proposer's organisation cannot approve it; a forum member of another
// organisation does, and it takes effect on its day. It can be withdrawn
// before its day, not after. Once a new version is in effect, returns made
// under the earlier one are still shown beside it where their answers are
// the same, and said to be apart where they differ.
func TestAStandardVersionNeedsTwoOrganisations(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	county, police := h.visitor(t), h.visitor(t)
	county.signIn(countyForum.org, countyForum.subject)
	police.signIn(policeForumMember.org, policeForumMember.subject)
	searches := "theme=stop-and-search&measure=searched&question=ethnicity&period=2025-26"
	_, before := getPicture(t, county, searches)
	if !contains(before.Columns, "Northshire Police") {
		t.Fatalf("before any proposal the picture lacks the police: %+v %v", before.Columns, before.NotShown)
	}

	// The county's forum member proposes 2026.2 to take effect in a month.
	later := time.Now().AddDate(0, 1, 0)
	next := builtInStandard(t, "standard-2026.2.json", "2026.2")
	if status, body, _ := county.multipartNamed("/standard", map[string]string{"effective": day(later)}, "standard", "standard.json", next); status != http.StatusSeeOther {
		t.Fatalf("proposing 2026.2: %d\n%.1500s", status, body)
	}
	if got := currentVersion(t, county); got != "2026.1" {
		t.Fatalf("one forum member's proposal became the standard: %s", got)
	}
	if status, body, _ := county.multipartNamed("/standard", map[string]string{"effective": day(time.Now().AddDate(0, 0, -2))}, "standard", "standard.json", builtInStandard(t, "standard-2026.2.json", "2026.9")); status != http.StatusUnprocessableEntity || !strings.Contains(body, "from today") {
		t.Fatalf("a proposal to take effect in the past: %d", status)
	}
	_, page := h.visitor(t).get("/standard")
	if !strings.Contains(page, "Version 2026.1") || !strings.Contains(page, "Version 2026.2:") || !strings.Contains(page, "Not yet approved") || !strings.Contains(page, "Northshire County Council") {
		t.Fatalf("the standard page does not show the standard in effect and the proposal:\n%.3000s", mainOf(page))
	}
	if _, p := getPicture(t, county, searches); !contains(p.Columns, "Northshire Police") {
		t.Fatalf("a proposal emptied the picture: %+v %v", p.Columns, p.NotShown)
	}
	bin := mustBuildHubctl(t)
	steward, _ := signedSteward(t, h, bin)
	steward.signAnyway("current.json", searchReturn(t, "2026-27", 40, nil))
	if status, body := steward.upload(h, "current.json", "sent again while a new standard is proposed"); status != http.StatusCreated {
		t.Fatalf("an upload under the standard in effect while a new one is proposed: %d\n%s", status, body)
	}

	// The county's own forum member cannot approve it; the police's can.
	_, page = county.get("/standard")
	if strings.Contains(page, "Approve version 2026.2") || !strings.Contains(page, "Withdraw version 2026.2") {
		t.Fatal("the proposer's organisation is offered the approval, or not the withdrawal")
	}
	if status, body, _ := county.post("/standard/2026.2/approve", nil); status != http.StatusForbidden || !strings.Contains(body, "another organisation") {
		t.Fatalf("the proposer's organisation approving: %d\n%.1500s", status, mainOf(body))
	}
	if _, page = police.get("/standard"); !strings.Contains(page, "Approve version 2026.2") {
		t.Fatal("a forum member of another organisation is not offered the approval")
	}
	// The proposal says what it changes, and waits on the home page of those who may approve it.
	if !strings.Contains(page, "What it changes") || !strings.Contains(page, "Officer-observed ethnic group") && !strings.Contains(page, "A new question") {
		t.Errorf("the proposal does not say what it changes:\n%.3000s", mainOf(page))
	}
	if _, home := police.get("/"); !strings.Contains(home, "Monitoring standard 2026.2</a>, proposed by Northshire County Council") {
		t.Errorf("the proposal does not wait on the home page of a forum member of another organisation")
	}
	if _, home := county.get("/"); strings.Contains(home, "Monitoring standard 2026.2") {
		t.Errorf("the proposal waits on the home page of the proposer's organisation, which cannot approve it")
	}
	status, body, where := police.post("/standard/2026.2/approve", nil)
	if status != http.StatusSeeOther {
		t.Fatalf("another organisation approving: %d\n%.1500s", status, mainOf(body))
	}
	if _, done := police.get(where); !strings.Contains(done, "Version 2026.2 is approved") {
		t.Errorf("approving does not say it was done (%s)", where)
	}
	if got := currentVersion(t, county); got != "2026.1" {
		t.Fatalf("an approved version took effect before its day: %s", got)
	}
	if _, page = h.visitor(t).get("/standard"); !strings.Contains(page, "Approved by") || !strings.Contains(page, "Northshire Police") {
		t.Fatalf("the standard page does not say who approved it:\n%.3000s", mainOf(page))
	}
	// Withdrawn before its day, it never takes effect.
	if status, body, _ := county.post("/standard/2026.2/withdraw", nil); status != http.StatusSeeOther {
		t.Fatalf("withdrawing before the day: %d\n%.1500s", status, mainOf(body))
	}
	_, list := h.visitor(t).get("/api/v1/standards")
	if !strings.Contains(list, `"Version":"2026.2"`) || !strings.Contains(list, `"State":"withdrawn"`) {
		t.Fatalf("the versions after the withdrawal:\n%.500s", list)
	}

	// 2026.3, the same questions, proposed by the police for today and
	// approved by the county, is in effect at once and cannot be withdrawn.
	now := builtInStandard(t, "standard-2026.2.json", "2026.3")
	if status, body, _ := police.multipartNamed("/standard", map[string]string{"effective": day(time.Now())}, "standard", "standard.json", now); status != http.StatusSeeOther {
		t.Fatalf("proposing 2026.3: %d\n%.1500s", status, mainOf(body))
	}
	if status, body, _ := county.post("/standard/2026.3/approve", nil); status != http.StatusSeeOther {
		t.Fatalf("approving 2026.3: %d\n%.1500s", status, mainOf(body))
	}
	if got := currentVersion(t, county); got != "2026.3" {
		t.Fatalf("an approved version whose day has come is not current: %s", got)
	}
	if status, body, _ := police.post("/standard/2026.3/withdraw", nil); status != http.StatusConflict || !strings.Contains(body, "can no longer be withdrawn") {
		t.Fatalf("withdrawing a version in effect: %d\n%.1500s", status, mainOf(body))
	}
	// A steward whose mapping is for the earlier version is told, on the mapping page.
	police2 := h.visitor(t)
	police2.signIn(policeSteward.org, policeSteward.subject)
	if _, page := police2.get("/data/mapping"); !strings.Contains(page, "Standard 2026.3 is now in effect, and this mapping is for standard 2026.1") {
		t.Errorf("the mapping page does not say the mapping is for an earlier version:\n%.2000s", mainOf(page))
	}

	// Returns made under 2026.1 are shown beside 2026.3 where the answers are the same...
	_, after := getPicture(t, county, searches)
	if was, is := jsonOf(before.Cells), jsonOf(after.Cells); !contains(after.Columns, "Northshire Police") || was != is {
		t.Fatalf("returns under the earlier version are not shown beside the new one as before: %+v %v\n%s\n%s", after.Columns, after.NotShown, was, is)
	}
	// ...and said to be apart for a question whose answers changed.
	status, p := getPicture(t, county, "theme=customer-satisfaction&measure=satisfied&question=disability&period=2025-26-Q4")
	if status != http.StatusOK || contains(p.Columns, "Northshire Police") || !strings.Contains(strings.Join(p.NotShown, " "), "earlier version of the monitoring standard") {
		t.Fatalf("a question whose answers changed: %d %+v %v", status, p.Columns, p.NotShown)
	}
	// A return for a year 2026.1 was in effect during is still made under it.
	steward.signAnyway("late.json", searchReturn(t, "2026-27", 41, nil))
	if status, body := steward.upload(h, "late.json", "late records for a year the earlier standard covered"); status != http.StatusCreated {
		t.Fatalf("an upload under the earlier version for a year it was in effect during: %d\n%s", status, body)
	}
}

// Who may propose, approve and withdraw a version of the standard.
func TestStandardAccessScenarios(t *testing.T) {
	h := mustStartHub(t, nil)
	clients := map[persona]*client{}
	everyone := with(all(ok), policeForumMember, ok) // every persona of the access table, and the police's forum member
	for p := range everyone {
		c := h.visitor(t)
		if p.subject != "" {
			c.signIn(p.org, p.subject)
		}
		clients[p] = c
	}
	propose := func(by *client, version string, effective time.Time) {
		t.Helper()
		if status, body, _ := by.multipartNamed("/standard", map[string]string{"effective": day(effective)}, "standard", "standard.json", builtInStandard(t, "standard-2026.1.json", version)); status != http.StatusSeeOther {
			t.Fatalf("proposing %s: %d\n%.1000s", version, status, mainOf(body))
		}
	}
	later := time.Now().AddDate(0, 2, 0)
	propose(clients[countyForum], "2027.1", later)
	propose(clients[countyForum], "2027.2", later)
	propose(clients[policeForumMember], "2027.3", time.Now())
	refused := signedIn(http.StatusUnauthorized, forbidden)
	steps := []step{
		{"GET", "/standard", nil, all(ok)},
		{"GET", "/api/v1/standard", nil, all(ok)},
		{"GET", "/api/v1/standards", nil, all(ok)},
		// The proposer's organisation cannot approve; another's forum member can.
		{"POST", "/standard/2027.1/approve", nil, with(refused, countyForum, forbidden)},
		{"POST", "/standard/2027.1/approve", nil, map[persona]int{policeForumMember: saved}},
		{"POST", "/standard/2027.1/approve", nil, map[persona]int{countyForum: http.StatusConflict}},
		// Any forum member withdraws before the day.
		{"POST", "/standard/2027.1/withdraw", nil, with(refused, countyForum, saved)},
		{"POST", "/standard/2027.2/withdraw", nil, except(with(refused, policeForumMember, saved), countyForum)},
		{"POST", "/standard/2027.2/approve", nil, map[persona]int{policeForumMember: http.StatusConflict}},
		// In effect today: approved, then never withdrawn.
		{"POST", "/standard/2027.3/approve", nil, map[persona]int{policeForumMember: forbidden}},
		{"POST", "/standard/2027.3/approve", nil, map[persona]int{countyForum: saved}},
		{"POST", "/standard/2027.3/withdraw", nil, with(refused, countyForum, http.StatusConflict)},
		{"POST", "/standard/9999.9/approve", nil, with(refused, countyForum, http.StatusNotFound)},
		// The API: visitors get 401.
		{"POST", "/api/v1/standards/2027.3/approve", nil, map[persona]int{anonymous: http.StatusUnauthorized}},
		{"POST", "/api/v1/standards/2027.3/withdraw", nil, map[persona]int{anonymous: http.StatusUnauthorized}},
	}
	runSteps(t, clients, steps)
	if got := currentVersion(t, clients[anonymous]); got != "2027.3" {
		t.Fatalf("the standard in effect after the scenarios: %s", got)
	}
}
