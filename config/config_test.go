package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreTheDemo(t *testing.T) {
	c, err := config.Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Listen != "127.0.0.1:8080" || c.BaseURL != "http://localhost:8080" || c.MongoURI != "" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestExampleFileLoads(t *testing.T) {
	c, err := config.Load("hub.example.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionTTL != 8*time.Hour || c.MaxTokenTTL != 90*24*time.Hour {
		t.Fatalf("durations: %+v", c)
	}
}

func TestEnvironmentAndSecretFiles(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "uri")
	if err := os.WriteFile(secret, []byte("mongodb://hub:pw@db1/?replicaSet=rs0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load("", env(map[string]string{
		"HUB_MONGO_URI_FILE": secret, "HUB_DEMO": "false", "HUB_SESSION_TTL": "2h",
		"HUB_LISTEN": "0.0.0.0:9000", "HUB_BASE_URL": "https://hub.example/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MongoURI != "mongodb://hub:pw@db1/?replicaSet=rs0" || c.Demo || c.SessionTTL != 2*time.Hour || c.BaseURL != "https://hub.example" {
		t.Fatalf("got %+v", c)
	}
	logged := strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(fmtAll(c.Masked()), "\n", " "), " ")), " ")
	if strings.Contains(logged, "pw@") || !strings.Contains(logged, "mongo_uri ********") {
		t.Fatalf("the secret is not masked: %s", logged)
	}
}

func TestCookieKeyFromFileMasked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cookie-key")
	key := "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load("", env(map[string]string{"HUB_COOKIE_KEY_FILE": file}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.CookieKey) != key {
		t.Fatalf("cookie_key from HUB_COOKIE_KEY_FILE: %q", c.CookieKey)
	}
	if logged := fmtAll(c.Masked()); strings.Contains(logged, key) || !strings.Contains(logged, "cookie_key ********") {
		t.Fatalf("the cookie key is not masked: %s", logged)
	}
}

func fmtAll(kv []any) string {
	var b strings.Builder
	for _, v := range kv {
		b.WriteString(v.(string) + " ")
	}
	return b.String()
}

func TestMistakesAreNamed(t *testing.T) {
	cases := []struct {
		name string
		file string
		env  map[string]string
		want []string
	}{
		{"unknown key", "listen: 127.0.0.1:8080\nlisten_port: 9\n", nil, []string{"line 2", "listen_port"}},
		{"malformed yaml", "listen: [\n", nil, []string{"hub.yaml"}},
		{"bad duration", "", map[string]string{"HUB_SESSION_TTL": "forever"}, []string{"HUB_SESSION_TTL", "forever"}},
		{"bad bool", "", map[string]string{"HUB_DEMO": "maybe"}, []string{"HUB_DEMO", "maybe"}},
		{"demo off loopback", "listen: 0.0.0.0:8080\n", nil, []string{"demo mode", "demo_allow_remote"}},
		{"several at once", "log_level: loud\nlog_format: xml\nsession_ttl: 0s\n", nil, []string{"3 mistake", "log_level", "log_format", "session_ttl"}},
		{"bad mongo uri", "", map[string]string{"HUB_MONGO_URI": "postgres://x"}, []string{"mongo_uri"}},
		{"half a bootstrap", "demo: false\nbootstrap:\n  org_id: county\n", nil, []string{"bootstrap.issuer_url", "bootstrap.admin_subject"}},
		{"accessibility contact not an address", "", map[string]string{"HUB_ACCESSIBILITY_CONTACT": "ring Sam"}, []string{"accessibility_contact", "ring Sam"}},
		{"missing secret file", "", map[string]string{"HUB_MONGO_URI_FILE": "/nonexistent/uri"}, []string{"HUB_MONGO_URI_FILE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := ""
			if c.file != "" {
				path = filepath.Join(t.TempDir(), "hub.yaml")
				if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := config.Load(path, env(c.env))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not mention %q", err, w)
				}
			}
		})
	}
}

// The accessibility contact may be an e-mail address or a web address.
func TestAccessibilityContact(t *testing.T) {
	for _, ok := range []string{"access@northshire.example", "https://northshire.example/accessibility"} {
		if c, err := config.Load("", env(map[string]string{"HUB_ACCESSIBILITY_CONTACT": ok})); err != nil || c.AccessibilityContact != ok {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "a@b", "@northshire.example", "mail me@x.example"} {
		if config.ContactAddress(bad) {
			t.Errorf("%q taken as a contact address", bad)
		}
	}
}

// A client's limit of requests with a body, and the proxies believed to name
// clients, come from the environment like every other setting; a proxy that
// is not an address or a range is named.
func TestClientLimitAndTrustedProxies(t *testing.T) {
	c, err := config.Load("", env(map[string]string{"HUB_MAX_SENDING_PER_CLIENT": "3", "HUB_TRUSTED_PROXIES": "10.0.0.5, 10.0.1.0/24"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxSendingPerClient != 3 || len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "10.0.1.0/24" {
		t.Fatalf("got %d %q", c.MaxSendingPerClient, c.TrustedProxies)
	}
	if d := config.Default(); d.MaxSendingPerClient != 8 || len(d.TrustedProxies) != 0 {
		t.Fatalf("defaults: %d %q", d.MaxSendingPerClient, d.TrustedProxies)
	}
	_, err = config.Load("", env(map[string]string{"HUB_MAX_SENDING_PER_CLIENT": "0", "HUB_TRUSTED_PROXIES": "proxy.example"}))
	if err == nil || !strings.Contains(err.Error(), "max_sending_per_client: must be from 1") || !strings.Contains(err.Error(), `"proxy.example" is not an address`) {
		t.Fatalf("mistakes: %v", err)
	}
}
