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

// checkLocked proves the record from the last entry proved, a page of
// entries at a time, so that a long record is never held whole in memory.
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
	all, err := w.store.FindCheckpoints(ctx)
	if err != nil {
		return Report{}, err
	}
	lastCp := w.cpUpTo
	var later []Checkpoint // checkpoints of entries not proved yet, by Seq
	for _, c := range all {
		switch {
		case from.Seq > 0 && c.Seq <= w.cpUpTo:
			// proved before
		case from.Seq > 0 && c.Seq <= from.Seq:
			// A checkpoint signed since over an entry proved before.
			es, err := w.store.FindEntriesAfter(ctx, c.Seq-1, 1)
			if err != nil {
				return Report{}, err
			}
			seq, reason, l := checkCheckpoints(es, []Checkpoint{c}, w.keys, w.v)
			if reason != "" {
				return Report{Seq: seq, Reason: reason}, nil
			}
			lastCp = max(lastCp, l)
		default:
			later = append(later, c)
		}
	}
	var prev *Entry
	if from.Seq > 0 {
		prev = &from
	}
	after := from.Seq
	for {
		page, err := w.store.FindEntriesAfter(ctx, after, pageSize)
		if err != nil {
			return Report{}, err
		}
		if len(page) == 0 {
			break
		}
		chain := page
		if prev != nil {
			chain = append([]Entry{*prev}, page...)
		}
		if seq, reason := checkChainFrom(chain, prev != nil); reason != "" {
			return Report{Seq: seq, Reason: reason}, nil
		}
		end := page[len(page)-1].Seq
		n := 0
		for n < len(later) && later[n].Seq <= end {
			n++
		}
		if n > 0 {
			seq, reason, l := checkCheckpoints(page, later[:n], w.keys, w.v)
			if reason != "" {
				return Report{Seq: seq, Reason: reason}, nil
			}
			lastCp, later = max(lastCp, l), later[n:]
		}
		if w.settle != nil {
			w.settle.see(page)
		}
		prev, after = &page[len(page)-1], end
		if len(page) < pageSize {
			break
		}
	}
	if len(later) > 0 {
		// Checkpoints beyond the last entry: the record went on past it.
		var tail []Entry
		if prev != nil {
			tail = []Entry{*prev}
		}
		seq, reason, _ := checkCheckpoints(tail, later, w.keys, w.v)
		return Report{Seq: seq, Reason: reason}, nil
	}
	if prev != nil {
		w.upTo = *prev
	}
	w.cpUpTo = lastCp
	return Report{OK: true, Entries: int(w.upTo.Seq), LastCheckpoint: lastCp}, nil
}
