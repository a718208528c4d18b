package embeddb

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// testCtx returns a context bounded to a few seconds for one test step.
func testCtx(t *testing.T) context.Context {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)

	return ctx
}

// startDB starts a database on dir, logs how long it took to become ready,
// and closes it when the test ends.
func startDB(t *testing.T, dir string) *DB {
	t.Helper()

	begin := time.Now()

	db, err := Start(testCtx(t), Config{Dir: dir})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}

	t.Logf("Start on %s ready after %v at %s", filepath.Base(dir), time.Since(begin), db.URI())
	t.Cleanup(func() { _ = db.Close() })

	return db
}

// connect opens a driver client to db and disconnects it when the test ends.
func connect(t *testing.T, db *DB) *mongo.Client {
	t.Helper()

	client, err := mongo.Connect(options.Client().ApplyURI(db.URI()))
	if err != nil {
		t.Fatalf("mongo.Connect: %v", err)
	}

	t.Cleanup(func() { disconnect(t, client) })

	return client
}

// disconnect closes client; calling it twice is harmless for the test.
func disconnect(t *testing.T, client *mongo.Client) {
	t.Helper()

	err := client.Disconnect(context.Background())
	if err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		t.Errorf("Disconnect: %v", err)
	}
}

// member is the document stored by the tests.
type member struct {
	ID    string `bson:"_id"`
	Name  string `bson:"name"`
	Email string `bson:"email"`
}

func TestCRUDIndexAndPersistence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // missing: Start creates it
	ctx := testCtx(t)

	db := startDB(t, dir)
	if !strings.HasPrefix(db.URI(), "mongodb://127.0.0.1:") || strings.HasSuffix(db.URI(), ":0/") {
		t.Fatalf("URI = %q, want a mongodb:// URI on 127.0.0.1 with a real port", db.URI())
	}

	client := connect(t, db)
	coll := client.Database("hub").Collection("members")

	want := member{ID: "m1", Name: "Borough Council", Email: "equality@council.example"}
	if _, err := coll.InsertOne(ctx, want); err != nil {
		t.Fatalf("InsertOne: %v", err)
	}

	var got member
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "m1"}}).Decode(&got); err != nil {
		t.Fatalf("FindOne: %v", err)
	}

	if got != want {
		t.Fatalf("FindOne = %+v, want %+v", got, want)
	}

	name, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "email", Value: 1}},
		Options: options.Index().SetUnique(true),
	})
	if err != nil {
		t.Fatalf("CreateOne index: %v", err)
	}

	if name != "email_1" {
		t.Errorf("index name = %q, want email_1", name)
	}

	_, err = coll.InsertOne(ctx, member{ID: "m2", Name: "Health Trust", Email: want.Email})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("InsertOne with duplicate email: err = %v, want a duplicate key error", err)
	}

	disconnect(t, client)

	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	// Start again on the same directory: data and the unique index persist.
	db2 := startDB(t, dir)
	client2 := connect(t, db2)
	coll2 := client2.Database("hub").Collection("members")

	got = member{}
	if err := coll2.FindOne(ctx, bson.D{{Key: "_id", Value: "m1"}}).Decode(&got); err != nil {
		t.Fatalf("FindOne after restart: %v", err)
	}

	if got != want {
		t.Fatalf("FindOne after restart = %+v, want %+v", got, want)
	}

	_, err = coll2.InsertOne(ctx, member{ID: "m3", Name: "Police", Email: want.Email})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("InsertOne with duplicate email after restart: err = %v, want a duplicate key error", err)
	}
}

func TestRefusesNonLoopbackAddress(t *testing.T) {
	for _, addr := range []string{
		"0.0.0.0:0",
		":0",
		"[::]:0",
		"192.0.2.10:27017",
		"example.org:0",
	} {
		t.Run(addr, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")

			db, err := Start(testCtx(t), Config{Dir: dir, Addr: addr})
			if err == nil {
				_ = db.Close()
				t.Fatalf("Start(%q) succeeded, want refusal", addr)
			}

			if !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), "loopback") {
				t.Fatalf("Start(%q) error = %v, want a loopback refusal", addr, err)
			}
		})
	}
}

func TestLoopbackAddr(t *testing.T) {
	for in, want := range map[string]string{
		"":                DefaultAddr,
		"127.0.0.1:0":     "127.0.0.1:0",
		"localhost:27017": "127.0.0.1:27017",
		"[::1]:0":         "[::1]:0",
		"127.0.0.2:1234":  "127.0.0.2:1234",
	} {
		got, err := loopbackAddr(in)
		if err != nil || got != want {
			t.Errorf("loopbackAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}

	for _, in := range []string{"127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000"} {
		if _, err := loopbackAddr(in); err == nil {
			t.Errorf("loopbackAddr(%q) succeeded, want an error", in)
		}
	}
}

func TestTwoDatabasesAtOnce(t *testing.T) {
	ctx := testCtx(t)

	dbA := startDB(t, t.TempDir())
	dbB := startDB(t, t.TempDir())

	if dbA.URI() == dbB.URI() {
		t.Fatalf("both databases listen on %s", dbA.URI())
	}

	collA := connect(t, dbA).Database("hub").Collection("things")
	collB := connect(t, dbB).Database("hub").Collection("things")

	if _, err := collA.InsertOne(ctx, bson.D{{Key: "_id", Value: "only-in-a"}}); err != nil {
		t.Fatalf("InsertOne into A: %v", err)
	}

	if _, err := collB.InsertOne(ctx, bson.D{{Key: "_id", Value: "only-in-b"}}); err != nil {
		t.Fatalf("InsertOne into B: %v", err)
	}

	for _, c := range []struct {
		coll *mongo.Collection
		id   string
	}{{collA, "only-in-a"}, {collB, "only-in-b"}} {
		n, err := c.coll.CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatalf("CountDocuments: %v", err)
		}

		if n != 1 {
			t.Fatalf("CountDocuments = %d, want 1", n)
		}

		if err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: c.id}}).Err(); err != nil {
			t.Fatalf("FindOne %s: %v", c.id, err)
		}
	}
}

func TestRefusesDirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	startDB(t, dir)

	db, err := Start(testCtx(t), Config{Dir: dir})
	if err == nil {
		_ = db.Close()
		t.Fatal("second Start on the same directory succeeded, want an error")
	}

	if !strings.Contains(err.Error(), "already used") {
		t.Fatalf("second Start error = %v, want an 'already used' error", err)
	}
}

func TestRefusesPortInUse(t *testing.T) {
	db := startDB(t, t.TempDir())

	addr := strings.TrimSuffix(strings.TrimPrefix(db.URI(), "mongodb://"), "/")

	other, err := Start(testCtx(t), Config{Dir: t.TempDir(), Addr: addr})
	if err == nil {
		_ = other.Close()
		t.Fatalf("Start on %s, already in use, succeeded", addr)
	}

	if !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("Start on a used port: error = %v, want a listen error", err)
	}
}
