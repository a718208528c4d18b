package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A challenge to a framework level is shown with who made it, for which
// organisation, when, and what it says; the challenged organisation's forum
// member answers it, once, and the challenger reads the answer. Nobody else
// answers it.
func TestFrameworkChallengeIsAnswered(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn("northshire-county", "county-forum")
	const challenge = "Where is the evidence of community involvement?"
	if status, body, _ := priya.post("/framework/challenges", url.Values{"org": {"northshire-police"}, "theme": {"community-engagement"}, "text": {challenge}}); status != http.StatusSeeOther {
		t.Fatalf("challenging the police: %d\n%.2000s", status, mainOf(body))
	}
	_, page := priya.get("/framework")
	thread := section(t, page, `id="challenges-northshire-police-community-engagement"`)
	for _, want := range []string{challenge, "Priya Shah", "Northshire County Council", "Not answered yet"} {
		if !strings.Contains(html.UnescapeString(thread), want) {
			t.Errorf("the challenge does not show %q:\n%s", want, thread)
		}
	}
	if strings.Contains(thread, "<textarea") {
		t.Error("the challenger is offered to answer their own challenge")
	}

	claire := h.visitor(t)
	claire.signIn("northshire-police", "police-forum")
	_, page = claire.get("/framework")
	if !strings.Contains(section(t, page, `id="challenges-northshire-police-community-engagement"`), `name="answer"`) {
		t.Fatal("the challenged organisation's forum member is not offered to answer")
	}
	answer := url.Values{"org": {"northshire-police"}, "theme": {"community-engagement"}, "n": {"1"}}
	with := func(text string) url.Values {
		v := url.Values{}
		for k, x := range answer {
			v[k] = x
		}
		v.Set("answer", text)
		return v
	}
	status, body, _ := claire.post("/framework/answers", with("  "))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `href="#answer-northshire-police-community-engagement-1"`) || !strings.Contains(body, `id="answer-northshire-police-community-engagement-1-error"`) {
		t.Fatalf("an empty answer: %d\n%.3000s", status, mainOf(body))
	}
	const reply = "The community panel minutes of May, items 3 and 4"
	if status, body, _ := claire.post("/framework/answers", with(reply)); status != http.StatusSeeOther {
		t.Fatalf("answering: %d\n%.2000s", status, mainOf(body))
	}
	status, body, _ = claire.post("/framework/answers", with("A better answer"))
	if status != http.StatusConflict || !strings.Contains(body, "kept as it was given") {
		t.Fatalf("a second answer: %d\n%.2000s", status, mainOf(body))
	}
	if status, _, _ := priya.post("/framework/answers", with("We answer for them")); status != http.StatusForbidden {
		t.Fatalf("the challenger answered: %d", status)
	}
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.post("/framework/answers", with("We answer for them")); status != http.StatusForbidden {
		t.Fatalf("the advisory group answered: %d", status)
	}

	_, page = priya.get("/framework")
	thread = html.UnescapeString(section(t, page, `id="challenges-northshire-police-community-engagement"`))
	for _, want := range []string{challenge, reply, "Answered by Inspector Claire Doyle, Northshire Police"} {
		if !strings.Contains(thread, want) {
			t.Errorf("the challenger does not see %q:\n%s", want, thread)
		}
	}
	if strings.Contains(thread, "A better answer") || strings.Contains(thread, "Not answered yet") {
		t.Errorf("the answer was not kept as given:\n%s", thread)
	}
	if _, rec := claire.get("/audit"); !strings.Contains(rec, "Framework challenge answered") {
		t.Error("the answer is not on the record")
	}
}

// The record says a level change in words, and a level recorded again
// unchanged is said to be confirmed, not moved.
func TestFrameworkLevelOnTheRecordInWords(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	claire := h.visitor(t)
	claire.signIn("northshire-police", "police-forum")
	for _, level := range []string{"developing", "achieving", "achieving"} {
		if status, body, _ := claire.post("/framework", url.Values{"theme": {"leadership"}, "level": {level}}); status != http.StatusSeeOther {
			t.Fatalf("recording %s: %d\n%.2000s", level, status, mainOf(body))
		}
	}
	_, rec := claire.get("/audit")
	rec = html.UnescapeString(rec)
	for _, want := range []string{"the self-assessment of Northshire Police against the Equality Framework for Local Government", "Leadership: from Developing to Achieving", "Leadership: confirmed at Achieving"} {
		if !strings.Contains(rec, want) {
			t.Errorf("the record does not say %q", want)
		}
	}
	if strings.Contains(rec, "moved from") || strings.Contains(rec, "to achieving") {
		t.Errorf("the record says a level by its code:\n%.4000s", mainOf(rec))
	}
}

// The framework's forms come back with what was typed and every problem at
// once, beside its field and in a summary at the top.
func TestFrameworkFormsKeepWhatWasTyped(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn("northshire-county", "county-forum")
	status, body, _ := priya.post("/framework", url.Values{"theme": {"leadership"}, "level": {""}, "evidence": {"Board minutes, March"}, "note": {"Reviewed \u202e"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a level with problems: %d", status)
	}
	for _, want := range []string{"govuk-error-summary", `href="#level"`, `href="#note"`, `id="level-error"`, `id="note-error"`, `value="Board minutes, March"`, `<option value="leadership" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the level form lacks %s:\n%.3000s", want, mainOf(body))
		}
	}
	requireDescribed(t, "the level form with mistakes", body)
	status, body, _ = priya.post("/framework/challenges", url.Values{"org": {"northshire-county"}, "theme": {"leadership"}, "text": {"Hmm \u202e"}})
	if status != http.StatusForbidden {
		t.Fatalf("a challenge with problems: %d", status)
	}
	for _, want := range []string{"govuk-error-summary", `href="#corg"`, `href="#text"`, `id="corg-error"`, `id="text-error"`, "own organisation", `<option value="northshire-county" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the challenge form lacks %s:\n%.3000s", want, mainOf(body))
		}
	}
	requireDescribed(t, "the challenge form with mistakes", body)
}

// section returns the element of a page that starts with the attribute
// given, up to the next one of its kind.
func section(t *testing.T, page, start string) string {
	t.Helper()
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("the page has no %s:\n%.3000s", start, mainOf(page))
	}
	s := page[i:]
	for _, next := range []string{`class="govuk-summary-card"`, "<h2"} {
		if j := strings.Index(s[len(start):], next); j >= 0 {
			s = s[:len(start)+j]
		}
	}
	return s
}
