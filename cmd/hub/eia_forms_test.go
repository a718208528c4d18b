package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// requireRefusedForm fails unless a form sent came back refused, with every
// message wanted in the summary at the top, each linking to the input it is
// about and shown beside it, and with what was typed still in the form.
func requireRefusedForm(t *testing.T, name string, status int, body string, messages map[string]string, kept ...string) {
	t.Helper()
	if status != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d, want 422\n%.3000s", name, status, summaryOf(body))
	}
	summary := html.UnescapeString(summaryOf(body))
	page := html.UnescapeString(mainOf(body))
	for msg, field := range messages {
		if !strings.Contains(summary, msg) {
			t.Errorf("%s: the summary does not say %q:\n%s", name, msg, summary)
		}
		if field == "" {
			continue
		}
		if !strings.Contains(summary, `href="#`+field+`"`) {
			t.Errorf("%s: the summary does not link to #%s", name, field)
		}
		beside := regexp.MustCompile(`id="` + regexp.QuoteMeta(field) + `-error"[^>]*>[^<]*<span[^>]*>Error:</span>[^<]*` + regexp.QuoteMeta(msg))
		if !beside.MatchString(page) {
			t.Errorf("%s: %q is not beside #%s", name, msg, field)
		}
	}
	for _, k := range kept {
		if !strings.Contains(page, k) {
			t.Errorf("%s: what was typed is lost: no %s", name, k)
		}
	}
	words := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(summary, "")
	for _, code := range []string{"evidence[", "impacts.", "screening.", "c1", "brown."} {
		if strings.Contains(words, code) {
			t.Errorf("%s: the summary speaks in codes (%s):\n%s", name, code, summary)
		}
	}
	requireDescribed(t, name, body)
}

// Every form of an impact assessment, refused, shows again with everything
// typed and all its problems at once, in words naming the field as the
// person sees it, beside each field and in the summary at the top.
func TestImpactAssessmentFormsKeepWhatWasTyped(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)

	status, body, _ := author.post("/impact-assessments", url.Values{"title": {""}, "summary": {"Library hubs"}, "decision_date": {"next week"}, "review_date": {""}, "participants": {"northam-city"}})
	requireRefusedForm(t, "starting", status, body, map[string]string{"Give the assessment a title": "title", "Give the decision date as year-month-day": "decision_date",
		"Say what is assessed": "subject", "Give the review date as year-month-day": "review_date"}, `value="Library hubs"`, `value="next week"`, `value="northam-city" checked`)

	at := startEIA(t, author, "Library service redesign", time.Now().AddDate(0, 1, 0))

	// The screening: "not relevant" without a reason is refused, named.
	screening := url.Values{"conclusion": {"full-assessment"}, "reason": {"Many users are older"}}
	for _, ch := range hub.Characteristics() {
		screening.Set("relevant-"+string(ch), "no")
		screening.Set("why-"+string(ch), "Judged from the users' survey")
	}
	screening.Set("why-age", "")
	screening.Set("relevant-disability", "yes")
	screening.Set("why-disability", "Step access at the hubs")
	screening.Del("relevant-race")
	screening.Set("why-race", "Typed without a choice")
	status, body, _ = author.post(at+"/screening", screening)
	requireRefusedForm(t, "the screening", status, body, map[string]string{"Age: say why it is not relevant": "why-age", "Race: choose relevant or not relevant": "relevant-race-yes"},
		`value="Step access at the hubs"`, `value="Typed without a choice"`, `id="relevant-disability-yes" name="relevant-disability" type="radio" value="yes" checked`, `value="Many users are older"`)
	if _, page := author.get(at); strings.Contains(page, "Step access at the hubs") {
		t.Fatal("a refused screening was saved in part")
	}
	screenAndAssess(t, author, at, h)

	// The assessment: a bad link and an impact without its effect, at once.
	status, body, _ = author.post(at+"/assessment", url.Values{"effect-age": {""}, "reasoning-age": {"Longer journeys to a hub"}, "effect-race": {"stop-rethink"},
		"conclusion": {"stop-rethink"}, "conclusion_reason": {"Too far"}, "evidence_kind": {"hub"}, "evidence_title": {"Survey of users"}, "evidence_link": {"https://elsewhere.example/x"}})
	requireRefusedForm(t, "the assessment", status, body, map[string]string{"Evidence 2: the link of evidence from the hub": "evidence_link",
		"Age: choose whether the impact is positive, negative, neutral or not known": "effect-age", "Race: choose whether the impact": "effect-race"},
		`value="Longer journeys to a hub"`, `value="Survey of users"`, `value="https://elsewhere.example/x"`, `value="stop-rethink" selected>Stop and rethink`)

	// An action: what is missing and a date that cannot be read, at once.
	status, body, _ = author.post(at+"/actions", url.Values{"text": {""}, "owner_org": {"northam-city"}, "owner_person": {"Priya Shah"}, "due": {"soon"}})
	requireRefusedForm(t, "an action", status, body, map[string]string{"Say what the action is": "text", "Give the due date as year-month-day": "due"},
		`value="Priya Shah"`, `value="soon"`, `value="northam-city" selected`)

	mustPost(t, author, at+"/scrutiny", url.Values{"until": {time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}}, "opening scrutiny")
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	status, body, _ = adv.post(at+"/comments", url.Values{"section": {"actions"}, "text": {""}, "challenge": {"yes"}})
	requireRefusedForm(t, "a comment", status, body, map[string]string{"Write the comment": "comment-text"}, `value="actions" selected`, `id="challenge" name="challenge" type="checkbox" value="yes" checked`)
	mustPost(t, adv, at+"/comments", url.Values{"section": {"assessment"}, "text": {"Is there step-free access?"}, "challenge": {"yes"}}, "a challenge")

	_, page := author.get(at)
	cid := regexp.MustCompile(`/comments/([^/]+)/response`).FindStringSubmatch(page)
	if cid == nil {
		t.Fatal("no response form for the challenge")
	}
	status, body, _ = author.post(at+"/comments/"+cid[1]+"/response", url.Values{"text": {"Line one\x1b"}})
	requireRefusedForm(t, "a response", status, body, map[string]string{"The response contains a control character": "response-" + cid[1]})

	// Sign-off: the open challenge by who made it, and each principle not attested, at once.
	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	status, body, _ = director.post(at+"/sign", url.Values{"aware": {"yes"}, "substance": {"yes"}, "version": {"1"}})
	requireRefusedForm(t, "the sign-off", status, body, map[string]string{"The challenge from Jamal Ahmed on the full assessment": "",
		"Attest due regard before and at the time of the decision": "brown-before", "Attest an adequate record is kept": "brown-recorded"},
		`id="brown-aware" name="aware" type="checkbox" value="yes" checked`, `id="brown-substance" name="substance" type="checkbox" value="yes" checked`)
}

// Impact choices, conclusions and stages are said in words on the page, the
// printable page and the record.
func TestImpactAssessmentSaysChoicesInWords(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Library service redesign", time.Now().AddDate(0, 1, 0))
	screenAndAssess(t, author, at, h)
	a := url.Values{"effect-age": {"unknown"}, "reasoning-age": {"Not yet known"}, "effect-disability": {"negative"}, "reasoning-disability": {"Step access"},
		"effect-race": {"neutral"}, "reasoning-race": {"Same for all"}, "effect-gender-reassignment": {"positive"}, "reasoning-gender-reassignment": {"Private spaces"},
		"conclusion": {"stop-rethink"}, "conclusion_reason": {"Too far for many"}}
	mustPost(t, author, at+"/assessment", a, "the assessment")
	for _, path := range []string{at, at + "?print=1"} {
		_, page := author.get(path)
		page = html.UnescapeString(mainOf(page))
		display := page
		if i := strings.Index(page, "<form"); i >= 0 {
			display = page[:i]
		}
		for _, want := range []string{"Stop and rethink: Too far for many", "Gender reassignment</th>", "Not known", "a full assessment is needed", ">Full assessment</strong>"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s does not say %q", path, want)
			}
		}
		for _, code := range []string{"stop-rethink", "gender-reassignment<", ">unknown<", ">assessment</strong>"} {
			if strings.Contains(display, code) {
				t.Errorf("%s shows %q", path, code)
			}
		}
	}
	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	director.post(at+"/sign", brown)
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	_, record := admin.get("/audit")
	if strings.Contains(record, "for northshire-county") || strings.Contains(record, "action a1") {
		t.Errorf("the record speaks in codes:\n%.3000s", mainOf(record))
	}
}

// An assessment's title, partners, decision and dates change until its
// first sign-off, on the record; after it, only in a new version.
func TestImpactAssessmentDetailsChange(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Library service redesign", time.Now().AddDate(0, 1, 0))
	status, form := author.get(at + "/details")
	if status != http.StatusOK || !strings.Contains(form, `value="Library service redesign"`) || !strings.Contains(form, `value="northam-city" checked`) {
		t.Fatalf("the details form: %d\n%.3000s", status, mainOf(form))
	}
	requireDescribed(t, "the details form", form)
	day := time.Now().AddDate(0, 2, 0)
	changed := url.Values{"title": {"Library hubs"}, "summary": {"Moving library services to community hubs"}, "subject": {"service"},
		"decision": {"Cabinet decision"}, "participants": {"northam-city"}, "decision_date": {day.Format(time.DateOnly)}, "review_date": {"later"}}
	status, body, _ := author.post(at+"/details", changed)
	requireRefusedForm(t, "the details", status, body, map[string]string{"Give the review date as year-month-day": "review_date"}, `value="Library hubs"`, `value="later"`)
	changed.Set("review_date", day.AddDate(1, 0, 0).Format(time.DateOnly))
	mustPost(t, author, at+"/details", changed, "changing the details")
	_, page := author.get(at)
	if !strings.Contains(page, "Library hubs") || !strings.Contains(page, day.Format("2 January 2006")) || strings.Contains(page, "Northshire Healthcare NHS Trust") {
		t.Errorf("the details did not change:\n%.2000s", mainOf(page))
	}
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	if _, record := admin.get("/audit"); !strings.Contains(record, "changed the title") {
		t.Errorf("the change is not on the record")
	}
	screenAndAssess(t, author, at, h)
	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	mustPost(t, director, at+"/sign", brown, "the county's sign-off")
	if status, _, _ := author.post(at+"/details", changed); status != http.StatusConflict {
		t.Errorf("changing the details after sign-off: %d", status)
	}
}
