package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hubctl generate --out x.xlsx writes an Excel workbook that hubctl aggregate
// counts, and refuses a name that is neither .csv nor .xlsx.
func TestGenerateWritesAWorkbookForAnXLSXName(t *testing.T) {
	o := newOffline(t)
	var out bytes.Buffer
	noEnv := func(string) string { return "" }
	if err := run(context.Background(), []string{"generate", "--org", "northshire-fire", "--theme", "service-take-up", "--rows", "50", "--period", "2024-25-Q1", "--out", o.path("users.xlsx")}, noEnv, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("generate: %v\n%s", err, out.String())
	}
	f, err := excelize.OpenFile(o.path("users.xlsx"))
	if err != nil {
		t.Fatalf("the file is not a workbook: %v", err)
	}
	rows, _ := f.GetRows("Sheet1")
	f.Close()
	if len(rows) != 51 {
		t.Fatalf("the workbook has %d rows, want a header and 50", len(rows))
	}
	if got, err := o.aggregate("users.xlsx", "--theme", "service-take-up", "--period", "2024-25-Q1"); err != nil || !strings.Contains(got, "Counted 50 records") {
		t.Fatalf("aggregating the workbook: %v\n%s", err, got)
	}
	out.Reset()
	err = run(context.Background(), []string{"generate", "--out", o.path("users.xls")}, noEnv, strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Fatalf("an .xls name: %v", err)
	}
	if _, err := os.Stat(o.path("users.xls")); err == nil {
		t.Fatal("a file was written under the .xls name")
	}
}

// A token piped to hubctl login is not echoed, so the prompt's line is ended
// before what follows.
func TestLoginEndsThePromptLineWhenTheTokenIsPiped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"p1","name":"Sam","organisation":"northshire-police","roles":[{"role":"data-steward"}]}`))
	}))
	defer srv.Close()
	env := map[string]string{"HUBCTL_CONFIG": filepath.Join(t.TempDir(), "hubctl.json")}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"login", "--hub", srv.URL}, func(k string) string { return env[k] }, strings.NewReader("eqh_x_y\n"), &stdout, &stderr); err != nil {
		t.Fatalf("login: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	if !strings.HasPrefix(stderr.String(), "API token: \n") {
		t.Errorf("the prompt's line is not ended: %q", stderr.String())
	}
}
