package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A data steward changes their organisation's codes in the mapping page's
// form: adds a row, is told beside the row what is wrong with the whole
// form kept, and saves a new version that the hub then counts with.
func TestMappingCodesInAForm(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)

	status, page := c.get("/data/mapping")
	if status != http.StatusOK || !strings.Contains(page, `name="local.sex.0"`) && !strings.Contains(page, `value="add:sex"`) {
		t.Fatalf("the mapping page has no form for the codes (%d): %.3000s", status, page)
	}

	// Adding a row to a question keeps what was typed and suggests a category for a code that names one.
	form := codesForm(t, page, "add:sex", "", "Female", "")
	status, page, _ = c.post("/data/mapping", form)
	if status != http.StatusOK || !strings.Contains(page, `name="local.sex.1"`) || !strings.Contains(page, `value="Female"`) {
		t.Fatalf("adding a row (%d): %.3000s", status, page)
	}
	if !strings.Contains(page, `<option value="female" selected>`) || !strings.Contains(page, "Suggested") {
		t.Errorf("no category is suggested for the code Female")
	}

	// A code with no category, and a code twice: each said beside its row, the form kept.
	form = codesForm(t, page, "save", "Codes of the new case system", "F", "female", "Q", "", "f", "male")
	status, page, _ = c.post("/data/mapping", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a form with mistakes answers %d: %.3000s", status, page)
	}
	for _, want := range []string{`id="codes-sex-1-error"`, `Choose what your code &#34;Q&#34; means`, `id="codes-sex-2-error"`, `is on row 1 already`, `href="#codes-sex-1-local"`, `value="Codes of the new case system"`, `name="local.sex.2" type="text" value="f"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}

	before := h.mappingVersion(t, c)
	// A form cut short on its way, or sent without its rows, changes nothing.
	for name, cut := range map[string]url.Values{
		"without its rows": {"action": {"save"}, "note": {"nothing chosen"}},
		"cut short":        codesForm(t, page, "save", "Codes of the new case system", "F", "female"),
	} {
		if name == "cut short" {
			for k := range cut {
				if strings.HasPrefix(k, "rows.") && k != "rows.sex" {
					cut.Del(k)
					break
				}
			}
		}
		if status, body, _ := c.post("/data/mapping", cut); status != http.StatusUnprocessableEntity || !strings.Contains(body, "arrived incomplete") {
			t.Errorf("a form %s answers %d", name, status)
		}
	}
	if after := h.mappingVersion(t, c); after != before {
		t.Fatalf("an incomplete form made version %d", after)
	}
	form = codesForm(t, page, "save", "Codes of the new case system", "F", "female", "M", "male")
	status, _, loc := c.post("/data/mapping", form)
	if status != http.StatusSeeOther || !strings.Contains(loc, "saved=1") {
		t.Fatalf("saving answers %d, %s", status, loc)
	}
	if after := h.mappingVersion(t, c); after != before+1 {
		t.Fatalf("the mapping is version %d after saving, was %d", after, before)
	}
	_, page = c.get("/data/mapping?saved=1")
	if !strings.Contains(page, "of your mapping is saved") || !strings.Contains(page, `name="local.sex.1" type="text" value="M"`) {
		t.Errorf("the saved mapping's page: %.3000s", page)
	}
}

// codesForm is the mapping page's form as a browser sends it, with the
// sex question's rows replaced by pairs of local code and category, the
// action and the note given.
func codesForm(t *testing.T, page, action, note string, sex ...string) url.Values {
	t.Helper()
	form := formValues(t, page[strings.Index(page, `<form method="post" action="/data/mapping"`):])
	for k := range form {
		if strings.HasPrefix(k, "local.sex.") || strings.HasPrefix(k, "means.sex.") {
			form.Del(k)
		}
	}
	for i := 0; i+1 < len(sex); i += 2 {
		form.Set(fmt.Sprintf("local.sex.%d", i/2), sex[i])
		form.Set(fmt.Sprintf("means.sex.%d", i/2), sex[i+1])
	}
	form.Set("rows.sex", strconv.Itoa(len(sex)/2))
	form.Set("action", action)
	form.Set("note", note)
	return form
}

// mappingVersion reads the organisation's mapping version from the API.
func (h *testHub) mappingVersion(t *testing.T, c *client) int {
	t.Helper()
	_, body := c.get("/api/v1/mapping")
	i := strings.Index(body, `"Version":`)
	if i < 0 {
		t.Fatalf("no version in %s", body)
	}
	n := 0
	for _, r := range body[i+len(`"Version":`):] {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
