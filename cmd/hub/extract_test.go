package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The police's codes go out to a spreadsheet and come back as a new version of their mapping.
func TestMappingCodesAsCSVWithHubctl(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	police, policeWeb := newSteward(t, h, bin, policeSteward)
	if out := police.must("mapping", "get", "--out", "codes.csv"); !strings.Contains(out, "Wrote mapping version 1") {
		t.Fatalf("mapping get: %s", out)
	}
	codes := string(mustRead(t, filepath.Join(police.dir, "codes.csv")))
	if !strings.HasPrefix(codes, "question,local code,standard category,category label\n") || !strings.Contains(codes, "ethnicity,P1,white-british,") {
		t.Fatalf("the codes:\n%.500s", codes)
	}
	// The steward adds a code of their own, naming the category by its label.
	codes += "sex,U,Not known,\n"
	os.WriteFile(filepath.Join(police.dir, "codes.csv"), []byte(codes), 0o644)
	if out := police.must("mapping", "put", "codes.csv", "--note", "U for unknown sex"); !strings.Contains(out, "Saved mapping version 2") {
		t.Fatalf("mapping put: %s", out)
	}
	police.must("mapping", "get", "--out", "mapping.json")
	mapping := string(mustRead(t, filepath.Join(police.dir, "mapping.json")))
	if !strings.Contains(mapping, `"U": "not-known"`) || !strings.Contains(mapping, "Self-defined ethnicity") {
		t.Fatalf("the new mapping keeps its columns and has the new code:\n%.600s", mapping)
	}
	// A wrong line is named, and nothing is saved.
	os.WriteFile(filepath.Join(police.dir, "bad.csv"), []byte("question,local code,standard category\nsex,F,female\nsex,Z,womanish\n"), 0o644)
	if out, err := police.run("", "mapping", "put", "bad.csv"); err == nil || !strings.Contains(out, `row 3, column standard category: "womanish" is not a category of Sex`) {
		t.Fatalf("a wrong category: %v\n%s", err, out)
	}
	if _, page := policeWeb.get("/data/mapping"); !strings.Contains(page, "Version 2") {
		t.Fatal("the mapping page does not show version 2")
	}
}

// The Data page refuses a damaged workbook with its sheet and row, a period
// to come, and a year's records for one quarter, rather than count them.
func TestDataPageReadsExtractsStrictly(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn("northshire-nhs", "nhs-steward")
	path := filepath.Join(t.TempDir(), "staff.csv")
	writeExtract(t, path, "northshire-nhs", "workforce-strength", 29, 3, 0)
	whole := csvToXLSX(t, path)
	cut := cutWorkbook(t, whole, 17)
	status, body, _ := c.multipartNamed("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2025-26"}, "extract", "staff.xlsx", cut)
	if status != http.StatusUnprocessableEntity || strings.Contains(body, "Check and sign") || !strings.Contains(body, "is damaged after row 16") {
		t.Fatalf("a cut workbook: %d\n%.1500s", status, body)
	}
	status, body, _ = c.multipartNamed("/data/upload", map[string]string{"theme": "workforce-strength", "period": "2090-91"}, "extract", "staff.csv", mustRead(t, path))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "2090-91 has not begun") {
		t.Fatalf("a period to come: %d\n%.1500s", status, body)
	}
	head := "period,age,disability,gender-identity,pregnancy-maternity,ethnicity,religion,sex,sexual-orientation\n"
	person := ",25-34,no,same,neither,white-british,no-religion,female,straight-or-heterosexual\n"
	year := head + "2024-25 Q1" + person + "2024-25-Q2" + person + "2024/25 Q1" + person
	status, body, _ = c.multipartNamed("/data/upload", map[string]string{"theme": "service-take-up", "period": "2024-25-Q1"}, "extract", "users.csv", []byte(year))
	if status != http.StatusOK || !strings.Contains(body, "This record is for 2024-25-Q2, which is not the period asked for (2024-25-Q1)") {
		t.Fatalf("a year's records for one quarter: %d\n%.3000s", status, body)
	}
}

// One mapping for every extract layout: stop and search reads ethnicity from a
// column of its own, with day-first dates as the mapping declares.
func TestOneMappingForEveryExtractLayout(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	police, policeWeb := newSteward(t, h, bin, policeSteward)
	police.must("mapping", "get", "--out", "mapping.json")
	mapping := string(mustRead(t, filepath.Join(police.dir, "mapping.json")))
	mapping = strings.Replace(mapping, `"Codes": {`, `"ThemeColumns": {"stop-and-search": {"ethnicity": "self_defined_ethnicity"}}, "DateFormats": ["dd/mm/yyyy"], "Codes": {`, 1)
	os.WriteFile(filepath.Join(police.dir, "mapping.json"), []byte(mapping), 0o644)
	if out := police.must("mapping", "put", "mapping.json"); !strings.Contains(out, "version 2") {
		t.Fatalf("mapping put: %s", out)
	}
	extract := "self_defined_ethnicity,Gender,Age band,Arrest,record_ref,date\n" +
		"P1,P1,P4,Y,S1,30/04/2025\n" +
		"P2,P2,P5,N,S2,01/05/2025\n" +
		"P2,P2,P5,N,S2,02/05/2025\n" + // the same search twice
		"P1,P1,P4,N,S3,30/02/2025\n" // no such day
	os.WriteFile(filepath.Join(police.dir, "searches.csv"), []byte(extract), 0o644)
	out, err := police.run("", "aggregate", "--theme", "stop-and-search", "--period", "2025-26", "searches.csv")
	if err == nil || !strings.Contains(out, "2 of 4 records could not be counted") {
		t.Fatalf("aggregate: %v\n%s", err, out)
	}
	report := string(mustRead(t, filepath.Join(police.dir, "rejected-rows.csv")))
	if !strings.Contains(report, `4,record_ref,"The record ID ""S2"" is also on line 3`) || !strings.Contains(report, `5,date,"""30/02/2025"" is not a date: there is no 30 February 2025"`) {
		t.Fatalf("the report:\n%s", report)
	}
	if out := police.must("aggregate", "--theme", "stop-and-search", "--period", "2025-26", "--skip-rejected", "searches.csv"); !strings.Contains(out, "Counted 2 records") {
		t.Fatalf("aggregate --skip-rejected: %s", out)
	}
	if doc := string(mustRead(t, filepath.Join(police.dir, "return.json"))); !strings.Contains(doc, `"records":2,"rejected":2`) {
		t.Fatalf("the return:\n%.300s", doc)
	}
	if _, page := policeWeb.get("/data/mapping"); !strings.Contains(page, "self_defined_ethnicity") || !strings.Contains(page, "dd/mm/yyyy") {
		t.Fatal("the mapping page does not show the theme's column and the date format")
	}
}

// The forum publishes standard 2026.2; the police map their IC codes to
// officer-observed ethnicity and send a stop and search return that keeps it
// beside the person's own answer.
func TestOfficerObservedEthnicityUnderStandard2026_2(t *testing.T) {
	h := mustStartHub(t, nil)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	next, err := os.ReadFile(filepath.Join("..", "..", "hub", "monitoring", "data", "standard-2026.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := forum.multipartNamed("/standard", map[string]string{"effective": time.Now().UTC().Format(time.DateOnly)}, "standard", "standard.json", next); status != http.StatusSeeOther {
		t.Fatalf("proposing 2026.2: %d\n%.1500s", status, body)
	}
	approver := h.visitor(t)
	approver.signIn("northshire-police", "police-forum")
	if status, body, _ := approver.post("/standard/2026.2/approve", nil); status != http.StatusSeeOther {
		t.Fatalf("approving 2026.2: %d\n%.1500s", status, body)
	}
	bin := mustBuildHubctl(t)
	police, _ := newSteward(t, h, bin, policeSteward)
	police.must("keygen", "--name", "Police returns", "--out", "police")
	police.must("key", "register", "police-public.asc")
	police.must("mapping", "get", "--out", "mapping.json")
	mapping := string(mustRead(t, filepath.Join(police.dir, "mapping.json")))
	mapping = strings.Replace(mapping, `"Standard": "2026.1"`, `"Standard": "2026.2"`, 1)
	mapping = strings.Replace(mapping, `"Codes": {`, `"Codes": {"officer-observed-ethnicity": {"IC1": "white", "IC2": "white", "IC3": "black", "IC4": "asian", "IC5": "asian", "IC6": "other", "IC9": "not-known"}, `, 1)
	mapping = strings.Replace(mapping, `"Columns": {`, `"Columns": {"officer-observed-ethnicity": "Officer-defined ethnicity", `, 1)
	os.WriteFile(filepath.Join(police.dir, "mapping.json"), []byte(mapping), 0o644)
	if out := police.must("mapping", "put", "mapping.json"); !strings.Contains(out, "version 2") {
		t.Fatalf("mapping put: %s", out)
	}
	os.WriteFile(filepath.Join(police.dir, "searches.csv"), []byte("record_ref,Age band,Self-defined ethnicity,Officer-defined ethnicity,Gender,Arrest\n"+
		"S1,P4,P1,IC1,P2,N\nS2,P4,P99,IC3,P2,Y\nS3,P4,P98,IC9,P1,N\n"), 0o644)
	if out := police.must("aggregate", "--theme", "stop-and-search", "--period", "2025-26", "searches.csv"); !strings.Contains(out, "Counted 3 records") {
		t.Fatalf("aggregate: %s", out)
	}
	doc := string(mustRead(t, filepath.Join(police.dir, "return.json")))
	if !strings.Contains(doc, `"standard":"2026.2"`) || !strings.Contains(doc, `{"question":"officer-observed-ethnicity","category":"black","measure":"searched","count":1}`) ||
		!strings.Contains(doc, `{"question":"ethnicity","category":"not-known","measure":"searched","count":1}`) {
		t.Fatalf("the return:\n%.3000s", doc)
	}
	police.must("sign", "return.json", "--key", "police-private.asc")
	if out := police.must("upload", "return.json"); !strings.Contains(out, "version 1, 3 records") {
		t.Fatalf("upload: %s", out)
	}
}
