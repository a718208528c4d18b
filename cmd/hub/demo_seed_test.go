package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// TestDemoSeedingResumes: a demo hub stopped while it loads the demo returns
// has every organisation's key and returns after its next start, each return
// once, and an organisation whose name has brackets gets its key too.
func TestDemoSeedingResumes(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	data := t.TempDir()
	env := map[string]string{"HUB_DATABASE": "hubtest_" + hex.EncodeToString(b), "HUB_DATA_DIR": data}
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	db := client.Database(env["HUB_DATABASE"])

	// The demo partnership without its returns; then one of its organisations
	// is given a name with brackets, as an administrator may.
	t.Run("without returns", func(t *testing.T) { mustStartHub(t, env) })
	if _, err := db.Collection("organisations").UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "riverford-borough"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "Riverford (Borough) Council <RBC>"}}}}); err != nil {
		t.Fatal(err)
	}

	// A start that stops as soon as the first organisation has its key.
	env["HUB_DEMO_RETURNS"] = "true"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	vars := map[string]string{"HUB_LISTEN": "127.0.0.1:0", "HUB_MONGO_URI": mongotest.URI(t), "HUB_SYNC_INTERVAL": "0s", "HUB_LOG_LEVEL": "error"}
	for k, v := range env {
		vars[k] = v
	}
	go func() { done <- run(ctx, nil, func(k string) string { return vars[k] }, &syncBuffer{}) }()
	for stopped := false; !stopped; {
		select {
		case <-done:
			stopped = true
		case <-time.After(20 * time.Millisecond):
			if keys, _ := filepath.Glob(filepath.Join(data, "demo-keys", "*-private.asc")); len(keys) > 0 {
				cancel()
				<-done
				stopped = true
			}
		}
	}
	cancel()
	if n, _ := db.Collection("returns").CountDocuments(context.Background(), bson.D{}); n >= int64(expectedDemoReturns(t)) {
		t.Logf("the interrupted start loaded every return (%d) before it stopped", n)
	}

	for _, name := range []string{"next start", "and the one after"} {
		t.Run(name, func(t *testing.T) {
			mustStartHub(t, env)
			for _, o := range demo.Organisations("") {
				if len(demo.Themes(o.ID)) == 0 {
					continue
				}
				if n, _ := db.Collection("keys").CountDocuments(context.Background(), bson.D{{Key: "org", Value: o.ID}}); n != 1 {
					t.Errorf("%s has %d demo keys, want 1", o.ID, n)
				}
			}
			n, err := db.Collection("returns").CountDocuments(context.Background(), bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			if want := expectedDemoReturns(t); n != int64(want) {
				t.Fatalf("%d demo returns held, want %d", n, want)
			}
		})
	}

	// A start stopped before the partners' framework levels and the strategy's
	// report were made: the next start makes them.
	count := func(coll string) int64 {
		n, err := db.Collection(coll).CountDocuments(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	levels, reports := count("framework_assessments"), count("strategy_reports")
	if levels == 0 || reports == 0 {
		t.Fatalf("the seeded demo has %d framework levels and %d reports", levels, reports)
	}
	for _, coll := range []string{"framework_assessments", "strategy_reports"} {
		if _, err := db.Collection(coll).DeleteMany(context.Background(), bson.D{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("after a stop before the strategy was finished", func(t *testing.T) {
		mustStartHub(t, env)
		if l, r := count("framework_assessments"), count("strategy_reports"); l != levels || r != reports {
			t.Fatalf("%d framework levels and %d reports, want %d and %d", l, r, levels, reports)
		}
	})
}

// expectedDemoReturns counts the returns the demo partnership has once seeded.
func expectedDemoReturns(t *testing.T) int {
	themes, err := monitoring.BuiltInThemes()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range demo.Organisations("") {
		for _, th := range demoThemes(o.ID, themes) {
			n += len(demo.Periods(th))
		}
	}
	return n
}

// TestDemoDirectorySeedingResumes: a demo hub stopped while it wrote the
// partnership's organisations and people (the partnership itself is written
// last) has them all after its next start.
func TestDemoDirectorySeedingResumes(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	env := map[string]string{"HUB_DATABASE": "hubtest_" + hex.EncodeToString(b), "HUB_DATA_DIR": t.TempDir()}
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	db := client.Database(env["HUB_DATABASE"])
	t.Run("first start", func(t *testing.T) { mustStartHub(t, env) })
	ctx := context.Background()
	for coll, filter := range map[string]bson.D{"partnership": {}, "organisations": {{Key: "_id", Value: "northshire-fire"}}, "people": {{Key: "org", Value: "northshire-fire"}}} {
		if _, err := db.Collection(coll).DeleteMany(ctx, filter); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("next start", func(t *testing.T) {
		h := mustStartHub(t, env)
		h.visitor(t).signIn("northshire-fire", "fire-forum")
		if _, home := h.visitor(t).get("/"); !strings.Contains(home, "Northshire Together") {
			t.Fatal("the partnership is not named on the home page after the seeding was finished")
		}
	})
}
