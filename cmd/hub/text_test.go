package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// apiAs makes an API token for a person and returns the header that carries it.
func apiAs(t *testing.T, h *testHub, p persona) (*client, http.Header) {
	t.Helper()
	c := h.visitor(t)
	c.signIn(p.org, p.subject)
	status, body, _ := c.post("/profile/tokens", url.Values{"name": {"text limits"}, "days": {"1"}, "scope": {"upload"}})
	token := tokenPattern.FindString(body)
	if status != http.StatusOK || token == "" {
		t.Fatalf("making a token: %d", status)
	}
	return h.visitor(t), http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
}

// A mapping note past its limit is refused with a 422 that names the note and
// says its limit, without echoing it; so is a note holding a right-to-left
// override; a body of 20 MB is refused as too large for the address before it
// is read. None becomes a version, and the mapping page stays small.
func TestMappingNoteIsBounded(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	api, bearer := apiAs(t, h, policeSteward)
	status, body, _ := api.do(http.MethodGet, "/api/v1/mapping", nil, bearer)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/mapping: %d %.300s", status, body)
	}
	var mapping map[string]any
	if err := json.Unmarshal([]byte(body), &mapping); err != nil {
		t.Fatal(err)
	}
	version := mapping["Version"]
	for name, note := range map[string]string{
		"a 100,000-character note":     strings.Repeat("n", 100_000),
		"a note reversing its reading": "checked by \u202Eredrawkcab",
		"a note clearing the terminal": "checked \x1b[2J",
	} {
		mapping["Note"] = note
		raw, _ := json.Marshal(mapping)
		status, body, _ := api.send(http.MethodPut, "/api/v1/mapping", raw, bearer)
		var p struct {
			Problems []struct{ Field, Message string } `json:"problems"`
		}
		_ = json.Unmarshal([]byte(body), &p)
		if status != http.StatusUnprocessableEntity || len(p.Problems) != 1 || p.Problems[0].Field != "note" || !strings.Contains(p.Problems[0].Message, "The note ") {
			t.Errorf("%s: %d %.500s", name, status, body)
		}
		if len(body) > 2000 {
			t.Errorf("%s: the answer is %d bytes: it echoes the note", name, len(body))
		}
	}
	mapping["Note"] = strings.Repeat("n", 20<<20)
	raw, _ := json.Marshal(mapping)
	if status, body, _ := api.send(http.MethodPut, "/api/v1/mapping", raw, bearer); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than the") || len(body) > 2000 {
		t.Errorf("a 20 MB note: %d %.500s", status, body)
	}
	_ = json.Unmarshal([]byte(mustAPI(t, api, "/api/v1/mapping", bearer)), &mapping)
	if mapping["Version"] != version {
		t.Errorf("a refused mapping became version %v", mapping["Version"])
	}
	// The limit itself is fine.
	mapping["Note"] = strings.Repeat("n", 2000)
	raw, _ = json.Marshal(mapping)
	if status, body, _ := api.send(http.MethodPut, "/api/v1/mapping", raw, bearer); status != http.StatusCreated {
		t.Fatalf("a note of 2,000 characters: %d %.300s", status, body)
	}
	web := h.visitor(t)
	web.signIn(policeSteward.org, policeSteward.subject)
	if status, page := web.get("/data/mapping"); status != http.StatusOK || len(page) > 1<<20 {
		t.Errorf("the mapping page: %d, %d bytes", status, len(page))
	}
}

func mustAPI(t *testing.T, c *client, path string, h http.Header) string {
	t.Helper()
	status, body, _ := c.do(http.MethodGet, path, nil, h)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, status)
	}
	return body
}

// An objective whose baseline or target is not a finite number is refused
// with the field named, not answered with a fault of the hub.
func TestObjectiveNeedsFiniteNumbers(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	for _, c := range []struct{ field, value string }{{"baseline", "NaN"}, {"target", "Inf"}, {"baseline", "-Infinity"}} {
		v := url.Values{"statement": {"Fair recruitment for every community"}, "aims": {"advance-equality"}, "owners": {"northshire-county"},
			"start": {"2026-04-01"}, "end": {"2029-03-31"}, "measure_label": {"Black applicants appointed"}, "theme": {"workforce-recruitment"},
			"measure": {"appointed"}, "question": {"ethnicity"}, "group": {"black"}, "org": {"northshire-county"}, "kind": {"count"},
			"baseline": {"10"}, "baseline_period": {"2025-26"}, "target": {"15"}, "target_period": {"2028-29"}, "direction": {"up"}}
		v.Set(c.field, c.value)
		status, body, _ := priya.post("/strategy/objectives", v)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "give the "+c.field+" as a number") {
			t.Errorf("%s %s: %d\n%.1500s", c.field, c.value, status, body[max(0, strings.Index(body, "<main")):])
		}
	}
}

// The forms state the hub's limits, and a text past them or holding a
// direction override is refused beside its field with the form kept.
func TestFormsStateAndKeepLimits(t *testing.T) {
	h := mustStartHub(t, nil)
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	status, form := priya.get("/protocols/new")
	if status != http.StatusOK {
		t.Fatalf("/protocols/new: %d", status)
	}
	for _, want := range []string{`maxlength="200"`, "Up to 200 characters", `maxlength="2000"`, "Up to 2,000 characters"} {
		if !strings.Contains(form, want) {
			t.Errorf("the protocol form does not say %s", want)
		}
	}
	good := url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"},
		"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
		"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}
	for field, c := range map[string]struct{ value, want string }{
		"title":        {"Fire workforce \u202eytnuoc", "The title contains an invisible formatting character (U+202E"},
		"purpose":      {strings.Repeat("p", 100_000), "The purpose is longer than 2,000 characters (it has 100,000)"},
		"lawful_basis": {"PSED\x1b[2J", "The lawful basis contains a control character (U+001B"},
	} {
		bad := url.Values{}
		for k, v := range good {
			bad[k] = v
		}
		bad.Set(field, c.value)
		status, body, _ := priya.post("/protocols", bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), c.want) {
			t.Errorf("%s: %d, want %q\n%.3000s", field, status, c.want, body[max(0, strings.Index(body, "<main")):])
		}
		if len(body) > 4*len(form)+len(c.value)*2 {
			t.Errorf("%s: the answer is %d bytes", field, len(body))
		}
	}
	// A form far larger than any of its fields allows is refused before it is read.
	huge := url.Values{}
	for k, v := range good {
		huge[k] = v
	}
	huge.Set("purpose", strings.Repeat("p", 2<<20))
	if status, body, _ := priya.post("/protocols", huge); status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than the") {
		t.Errorf("a 2 MB purpose: %d, want 413 saying the limit", status)
	}
	if _, page := priya.get("/strategy/objectives/new"); !strings.Contains(page, `maxlength="2000"`) || !strings.Contains(page, "Up to 200 characters") {
		t.Error("the objective form does not state its limits")
	}
}
