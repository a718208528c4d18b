package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/partnership/equalityhub/hub"
)

// hostile is text a hub (or someone who could write to its database) might
// send back: it clears the screen, retitles the terminal, moves the cursor,
// rings the bell and reverses what follows.
const hostile = "Eve\x1b[2J\x1b]0;pwned\x07\r\b\u009b31m \u202eliam\u2066x\u200b"

// assertPrintable fails when out holds a character that acts on a terminal.
func assertPrintable(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range out {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || hub.Invisible(r) {
			t.Fatalf("%s prints %U: %q", what, r, out)
		}
	}
}

// hubctl prints nothing from the hub's answers that acts on the terminal:
// not in who it is signed in as, not in the hub's messages and problems.
func TestHubctlPrintsNoControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/me":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"p1","name":"` + jsonEscape(hostile) + `","organisation":"org` + jsonEscape(hostile) + `","roles":[{"role":"data-steward` + jsonEscape(hostile) + `"}]}`))
		default:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"detail":"The mapping ` + jsonEscape(hostile) + `","code":"invalid","problems":[{"field":"note` + jsonEscape(hostile) + `","message":"line one\nline two` + jsonEscape(hostile) + `"}]}`))
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"HUBCTL_CONFIG": filepath.Join(dir, "hubctl.json"), "HUBCTL_TOKEN": "eqh_x_y"}
	getenv := func(k string) string { return env[k] }
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"login", "--hub", srv.URL}, getenv, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := run(context.Background(), []string{"whoami"}, getenv, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("whoami: %v", err)
	}
	assertPrintable(t, "login and whoami", stdout.String()+stderr.String())
	if !strings.Contains(stdout.String(), "Eve\uFFFD[2J\uFFFD]0;pwned") {
		t.Errorf("the name is not shown, made printable: %q", stdout.String())
	}

	err := run(context.Background(), []string{"mapping", "get", "--out", filepath.Join(dir, "mapping.json")}, getenv, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("a refusal by the hub was not an error")
	}
	msg := explain(err)
	assertPrintable(t, "an error from the hub", msg)
	if lines := strings.Split(msg, "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "  - ") || !strings.Contains(lines[1], "line one line two") {
		t.Errorf("the hub's problem starts lines of its own:\n%s", msg)
	}
	assertPrintable(t, "an error that is not the hub's", explain(errors.New("reading x"+hostile)))
}

// jsonEscape writes s as the inside of a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
