package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"

	"github.com/partnership/equalityhub/adapters/web"
	"github.com/partnership/equalityhub/config"
)

// keyKeeper keeps a key once in the database for every hub process sharing it.
type keyKeeper interface {
	SecretKey(ctx context.Context, name string, fresh []byte) ([]byte, error)
}

// cookieKey returns the key that signs the hub's cookies and CSRF tokens:
// from the configuration (cookie_key, e.g. HUB_COOKIE_KEY_FILE) when set, so
// that whoever reads the database cannot forge them; otherwise a random key
// kept once in the database, which every process sharing it then uses.
func cookieKey(ctx context.Context, cfg config.Config, keys keyKeeper, log *slog.Logger) ([]byte, error) {
	if cfg.CookieKey != "" {
		return decodeKey("cookie_key", string(cfg.CookieKey))
	}
	fresh := make([]byte, web.MinCookieKey)
	_, _ = rand.Read(fresh)
	key, err := keys.SecretKey(ctx, "cookies", fresh)
	if err != nil {
		return nil, fmt.Errorf("reading the key that signs the hub's cookies: %w", err)
	}
	if len(key) < web.MinCookieKey {
		return nil, fmt.Errorf("the key in the database that signs the hub's cookies has %d bytes, fewer than %d", len(key), web.MinCookieKey)
	}
	log.Debug("the hub's cookies are signed with the key kept in the database; set cookie_key to keep it elsewhere")
	return key, nil
}
