package main

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"

	"github.com/partnership/equalityhub/config"
)

// secretsKey returns the key that encrypts identity providers' client
// secrets in the database: from the configuration (secrets_key, e.g.
// HUB_SECRETS_KEY_FILE), so that it is never in the database it protects; in
// demo mode, when none is configured, one derived from the database's name.
func secretsKey(cfg config.Config, log *slog.Logger) ([]byte, error) {
	if cfg.SecretsKey != "" {
		return decodeKey("secrets_key", string(cfg.SecretsKey))
	}
	if !cfg.Demo {
		return nil, errors.New("secrets_key: outside demo mode the key that encrypts identity providers' client secrets comes from the configuration: " +
			"set HUB_SECRETS_KEY_FILE (or HUB_SECRETS_KEY) to 32 random bytes in base64, e.g. made with: openssl rand -base64 32")
	}
	// The demo's client secrets are public (the demo providers are in the
	// hub), so its key only needs to be the same for every demo process on
	// one database, wherever its data directory is.
	log.Warn("DEMO MODE: identity providers' client secrets are encrypted with a key derived from the database's name; outside demo mode it comes from secrets_key")
	key := sha256.Sum256([]byte("equality hub demo client secrets\x00" + cfg.Database))
	return key[:], nil
}

// decodeKey reads a key of 32 random bytes written in base64 for the setting named.
func decodeKey(setting, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		key, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(key) != 32 {
		return nil, errors.New(setting + ": must be 32 random bytes in base64, e.g. made with: openssl rand -base64 32")
	}
	return key, nil
}
