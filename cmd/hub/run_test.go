package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunRefusesBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hub.yaml")
	if err := os.WriteFile(file, []byte("listen: 127.0.0.1:8080\nsesion_ttl: 8h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"misspelt key", []string{"-config", file}, nil, "sesion_ttl"},
		{"missing file", []string{"-config", filepath.Join(dir, "none.yaml")}, nil, "none.yaml"},
		{"demo beyond this machine", nil, map[string]string{"HUB_LISTEN": "0.0.0.0:8080"}, "demo_allow_remote"},
		{"bad duration", nil, map[string]string{"HUB_SESSION_TTL": "a while"}, "HUB_SESSION_TTL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), c.args, func(k string) string { return c.env[k] }, &out)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a message naming %q", err, c.want)
			}
		})
	}
}

func TestOperationsAndHeaders(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/readyz": `"store":"ok"`, "/metrics": "hub_http_request_duration_seconds"} {
		c.get("/")
		status, body := c.get(path)
		if status != ok || !strings.Contains(body, want) {
			t.Errorf("%s: %d %.200s", path, status, body)
		}
	}
	req, err := c.http.Get(h.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer req.Body.Close()
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := req.Header.Get(k); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to contain %q", k, got, want)
		}
	}
	if csp := req.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("the policy allows inline code: %s", csp)
	}
}

func TestMissingCSRFTokenIsRefused(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(countyAdmin.org, countyAdmin.subject)
	form := map[string][]string{"roles": {"analyst"}}
	status, body, _ := c.do("POST", "/organisations/northshire-police/members/demo-police-steward", form, nil)
	if status != forbidden || !strings.Contains(body, "This form has expired") {
		t.Fatalf("a form without its CSRF token: %d\n%s", status, body[strings.Index(body, "<main"):])
	}
	form["csrf"] = []string{"forged"}
	if status, _, _ := c.do("POST", "/organisations/northshire-police/members/demo-police-steward", form, nil); status != forbidden {
		t.Fatalf("a forged CSRF token: %d", status)
	}
}
