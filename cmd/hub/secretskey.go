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

	"github.com/partnership/equalityhub/config"
)

// secretsKey returns the key that encrypts identity providers' client
// secrets in the database: from the configuration (secrets_key, e.g.
// HUB_SECRETS_KEY_FILE), so that it is never in the database it protects; in
// demo mode, when none is configured, one made in the data directory.
func secretsKey(cfg config.Config, log *slog.Logger) ([]byte, error) {
	if cfg.SecretsKey != "" {
		return decodeSecretsKey(string(cfg.SecretsKey))
	}
	if !cfg.Demo {
		return nil, errors.New("secrets_key: outside demo mode the key that encrypts identity providers' client secrets comes from the configuration: " +
			"set HUB_SECRETS_KEY_FILE (or HUB_SECRETS_KEY) to 32 random bytes in base64, e.g. made with: openssl rand -base64 32")
	}
	file := filepath.Join(cfg.DataDir, "secrets-key")
	log.Warn("DEMO MODE: the key that encrypts identity providers' client secrets is kept in the data directory; outside demo mode it comes from secrets_key", "file", file)
	if b, err := os.ReadFile(file); err == nil {
		return decodeSecretsKey(string(b))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the key for client secrets: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("the key for client secrets: %w", err)
	}
	return key, nil
}

func decodeSecretsKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(key) != 32 {
		return nil, errors.New("secrets_key: must be 32 random bytes in base64, e.g. made with: openssl rand -base64 32")
	}
	return key, nil
}
