package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// searchReturn makes the police's stop and search return for a period, as
// hubctl aggregate would: records split between the first two answers of
// every question, a fifth of each arrested; edit may then spoil it.
func searchReturn(t *testing.T, period string, records int64, edit func(l *monitoring.Layout, c *monitoring.Content)) []byte {
	t.Helper()
	std, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	var th monitoring.Theme
	for _, x := range themes {
		if x.ID == "stop-and-search" {
			th = x
		}
	}
	l, err := monitoring.NewLayout(std, th)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int64, l.Size())
	for qi := range l.Questions {
		counts[l.Index(qi, 0, 0)], counts[l.Index(qi, 1, 0)] = records-records/2, records/2
		counts[l.Index(qi, 0, 1)], counts[l.Index(qi, 1, 1)] = (records-records/2)/5, records/2/5
	}
	c := monitoring.Content{OrgID: "northshire-police", Theme: th.ID, Period: monitoring.Period(period), Standard: std.Version, Records: records, Counts: counts}
	if edit != nil {
		edit(l, &c)
	}
	return c.Encode(l)
}

// signedSteward is the police's data steward with a registered key.
func signedSteward(t *testing.T, h *testHub, bin string) (steward, *client) {
	t.Helper()
	s, web := newSteward(t, h, bin, policeSteward)
	s.must("keygen", "--name", "Northshire Police returns", "--out", "police")
	s.must("key", "register", "police-public.asc")
	return s, web
}

// signAnyway signs a document with the steward's key without hubctl's checks,
// as a partner's own tools might.
func (s steward) signAnyway(name string, doc []byte) {
	s.t.Helper()
	priv := mustRead(s.t, filepath.Join(s.dir, "police-private.asc"))
	sig, err := pgp.Sign(doc, string(priv), []byte("correct horse battery"))
	if err != nil {
		s.t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.dir, name), doc, 0o644)
	os.WriteFile(filepath.Join(s.dir, name+".asc"), []byte(sig), 0o644)
}

// api sends a request to the hub's API with the steward's token.
func (s steward) api(h *testHub, method, path string, body any) (int, string) {
	s.t.Helper()
	var saved struct{ Token string }
	if err := json.Unmarshal(mustRead(s.t, filepath.Join(s.dir, "hubctl.json")), &saved); err != nil {
		s.t.Fatal(err)
	}
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, h.URL+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+saved.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

func (s steward) upload(h *testHub, name, reason string) (int, string) {
	s.t.Helper()
	return s.api(h, http.MethodPost, "/api/v1/returns", map[string]string{"document": string(mustRead(s.t, filepath.Join(s.dir, name))),
		"signature": string(mustRead(s.t, filepath.Join(s.dir, name+".asc"))), "reason": reason})
}

// Signed returns that do not add up, with counts written as text or for a
// period to come are refused with named problems: by hubctl sign before
// signing, and by the hub however they are sent. Each was stored (201) before.
func TestSignedReturnsThatDoNotAddUpAreRefused(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	police, web := signedSteward(t, h, bin)

	cases := []struct {
		name  string
		doc   []byte
		wants []string
	}{
		{"records beyond the questions' totals", searchReturn(t, "2025-26", 3776, func(_ *monitoring.Layout, c *monitoring.Content) { c.Records = 5000 }),
			[]string{"Sex: the counts of searches add up to 3,776, but the return counts 5,000 records"}},
		{"sex counting one record", searchReturn(t, "2025-26", 3776, func(l *monitoring.Layout, c *monitoring.Content) {
			for qi, q := range l.Questions {
				if q.Key == "sex" {
					for ai := range q.Answers() {
						c.Counts[l.Index(qi, ai, 0)], c.Counts[l.Index(qi, ai, 1)] = 0, 0
					}
					c.Counts[l.Index(qi, 0, 0)] = 1
				}
			}
		}), []string{"Sex: the counts of searches add up to 1, but the return counts 3,776 records"}},
		{"the largest number there is", searchReturn(t, "2025-26", 3776, func(_ *monitoring.Layout, c *monitoring.Content) {
			c.Records = 9223372036854775807
			for i := range c.Counts {
				c.Counts[i] = 9223372036854775807
			}
		}), []string{"The number of records counted is 9,223,372,036,854,775,807, more than the 100,000,000 a return may hold"}},
		{"a period to come", searchReturn(t, "2090-91", 3776, nil), []string{"2090-91 has not begun"}},
		{"a count written with a comma", []byte(strings.Replace(string(searchReturn(t, "2025-26", 3776, nil)), `"count":1888`, `"count":"1,888"`, 1)),
			[]string{"Age / 0 to 15 / Searches is written as text", "1,888", "without commas or quotation marks"}},
	}
	for i, tc := range cases {
		name := "bad" + string(rune('a'+i)) + ".json"
		os.WriteFile(filepath.Join(police.dir, name), tc.doc, 0o644)
		out, err := police.run("", "sign", name, "--key", "police-private.asc")
		if err == nil {
			t.Errorf("%s: hubctl signed it:\n%s", tc.name, out)
		}
		for _, want := range tc.wants {
			if !strings.Contains(out, want) {
				t.Errorf("%s: hubctl sign does not say %q:\n%s", tc.name, want, out)
			}
		}
		if _, err := os.Stat(filepath.Join(police.dir, name+".asc")); err == nil {
			t.Errorf("%s: a signature was written", tc.name)
		}

		police.signAnyway(name, tc.doc)
		status, body := police.upload(h, name, "")
		if status != http.StatusUnprocessableEntity {
			t.Errorf("%s: the API answered %d:\n%.500s", tc.name, status, body)
		}
		for _, want := range tc.wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the API does not say %q:\n%.1000s", tc.name, want, body)
			}
		}
		if strings.Contains(body, "json:") || strings.Contains(body, "unmarshal") {
			t.Errorf("%s: the API speaks the decoder's words:\n%.500s", tc.name, body)
		}
		out, err = police.run("", "upload", name)
		if err == nil || !strings.Contains(out, tc.wants[0]) {
			t.Errorf("%s: hubctl upload: %v\n%s", tc.name, err, out)
		}
		status, body, _ = web.multipart("/data/upload", nil, map[string][]byte{"return": tc.doc, "signature": mustRead(t, filepath.Join(police.dir, name+".asc"))})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, strings.ReplaceAll(tc.wants[0], `"`, "&#34;")) {
			t.Errorf("%s: the Data page answered %d:\n%.1500s", tc.name, status, body)
		}
	}
	if status, body := police.api(h, http.MethodGet, "/api/v1/returns", nil); status != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Fatalf("refused returns were kept: %d %.300s", status, body)
	}

	// An extract counted through the Data page for a period to come is refused too.
	path := filepath.Join(t.TempDir(), "searches.csv")
	writeExtract(t, path, "northshire-police", "stop-and-search", 50, 3, 0)
	status, body, _ := web.multipart("/data/upload", map[string]string{"theme": "stop-and-search", "period": "2090-91"}, map[string][]byte{"extract": mustRead(t, path)})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "2090-91 has not begun") {
		t.Fatalf("an extract for 2090-91: %d", status)
	}

	// A return that adds up is signed and accepted.
	os.WriteFile(filepath.Join(police.dir, "good.json"), searchReturn(t, "2025-26", 3776, nil), 0o644)
	police.must("sign", "good.json", "--key", "police-private.asc")
	if out := police.must("upload", "good.json"); !strings.Contains(out, "version 1, 3776 records") || !strings.Contains(out, "a new return") {
		t.Fatalf("a return that adds up: %s", out)
	}
}

// Figures come from signatures only: counts edited in the database (4,488
// records where 3,711 were signed) are found when the hub starts, the return
// is shown to its owner as damaged with the signed figures, and it is left
// out of the partnership picture.
func TestEditedFiguresAreDamagedAndLeftOutOfTables(t *testing.T) {
	b := make([]byte, 6)
	rand.Read(b)
	env := map[string]string{"HUB_DATABASE": "hubtest_damaged_" + hex.EncodeToString(b)}
	h := mustStartHub(t, env)
	bin := mustBuildHubctl(t)
	police, policeWeb := signedSteward(t, h, bin)
	os.WriteFile(filepath.Join(police.dir, "return.json"), searchReturn(t, "2025-26", 3711, nil), 0o644)
	police.must("sign", "return.json", "--key", "police-private.asc")
	police.must("upload", "return.json")
	publishTable(t, policeWeb, url.Values{"title": {"Searches by sex"}, "theme": {"stop-and-search"}, "measure": {"searched"}, "question": {"sex"}, "period": {"2025-26"}})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	picture := "theme=stop-and-search&measure=searched&question=sex&period=2025-26"
	if status, p := getPicture(t, forum, picture); status != http.StatusOK || !contains(p.Columns, "Northshire Police") {
		t.Fatalf("the picture before the edit: %d %+v %v", status, p.Columns, p.NotShown)
	}

	// Someone with access to the database changes the figures, not the signed document.
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	returns := client.Database(env["HUB_DATABASE"]).Collection("returns")
	var stored struct {
		ID     string `bson:"_id"`
		Counts []byte `bson:"counts"`
	}
	if err := returns.FindOne(context.Background(), bson.D{}).Decode(&stored); err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint64(stored.Counts, binary.LittleEndian.Uint64(stored.Counts)+777)
	if _, err := returns.UpdateOne(context.Background(), bson.D{{Key: "_id", Value: stored.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "records", Value: int64(4488)}, {Key: "counts", Value: stored.Counts}}}}); err != nil {
		t.Fatal(err)
	}

	again := mustStartHub(t, env)
	status, body := police.api(again, http.MethodGet, "/api/v1/returns/"+stored.ID, nil)
	var got struct {
		Records  int64  `json:"records"`
		Damaged  string `json:"damaged"`
		Document string `json:"document"`
	}
	json.Unmarshal([]byte(body), &got)
	if status != http.StatusOK || got.Records != 3711 || !strings.Contains(got.Damaged, "do not match what was signed") || !strings.Contains(got.Damaged, "left out of every table") {
		t.Fatalf("the API serves the edited return as: %d %+v", status, got)
	}
	steward := again.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	if _, page := steward.get("/data/returns/" + stored.ID); !strings.Contains(page, "do not match what was signed") || strings.Contains(page, "4488") {
		t.Fatal("the return's page does not say it is damaged")
	}
	if _, page := steward.get("/data"); !strings.Contains(page, "Damaged") {
		t.Fatal("the Data page does not mark the return damaged")
	}
	if status, body, _ := steward.post("/data/publish", url.Values{"title": {"Searches by sex"}, "theme": {"stop-and-search"}, "measure": {"searched"}, "question": {"sex"}, "period": {"2025-26"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "no stop and search return for 2025-26") {
		t.Fatalf("publishing a table of the damaged return: %d\n%.500s", status, body)
	}
	forum = again.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	if status, p := getPicture(t, forum, picture); status == http.StatusOK && contains(p.Columns, "Northshire Police") {
		t.Fatalf("the picture shows the damaged return: %+v", p.Columns)
	}
	steward.signIn(policeSteward.org, policeSteward.subject)
	if status, p := getPicture(t, steward, picture); status == http.StatusOK && contains(p.Columns, "Northshire Police") {
		t.Fatalf("the picture shows its owner the damaged return: %+v", p.Columns)
	}
}

// A wrong correction is undone by sending the earlier return again with a
// reason: a new version that restores it. Every upload says whether it was
// new, a correction, a restoration or held already, on hubctl, the API and
// the Data page.
func TestUndoingACorrectionAndSayingWhatBecameOfAnUpload(t *testing.T) {
	h := mustStartHub(t, nil)
	bin := mustBuildHubctl(t)
	police, web := signedSteward(t, h, bin)
	os.WriteFile(filepath.Join(police.dir, "first.json"), searchReturn(t, "2025-26", 2000, nil), 0o644)
	os.WriteFile(filepath.Join(police.dir, "wrong.json"), searchReturn(t, "2025-26", 2100, nil), 0o644)
	police.must("sign", "first.json", "--key", "police-private.asc")
	police.must("sign", "wrong.json", "--key", "police-private.asc")

	if out := police.must("upload", "first.json"); !strings.Contains(out, "Accepted: stop-and-search 2025-26, version 1, 2000 records") || !strings.Contains(out, "a new return") {
		t.Fatalf("the first upload: %s", out)
	}
	if out := police.must("upload", "first.json"); !strings.Contains(out, "Already held as version 1") {
		t.Fatalf("the same return again: %s", out)
	}
	if out := police.must("upload", "wrong.json", "--reason", "late records"); !strings.Contains(out, "Accepted as a correction: stop-and-search 2025-26, version 2") {
		t.Fatalf("the correction: %s", out)
	}
	if out, err := police.run("", "upload", "first.json"); err == nil || !strings.Contains(out, "version 2 is current") || !strings.Contains(out, "send it with a reason") {
		t.Fatalf("the first return again without a reason: %v\n%s", err, out)
	}
	if out := police.must("upload", "first.json", "--reason", "the late records were counted twice"); !strings.Contains(out, "version 3, restores version 1, 2000 records") {
		t.Fatalf("undoing the correction: %s", out)
	}
	status, body := police.upload(h, "first.json", "")
	if status != http.StatusOK || !strings.Contains(body, `"outcome":"held"`) || !strings.Contains(body, "already holds this signed return as version 3") {
		t.Fatalf("the API's answer to the same return again: %d %s", status, body)
	}
	status, _, loc := web.multipart("/data/upload", nil, map[string][]byte{"return": mustRead(t, filepath.Join(police.dir, "first.json")), "signature": mustRead(t, filepath.Join(police.dir, "first.json.asc"))})
	if status != http.StatusSeeOther {
		t.Fatalf("the same return through the Data page: %d", status)
	}
	if _, page := web.get(loc); !strings.Contains(page, "already holds this signed return as version 3") {
		t.Fatalf("the Data page does not say the return was held already:\n%.2000s", page)
	}
	_, page := web.get("/data")
	id := regexp.MustCompile(`/data/returns/([0-9a-f]{64})">[^<]*<span class="govuk-visually-hidden"> 2025-26 version 3`).FindStringSubmatch(page)
	if id == nil || !strings.Contains(page, "restores version 1") {
		t.Fatalf("the Data page does not list version 3 as restoring version 1:\n%.3000s", page)
	}
	if _, detail := web.get("/data/returns/" + id[1]); !strings.Contains(detail, "restores version 1 because the late records were counted twice") || !strings.Contains(detail, "2000") {
		t.Fatal("the restoring version's page does not say what it restores")
	}
}
