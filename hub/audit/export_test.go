package audit_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/partnership/equalityhub/hub/audit"
)

// signedExport records n entries (a checkpoint every 10) and exports them
// as the hub does: the export on the record and its last entry signed.
func signedExport(t *testing.T, n int) (string, *memStore, []string) {
	t.Helper()
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	r := audit.NewRecorder(s, signer, &tickClock{t: start, step: time.Minute}, 10)
	for i := range n - 1 {
		if _, err := r.Record(ctx, read(i)); err != nil {
			t.Fatal(err)
		}
	}
	x, err := r.PrepareExport(ctx, audit.Entry{PersonID: "board", Action: audit.ActionExport, Object: "audit"})
	if err != nil {
		t.Fatal(err)
	}
	// Entries added after the export was prepared are left to a later one.
	r.Record(ctx, read(1000))
	var buf bytes.Buffer
	if err := x.WriteTo(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), s, []string{signer.PublicKey()}
}

func verifyText(t *testing.T, text string, keys []string) audit.Report {
	t.Helper()
	es, cs, err := audit.ReadExport(strings.NewReader(text))
	if err != nil {
		t.Fatalf("reading the export: %v", err)
	}
	return audit.Verify(es, cs, keys, edVerifier{})
}

func TestAnExportEndsSigned(t *testing.T) {
	text, _, keys := signedExport(t, 25)
	rep := verifyText(t, text, keys)
	if !rep.OK || rep.Entries != 25 || rep.LastCheckpoint != 25 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(text, `"action":"audit.export"`) {
		t.Error("the export is not on the record it exports")
	}
}

// An export cut short after any entry fails, naming the first entry the
// hub's signature does not reach.
func TestVerifyRefusesATruncatedExport(t *testing.T) {
	text, _, keys := signedExport(t, 25)
	lines := strings.SplitAfter(text, "\n")
	entries := 0
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"entry"`) {
			continue
		}
		entries++
		if entries == 25 {
			break
		}
		cut := strings.Join(lines[:i+1], "")
		rep := verifyText(t, cut, keys)
		want := int64((entries-1)/10*10 + 1) // the checkpoint of entry 10 comes on the line after it
		if rep.OK || rep.Seq != want || !strings.Contains(rep.Reason, "cut short") {
			t.Fatalf("cut after entry %d: %+v, want broken at %d naming a cut", entries, rep, want)
		}
	}
	rep := verifyText(t, lines[0], keys)
	if rep.OK || rep.Seq != 1 || !strings.Contains(rep.Reason, "no entry") {
		t.Fatalf("header only: %+v", rep)
	}
}

// Entries after the last stored checkpoint edited and re-hashed: the
// signature the export ends with no longer matches.
func TestVerifyRefusesARehashedTail(t *testing.T) {
	text, _, keys := signedExport(t, 25)
	es, cs, _ := audit.ReadExport(strings.NewReader(text))
	es[22].Detail = "nothing to see"
	for i := 22; i < len(es); i++ {
		es[i].Prev = es[i-1].Hash
		es[i].Hash = es[i].ComputeHash()
	}
	rep := audit.Verify(es, cs, keys, edVerifier{})
	if rep.OK || rep.Seq != 25 || !strings.Contains(rep.Reason, "rewritten between entries 21 and 25") {
		t.Fatalf("report %+v", rep)
	}
	// The same with the covering checkpoint dropped.
	rep = audit.Verify(es, cs[:2], keys, edVerifier{})
	if rep.OK || rep.Seq != 21 || !strings.Contains(rep.Reason, "rewritten and re-hashed") {
		t.Fatalf("without its last checkpoint: %+v", rep)
	}
}

// A whole record re-hashed after its checkpoints were removed.
func TestVerifyRefusesARecordWithoutCheckpoints(t *testing.T) {
	text, _, keys := signedExport(t, 25)
	es, _, _ := audit.ReadExport(strings.NewReader(text))
	es[0].Detail = "rewritten"
	for i := range es {
		if i > 0 {
			es[i].Prev = es[i-1].Hash
		}
		es[i].Hash = es[i].ComputeHash()
	}
	rep := audit.Verify(es, nil, keys, edVerifier{})
	if rep.OK || rep.Seq != 1 || !strings.Contains(rep.Reason, "checkpoints were removed") {
		t.Fatalf("report %+v", rep)
	}
}

// A long text is kept short on the record, and an export with long lines
// still reads.
func TestLongTextsAreBounded(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	r := audit.NewRecorder(s, signer, &tickClock{t: start, step: time.Second}, 0)
	long := strings.Repeat("é", 20<<20/2)
	e, err := r.Record(ctx, audit.Entry{Action: audit.ActionMappingChange, Object: "mappings/" + long, Detail: long, PersonID: long})
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(e.Detail); n > audit.MaxDetailText+60 || !strings.Contains(e.Detail, "more characters left out") {
		t.Errorf("detail kept %d characters", n)
	}
	if len(e.Object) > 4*audit.MaxObjectText || len(e.PersonID) > 4*audit.MaxNameText || !utf8.ValidString(e.Detail) {
		t.Errorf("object %d bytes, person %d bytes", len(e.Object), len(e.PersonID))
	}
	if e.ComputeHash() != e.Hash {
		t.Error("the hash is not over the text kept")
	}

	// An export written by something else, with a 20 MB line, reads.
	es, cs, _ := audit.ReadAll(ctx, s)
	es[0].Detail = long
	var buf bytes.Buffer
	if err := audit.Export(&buf, es, cs); err != nil {
		t.Fatal(err)
	}
	got, _, err := audit.ReadExport(&buf)
	if err != nil || len(got) != 1 || got[0].Detail != long {
		t.Fatalf("reading a 20 MB line: %v", err)
	}
}

// Checkpoints come on a timer too: Seal signs the last entry once.
func TestSealSignsTheLastEntry(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	r := audit.NewRecorder(s, signer, &tickClock{t: start, step: time.Second}, 100)
	if sealed, err := r.Seal(ctx); err != nil || sealed {
		t.Fatalf("sealing an empty record: %v, %v", sealed, err)
	}
	for i := range 3 {
		r.Record(ctx, read(i))
	}
	if sealed, err := r.Seal(ctx); err != nil || !sealed {
		t.Fatalf("sealing: %v, %v", sealed, err)
	}
	if sealed, _ := r.Seal(ctx); sealed {
		t.Error("the last entry was signed twice")
	}
	cs, _ := s.FindCheckpoints(ctx)
	if len(cs) != 1 || cs[0].Seq != 3 {
		t.Fatalf("checkpoints %+v", cs)
	}
}

// The hub's own check finds an entry changed in the store, whether it was
// proved before or not, and a checkpoint forged.
func TestWatchFindsABreak(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	clock := &tickClock{t: start, step: time.Second}
	r := audit.NewRecorder(s, signer, clock, 10)
	for i := range 15 {
		r.Record(ctx, read(i))
	}
	w := audit.NewWatch(s, []string{signer.PublicKey()}, edVerifier{}, clock)
	if rep, err := w.Check(ctx, true); err != nil || !rep.OK || rep.Entries != 15 || rep.LastCheckpoint != 10 {
		t.Fatalf("first check: %+v, %v", rep, err)
	}
	for i := 15; i < 25; i++ {
		r.Record(ctx, read(i))
	}
	if rep, _ := w.Check(ctx, false); !rep.OK || rep.Entries != 25 || rep.LastCheckpoint != 20 {
		t.Fatalf("second check: %+v", rep)
	}
	// An entry proved before, edited: a scheduled check of what was added
	// does not read it, the full check does.
	s.edit(7, func(e *audit.Entry) { e.Detail = "edited" })
	if rep, _ := w.Check(ctx, false); !rep.OK {
		t.Fatalf("incremental check: %+v", rep)
	}
	rep, _ := w.Check(ctx, true)
	if rep.OK || rep.Seq != 7 {
		t.Fatalf("full check: %+v", rep)
	}
	if got, _ := w.Status(); got.OK {
		t.Error("Status says intact after a break")
	}
	s.edit(7, func(e *audit.Entry) { e.Detail = read(6).Detail })
	if rep, _ := w.Check(ctx, false); !rep.OK {
		t.Fatalf("after the edit was undone: %+v", rep)
	}
	// The last entry proved, removed.
	s.edit(25, nil)
	if rep, _ := w.Check(ctx, false); rep.OK || rep.Seq != 25 {
		t.Fatalf("last entry removed: %+v", rep)
	}
}

// An export cut part-way through a line is said to be cut short, after the
// last whole entry.
func TestReadExportNamesALineCutShort(t *testing.T) {
	text, _, _ := signedExport(t, 25)
	i := strings.Index(text, `{"entry":{"seq":12,`)
	_, _, err := audit.ReadExport(strings.NewReader(text[:i+30]))
	if err == nil || !strings.Contains(err.Error(), "the file ends part-way through the line after entry 11: it was cut short") {
		t.Fatalf("a line cut short: %v", err)
	}
}

// The hub's check reads a long record a page at a time and finds a change
// on any page.
func TestWatchReadsALongRecordByPages(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	clock := &tickClock{t: start, step: time.Millisecond}
	r := audit.NewRecorder(s, signer, clock, 100)
	for i := range 2500 {
		r.Record(ctx, read(i))
	}
	w := audit.NewWatch(s, []string{signer.PublicKey()}, edVerifier{}, clock)
	if rep, err := w.Check(ctx, true); err != nil || !rep.OK || rep.Entries != 2500 || rep.LastCheckpoint != 2500 {
		t.Fatalf("a long record: %+v, %v", rep, err)
	}
	s.edit(1500, func(e *audit.Entry) { e.Owner = "fire"; e.Hash = e.ComputeHash() })
	if rep, _ := w.Check(ctx, true); rep.OK || rep.Seq != 1501 || !strings.Contains(rep.Reason, "does not follow entry 1500") {
		t.Fatalf("an entry replaced on the second page: %+v", rep)
	}
	s.edit(1500, func(e *audit.Entry) { e.Owner = read(1499).Owner; e.Hash = e.ComputeHash() })
	s.edit(2100, nil)
	if rep, _ := w.Check(ctx, true); rep.OK || rep.Seq != 2100 || !strings.Contains(rep.Reason, "missing") {
		t.Fatalf("an entry removed on the third page: %+v", rep)
	}
}
