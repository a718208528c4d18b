package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/config"
)

// hubKey opens the hub's own signing key. Outside demo mode the key and its
// passphrase come from the configuration only (a file for the key; the
// passphrase from the environment or a file kept apart from the key), since a
// passphrase stored beside its key protects nothing. In demo mode, when none
// is configured, the hub makes one in the data directory with its passphrase
// beside it, and says so. passFile is the passphrase's file when it was given
// as one (HUB_HUB_KEY_PASSPHRASE_FILE).
func hubKey(cfg config.Config, passFile string, log *slog.Logger) (*pgp.Signer, error) {
	keyFile, pass := cfg.HubKeyFile, []byte(cfg.HubKeyPassphrase)
	switch {
	case keyFile == "" && !cfg.Demo:
		return nil, errors.New("hub_key_file: outside demo mode the hub's private key and its passphrase come from the configuration, " +
			"kept apart: HUB_HUB_KEY_FILE names the key, HUB_HUB_KEY_PASSPHRASE or HUB_HUB_KEY_PASSPHRASE_FILE gives its passphrase " +
			"(make one with: hubctl keygen --name \"Partnership equality hub\" --out hub-key; a key an earlier version made in data_dir keeps its record verifiable: " +
			"name it with HUB_HUB_KEY_FILE and move data_dir/hub-key-passphrase out of that directory)")
	case keyFile == "":
		return demoHubKey(cfg, log)
	case len(pass) == 0 && !cfg.Demo:
		return nil, errors.New("hub_key_passphrase: the hub's key " + keyFile + " needs its passphrase: set HUB_HUB_KEY_PASSPHRASE or HUB_HUB_KEY_PASSPHRASE_FILE")
	}
	if passFile != "" && !cfg.Demo && sameDir(passFile, keyFile) {
		return nil, fmt.Errorf("hub_key_passphrase: the passphrase file %s sits beside the key %s, so it protects nothing: keep it elsewhere (e.g. a secret mounted apart, or the environment)", passFile, keyFile)
	}
	if fi, err := os.Stat(keyFile); err == nil && fi.Mode().Perm()&0o077 != 0 && !cfg.Demo {
		log.Warn("the hub's private key can be read by other accounts of this machine: make it readable by the hub's account only (chmod 600)", "file", keyFile, "mode", fi.Mode().Perm().String())
	}
	priv, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("the hub's key: %w", err)
	}
	s, err := pgp.NewSigner(string(priv), pass)
	if err != nil {
		return nil, fmt.Errorf("the hub's key %s: %w", keyFile, err)
	}
	return s, nil
}

// demoHubKey opens, or makes on first start, the demo hub's key in the data
// directory, with its passphrase beside it.
func demoHubKey(cfg config.Config, log *slog.Logger) (*pgp.Signer, error) {
	keyFile := filepath.Join(cfg.DataDir, "hub-key-private.asc")
	passFile := filepath.Join(cfg.DataDir, "hub-key-passphrase")
	log.Warn("DEMO MODE: the hub's private key and its passphrase are kept side by side in the data directory, so the passphrase protects nothing; "+
		"outside demo mode the hub refuses to start without hub_key_file and a passphrase from the configuration", "key", keyFile, "passphrase", passFile)
	if _, err := os.Stat(keyFile); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, err
		}
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		secret := base64.RawURLEncoding.EncodeToString(b)
		priv, _, _, err := pgp.GenerateKey("Partnership equality hub", "", []byte(secret))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(passFile, []byte(secret+"\n"), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyFile, []byte(priv), 0o600); err != nil {
			return nil, err
		}
	}
	pass := []byte(cfg.HubKeyPassphrase)
	if len(pass) == 0 {
		b, err := os.ReadFile(passFile)
		if err != nil {
			return nil, fmt.Errorf("the hub's key passphrase: %w", err)
		}
		pass = []byte(strings.TrimSpace(string(b)))
	}
	priv, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("the hub's key: %w", err)
	}
	s, err := pgp.NewSigner(string(priv), pass)
	if err != nil {
		return nil, fmt.Errorf("the hub's key %s: %w", keyFile, err)
	}
	return s, nil
}

// sameDir says whether two files are in the same directory.
func sameDir(a, b string) bool {
	da, err1 := filepath.Abs(filepath.Dir(a))
	db, err2 := filepath.Abs(filepath.Dir(b))
	return err1 == nil && err2 == nil && da == db
}
