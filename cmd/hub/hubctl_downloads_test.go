package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hub offers hubctl to download, for each computer it was built for,
// with each file's SHA-256; a hub where none were built says how to build
// them.
func TestHubctlDownloads(t *testing.T) {
	dir := t.TempDir()
	program := []byte("hubctl for Linux on x86-64, as make hubctl builds it\n")
	if err := os.WriteFile(filepath.Join(dir, "hubctl-linux-amd64"), program, 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(program)
	h := mustStartHub(t, map[string]string{"HUB_HUBCTL_DIR": dir})
	v := h.visitor(t)

	status, page := v.get("/hubctl")
	if status != 200 {
		t.Fatalf("/hubctl answers %d: %.300s", status, page)
	}
	if !strings.Contains(page, "hubctl-linux-amd64") || !strings.Contains(page, hex.EncodeToString(sum[:])) {
		t.Errorf("the page does not offer the Linux program with its SHA-256: %.2000s", page)
	}
	if strings.Contains(page, `href="/hubctl/hubctl-darwin-arm64"`) {
		t.Error("the page offers a program that was not built")
	}
	status, body := v.get("/hubctl/hubctl-linux-amd64")
	if status != 200 || body != string(program) {
		t.Errorf("downloading the program answers %d, %q", status, body)
	}
	if status, _ := v.get("/hubctl/hubctl-darwin-arm64"); status != 404 {
		t.Errorf("a program not built answers %d, want 404", status)
	}
	if status, _ := v.get("/hubctl/..%2fhubctl-linux-amd64"); status != 404 {
		t.Errorf("a path out of the directory answers %d, want 404", status)
	}

	// A data steward's Data page links to it.
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	if _, page := steward.get("/data"); !strings.Contains(page, `href="/hubctl"`) {
		t.Error("the Data page does not link to the hubctl downloads")
	}

	bare := mustStartHub(t, map[string]string{"HUB_HUBCTL_DIR": filepath.Join(t.TempDir(), "none")})
	if _, page := bare.visitor(t).get("/hubctl"); !strings.Contains(page, "hubctl downloads are not built on this hub: run") {
		t.Errorf("a hub without the programs does not say how to build them: %.2000s", page)
	}
}
