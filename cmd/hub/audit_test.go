package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
)

// Someone who edits an entry of the record in the database is found out:
// verification of an export names the entry, and so does the hub's own
// check, in /readyz and on the record page. An export cut short fails.
func TestAuditRecordIsTamperEvident(t *testing.T) {
	db := "hubtest_audit_" + strings.ToLower(t.Name())
	// Hubs on one database share the hub's key, kept in the data directory.
	vars := map[string]string{"HUB_DATABASE": db, "HUB_DATA_DIR": t.TempDir()}
	h := mustStartHub(t, vars)
	bin := mustBuildHubctl(t)
	admin := h.visitor(t)
	admin.signIn(countyAdmin.org, countyAdmin.subject)
	for _, roles := range [][]string{{"analyst"}, {"data-steward", "analyst"}, {"data-steward"}} {
		if status, _, _ := admin.post("/organisations/northshire-police/members/demo-police-steward", url.Values{"roles": roles}); status != 303 {
			t.Fatalf("changing roles: %d", status)
		}
	}
	// The police see the changes to their people on their record page.
	police := h.visitor(t)
	police.signIn(policeSteward.org, policeSteward.subject)
	if _, page := police.get("/audit"); !strings.Contains(page, "<strong>Roles changed</strong>") || !strings.Contains(page, "Owen Richards: Data steward") {
		t.Fatal("the police's record page does not show the role change")
	}
	if status, _ := police.get("/api/v1/audit/export"); status != 403 {
		t.Fatalf("a data steward exported the whole record: %d", status)
	}

	dir := t.TempDir()
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, export := board.get("/api/v1/audit/export")
	_, key := board.get("/hub-key.asc")
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(export), 0o644)
	os.WriteFile(filepath.Join(dir, "hub.asc"), []byte(key), 0o644)
	verify := func() (string, error) {
		return steward{t: t, bin: bin, dir: dir}.run("", "audit", "verify", "record.jsonl", "--hub-key", "hub.asc")
	}
	if out, err := verify(); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("verifying the record: %v\n%s", err, out)
	}
	if !strings.Contains(export, `"action":"audit.export","object":"audit","owner":"partnership"`) {
		t.Error("the export is not on the record")
	}
	if status, body := board.get("/readyz"); status != 200 || !strings.Contains(body, `"audit":"intact"`) {
		t.Fatalf("/readyz: %d %s", status, body)
	}

	// The export cut short after its third entry.
	lines := strings.SplitAfter(export, "\n")
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(strings.Join(lines[:4], "")), 0o644)
	if out, err := verify(); err == nil || !strings.Contains(out, "broken at entry 1") || !strings.Contains(out, "cut short") {
		t.Fatalf("verifying a truncated record: %v\n%s", err, out)
	}
	// Cut part-way through a line, as a failed download leaves it.
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(export[:len(strings.Join(lines[:4], ""))+20]), 0o644)
	if out, err := verify(); err == nil || !strings.Contains(out, "part-way through the line after entry 3: it was cut short") {
		t.Fatalf("verifying a record cut in a line: %v\n%s", err, out)
	}
	// A page saved in place of the hub's key is named, before anything is checked.
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(export), 0o644)
	os.WriteFile(filepath.Join(dir, "page.asc"), []byte("<!DOCTYPE html><html></html>"), 0o644)
	if out, err := (steward{t: t, bin: bin, dir: dir}).run("", "audit", "verify", "record.jsonl", "--hub-key", "page.asc"); err == nil || !strings.Contains(out, "page.asc is not the hub's public key") || strings.Contains(out, "broken") {
		t.Fatalf("verifying with a page for a key: %v\n%s", err, out)
	}

	// Edit entry 2 in the database, as someone with access to it might.
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	names, err := client.Database(db).ListCollectionNames(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	edited := false
	for _, n := range names {
		if strings.HasPrefix(n, "audit_2") {
			res, err := client.Database(db).Collection(n).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: int64(2)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "detail", Value: "Owen Richards: Hub administrator"}}}})
			if err == nil && res.MatchedCount == 1 {
				edited = true
			}
		}
	}
	if !edited {
		t.Fatalf("entry 2 was not found to edit in %v", names)
	}
	_, export = board.get("/api/v1/audit/export")
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(export), 0o644)
	if out, err := verify(); err == nil || !strings.Contains(out, "broken at entry 2") {
		t.Fatalf("verifying an edited record: %v\n%s", err, out)
	}

	// A hub started on the edited record finds it broken at start.
	h2 := mustStartHub(t, vars)
	again := h2.visitor(t)
	if status, body := again.get("/readyz"); status != 503 || !strings.Contains(body, "broken at entry 2") {
		t.Fatalf("/readyz of a broken record: %d %s", status, body)
	}
	again.signIn(countyBoard.org, countyBoard.subject)
	if _, page := again.get("/audit"); !strings.Contains(page, "The hub found its record broken") || !strings.Contains(page, "broken at entry 2") {
		t.Error("the record page does not say the record is broken")
	}
}
