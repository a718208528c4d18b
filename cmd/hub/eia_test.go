package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

var eiaPath = regexp.MustCompile(`^/impact-assessments/[0-9a-z]+$`)

// startEIA starts an assessment led by the county with the city and the NHS trust.
func startEIA(t *testing.T, c *client, title string, decision time.Time) string {
	t.Helper()
	status, body, loc := c.post("/impact-assessments", url.Values{"title": {title}, "summary": {"Moving library services to community hubs"},
		"subject": {"service"}, "decision": {"Cabinet decision on the library service"}, "participants": {"northam-city", "northshire-nhs"},
		"decision_date": {decision.Format(time.DateOnly)}, "review_date": {decision.AddDate(1, 0, 0).Format(time.DateOnly)}})
	if status != http.StatusSeeOther || !eiaPath.MatchString(loc) {
		t.Fatalf("starting an assessment: %d %s\n%.1500s", status, loc, body)
	}
	return loc
}

func mustPost(t *testing.T, c *client, path string, form url.Values, what string) {
	t.Helper()
	if status, body, _ := c.post(path, form); status != http.StatusSeeOther {
		i := strings.Index(body, "govuk-error-summary")
		if i < 0 {
			i = 0
		}
		t.Fatalf("%s: %d\n%.1200s", what, status, body[i:])
	}
}

func screenAndAssess(t *testing.T, c *client, at string, h *testHub) {
	t.Helper()
	screening := url.Values{"conclusion": {"full-assessment"}, "reason": {"Library users include many older and disabled people"}}
	for _, ch := range hub.Characteristics() {
		v := "no"
		if ch == hub.Age || ch == hub.Disability || ch == hub.Race {
			v = "yes"
		}
		screening.Set("relevant-"+string(ch), v)
		screening.Set("why-"+string(ch), "Judged from the users' survey")
	}
	mustPost(t, c, at+"/screening", screening, "screening")
	assessment := url.Values{"alternatives": {"Keep every branch open with shorter hours"}, "conclusion": {"adjust"}, "conclusion_reason": {"Mobile library for rural areas"},
		"evidence_kind": {"hub"}, "evidence_title": {"Satisfaction by ethnic group"}, "evidence_link": {"/data/picture?theme=customer-satisfaction&question=ethnicity&period=2025-26-Q4"},
		"evidence_summary": {"Satisfaction is similar across groups"}}
	for _, ch := range []hub.Characteristic{hub.Age, hub.Disability, hub.Race} {
		assessment.Set("effect-"+string(ch), "negative")
		assessment.Set("reasoning-"+string(ch), "Longer journeys to a hub")
	}
	mustPost(t, c, at+"/assessment", assessment, "assessment")
}

var brown = url.Values{"aware": {"yes"}, "before": {"yes"}, "substance": {"yes"}, "personal": {"yes"}, "continuing": {"yes"}, "recorded": {"yes"}, "version": {"1"}}

func TestJointImpactAssessmentToPublication(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Library service redesign", time.Now().AddDate(0, 1, 0))

	// Signing before the required sections are done is refused, naming what is missing.
	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	if status, body, _ := director.post(at+"/sign", brown); status != http.StatusUnprocessableEntity && status != http.StatusConflict || !strings.Contains(strings.ToLower(body), "screening") {
		t.Fatalf("signing an empty assessment: %d", status)
	}
	screenAndAssess(t, author, at, h)
	mustPost(t, author, at+"/actions", url.Values{"text": {"Run a mobile library to rural villages"}, "owner_org": {"northshire-county"}, "owner_person": {"Priya Shah"},
		"due": {time.Now().AddDate(0, 6, 0).Format(time.DateOnly)}, "strategy_link": {"objective-accessible-services"}}, "an action")
	mustPost(t, author, at+"/scrutiny", url.Values{"until": {time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}}, "opening scrutiny")

	// The advisory group challenges; a member of a partner cannot comment.
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	mustPost(t, adv, at+"/comments", url.Values{"section": {"assessment"}, "text": {"Has the mobile library step access for wheelchair users?"}, "challenge": {"yes"}}, "a challenge")
	if status, _, _ := adv.post(at+"/screening", url.Values{"conclusion": {"no-full-assessment"}}); status != http.StatusForbidden {
		t.Fatalf("an advisory group member edited the assessment: %d", status)
	}
	// An open challenge blocks sign-off.
	if status, body, _ := director.post(at+"/sign", brown); status == http.StatusSeeOther || !strings.Contains(strings.ToLower(body), "challenge") {
		t.Fatalf("signing with an open challenge: %d", status)
	}
	_, page := author.get(at)
	cid := regexp.MustCompile(`/comments/([^/]+)/response`).FindStringSubmatch(page)
	if cid == nil {
		t.Fatal("no response form for the challenge")
	}
	mustPost(t, author, at+"/comments/"+cid[1]+"/response", url.Values{"text": {"Yes: the vehicle has a lift, added to the action"}}, "a response")

	// Sign-off: a missing Brown principle is named; someone who is not a decision maker cannot sign; each organisation signs once.
	partial := url.Values{"aware": {"yes"}, "version": {"1"}}
	if status, body, _ := director.post(at+"/sign", partial); status == http.StatusSeeOther || !strings.Contains(strings.ToLower(body), "before") {
		t.Fatalf("signing without every Brown principle: %d", status)
	}
	if status, _, _ := author.post(at+"/sign", brown); status != http.StatusForbidden {
		t.Fatalf("an author signing: %d", status)
	}
	mustPost(t, director, at+"/sign", brown, "the county's sign-off")
	if status, _, _ := director.post(at+"/sign", brown); status == http.StatusSeeOther {
		t.Fatalf("signing twice: %d", status)
	}
	city := h.visitor(t)
	city.signIn("northam-city", "city-cabinet")
	stale := url.Values{}
	for k, v := range brown {
		stale[k] = v
	}
	stale.Set("version", "0")
	if status, body, _ := city.post(at+"/sign", stale); status == http.StatusSeeOther || !strings.Contains(strings.ToLower(body), "read it again") {
		t.Fatalf("signing a version that changed: %d", status)
	}
	mustPost(t, city, at+"/sign", brown, "the city's sign-off")
	nhs := h.visitor(t)
	nhs.signIn("northshire-nhs", "nhs-director")
	mustPost(t, nhs, at+"/sign", brown, "the NHS trust's sign-off")

	// Signed and frozen; published; the dashboard counts it as signed before its decision.
	if status, _, _ := author.post(at+"/screening", url.Values{"conclusion": {"no-full-assessment"}, "reason": {"x"}}); status == http.StatusSeeOther {
		t.Fatal("a signed assessment was edited")
	}
	mustPost(t, author, at+"/publish", nil, "publishing")
	_, page = author.get(at)
	if !strings.Contains(page, ">Published<") || strings.Contains(page, "Retrospective:") {
		t.Fatal("the assessment is not shown as published in time")
	}
	_, list := h.visitor(t).get("/impact-assessments")
	_ = list

	// A second assessment, signed after its decision date, is marked retrospective wherever it appears.
	late := startEIA(t, author, "Parking charges review", time.Now().AddDate(0, 0, -3))
	mustPost(t, author, late+"/screening", func() url.Values {
		v := url.Values{"conclusion": {"no-full-assessment"}, "reason": {"No effect on any group"}}
		for _, ch := range hub.Characteristics() {
			v.Set("relevant-"+string(ch), "no")
			v.Set("why-"+string(ch), "Charges are the same for everyone")
		}
		return v
	}(), "screening the late one")
	mustPost(t, director, late+"/sign", brown, "signing late (county)")
	mustPost(t, city, late+"/sign", brown, "signing late (city)")
	mustPost(t, nhs, late+"/sign", brown, "signing late (NHS)")
	if _, p := author.get(late); !strings.Contains(p, "Retrospective: signed after the decision") {
		t.Fatal("a late sign-off is not marked retrospective on its page")
	}
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, list = board.get("/impact-assessments")
	if !strings.Contains(list, "Retrospective</strong>") || !strings.Contains(list, "signed after the decision (retrospective)") {
		t.Fatal("the list does not mark the retrospective assessment")
	}
}

// The demo has a published joint assessment and a retrospective one.
func TestDemoImpactAssessments(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, list := board.get("/impact-assessments")
	for _, want := range []string{"Library service redesign", "Car parking charges review", "Retrospective</strong>", `<td class="govuk-table__cell">Published`} {
		if !strings.Contains(list, want) {
			t.Errorf("the demo's assessments lack %q", want)
		}
	}
}

// An action past its due date shows on its owner organisation's home page.
func TestOverdueActionsOnTheOwnersHome(t *testing.T) {
	h := mustStartHub(t, nil)
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Day centre opening hours", time.Now().AddDate(0, 1, 0))
	mustPost(t, author, at+"/actions", url.Values{"text": {"Ask carers about evening hours"}, "owner_org": {"northshire-county"}, "owner_person": {"Priya Shah"},
		"due": {time.Now().AddDate(0, 0, -2).Format(time.DateOnly)}}, "an overdue action")
	if _, home := author.get("/"); !strings.Contains(home, "1 overdue action") || !strings.Contains(home, "Ask carers about evening hours") {
		t.Fatal("the overdue action is not on the owner's home page")
	}
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	if _, home := police.get("/"); strings.Contains(home, "Ask carers about evening hours") {
		t.Fatal("another organisation sees the county's overdue action")
	}
}
