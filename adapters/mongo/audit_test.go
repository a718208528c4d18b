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

// The record is read a page at a time, newest first, across months, for an
// organisation and by kind of action, and counted the same way.
func TestAuditStorePages(t *testing.T) {
	ctx := context.Background()
	s := mongotest.MustStore(t)
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	prev := ""
	for i := range 10 {
		e := auditEntry(int64(i+1), base.Add(time.Duration(i)*12*time.Hour), prev)
		if i%2 == 1 {
			e.Action, e.OrgID, e.Owner = audit.ActionDenied, "fire", "fire"
		}
		if i%3 == 0 {
			e.PersonID = "p2"
		}
		e.Hash = e.ComputeHash()
		if err := s.AppendEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	seqs := func(es []audit.Entry) (out []int64) {
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return out
	}
	for name, c := range map[string]struct {
		q     audit.Query
		want  []int64
		count int
	}{
		"newest three":         {audit.Query{Limit: 3}, []int64{10, 9, 8}, 10},
		"three before 9":       {audit.Query{Before: 9, Limit: 3}, []int64{8, 7, 6}, 10},
		"across the month end": {audit.Query{Before: 6, Limit: 10}, []int64{5, 4, 3, 2, 1}, 10},
		"the fire's":           {audit.Query{Org: "fire", Limit: 2}, []int64{10, 8}, 5},
		"refusals":             {audit.Query{Actions: []string{audit.ActionDenied}, Before: 8, Limit: 10}, []int64{6, 4, 2}, 5},
		"all but refusals":     {audit.Query{NotActions: []string{audit.ActionDenied}, Limit: 2}, []int64{9, 7}, 5},
		"since 30 November":    {audit.Query{Since: base.Add(3 * 24 * time.Hour), Limit: 10}, []int64{10, 9, 8, 7}, 4},
		"before 29 November":   {audit.Query{Until: base.Add(2 * 24 * time.Hour), Limit: 10}, []int64{4, 3, 2, 1}, 4},
		"one person's":         {audit.Query{Person: "p2", Limit: 10}, []int64{10, 7, 4, 1}, 4},
		"one person's, a day":  {audit.Query{Person: "p2", Since: base.Add(36 * time.Hour), Until: base.Add(60 * time.Hour), Limit: 10}, []int64{4}, 1},
	} {
		got, err := s.FindEntriesBefore(ctx, c.q)
		if err != nil || fmt.Sprint(seqs(got)) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, %v; want %v", name, seqs(got), err, c.want)
		}
		if n, err := s.CountEntries(ctx, c.q); err != nil || n != c.count {
			t.Errorf("%s: counted %d, %v; want %d", name, n, err, c.count)
		}
	}
}
