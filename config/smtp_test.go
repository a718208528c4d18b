package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/config"
)

// The SMTP settings: unset, nothing is sent; set, the sender's address is
// needed, the password comes from a file and is masked, and a server
// without STARTTLS is allowed only on this machine.
func TestSMTPSettings(t *testing.T) {
	c, err := config.Load("", env(nil))
	if err != nil || c.SMTPHost != "" || c.SMTPPort != 587 {
		t.Fatalf("defaults: host %q port %d, %v", c.SMTPHost, c.SMTPPort, err)
	}
	file := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(file, []byte("s3cret-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = config.Load("", env(map[string]string{"HUB_SMTP_HOST": "smtp.example.org", "HUB_SMTP_PORT": "2525", "HUB_SMTP_FROM": "Equality hub <hub@example.org>",
		"HUB_SMTP_USERNAME": "hub", "HUB_SMTP_PASSWORD_FILE": file}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPort != 2525 || string(c.SMTPPassword) != "s3cret-pass" {
		t.Fatalf("port %d, password %q", c.SMTPPort, c.SMTPPassword)
	}
	if logged := fmtAll(c.Masked()); strings.Contains(logged, "s3cret-pass") {
		t.Fatalf("the SMTP password is logged: %s", logged)
	}
	for name, vars := range map[string]map[string]string{
		"smtp_from":              {"HUB_SMTP_HOST": "smtp.example.org"},
		"smtp_insecure_loopback": {"HUB_SMTP_HOST": "smtp.example.org", "HUB_SMTP_FROM": "hub@example.org", "HUB_SMTP_INSECURE_LOOPBACK": "true"},
		"smtp_port":              {"HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_FROM": "hub@example.org", "HUB_SMTP_PORT": "70000"},
	} {
		if _, err := config.Load("", env(vars)); err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s: the mistake is not named: %v", name, err)
		}
	}
	if _, err := config.Load("", env(map[string]string{"HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_FROM": "hub@example.org", "HUB_SMTP_INSECURE_LOOPBACK": "true"})); err != nil {
		t.Errorf("a server without STARTTLS on this machine: %v", err)
	}
}
