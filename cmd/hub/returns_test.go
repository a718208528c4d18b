package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// steward is a data steward working with hubctl in a directory of their own.
type steward struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

func (s steward) run(stdin string, args ...string) (string, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = s.dir, append(os.Environ(), s.env...), strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (s steward) must(args ...string) string {
	s.t.Helper()
	out, err := s.run("", args...)
	if err != nil {
		s.t.Fatalf("hubctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// newSteward signs a demo data steward in, makes an API token and signs hubctl in with it.
func newSteward(t *testing.T, h *testHub, bin string, p persona) (steward, *client) {
	t.Helper()
	c := h.visitor(t)
	c.signIn(p.org, p.subject)
	_, body, _ := c.post("/profile/tokens", url.Values{"name": {"hubctl"}, "days": {"7"}, "scope": {"upload"}})
	token := tokenPattern.FindString(body)
	dir := t.TempDir()
	s := steward{t: t, bin: bin, dir: dir, env: []string{"HUBCTL_CONFIG=" + filepath.Join(dir, "hubctl.json"), "HUBCTL_PASSPHRASE=correct horse battery"}}
	if out, err := s.run(token+"\n", "login", "--hub", h.URL); err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}
	return s, c
}

// writeExtract writes a demo extract in the organisation's own codes.
func writeExtract(t *testing.T, path, org, theme string, rows int, seed uint64, messy float64) {
	t.Helper()
	std, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	var th monitoring.Theme
	for _, x := range themes {
		if x.ID == theme {
			th = x
		}
	}
	l, err := monitoring.NewLayout(std, th)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := demo.WriteExtract(f, l, demo.Mapping(org, std), demo.ExtractOptions{Rows: rows, Seed: seed, Messy: messy, Rates: map[string]float64{"arrested": 0.2}}); err != nil {
		t.Fatal(err)
	}
}

func TestSignedReturnsWithHubctl(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	police, policeWeb := newSteward(t, h, bin, policeSteward)

	police.must("keygen", "--name", "Northshire Police returns", "--email", "data@police.example", "--out", "police")
	if out := police.must("key", "register", "police-public.asc"); !strings.Contains(out, "Registered key") {
		t.Fatalf("register: %s", out)
	}
	out, err := police.run("", "key", "register", "police-private.asc")
	if err == nil || !strings.Contains(out, "private key") {
		t.Fatalf("registering a private key must be refused: %v\n%s", err, out)
	}

	// A clean extract in the police's own codes goes all the way.
	writeExtract(t, filepath.Join(police.dir, "searches.csv"), "northshire-police", "stop-and-search", 2000, 7, 0)
	out = police.must("aggregate", "--theme", "stop-and-search", "--period", "2025-26", "searches.csv")
	if !strings.Contains(out, "Counted 2000 records") {
		t.Fatalf("aggregate: %s", out)
	}
	police.must("sign", "return.json", "--key", "police-private.asc")
	if out := police.must("upload", "return.json"); !strings.Contains(out, "version 1, 2000 records") {
		t.Fatalf("upload: %s", out)
	}
	// The same signed return again is the same version.
	if out := police.must("upload", "return.json"); !strings.Contains(out, "version 1") {
		t.Fatalf("a repeated upload: %s", out)
	}
	if status, body := policeWeb.get("/data"); status != http.StatusOK || !strings.Contains(body, "Stop and search") || !strings.Contains(body, "2,000") {
		t.Fatalf("the Data page does not list the return: %d", status)
	}

	// A messy extract: every bad row is reported with its line and column, and nothing is made.
	writeExtract(t, filepath.Join(police.dir, "messy.csv"), "northshire-police", "stop-and-search", 3000, 8, 0.02)
	out, err = police.run("", "aggregate", "--theme", "stop-and-search", "--period", "2024-25", "--out", "messy.json", "messy.csv")
	if err == nil || !strings.Contains(out, "could not be counted") {
		t.Fatalf("a messy extract: %v\n%s", err, out)
	}
	report, _ := os.ReadFile(filepath.Join(police.dir, "rejected-rows.csv"))
	if !regexp.MustCompile(`(?m)^\d+,[^,]+,`).Match(report) || bytes.Contains(report, []byte("\n=")) || !bytes.Contains(report, []byte("'=HYPERLINK")) {
		t.Fatalf("the report:\n%.800s", report)
	}
	if _, err := os.Stat(filepath.Join(police.dir, "messy.json")); err == nil {
		t.Fatal("a return was written despite rejected rows")
	}
	police.must("aggregate", "--theme", "stop-and-search", "--period", "2024-25", "--out", "messy.json", "--skip-rejected", "messy.csv")

	// A return changed after signing is refused.
	doc, _ := os.ReadFile(filepath.Join(police.dir, "return.json"))
	tampered := bytes.Replace(doc, []byte(`"rejected":0`), []byte(`"rejected":1`), 1)
	os.WriteFile(filepath.Join(police.dir, "tampered.json"), tampered, 0o644)
	sig, _ := os.ReadFile(filepath.Join(police.dir, "return.json.asc"))
	os.WriteFile(filepath.Join(police.dir, "tampered.json.asc"), sig, 0o644)
	if out, err := police.run("", "upload", "tampered.json"); err == nil || !strings.Contains(out, "does not match its signature") {
		t.Fatalf("a tampered return: %v\n%s", err, out)
	}

	// A correction needs a reason, then becomes version 2.
	writeExtract(t, filepath.Join(police.dir, "searches2.csv"), "northshire-police", "stop-and-search", 2100, 9, 0)
	police.must("aggregate", "--theme", "stop-and-search", "--period", "2025-26", "--out", "fixed.json", "searches2.csv")
	police.must("sign", "fixed.json", "--key", "police-private.asc")
	if out, err := police.run("", "upload", "fixed.json"); err == nil || !strings.Contains(out, "send the new return with a reason") {
		t.Fatalf("a correction without a reason: %v\n%s", err, out)
	}
	if out := police.must("upload", "fixed.json", "--reason", "100 searches were missing from the first extract"); !strings.Contains(out, "version 2") {
		t.Fatalf("a correction: %s", out)
	}

	// Another organisation's key cannot sign for the police.
	county, _ := newSteward(t, h, bin, persona{"county steward", "northshire-county", "county-steward"})
	county.must("keygen", "--name", "County returns", "--out", "county")
	county.must("key", "register", "county-public.asc")
	os.WriteFile(filepath.Join(county.dir, "police.json"), doc, 0o644)
	county.must("sign", "police.json", "--key", "county-private.asc")
	if out, err := county.run("", "upload", "police.json"); err == nil || !strings.Contains(out, "each organisation uploads its own") {
		t.Fatalf("the county uploading the police's return: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(police.dir, "other.json.asc"), mustRead(t, filepath.Join(county.dir, "police.json.asc")), 0o644)
	os.WriteFile(filepath.Join(police.dir, "other.json"), doc, 0o644)
	if out, err := police.run("", "upload", "other.json"); err == nil || !strings.Contains(out, "not made by any key registered for your organisation") {
		t.Fatalf("a return signed by another organisation's key: %v\n%s", err, out)
	}

	// The mapping can be read, changed and sent as a new version; a code mapped to nothing real is refused.
	police.must("mapping", "get", "--out", "mapping.json")
	mapping := mustRead(t, filepath.Join(police.dir, "mapping.json"))
	if !bytes.Contains(mapping, []byte(`"Version": 1`)) || !bytes.Contains(mapping, []byte(`Self-defined ethnicity`)) {
		t.Fatalf("the police's mapping:\n%.500s", mapping)
	}
	os.WriteFile(filepath.Join(police.dir, "bad-mapping.json"), bytes.Replace(mapping, []byte(`"P1": "white-british"`), []byte(`"P1": "whiteish"`), 1), 0o644)
	if out, err := police.run("", "mapping", "put", "bad-mapping.json"); err == nil || !strings.Contains(out, `"whiteish", which is not a category`) {
		t.Fatalf("a mapping to an unknown category: %v\n%s", err, out)
	}
	if out := police.must("mapping", "put", "mapping.json", "--note", "checked"); !strings.Contains(out, "version 2") {
		t.Fatalf("mapping put: %s", out)
	}
	if _, page := policeWeb.get("/data/mapping"); !strings.Contains(page, "Version 2") || !strings.Contains(page, "Self-defined ethnicity") {
		t.Fatal("the mapping page does not show the new version")
	}

	// Anyone can verify a return with the public key.
	if out := police.must("verify", "return.json", "--key", "police-public.asc"); !strings.Contains(out, "Good signature") {
		t.Fatalf("verify: %s", out)
	}

	// A revoked key signs nothing new; what it signed before stays valid and says so.
	fp := regexp.MustCompile(`[0-9A-F]{40}`).FindString(police.must("key", "list"))
	if status, _, _ := policeWeb.post("/data/keys/"+fp+"/revoke", nil); status != http.StatusSeeOther {
		t.Fatalf("revoking: %d", status)
	}
	police.must("aggregate", "--theme", "stop-and-search", "--period", "2023-24", "--out", "late.json", "searches.csv")
	police.must("sign", "late.json", "--key", "police-private.asc")
	if out, err := police.run("", "upload", "late.json"); err == nil || !strings.Contains(out, "revoked") {
		t.Fatalf("a return signed with a revoked key: %v\n%s", err, out)
	}
	_, page := policeWeb.get("/data")
	id := regexp.MustCompile(`/data/returns/([0-9a-f]{64})`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no return listed")
	}
	if _, detail := policeWeb.get("/data/returns/" + id[1]); !strings.Contains(detail, "after this return was signed and accepted") {
		t.Fatal("a return signed before the revocation does not say it stays valid")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipartForm builds a form with the CSRF token and files.
func (c *client) multipart(path string, fields map[string]string, files map[string][]byte) (int, string, string) {
	c.tb.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", c.csrf())
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, b := range files {
		fname := name + ".csv"
		if name == "return" {
			fname = "return.json"
		} else if name == "signature" {
			fname = "return.json.asc"
		}
		fw, _ := w.CreateFormFile(name, fname)
		fw.Write(b)
	}
	w.Close()
	return c.send(http.MethodPost, path, buf.Bytes(), http.Header{"Content-Type": {w.FormDataContentType()}})
}

// multipartNamed posts one file under a chosen name, with the CSRF token.
func (c *client) multipartNamed(path string, fields map[string]string, field, name string, b []byte) (int, string, string) {
	c.tb.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", c.csrf())
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(b)
	w.Close()
	return c.send(http.MethodPost, path, buf.Bytes(), http.Header{"Content-Type": {w.FormDataContentType()}})
}

// csvToXLSX copies a CSV file into the first sheet of a workbook.
func csvToXLSX(t *testing.T, path string) []byte {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(mustRead(t, path)))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, rec := range recs {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestUploadThroughTheBrowser(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn("northshire-nhs", "nhs-steward")
	priv, pub, _, err := pgp.GenerateKey("NHS returns", "", []byte("a long passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := c.post("/data/keys", url.Values{"key": {pub}}); status != http.StatusSeeOther {
		t.Fatalf("registering a key: %d %.300s", status, body)
	}
	if status, body, _ := c.post("/data/keys", url.Values{"key": {"not a key"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "not an OpenPGP public key") {
		t.Fatalf("a bad key: %d", status)
	}
	path := filepath.Join(t.TempDir(), "staff.csv")
	writeExtract(t, path, "northshire-nhs", "workforce-strength", 500, 3, 0.01)
	status, body, _ := c.multipart("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2025-26"}, map[string][]byte{"extract": mustRead(t, path)})
	if status != http.StatusOK || !strings.Contains(body, "Check and sign the return") || !strings.Contains(body, "could not be counted") {
		t.Fatalf("counting an extract: %d\n%.2000s", status, body)
	}
	draft := regexp.MustCompile(`name="draft" value="([^"]+)"`).FindStringSubmatch(body)
	if draft == nil {
		t.Fatal("no return to sign")
	}
	doc, err := base64.StdEncoding.DecodeString(html.UnescapeString(draft[1]))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := pgp.Sign(doc, priv, []byte("a long passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	status, body, loc := c.multipart("/data/upload", nil, map[string][]byte{"return": doc, "signature": []byte(sig)})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/data?uploaded=") {
		t.Fatalf("uploading the signed return: %d %s\n%.1500s", status, loc, body)
	}
	// The same extract as an Excel workbook.
	status, body, _ = c.multipartNamed("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2024-25"}, "extract", "staff.xlsx", csvToXLSX(t, path))
	if status != http.StatusOK || !strings.Contains(body, "Check and sign the return") {
		t.Fatalf("counting a workbook: %d\n%.1500s", status, body)
	}
	// Bad input is answered on the page, and nothing is stored.
	status, body, _ = c.multipart("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2025"}, map[string][]byte{"extract": mustRead(t, path)})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "not a period") {
		t.Fatalf("a bad period: %d", status)
	}
	status, body, _ = c.multipart("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2025-26"}, map[string][]byte{"extract": {}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "empty") {
		t.Fatalf("an empty extract: %d\n%.1000s", status, body)
	}
}

func TestForumPublishesANewStandardVersion(t *testing.T) {
	h := mustStartHub(t, nil)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	_, current := h.visitor(t).get("/api/v1/standard")
	status, body, _ := forum.multipartNamed("/standard", nil, "standard", "standard.json", []byte(current))
	if status != http.StatusConflict || !strings.Contains(body, "is published already") {
		t.Fatalf("republishing a version: %d", status)
	}
	status, body, _ = forum.multipartNamed("/standard", nil, "standard", "standard.json", []byte(`{"Version": "2027.1", "Colour": "red"}`))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Colour") {
		t.Fatalf("a malformed standard: %d\n%.2000s", status, body)
	}
	next := strings.Replace(current, `"Version":"2026.1"`, `"Version":"2027.1"`, 1)
	today := map[string]string{"effective": time.Now().UTC().Format(time.DateOnly)}
	if status, body, _ := forum.multipartNamed("/standard", today, "standard", "standard.json", []byte(next)); status != http.StatusSeeOther {
		t.Fatalf("proposing 2027.1: %d\n%.1500s", status, body)
	}
	// It takes effect once a forum member of another organisation approves it.
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	if status, body, _ := police.post("/standard/2027.1/approve", nil); status != http.StatusSeeOther {
		t.Fatalf("approving 2027.1: %d\n%.1500s", status, body)
	}
	if _, page := h.visitor(t).get("/standard"); !strings.Contains(page, "Version 2027.1") || !strings.Contains(page, "2026.1 (published") {
		t.Fatal("the standard page does not show the new version and the earlier one")
	}
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.multipartNamed("/standard", nil, "standard", "standard.json", []byte(next)); status != http.StatusForbidden {
		t.Fatalf("an advisory group member published a standard: %d", status)
	}
}

// cutWorkbook returns a workbook of whole with its first sheet cut before a
// row, as a damaged file would be.
func cutWorkbook(t *testing.T, whole []byte, row int) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(whole), int64(len(whole)))
	if err != nil {
		t.Fatal(err)
	}
	var cut bytes.Buffer
	w := zip.NewWriter(&cut)
	for _, e := range z.File {
		rc, _ := e.Open()
		part, _ := io.ReadAll(rc)
		rc.Close()
		if e.Name == "xl/worksheets/sheet1.xml" {
			part = part[:bytes.Index(part, []byte(fmt.Sprintf(`<row r="%d"`, row)))]
		}
		fw, _ := w.Create(e.Name)
		fw.Write(part)
	}
	w.Close()
	return cut.Bytes()
}
