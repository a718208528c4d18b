package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
)

// TestFilesOnlyTheHubCanRead starts a demo hub on the embedded database, with
// its returns and keys, in a data directory that already exists open to
// everyone, and finds every directory under it 0700 and every file 0600.
func TestFilesOnlyTheHubCanRead(t *testing.T) {
	data := t.TempDir()
	if err := os.Chmod(data, 0o755); err != nil {
		t.Fatal(err)
	}
	h := mustStartHub(t, map[string]string{"HUB_MONGO_URI": "", "HUB_DATA_DIR": data, "HUB_DEMO_RETURNS": "true"})
	h.visitor(t).get("/")
	files := 0
	err := filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("only %d files under the data directory: the hub wrote less than expected", files)
	}
}

// startOnce runs the hub with env until it is ready (then stops it) or stops
// by itself, and returns what it wrote and the error it stopped with.
func startOnce(t *testing.T, env map[string]string) (string, error) {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	vars := map[string]string{
		"HUB_LISTEN": "127.0.0.1:0", "HUB_MONGO_URI": mongotest.URI(t), "HUB_DATABASE": "hubtest_" + hex.EncodeToString(b),
		"HUB_SYNC_INTERVAL": "0s", "HUB_LOG_LEVEL": "warn", "HUB_DATA_DIR": t.TempDir(), "HUB_DEMO_RETURNS": "false",
	}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return vars[k] }, &out) }()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case err := <-done:
			return out.String(), err
		case <-deadline:
			t.Fatal("the hub neither started nor stopped within a minute")
		case <-time.After(50 * time.Millisecond):
		}
		if strings.Contains(out.String(), "is running: open") {
			cancel()
			return out.String(), <-done
		}
	}
}

// syncBuffer is a buffer that the hub writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestHubKeyFromConfiguration: outside demo mode the hub's key and its
// passphrase come from the configuration, apart; in demo mode the hub makes
// them side by side in the data directory and says so.
func TestHubKeyFromConfiguration(t *testing.T) {
	secretsKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	out, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": secretsKey})
	if err == nil || !strings.Contains(err.Error(), "hub_key_file") {
		t.Fatalf("outside demo mode with no key configured, the hub started or said something else: %v\n%s", err, out)
	}

	keys, secrets := t.TempDir(), t.TempDir()
	priv, _, _, err := pgp.GenerateKey("Partnership equality hub", "", []byte("a long hub passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(keys, "hub-key-private.asc")
	must(t, os.WriteFile(keyFile, []byte(priv), 0o600))
	beside, apart := filepath.Join(keys, "hub-key-passphrase"), filepath.Join(secrets, "hub-key-passphrase")
	must(t, os.WriteFile(beside, []byte("a long hub passphrase\n"), 0o600))
	must(t, os.WriteFile(apart, []byte("a long hub passphrase\n"), 0o600))

	if _, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": secretsKey, "HUB_HUB_KEY_FILE": keyFile}); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("a key without its passphrase was not refused: %v", err)
	}
	if _, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": secretsKey, "HUB_HUB_KEY_FILE": keyFile, "HUB_HUB_KEY_PASSPHRASE_FILE": beside}); err == nil || !strings.Contains(err.Error(), "beside") {
		t.Fatalf("a passphrase file beside the key was not refused: %v", err)
	}
	data := t.TempDir()
	if out, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": secretsKey, "HUB_HUB_KEY_FILE": keyFile, "HUB_HUB_KEY_PASSPHRASE_FILE": apart, "HUB_DATA_DIR": data}); err != nil {
		t.Fatalf("the hub did not start with its key and passphrase kept apart: %v\n%s", err, out)
	}
	if out, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": secretsKey, "HUB_HUB_KEY_FILE": keyFile, "HUB_HUB_KEY_PASSPHRASE": "a long hub passphrase", "HUB_DATA_DIR": data}); err != nil {
		t.Fatalf("the hub did not start with its passphrase from the environment: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(data, "hub-key-passphrase")); err == nil {
		t.Fatal("outside demo mode the hub wrote a passphrase into its data directory")
	}

	demoData := t.TempDir()
	out, err = startOnce(t, map[string]string{"HUB_DATA_DIR": demoData})
	if err != nil {
		t.Fatalf("the demo hub did not start: %v\n%s", err, out)
	}
	if !strings.Contains(out, "DEMO MODE") || !strings.Contains(out, "protects nothing") {
		t.Fatalf("the demo hub did not say that its key and passphrase sit side by side:\n%s", out)
	}
	for _, f := range []string{"hub-key-private.asc", "hub-key-passphrase"} {
		if _, err := os.Stat(filepath.Join(demoData, f)); err != nil {
			t.Fatalf("the demo hub did not make %s: %v", f, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSecretsKeyFromConfiguration: outside demo mode the key for client
// secrets comes from the configuration; a demo hub starts without one.
func TestSecretsKeyFromConfiguration(t *testing.T) {
	if _, err := startOnce(t, map[string]string{"HUB_DEMO": "false"}); err == nil || !strings.Contains(err.Error(), "secrets_key") {
		t.Fatalf("outside demo mode with no key for client secrets, the hub started or said something else: %v", err)
	}
	if _, err := startOnce(t, map[string]string{"HUB_DEMO": "false", "HUB_SECRETS_KEY": "c2hvcnQ="}); err == nil || !strings.Contains(err.Error(), "32 random bytes") {
		t.Fatalf("a short key for client secrets was not refused: %v", err)
	}
	if out, err := startOnce(t, nil); err != nil {
		t.Fatalf("the demo hub did not start: %v\n%s", err, out)
	}
}
