package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`)

// previewTable sends the publish form and returns the preview page, failing
// unless it is one.
func previewTable(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	status, body, _ := c.post("/data/publish", form)
	if status != http.StatusOK || !strings.Contains(body, "Check the table before you publish it") {
		t.Fatalf("previewing: %d\n%.3000s", status, mainOf(body))
	}
	return body
}

// confirmForm is the form that confirms a preview, as the page sends it.
func confirmForm(t *testing.T, preview string) url.Values {
	t.Helper()
	i := strings.Index(preview, `name="confirm"`)
	if i < 0 {
		t.Fatalf("the preview has no confirmation:\n%.3000s", mainOf(preview))
	}
	form := preview[strings.LastIndex(preview[:i], "<form"):i]
	v := url.Values{"confirm": {"yes"}}
	for _, m := range hiddenInput.FindAllStringSubmatch(form, -1) {
		if m[1] != "csrf" {
			v.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	return v
}

// publishTable previews a table and confirms it, returning its page's address.
func publishTable(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	status, body, loc := c.post("/data/publish", confirmForm(t, previewTable(t, c, form)))
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/published/") {
		t.Fatalf("publishing: %d %s\n%.3000s", status, loc, mainOf(body))
	}
	return loc
}

// Publishing shows first exactly the table the public will see, with small
// counts withheld, and publishes nothing until it is confirmed; the table
// published is the one previewed.
func TestPublishingShowsThePreviewFirst(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	tom := h.visitor(t)
	tom.signIn("northshire-county", "county-steward")
	form := url.Values{"title": {"Satisfaction by ethnic group"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2025-26-Q4"}}
	preview := previewTable(t, tom, form)
	if _, list := h.visitor(t).get("/published"); strings.Contains(list, "Satisfaction by ethnic group") {
		t.Fatal("a preview was published")
	}
	cells := regexp.MustCompile(`govuk-table__cell--numeric">([^<]*)<`)
	shown := cells.FindAllStringSubmatch(preview, -1)
	if len(shown) == 0 {
		t.Fatalf("the preview shows no figures:\n%.3000s", mainOf(preview))
	}
	// The public rules are applied, and said, as on the published page.
	if !strings.Contains(preview, "Counts from 1 to 7 are not shown") {
		t.Errorf("the preview does not say the rules applied:\n%.3000s", mainOf(preview))
	}
	for _, m := range shown {
		if n, err := strconv.Atoi(m[1]); err == nil && (n > 0 && n < 8 || n%5 != 0) {
			t.Errorf("the preview shows %d, which the public rules do not release", n)
		}
	}
	// A tampered confirmation is not published.
	bad := confirmForm(t, preview)
	bad.Set("digest", strings.Repeat("0", 64))
	if status, body, _ := tom.post("/data/publish", bad); status != http.StatusConflict || !strings.Contains(body, "not the one you previewed") || !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("a confirmation of another table: %d\n%.2000s", status, mainOf(body))
	}
	confirm := confirmForm(t, preview)
	loc := publishTable(t, tom, form)
	// The same confirmation sent again publishes nothing more.
	if status, _, again := tom.post("/data/publish", confirm); status != http.StatusSeeOther || again != loc {
		t.Fatalf("a confirmation sent twice: %d %s, want %s", status, again, loc)
	}
	public := h.visitor(t)
	if _, list := public.get("/published"); strings.Count(list, ">Satisfaction by ethnic group<") != 1 {
		t.Errorf("the table is listed %d times", strings.Count(list, ">Satisfaction by ethnic group<"))
	}
	_, page := public.get(loc)
	published := cells.FindAllStringSubmatch(page, -1)
	if len(published) != len(shown) {
		t.Fatalf("the preview showed %d figures, the table %d", len(shown), len(published))
	}
	for i := range shown {
		if shown[i][1] != published[i][1] {
			t.Errorf("figure %d: previewed %q, published %q", i, shown[i][1], published[i][1])
		}
	}
	_, doc := public.get(loc + "/table.json")
	var tab struct {
		Rows []struct{ Text string } `json:"rows"`
	}
	if err := json.Unmarshal([]byte(doc), &tab); err != nil || len(tab.Rows) != len(shown) {
		t.Fatalf("the download: %v, %d rows", err, len(tab.Rows))
	}
	for i, r := range tab.Rows {
		if html.UnescapeString(shown[i][1]) != r.Text {
			t.Errorf("row %d: previewed %q, downloaded %q", i, shown[i][1], r.Text)
		}
	}
}

// The publish form comes back with what was typed and every problem at once.
func TestPublishFormSaysEverythingAtOnce(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	tom := h.visitor(t)
	tom.signIn("northshire-county", "county-steward")
	status, body, _ := tom.post("/data/publish", url.Values{"title": {""}, "theme": {"customer-satisfaction"}, "measure": {"happiness"}, "question": {"ethnicity"}, "period": {"2090-91-Q1"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a form with mistakes: %d", status)
	}
	for _, want := range []string{"govuk-error-summary", `href="#title"`, `href="#measure"`, `href="#period"`, `id="title-error"`, `id="measure-error"`, `id="period-error"`, `value="happiness"`, `value="2090-91-Q1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the publish form lacks %s:\n%.3000s", want, mainOf(body))
		}
	}
	requireDescribed(t, "the publish form with mistakes", body)
}

// A publisher withdraws a table with a reason: the list and the table's page
// say when and why, its figures are no longer shown, and its downloads
// answer 410 Gone in words. Only the publisher may withdraw it.
func TestWithdrawAPublishedTable(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	tom := h.visitor(t)
	tom.signIn("northshire-county", "county-steward")
	loc := publishTable(t, tom, url.Values{"title": {"Satisfaction by ethnic group"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2025-26-Q4"}})
	public := h.visitor(t)
	if _, page := public.get(loc); strings.Contains(page, "Withdraw this table") {
		t.Error("the public is offered to withdraw the table")
	}
	claire := h.visitor(t)
	claire.signIn("northshire-police", "police-forum")
	if _, page := claire.get(loc); strings.Contains(page, "Withdraw this table") {
		t.Error("another partner is offered to withdraw the table")
	}
	if status, _, _ := claire.post(loc+"/withdraw", url.Values{"reason": {"Not theirs"}}); status != http.StatusForbidden {
		t.Fatalf("another partner withdrew the table: %d", status)
	}
	if _, page := tom.get(loc); !strings.Contains(page, "Withdraw this table") {
		t.Fatal("the publisher is not offered to withdraw the table")
	}
	status, body, _ := tom.post(loc+"/withdraw", url.Values{"reason": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#reason"`) || !strings.Contains(body, `id="reason-error"`) {
		t.Fatalf("a withdrawal without a reason: %d\n%.2000s", status, mainOf(body))
	}
	requireDescribed(t, "the withdrawal without a reason", body)
	const reason = "Transfers between services were counted twice"
	if status, body, _ := tom.post(loc+"/withdraw", url.Values{"reason": {reason}}); status != http.StatusSeeOther {
		t.Fatalf("withdrawing: %d\n%.2000s", status, mainOf(body))
	}
	if status, _, _ := tom.post(loc+"/withdraw", url.Values{"reason": {"Again"}}); status != http.StatusConflict {
		t.Fatalf("withdrawing again: %d", status)
	}
	notice := regexp.MustCompile(`Withdrawn on \d{1,2} [A-Z][a-z]+ \d{4}: ` + reason)
	_, list := public.get("/published")
	if !notice.MatchString(list) {
		t.Errorf("the published list does not say the withdrawal:\n%.3000s", mainOf(list))
	}
	status, page := public.get(loc)
	if status != http.StatusOK || !notice.MatchString(page) {
		t.Fatalf("the withdrawn table's page: %d\n%.3000s", status, mainOf(page))
	}
	if strings.Contains(page, "govuk-table__cell--numeric") || strings.Contains(page, "table.csv") {
		t.Errorf("the withdrawn table's figures are still shown:\n%.3000s", mainOf(page))
	}
	for _, f := range []string{"table.csv", "table.json", "table.json.asc", "dcat.jsonld"} {
		status, body := public.get(loc + "/" + f)
		if status != http.StatusGone || !notice.MatchString(body) || strings.Contains(body, "<html") {
			t.Errorf("%s of a withdrawn table: %d %q", f, status, body)
		}
	}
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	if _, rec := board.get("/audit"); !strings.Contains(rec, "Withdrawn from publication") || !strings.Contains(rec, reason) {
		t.Error("the withdrawal is not on the record")
	}
}
