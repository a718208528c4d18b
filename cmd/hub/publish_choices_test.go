package main

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The publish form offers the theme's measures and the standard's
// questions by their labels, and the periods in words: no one types a
// short name.
func TestPublishFormOffersChoicesInWords(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	tom := h.visitor(t)
	tom.signIn("northshire-county", "county-steward")
	_, body := tom.get("/data/publish")
	page := html.UnescapeString(mainOf(body))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`<select[^>]*id="measure"[^>]*>.*<option value="satisfied" selected>[^<]*[A-Z][a-z]`),
		regexp.MustCompile(`<select[^>]*id="question"[^>]*>.*<option value="ethnicity" selected>Ethnic group</option>`),
		regexp.MustCompile(`<select[^>]*id="period"[^>]*>.*<option value="2025-26-Q4">2025-26 quarter 4 \(January to March 2026\)</option>`),
		regexp.MustCompile(`<optgroup label="Stop and search">.*<option value="searched">Searches`),
	} {
		if !want.MatchString(page) {
			t.Errorf("the publish form has no %s", want)
		}
	}
	if strings.Contains(page, "short name") {
		t.Error("the publish form still asks for a short name")
	}
	// The period is said in words on the preview, the table and the list.
	form := url.Values{"title": {"Satisfaction by ethnic group"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2025-26-Q4"}}
	if preview := previewTable(t, tom, form); !strings.Contains(preview, "2025-26 quarter 4 (January to March 2026)") {
		t.Error("the preview does not say the period in words")
	}
	at := publishTable(t, tom, form)
	for _, path := range []string{at, "/published"} {
		if _, page := h.visitor(t).get(path); !strings.Contains(page, "2025-26 quarter 4 (January to March 2026)") {
			t.Errorf("%s does not say the period in words", path)
		}
	}
}
