package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// auditEntry returns entry seq dated at, chained to prev.
func auditEntry(seq int64, at time.Time, prev string) audit.Entry {
	e := audit.Entry{Seq: seq, At: at, PersonID: "p1", OrgID: "police", Action: audit.ActionRead,
		Object: fmt.Sprintf("returns/r%d", seq), Owner: "council", Protocol: "pr-1", Detail: "table", Prev: prev}
	e.Hash = e.ComputeHash()
	return e
}

func TestAuditStore(t *testing.T) {
	ctx := context.Background()
	s := mongotest.MustStore(t)

	if _, err := s.LastEntry(ctx); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("LastEntry of an empty record: %v, want not found", err)
	}
	// Six entries, a day apart, across the end of November.
	base := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var want []audit.Entry
	prev := ""
	for i := range 6 {
		e := auditEntry(int64(i+1), base.Add(time.Duration(i)*24*time.Hour), prev)
		if err := s.AppendEntry(ctx, e); err != nil {
			t.Fatalf("AppendEntry %d: %v", e.Seq, err)
		}
		want, prev = append(want, e), e.Hash
	}
	if err := s.AppendEntry(ctx, auditEntry(6, base.Add(5*24*time.Hour), "x")); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("AppendEntry with a Seq taken: %v, want conflict", err)
	}

	last, err := s.LastEntry(ctx)
	if err != nil || last != want[5] {
		t.Fatalf("LastEntry = %+v, %v; want %+v", last, err, want[5])
	}

	// 29 November to 3 December: entries 2 to 5, from both months.
	got, err := s.FindEntries(ctx, base.Add(24*time.Hour), base.Add(5*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("FindEntries: %d entries, want 4", len(got))
	}
	for i, e := range got {
		if e != want[i+1] {
			t.Errorf("FindEntries[%d] = %+v, want %+v", i, e, want[i+1])
		}
	}
	if got, err := s.FindEntries(ctx, base.Add(-365*24*time.Hour), base.Add(-300*24*time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("FindEntries of an empty range: %d, %v", len(got), err)
	}

	for _, tc := range []struct {
		after      int64
		limit      int
		first, len int64
	}{{0, 0, 1, 6}, {0, 2, 1, 2}, {2, 0, 3, 4}, {2, 2, 3, 2}, {3, 2, 4, 2}, {4, 0, 5, 2}, {6, 0, 0, 0}} {
		got, err := s.FindEntriesAfter(ctx, tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(got)) != tc.len || (tc.len > 0 && got[0].Seq != tc.first) {
			t.Errorf("FindEntriesAfter(%d, %d): %d entries from %v, want %d from %d", tc.after, tc.limit, len(got), got, tc.len, tc.first)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Seq != got[i-1].Seq+1 {
				t.Errorf("FindEntriesAfter(%d, %d) is not in order", tc.after, tc.limit)
			}
		}
	}

	c := audit.Checkpoint{Seq: 5, Hash: want[4].Hash, At: base.Add(time.Hour), Signature: "sig", Key: "KEY"}
	if err := s.AppendCheckpoint(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckpoint(ctx, audit.Checkpoint{Seq: 2, Hash: want[1].Hash, At: base}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckpoint(ctx, c); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a second checkpoint at 5: %v, want conflict", err)
	}
	cs, err := s.FindCheckpoints(ctx)
	if err != nil || len(cs) != 2 || cs[0].Seq != 2 || cs[1] != c {
		t.Fatalf("FindCheckpoints = %+v, %v", cs, err)
	}
}

// fakeSigner stands in for the hub's key; the store never checks signatures.
type fakeSigner struct{}

func (fakeSigner) Sign(data []byte) (string, error) { return "signed " + string(data), nil }
func (fakeSigner) Fingerprint() string              { return "FAKE" }

func TestAuditRecorderOnStore(t *testing.T) {
	ctx := context.Background()
	s := mongotest.MustStore(t)
	clock := hub.NewFixedClock(time.Date(2026, 11, 30, 23, 0, 0, 987654321, time.UTC))
	r := audit.NewRecorder(s, fakeSigner{}, clock, 4)
	for i := range 6 {
		if _, err := r.Record(ctx, audit.Entry{Action: audit.ActionUpload, Object: fmt.Sprintf("returns/r%d", i), Owner: "council"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(20 * time.Minute)
	}
	// A second process, started afresh, goes on from what the store holds.
	r2 := audit.NewRecorder(s, fakeSigner{}, clock, 4)
	e, err := r2.Record(ctx, audit.Entry{Action: audit.ActionRead, Owner: "council"})
	if err != nil || e.Seq != 8 {
		t.Fatalf("second process recorded %+v, %v; want entry 8", e, err)
	}
	es, cs, err := audit.ReadAll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 8 || es[3].Action != audit.ActionMonthClosed || es[4].At.Month() != time.December {
		t.Fatalf("record %+v", es)
	}
	if len(cs) != 2 || cs[0].Seq != 4 || cs[1].Seq != 8 {
		t.Fatalf("checkpoints %+v", cs)
	}
	for i, e := range es {
		if e.ComputeHash() != e.Hash || (i > 0 && e.Prev != es[i-1].Hash) {
			t.Fatalf("entry %d does not hold together after the store", e.Seq)
		}
	}
}
