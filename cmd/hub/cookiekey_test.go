package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/config"
)

// keptKeys is a database's keys, counting how often they are asked for.
type keptKeys struct {
	keys  map[string][]byte
	asked int
}

func (k *keptKeys) SecretKey(_ context.Context, name string, fresh []byte) ([]byte, error) {
	k.asked++
	if _, ok := k.keys[name]; !ok {
		k.keys[name] = fresh
	}
	return k.keys[name], nil
}

// The cookie key comes from the configuration when it is set, and the
// database is not asked; otherwise one key is kept in the database for every
// process.
func TestCookieKeyFromConfigurationOrDatabase(t *testing.T) {
	ctx, log := context.Background(), slog.New(slog.DiscardHandler)
	db := &keptKeys{keys: map[string][]byte{}}
	first, err := cookieKey(ctx, config.Config{}, db, log)
	if err != nil || len(first) != 32 {
		t.Fatalf("key kept in the database: %x, %v", first, err)
	}
	if again, err := cookieKey(ctx, config.Config{}, db, log); err != nil || !bytes.Equal(again, first) {
		t.Fatalf("a second process has another key: %x, %v", again, err)
	}
	want := bytes.Repeat([]byte{7}, 32)
	db.asked = 0
	got, err := cookieKey(ctx, config.Config{CookieKey: config.Secret(base64.StdEncoding.EncodeToString(want))}, db, log)
	if err != nil || !bytes.Equal(got, want) || db.asked != 0 {
		t.Fatalf("configured key: %x, %v (database asked %d times)", got, err, db.asked)
	}
	if _, err := cookieKey(ctx, config.Config{CookieKey: "c2hvcnQ="}, db, log); err == nil || !strings.Contains(err.Error(), "cookie_key") {
		t.Fatalf("a short configured key: %v", err)
	}
}
