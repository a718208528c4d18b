package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// A change is on the record before it is stored; one that fails, or that
// the hub stopped before storing, is said not to have been made.
func TestChangesAreRecordedFirstAndSettled(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	clock := &tickClock{t: start, step: time.Second}
	r := audit.NewRecorder(s, signer, clock, 0)
	stored := map[string]int64{}

	// Made: the entry is there when the write runs.
	e, err := audit.Change(ctx, r, audit.Entry{Action: audit.ActionUpload, Object: "returns/a"}, func(seq int64) error {
		if last, _ := s.LastEntry(ctx); last.Seq != seq || last.Object != "returns/a" {
			t.Errorf("the write ran before its entry: last entry %+v", last)
		}
		stored["returns/a"] = seq
		return nil
	})
	if err != nil || e.Seq != 1 {
		t.Fatalf("change: %+v, %v", e, err)
	}
	// Refused by the store: said so at once.
	_, err = audit.Change(ctx, r, audit.Entry{Action: audit.ActionUpload, Object: "returns/b"}, func(int64) error {
		return hub.Errorf(hub.CodeUnavailable, "The store cannot be reached")
	})
	if !hub.IsCode(err, hub.CodeUnavailable) {
		t.Fatalf("failed change: %v", err)
	}
	last, _ := s.LastEntry(ctx)
	if last.Action != audit.ActionNotMade || last.Object != "entries/2" || !strings.Contains(last.Detail, "The change of entry 2 (upload returns/b) was not made: it could not be stored: The store cannot be reached") {
		t.Fatalf("after a failed change: %+v", last)
	}
	// The hub stops between the entry and the write: recorded, not stored.
	r.Record(ctx, audit.Entry{Action: audit.ActionUpload, Object: "returns/c"})
	// A change with no check is left as it is, and so are reads and
	// refusals, which change nothing.
	r.Record(ctx, audit.Entry{Action: audit.ActionRolesChange, Object: "people/p"})
	r.Record(ctx, audit.Entry{Action: audit.ActionRead, Object: "returns/police/stop-and-search/2024-25"})
	r.Record(ctx, audit.Entry{Action: audit.ActionDenied, Object: "returns/fire/workforce-strength/2024-25"})

	w := audit.NewWatch(s, []string{signer.PublicKey()}, edVerifier{}, clock)
	calls := 0
	w.Settle(r, time.Minute, map[string]audit.Landed{"returns/": func(_ context.Context, object string, seq int64) (bool, error) {
		calls++
		return stored[object] == seq, nil
	}})
	// Too recent to settle: it may be being stored by another process.
	if rep, err := w.Check(ctx, true); err != nil || !rep.OK || calls != 0 {
		t.Fatalf("first check: %+v, %v, %d checks", rep, err, calls)
	}
	clock.mu.Lock()
	clock.t = clock.t.Add(2 * time.Minute)
	clock.mu.Unlock()
	if rep, err := w.Check(ctx, false); err != nil || !rep.OK {
		t.Fatalf("second check: %+v, %v", rep, err)
	}
	es, _, _ := audit.ReadAll(ctx, s)
	var notMade []string
	for _, e := range es {
		if e.Action == audit.ActionNotMade {
			notMade = append(notMade, e.Object)
		}
	}
	if strings.Join(notMade, " ") != "entries/2 entries/4" {
		t.Fatalf("changes said not made: %v", notMade)
	}
	if !strings.Contains(es[len(es)-1].Detail, "entry 4 (upload returns/c) was not made: the hub stopped before it was stored") {
		t.Errorf("last entry %+v", es[len(es)-1])
	}
	// Settled once: a full check later adds nothing.
	n := len(es)
	w.Check(ctx, true)
	if es, _, _ := audit.ReadAll(ctx, s); len(es) != n {
		t.Errorf("a second full check added %d entries", len(es)-n)
	}
	// A change that cannot be recorded is not made.
	_, err = audit.Change(ctx, failingLog{}, audit.Entry{Action: audit.ActionUpload, Object: "returns/d"}, func(int64) error {
		t.Error("a change was made without its entry")
		return nil
	})
	if err == nil {
		t.Error("no error when the record cannot be written")
	}
}

type failingLog struct{}

func (failingLog) Record(context.Context, audit.Entry) (audit.Entry, error) {
	return audit.Entry{}, errors.New("the store is down")
}
