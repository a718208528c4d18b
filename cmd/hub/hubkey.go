package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/config"
)

// hubKey opens the hub's own signing key, making one in the data directory on
// first start when none is configured.
func hubKey(cfg config.Config) (*pgp.Signer, error) {
	keyFile, pass := cfg.HubKeyFile, []byte(cfg.HubKeyPassphrase)
	if keyFile == "" {
		keyFile = filepath.Join(cfg.DataDir, "hub-key-private.asc")
		passFile := filepath.Join(cfg.DataDir, "hub-key-passphrase")
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
		if len(pass) == 0 {
			b, err := os.ReadFile(passFile)
			if err != nil {
				return nil, fmt.Errorf("the hub's key passphrase: %w", err)
			}
			pass = []byte(strings.TrimSpace(string(b)))
		}
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
