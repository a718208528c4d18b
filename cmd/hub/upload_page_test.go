package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub/monitoring"
)

var (
	uploadSummaryList  = regexp.MustCompile(`(?s)<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>`)
	uploadSummaryLink  = regexp.MustCompile(`<li><a href="#([^"]*)">([^<]*)</a></li>`)
	uploadErrorMessage = regexp.MustCompile(`<p id="([a-z-]+)" class="govuk-error-message">`)
	uploadDescribedBy  = regexp.MustCompile(`aria-describedby="([^"]*)"`)
	uploadRawField     = regexp.MustCompile(`^(?i)(extract|return|signature|reason|theme|period|cells[.0-9]*|records|row \d+(, column [^:]+)?|column [^:]+):`)
)

// uploadSummaryOf checks the error summary of a page: every item links to an
// element of the page and says its problem without a field's raw name; every
// error message beside a field is named by the field's aria-describedby. It
// returns the items as "#field text".
func uploadSummaryOf(t *testing.T, page string) []string {
	t.Helper()
	m := uploadSummaryList.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no error summary:\n%.3000s", page)
	}
	var items []string
	for _, l := range uploadSummaryLink.FindAllStringSubmatch(m[1], -1) {
		if !strings.Contains(page, `id="`+l[1]+`"`) {
			t.Errorf("the summary links to #%s, which is not on the page", l[1])
		}
		if uploadRawField.MatchString(l[2]) {
			t.Errorf("the summary item %q begins with a field's raw name", l[2])
		}
		items = append(items, "#"+l[1]+" "+l[2])
	}
	if n := strings.Count(m[1], "<li"); n != len(items) {
		t.Errorf("%d of %d summary items link to no field:\n%s", n-len(items), n, m[1])
	}
	described := map[string]bool{}
	for _, d := range uploadDescribedBy.FindAllStringSubmatch(page, -1) {
		for _, id := range strings.Fields(d[1]) {
			described[id] = true
		}
	}
	for _, e := range uploadErrorMessage.FindAllStringSubmatch(page, -1) {
		if !described[e[1]] {
			t.Errorf("the error message %s is named by no field's aria-describedby", e[1])
		}
	}
	return items
}

// uploadFieldError is the message beside a field, or "".
func uploadFieldError(page, field string) string {
	m := regexp.MustCompile(`(?s)<p id="` + field + `-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> (.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// The upload page's refusals speak of the fields of the form that was sent,
// link every summary item to a field, and ask for the files again.
func TestUploadPageRefusalsNameTheFieldsOfTheFormSent(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)

	// "Upload the signed return" with no files chosen: a browser sends the
	// form's fields and empty file parts.
	status, page, _ := c.multipart("/data/upload", map[string]string{"form": "return", "reason": ""}, nil)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("no files: %d", status)
	}
	items := uploadSummaryOf(t, page)
	if len(items) != 2 || !strings.HasPrefix(items[0], "#return ") || !strings.HasPrefix(items[1], "#signature ") {
		t.Errorf("no files: the summary is %q", items)
	}
	if uploadFieldError(page, "extract") != "" || uploadFieldError(page, "return") == "" || uploadFieldError(page, "signature") == "" {
		t.Errorf("no files: the errors are not beside the fields of the form sent")
	}

	// The extract form with no file.
	_, page, _ = c.multipart("/data/upload", map[string]string{"form": "extract", "theme": "stop-and-search", "period": "2025-26"}, nil)
	if items := uploadSummaryOf(t, page); len(items) != 1 || !strings.HasPrefix(items[0], "#extract Choose an extract") {
		t.Errorf("no extract: the summary is %q", items)
	}
	if uploadFieldError(page, "return") != "" || !strings.Contains(uploadFieldError(page, "extract"), "Choose an extract") {
		t.Error("no extract: the error is not beside the Extract field")
	}

	// A damaged workbook is marked on the Extract field, and the files are asked for again.
	path := filepath.Join(t.TempDir(), "searches.csv")
	writeExtract(t, path, policeSteward.org, "stop-and-search", 60, 5, 0)
	whole := csvToXLSX(t, path)
	cut := cutWorkbook(t, whole, 41)
	status, page, _ = c.multipartNamed("/data/upload", map[string]string{"form": "extract", "theme": "stop-and-search", "period": "2025-26"}, "extract", "searches.xlsx", cut)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a damaged workbook: %d", status)
	}
	items = uploadSummaryOf(t, page)
	if len(items) == 0 || !strings.Contains(strings.Join(items, "\n"), `#extract The worksheet &#34;Sheet1&#34; is damaged after row 40`) {
		t.Errorf("a damaged workbook: the summary is %q", items)
	}
	if !strings.Contains(uploadFieldError(page, "extract"), "is damaged after row 40") {
		t.Errorf("a damaged workbook: the Extract field says %q", uploadFieldError(page, "extract"))
	}
	if !strings.Contains(page, "Choose the files again") || !strings.Contains(page, `id="extract-hint" class="govuk-hint">Choose the file again.`) {
		t.Error("a damaged workbook: the page does not ask for the files again")
	}

	// A gzip file as CSV.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(mustRead(t, path))
	zw.Close()
	_, page, _ = c.multipartNamed("/data/upload", map[string]string{"form": "extract", "theme": "stop-and-search", "period": "2025-26"}, "extract", "searches.csv", gz.Bytes())
	if items := uploadSummaryOf(t, page); !strings.Contains(strings.Join(items, "\n"), "#extract This is a compressed file (gzip)") {
		t.Errorf("a gzip file: the summary is %q", items)
	}

	// A CSV extract chosen as the return.
	status, page, _ = c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": mustRead(t, path), "signature": []byte("-----BEGIN PGP SIGNATURE-----\n")})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("an extract as the return: %d", status)
	}
	items = uploadSummaryOf(t, page)
	if all := strings.Join(items, "\n"); !strings.Contains(all, "#return This file is not a return") || !strings.Contains(all, "looks like an extract") || strings.Contains(page, "Invalid character") {
		t.Errorf("an extract as the return: the summary is %q", items)
	}
}

// registerPoliceKey registers a key for the police through the Keys page and returns
// a function that signs with it.
func registerPoliceKey(t *testing.T, c *client) func([]byte) []byte {
	t.Helper()
	priv, pub, _, err := pgp.GenerateKey("Northshire Police returns", "", []byte("a long passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := c.post("/data/keys", url.Values{"key": {pub}}); status != http.StatusSeeOther {
		t.Fatalf("registering a key: %d %.300s", status, body)
	}
	return func(doc []byte) []byte {
		sig, err := pgp.Sign(doc, priv, []byte("a long passphrase"))
		if err != nil {
			t.Fatal(err)
		}
		return []byte(sig)
	}
}

// Returns that do not add up, or that correct one held without a reason, are
// refused beside the Return and Reason fields, naming the theme by its name.
func TestUploadPageRefusesSignedReturnsBesideTheirFields(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	sign := registerPoliceKey(t, c)

	first := searchReturn(t, "2022-23", 400, nil)
	if status, body, _ := c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": first, "signature": sign(first)}); status != http.StatusSeeOther {
		t.Fatalf("the first return: %d\n%.2000s", status, body)
	}
	second := searchReturn(t, "2022-23", 420, nil)
	status, page, _ := c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": second, "signature": sign(second)})
	if status != http.StatusConflict {
		t.Fatalf("a correction without a reason: %d", status)
	}
	items := uploadSummaryOf(t, page)
	all := strings.Join(items, "\n")
	if !strings.Contains(all, "#reason Your organisation has already returned Stop and search for 2022-23") || strings.Contains(page, "stop-and-search for") {
		t.Errorf("a correction without a reason: the summary is %q", items)
	}
	if uploadFieldError(page, "reason") == "" {
		t.Error("a correction without a reason: nothing beside the Reason field")
	}

	bad := searchReturn(t, "2023-24", 400, func(_ *monitoring.Layout, ct *monitoring.Content) { ct.Records = 401 })
	_, page, _ = c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": bad, "signature": sign(bad)})
	items = uploadSummaryOf(t, page)
	if all := strings.Join(items, "\n"); !strings.Contains(all, "#return Age: the counts of searches add up to 400") || strings.Contains(page, `href="#cells`) {
		t.Errorf("a return that does not add up: the summary is %q", items)
	}
	if !strings.Contains(uploadFieldError(page, "return"), "add up to 400") {
		t.Errorf("a return that does not add up: the Return field says %q", uploadFieldError(page, "return"))
	}
}

// Counting an extract names the theme, period and records, and warns when a
// return is held already; an upload says what became of which return and
// links to it; a return's page says whether it is current; wide tables scroll.
func TestUploadPageSaysWhichReturnAndWhatBecameOfIt(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	sign := registerPoliceKey(t, c)

	path := filepath.Join(t.TempDir(), "searches.csv")
	writeExtract(t, path, policeSteward.org, "stop-and-search", 420, 7, 0)
	extract := string(mustRead(t, path))
	lines := strings.SplitAfter(extract, "\n")
	lines[3] = strings.TrimSuffix(lines[3], "\n") + ",stray,cells\n" // a row with more cells than the header names
	status, page, _ := c.multipartNamed("/data/upload", map[string]string{"form": "extract", "theme": "stop-and-search", "period": "2022-23"}, "extract", "searches.csv", []byte(strings.Join(lines, "")))
	if status != http.StatusOK || !strings.Contains(page, "for your Stop and search return for 2022-23") || !strings.Contains(page, "The hub counted 419 records of searches.csv") {
		t.Fatalf("counting an extract: %d\n%.3000s", status, page)
	}
	if strings.Contains(page, "say why in step 2") {
		t.Error("the draft warns of a return held when there is none")
	}
	if !regexp.MustCompile(`<td class="govuk-table__cell">4</td><td class="govuk-table__cell">The whole row</td>`).MatchString(page) {
		t.Errorf("the row with cells beyond the header does not say what the problem is about:\n%s", page[strings.Index(page, "Records that could not be counted"):][:1500])
	}
	if !strings.Contains(page, `<div class="app-table-scroll" role="region" aria-label="Counts by sex" tabindex="0">`) {
		t.Error("the draft's counts tables do not scroll in a region of their own")
	}

	first := searchReturn(t, "2022-23", 400, nil)
	status, _, loc := c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": first, "signature": sign(first)})
	if status != http.StatusSeeOther {
		t.Fatalf("uploading: %d", status)
	}
	_, page = c.get(loc)
	id := strings.TrimPrefix(loc, "/data?uploaded=")
	id, _, _ = strings.Cut(id, "&")
	if !strings.Contains(page, "Accepted: version 1 of your Stop and search return for 2022-23 (400 records), a new return.") || !strings.Contains(page, `href="/data/returns/`+id+`">See the return</a>`) {
		t.Errorf("the new return's banner:\n%.3000s", page)
	}
	_, _, loc = c.multipart("/data/upload", map[string]string{"form": "return"}, map[string][]byte{"return": first, "signature": sign(first)})
	_, page = c.get(loc)
	if !strings.Contains(page, "already holds this signed return as version 1 of your Stop and search return for 2022-23") || strings.Contains(page, ">Success<") || !strings.Contains(page, ">Important<") {
		t.Errorf("the banner of a return held already:\n%.3000s", page)
	}

	_, page, _ = c.multipartNamed("/data/upload", map[string]string{"form": "extract", "theme": "stop-and-search", "period": "2022-23"}, "extract", "searches.csv", []byte(extract))
	if !strings.Contains(page, "The hub holds version 1 of your Stop and search return for 2022-23 already") || !strings.Contains(page, "say why in step 2") {
		t.Errorf("the draft does not say a return is held and a reason is needed:\n%.3000s", page)
	}

	second := searchReturn(t, "2022-23", 420, nil)
	_, _, loc = c.multipart("/data/upload", map[string]string{"form": "return", "reason": "late records"}, map[string][]byte{"return": second, "signature": sign(second)})
	_, page = c.get(loc)
	if !strings.Contains(page, "Accepted as a correction: version 2 of your Stop and search return for 2022-23 (420 records), correcting version 1.") {
		t.Errorf("the correction's banner:\n%.3000s", page)
	}
	if !strings.Contains(page, `<div class="app-table-scroll" role="region" aria-label="Your organisation's returns" tabindex="0">`) {
		t.Error("the returns table does not scroll in a region of its own")
	}
	_, page = c.get("/data/returns/" + id)
	if !regexp.MustCompile(`Status</dt><dd class="govuk-summary-list__value">Replaced by <a class="govuk-link" href="/data/returns/[0-9a-f]{64}">version 2</a></dd>`).MatchString(page) {
		t.Errorf("version 1's page does not say it was replaced:\n%.4000s", page)
	}
	if !strings.Contains(page, `aria-label="Counts by ethnic group" tabindex="0"`) {
		t.Error("the return's counts tables do not scroll in a region of their own")
	}
	v2 := regexp.MustCompile(`href="/data/returns/([0-9a-f]{64})">version 2`).FindStringSubmatch(page)
	if v2 == nil {
		t.Fatal("no link to version 2")
	}
	if _, page = c.get("/data/returns/" + v2[1]); !strings.Contains(page, `Status</dt><dd class="govuk-summary-list__value">Current</dd>`) {
		t.Errorf("version 2's page does not say it is current:\n%.4000s", page)
	}
}

// The mapping page hands the mapping over as files to change, says how to
// send them back, and lists codes in natural order.
func TestMappingPageDownloadsAndOrder(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	_, page := c.get("/data/mapping")
	if !strings.Contains(page, `href="/data/mapping?download=json"`) || !strings.Contains(page, `href="/data/mapping?download=csv"`) || !strings.Contains(page, "hubctl mapping put codes.csv") {
		t.Errorf("the mapping page does not offer both files and say how to send them back:\n%.3000s", page)
	}
	eth := page[strings.Index(page, "Ethnic group: your column"):]
	// A steward who may change the codes sees them in the form's rows.
	if p2, p10 := strings.Index(eth, `value="P2"`), strings.Index(eth, `value="P10"`); p2 < 0 || p10 < 0 || p2 > p10 {
		t.Errorf("P2 is not listed before P10 (%d, %d)", p2, p10)
	}
	for _, f := range []struct{ query, name, starts string }{{"json", "mapping.json", "{"}, {"csv", "codes.csv", "question,local code,standard category,category label\n"}} {
		resp, err := c.http.Get(h.URL + "/data/mapping?download=" + f.query)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK || cd != `attachment; filename="`+f.name+`"` || !strings.HasPrefix(string(b), f.starts) {
			t.Errorf("download=%s: %d %q\n%.200s", f.query, resp.StatusCode, cd, b)
		}
	}
}
