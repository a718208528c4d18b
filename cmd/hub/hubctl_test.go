package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mustBuildHubctl builds the hubctl command for a test.
func mustBuildHubctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hubctl")
	out, err := exec.Command("go", "build", "-o", bin, "../hubctl").CombinedOutput()
	if err != nil {
		t.Fatalf("building hubctl: %v\n%s", err, out)
	}
	return bin
}

func TestHubctlLogin(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	_, body, _ := c.post("/profile/tokens", url.Values{"name": {"hubctl"}, "days": {"7"}, "scope": {"upload"}})
	token := tokenPattern.FindString(body)
	if token == "" {
		t.Fatal("no token made")
	}
	saved := filepath.Join(t.TempDir(), "hubctl.json")
	hubctl := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HUBCTL_CONFIG="+saved)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := hubctl(token+"\n", "login", "--hub", h.URL)
	if err != nil || !strings.Contains(out, "Signed in to "+h.URL+" as Owen Richards of northshire-police, as data-steward, analyst") {
		t.Fatalf("hubctl login: %v\n%s", err, out)
	}
	if info, err := os.Stat(saved); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the saved sign-in must be readable by its owner only: %v %v", info.Mode(), err)
	}
	if out, err := hubctl("", "whoami"); err != nil || !strings.Contains(out, "Owen Richards of northshire-police") {
		t.Fatalf("hubctl whoami: %v\n%s", err, out)
	}
	if out, err := hubctl("eqh_bad_token\n", "login", "--hub", h.URL); err == nil || !strings.Contains(out, "The API token is not valid") {
		t.Fatalf("a bad token: %v\n%s", err, out)
	}
	if out, err := hubctl(token+"\n", "login", "--hub", "http://hub.example.org"); err == nil || !strings.Contains(out, "https://") {
		t.Fatalf("a plain-http remote hub must be refused: %v\n%s", err, out)
	}
	if out, err := hubctl("", "version"); err != nil || !strings.HasPrefix(out, "hubctl ") {
		t.Fatalf("hubctl version: %v\n%s", err, out)
	}
}
