package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Watch checks the hub's own record, at start and on a schedule: every
// entry's hash and link, and every checkpoint's signature. It remembers how
// far the record is proved, so that a scheduled check reads only what was
// added since, and says whether the record is intact (Status).
type Watch struct {
	store Store
	keys  []string
	v     Verifier
	clock hub.Clock

	mu      sync.Mutex
	rep     Report
	checked time.Time
	upTo    Entry // the last entry proved; Seq 0 before the first check
	cpUpTo  int64 // the last checkpoint proved
	settle  *settling
}

// Settle has each check also settle the changes whose outcome the record
// does not show: a change (see Change) whose object a check in checks, by
// prefix, finds was not stored, older than margin, gets an ActionNotMade
// entry on log. The margin leaves a change being made by this or another
// process time to be stored.
func (w *Watch) Settle(log Log, margin time.Duration, checks map[string]Landed) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.settle = &settling{log: log, margin: margin, checks: checks, open: map[int64]Entry{}, closed: map[int64]bool{}}
}

// NewWatch returns a watch over store whose checkpoints must be signed by one of hubKeys.
func NewWatch(store Store, hubKeys []string, v Verifier, clock hub.Clock) *Watch {
	return &Watch{store: store, keys: hubKeys, v: v, clock: clock, rep: Report{OK: true}}
}

// Status returns the outcome of the last check and when it was made (zero
// before the first).
func (w *Watch) Status() (Report, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rep, w.checked
}

// Check proves the record: from its first entry when full is true or
// nothing is proved yet, otherwise from the last entry proved. It returns
// the outcome, which Status gives from then on; an error when the store
// could not be read, which leaves the outcome as it was.
func (w *Watch) Check(ctx context.Context, full bool) (Report, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if full || w.upTo.Seq == 0 || !w.rep.OK {
		w.upTo, w.cpUpTo = Entry{}, 0
	}
	rep, err := w.checkLocked(ctx)
	if err != nil {
		return w.rep, err
	}
	w.rep, w.checked = rep, w.clock.Now()
	if w.settle != nil && rep.OK {
		if _, err := w.settle.settle(ctx, w.checked); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (w *Watch) checkLocked(ctx context.Context) (Report, error) {
	from := w.upTo
	// The last entry proved is still there, unchanged.
	if from.Seq > 0 {
		again, err := w.store.FindEntriesAfter(ctx, from.Seq-1, 1)
		if err != nil {
			return Report{}, err
		}
		if len(again) == 0 || again[0].Seq != from.Seq {
			return Report{Seq: from.Seq, Reason: fmt.Sprintf("entry %d, proved before, is missing", from.Seq)}, nil
		}
		if again[0].Hash != from.Hash || again[0].ComputeHash() != from.Hash {
			return Report{Seq: from.Seq, Reason: fmt.Sprintf("entry %d was changed after it was proved", from.Seq)}, nil
		}
	}
	entries := []Entry{}
	if from.Seq > 0 {
		entries = append(entries, from)
	}
	after := from.Seq
	for {
		page, err := w.store.FindEntriesAfter(ctx, after, pageSize)
		if err != nil {
			return Report{}, err
		}
		entries = append(entries, page...)
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	if seq, reason := checkChainFrom(entries, from.Seq > 0); reason != "" {
		return Report{Seq: seq, Reason: reason}, nil
	}
	if w.settle != nil {
		if from.Seq > 0 {
			w.settle.see(entries[1:])
		} else {
			w.settle.see(entries)
		}
	}
	all, err := w.store.FindCheckpoints(ctx)
	if err != nil {
		return Report{}, err
	}
	var fresh []Checkpoint
	for _, c := range all {
		if c.Seq > w.cpUpTo || from.Seq == 0 {
			fresh = append(fresh, c)
		}
	}
	// A checkpoint of an entry proved earlier needs that entry.
	known := entries
	for _, c := range fresh {
		if c.Seq < from.Seq {
			es, err := w.store.FindEntriesAfter(ctx, c.Seq-1, 1)
			if err != nil {
				return Report{}, err
			}
			known = append(known, es...)
		}
	}
	last := w.cpUpTo
	if len(fresh) > 0 {
		seq, reason, l := checkCheckpoints(known, fresh, w.keys, w.v)
		if reason != "" {
			return Report{Seq: seq, Reason: reason}, nil
		}
		last = max(last, l)
	}
	if n := len(entries); n > 0 {
		w.upTo = entries[n-1]
	}
	w.cpUpTo = last
	return Report{OK: true, Entries: int(w.upTo.Seq), LastCheckpoint: last}, nil
}
