package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A partner publishes a table; a visitor with no account reads it and checks
// the download's signature with hubctl.
func TestPublishedTableVerifies(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	bin := mustBuildHubctl(t)
	tom := h.visitor(t)
	tom.signIn("northshire-county", "county-steward")
	if status, body, _ := tom.post("/data/publish", url.Values{"title": {"Satisfaction"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2019-20-Q1"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "no customer satisfaction return for 2019-20-Q1") {
		t.Fatalf("publishing a period with no return: %d", status)
	}
	if status, body, _ := tom.post("/data/publish", url.Values{"title": {"Satisfaction"}, "theme": {"customer-satisfaction"}, "measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2090-91-Q1"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "2090-91-Q1 has not begun") {
		t.Fatalf("publishing a period to come: %d", status)
	}
	loc := publishTable(t, tom, url.Values{"title": {"Satisfaction with council services by ethnic group"}, "theme": {"customer-satisfaction"},
		"measure": {"satisfied"}, "question": {"ethnicity"}, "period": {"2025-26-Q4"}})
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.post("/data/publish", url.Values{"title": {"x"}}); status != http.StatusForbidden {
		t.Fatalf("publishing without the right: %d", status)
	}

	public := h.visitor(t)
	if status, page := public.get("/published"); status != http.StatusOK || !strings.Contains(page, "Satisfaction with council services by ethnic group") || !strings.Contains(page, "Library service redesign") {
		t.Fatalf("the published page: %d", status)
	}
	_, doc := public.get(loc + "/table.json")
	var tab struct {
		Rows []struct {
			Count *int64 `json:"count"`
			Text  string `json:"text"`
		} `json:"rows"`
		Licence string `json:"licence"`
	}
	if err := json.Unmarshal([]byte(doc), &tab); err != nil || tab.Licence == "" {
		t.Fatalf("the JSON download: %v", err)
	}
	for _, r := range tab.Rows {
		if r.Count != nil && (*r.Count > 0 && *r.Count < 8 || *r.Count%5 != 0) {
			t.Fatalf("a published count breaks the public rules: %d", *r.Count)
		}
	}
	_, sig := public.get(loc + "/table.json.asc")
	_, key := public.get("/hub-key.asc")
	if status, dcat := public.get(loc + "/dcat.jsonld"); status != http.StatusOK || !strings.Contains(dcat, "dcat:Dataset") || !strings.Contains(dcat, "open-government-licence") {
		t.Fatalf("the DCAT metadata: %d", status)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "table.json"), []byte(doc), 0o644)
	os.WriteFile(filepath.Join(dir, "table.json.asc"), []byte(sig), 0o644)
	os.WriteFile(filepath.Join(dir, "hub.asc"), []byte(key), 0o644)
	v := steward{t: t, bin: bin, dir: dir}
	if out := v.must("verify", "table.json", "--key", "hub.asc"); !strings.Contains(out, "Good signature") {
		t.Fatalf("verify: %s", out)
	}
	os.WriteFile(filepath.Join(dir, "table.json"), []byte(strings.Replace(doc, `"count": 9`, `"count": 10`, 1)+" "), 0o644)
	if out, err := v.run("", "verify", "table.json", "--key", "hub.asc"); err == nil {
		t.Fatalf("a changed download verified: %s", out)
	}
}
