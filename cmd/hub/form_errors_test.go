package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	formTagPattern  = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	formAttrPattern = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	summaryStart    = regexp.MustCompile(`class="govuk-error-summary"`)
)

// attrs reads the attributes of one tag.
func attrs(tag string) map[string]string {
	a := map[string]string{}
	for _, m := range formAttrPattern.FindAllStringSubmatch(tag, -1) {
		a[m[1]] = html.UnescapeString(m[2])
	}
	return a
}

// main is the page's main content.
func mainOf(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	if i := strings.Index(page, "</main>"); i >= 0 {
		page = page[:i]
	}
	return page
}

// requireDescribed fails unless every hint and error message of a page's
// form has an id ("FIELD-hint", "FIELD-error") that a field's
// aria-describedby names, and every id named is on the page.
func requireDescribed(t *testing.T, name, page string) {
	t.Helper()
	page = mainOf(page)
	ids, described := map[string]bool{}, map[string]bool{}
	var hints []map[string]string
	for _, tag := range formTagPattern.FindAllString(page, -1) {
		a := attrs(tag)
		if a["id"] != "" {
			ids[a["id"]] = true
		}
		for _, id := range strings.Fields(a["aria-describedby"]) {
			described[id] = true
		}
		class := " " + a["class"] + " "
		if strings.Contains(class, " govuk-hint ") || strings.Contains(class, " govuk-error-message ") {
			hints = append(hints, a)
		}
	}
	for _, a := range hints {
		switch {
		case a["id"] == "":
			t.Errorf("%s: a %s has no id", name, a["class"])
		case !described[a["id"]]:
			t.Errorf("%s: no field's aria-describedby names %s", name, a["id"])
		case strings.Contains(a["class"], "govuk-hint") && !strings.HasSuffix(a["id"], "-hint"),
			strings.Contains(a["class"], "govuk-error-message") && !strings.HasSuffix(a["id"], "-error"):
			t.Errorf("%s: the %s is called %s", name, a["class"], a["id"])
		}
	}
	for id := range described {
		if !ids[id] {
			t.Errorf("%s: an aria-describedby names %s, which is not on the page", name, id)
		}
	}
}

// summaryOf is the error summary of a page.
func summaryOf(page string) string {
	loc := summaryStart.FindStringIndex(page)
	if loc == nil {
		return ""
	}
	s := page[loc[0]:]
	return s[:strings.Index(s, "</ul>")]
}

// objectiveValues is a good objective as the form sends it.
func objectiveValues(changes map[string]string) url.Values {
	v := url.Values{"statement": {"Fair recruitment for every community"}, "aims": {"advance-equality"}, "owners": {"northshire-county"},
		"start": {"2026-04-01"}, "end": {"2029-03-31"}, "action_text": {"Anonymised shortlisting"}, "action_org": {"northshire-county"}, "action_due": {"2027-03-31"},
		"measure_label": {"Black applicants appointed (%)"}, "theme": {"workforce-recruitment"},
		"measure": {"appointed"}, "question": {"ethnicity"}, "group": {"black"}, "org": {"northshire-county"}, "kind": {"share"},
		"baseline": {"10"}, "baseline_period": {"2025-26"}, "target": {"15"}, "target_period": {"2028-29"}, "direction": {"up"}}
	for k, x := range changes {
		v.Set(k, x)
	}
	return v
}

// The objective form's summary says each problem once; a problem of the
// action or the measure says which one and which field, links to its input
// and is shown beside it, the input marked in error.
func TestObjectiveFormNamesEachProblem(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)

	status, body, _ := priya.post("/strategy/objectives", objectiveValues(map[string]string{"statement": strings.Repeat("s", 2100)}))
	summary := html.UnescapeString(summaryOf(body))
	if status != http.StatusUnprocessableEntity || strings.Count(summary, "The statement is longer than 2,000 characters") != 1 || strings.Contains(summary, "not complete") {
		t.Errorf("a long statement: %d, summary:\n%s", status, summary)
	}

	for name, c := range map[string]struct {
		changes     map[string]string
		input, want string
	}{
		"a long action":        {map[string]string{"action_text": strings.Repeat("a", 2200)}, "action_text", "Action 1: the text is longer than 2,000 characters (it has 2,200)"},
		"a long measure label": {map[string]string{"measure_label": strings.Repeat("m", 245)}, "measure_label", "Measure 1: the label is longer than 200 characters (it has 245)"},
		"a reversed label":     {map[string]string{"measure_label": "Black applicants \u202Edetnioppa"}, "measure_label", "Measure 1: the label contains an invisible formatting character (U+202E"},
		"a reversed action":    {map[string]string{"action_text": "Anonymised \u202Egnitsiltrohs"}, "action_text", "Action 1: the text contains an invisible formatting character (U+202E"},
		"a contrary target":    {map[string]string{"target": "5"}, "target", "Measure 1: the target is below the baseline"},
	} {
		status, body, _ := priya.post("/strategy/objectives", objectiveValues(c.changes))
		page := html.UnescapeString(body)
		summary := html.UnescapeString(summaryOf(body))
		if status != http.StatusUnprocessableEntity || !strings.Contains(summary, `<a href="#`+c.input+`">`+c.want) {
			t.Errorf("%s: %d, want a link to #%s saying %q:\n%s", name, status, c.input, c.want, summary)
			continue
		}
		beside := regexp.MustCompile(`<p class="govuk-error-message" id="` + c.input + `-error">.*` + regexp.QuoteMeta(c.want))
		input := regexp.MustCompile(`<(input|textarea|select) class="govuk-[a-z]+ [^"]*govuk-[a-z]+--error"[^>]* id="` + c.input + `"[^>]*aria-describedby="[^"]*` + c.input + `-error"`)
		if !beside.MatchString(page) || !input.MatchString(page) {
			t.Errorf("%s: the message is not beside %s, or the field is not marked:\n%.6000s", name, c.input, mainOf(page))
		}
		requireDescribed(t, name, body)
	}
}

// The objective form's fields are said in words, and the indicator of a
// measure is chosen from the hub's themes, measures, questions and groups,
// sent as their codes.
func TestObjectiveFormChoosesTheIndicator(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	status, form := priya.get("/strategy/objectives/new")
	if status != http.StatusOK {
		t.Fatalf("/strategy/objectives/new: %d", status)
	}
	for _, raw := range []string{">baseline<", ">baseline_period<", ">target<", ">target_period<"} {
		if strings.Contains(form, raw) {
			t.Errorf("the form labels a field %s", raw)
		}
	}
	for _, want := range []string{`for="baseline">Baseline<`, `for="baseline_period">Period of the baseline<`, "such as 2024-25", `for="target">Target<`, `for="target_period">Period of the target<`,
		`<select class="govuk-select" id="mtheme" name="theme"`, `<option value="hate-crime">`, `<option value="customer-satisfaction" selected>`,
		`id="mmeasure" name="measure"`, `<option value="satisfied" selected>`, `id="mquestion" name="question"`, `<option value="ethnicity" selected>`,
		`id="mgroup" name="group"`, `<option value="black">`, `<option value="" selected>Everyone`} {
		if !strings.Contains(form, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	requireDescribed(t, "the objective form", form)
	// A measure of another theme is refused beside the measure, and the choices sent are kept.
	status, body, _ := priya.post("/strategy/objectives", objectiveValues(map[string]string{"measure": "searched"}))
	if status != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(body), `href="#mmeasure"`) || !strings.Contains(body, `<option value="workforce-recruitment" selected>`) {
		t.Errorf("a measure of another theme: %d\n%.3000s", status, summaryOf(body))
	}
	if !strings.Contains(body, `<option value="searched" selected>Searches (a measure of Stop and search)</option>`) {
		t.Errorf("the measure of another theme is not named in words: %.2000s", body[max(0, strings.Index(body, `id="mmeasure"`)):])
	}
	if status, body, _ := priya.post("/strategy/objectives", objectiveValues(nil)); status != http.StatusSeeOther {
		t.Fatalf("a good objective: %d\n%.3000s", status, summaryOf(body))
	}
}

// Every hint and error message of the forms is named by its field's
// aria-describedby, whether the form is new or shown again with mistakes.
func TestFormsDescribeHintsAndErrors(t *testing.T) {
	h := mustStartHub(t, nil)
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	pages := []struct {
		name string
		who  *client
		path string
		form url.Values // nil: the page as opened
	}{
		{"the protocol form", priya, "/protocols/new", nil},
		{"the protocol form with mistakes", priya, "/protocols", url.Values{"title": {"Fire \u202eworkforce"}, "threshold": {"x"}, "round": {"y"}, "start": {"soon"}, "end": {"later"}, "purpose": {strings.Repeat("p", 2001)}, "lawful_basis": {"PSED\x1b"}}},
		{"the protocol form missing parties", priya, "/protocols", url.Values{"title": {"Fire workforce"}, "threshold": {"5"}, "round": {"0"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}, "purpose": {"Workforce"}, "lawful_basis": {"PSED"}, "level": {"aggregate"}}},
		{"the impact assessment form", priya, "/impact-assessments/new", nil},
		{"the impact assessment form with mistakes", priya, "/impact-assessments", url.Values{"title": {"x\u202e"}, "summary": {""}, "decision_date": {"soon"}, "review_date": {"later"}}},
		{"the new organisation form", admin, "/organisations/new", nil},
		{"the new organisation form with mistakes", admin, "/organisations", url.Values{"id": {"Bad Name"}, "issuers.0.id": {"x y"}, "issuers.0.url": {"not an address"}}},
		{"the organisation form", admin, "/organisations/northshire-police/edit", nil},
		{"a member's roles", admin, "/organisations/northshire-police/members/demo-police-steward", nil},
		{"a member's roles with mistakes", admin, "/organisations/northshire-police/members/demo-police-steward", url.Values{"roles": {"advisory-member"}}},
		{"a member's roles with no role", admin, "/organisations/northshire-police/members/demo-police-steward", url.Values{"roles": {"nonsense"}, "characteristic": {"height"}}},
		{"the profile", priya, "/profile", nil},
		{"the profile with mistakes", priya, "/profile/tokens", url.Values{"name": {""}, "days": {"9999"}}},
		{"the objective form with mistakes", priya, "/strategy/objectives", url.Values{"statement": {""}, "start": {"x"}, "end": {"y"}, "action_text": {"Do it"}, "action_due": {"z"}, "measure_label": {"m"}, "baseline": {"a"}, "target": {"b"}}},
	}
	for _, p := range pages {
		var status int
		var body string
		if p.form == nil {
			status, body = p.who.get(p.path)
		} else {
			status, body, _ = p.who.post(p.path, p.form)
			if status < 400 || !strings.Contains(body, "govuk-error-message") {
				t.Errorf("%s: %d, no message beside a field\n%.3000s", p.name, status, mainOf(body))
			}
		}
		if status >= 500 || status == http.StatusForbidden || status == http.StatusNotFound {
			t.Errorf("%s: %d", p.name, status)
			continue
		}
		requireDescribed(t, p.name, body)
		// Every link of the summary goes to an element of the page.
		for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(summaryOf(body), -1) {
			if !strings.Contains(body, `id="`+m[1]+`"`) {
				t.Errorf("%s: the summary links to #%s, which is not on the page", p.name, m[1])
			}
		}
	}
}

// An objective form sent empty says everything missing at once.
func TestObjectiveFormSaysEverythingAtOnce(t *testing.T) {
	h := mustStartHub(t, nil)
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	status, body, _ := priya.post("/strategy/objectives", url.Values{"action_text": {"Anonymised shortlisting"}})
	summary := summaryOf(body)
	for _, field := range []string{"statement", "aims", "owners", "start", "end", "action_due"} {
		if strings.Count(summary, `href="#`+field+`"`) != 1 {
			t.Errorf("the summary does not link once to #%s", field)
		}
	}
	if status != http.StatusUnprocessableEntity {
		t.Errorf("%d\n%s", status, summary)
	}
	requireDescribed(t, "an empty objective", body)
}
