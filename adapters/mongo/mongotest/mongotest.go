// Package mongotest gives tests a fresh, real database: a database of its own
// on the embedded server that one test binary starts once, or on the MongoDB
// server named by HUB_TEST_MONGO_URI.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/partnership/equalityhub/adapters/embeddb"
	"github.com/partnership/equalityhub/adapters/mongo"
)

var (
	once   sync.Once
	uri    string
	onceEr error
)

// URI returns the address of the test database server, starting the embedded
// one on first use. The embedded server lives until the test binary exits.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if u := os.Getenv("HUB_TEST_MONGO_URI"); u != "" {
			uri = u
			return
		}
		dir, err := os.MkdirTemp("", "hub-test-db-")
		if err != nil {
			onceEr = err
			return
		}
		db, err := embeddb.Start(context.Background(), embeddb.Config{Dir: dir})
		if err != nil {
			onceEr = err
			return
		}
		uri = db.URI()
	})
	if onceEr != nil {
		tb.Fatalf("starting the test database: %v", onceEr)
	}
	return uri
}

// MustStore opens a store on a new, empty database, dropped when the test ends.
func MustStore(tb testing.TB) *mongo.Store {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "hubtest_" + hex.EncodeToString(b)
	ctx := context.Background()
	s, err := mongo.Open(ctx, URI(tb), name)
	if err != nil {
		tb.Fatalf("opening the test store: %v", err)
	}
	tb.Cleanup(func() {
		_ = s.Drop(context.Background())
		_ = s.Close(context.Background())
	})
	return s
}
