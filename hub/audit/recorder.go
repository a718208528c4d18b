package audit

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// maxConflicts is how many times Record tries again when another hub process
// has taken the Seq it tried.
const maxConflicts = 20

// Recorder adds entries to the record, chaining each to the one before, and
// signs a checkpoint every so many entries.
//
// Within a process, Record calls are serialised. Across processes, the
// store's refusal of a Seq already taken decides: the loser reloads the last
// entry and tries again.
//
// How entries are dated lets a store keep one partition per month and still
// refuse a Seq taken in another month: the month of entry N is a function of
// entry N-1 alone. While the clock is in the month of entry N-1, entry N is
// dated now (never before entry N-1) in that month. When the clock has moved
// past that month, entry N is an ActionMonthClosed entry dated as entry N-1,
// in the same month, and the entry after a closing entry is dated in the next
// month: now, or the start of that month if the clock is behind it, or, when
// the clock is beyond that month too, another closing entry at its start.
type Recorder struct {
	store  Store
	signer Signer
	clock  hub.Clock
	every  int64

	mu   sync.Mutex
	last *Entry // the last entry this process knows of; nil when it must be read
}

// NewRecorder returns a recorder that signs a checkpoint with signer after
// every `every` entries (0: only when Checkpoint is called).
func NewRecorder(store Store, signer Signer, clock hub.Clock, every int) *Recorder {
	return &Recorder{store: store, signer: signer, clock: clock, every: int64(every)}
}

// Record adds e to the record and returns it as recorded: Seq, At, Prev and
// Hash are set by the recorder, whatever e holds. It may first add an
// ActionMonthClosed entry when a month has ended.
//
// When the entry was recorded but its checkpoint could not be signed or
// stored, Record returns the entry (with its Seq set) and the error.
func (r *Recorder) Record(ctx context.Context, e Entry) (Entry, error) {
	if e.Action == "" {
		return Entry{}, hub.Errorf(hub.CodeInvalid, "An audit entry needs an action")
	}
	if e.Action == ActionMonthClosed {
		return Entry{}, hub.Errorf(hub.CodeInvalid, "The action %q is kept for the record itself", ActionMonthClosed)
	}
	e = bounded(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	conflicts := 0
	for {
		last, err := r.lastLocked(ctx)
		if err != nil {
			return Entry{}, err
		}
		next, closing := nextEntry(last, e, r.clock.Now())
		err = r.store.AppendEntry(ctx, next)
		if hub.IsCode(err, hub.CodeConflict) {
			r.last = nil
			conflicts++
			if conflicts >= maxConflicts {
				return Entry{}, &hub.Error{Code: hub.CodeUnavailable, Message: "The audit record is too busy: try again", Err: err}
			}
			if err := backOff(ctx, conflicts); err != nil {
				return Entry{}, err
			}
			continue
		}
		if err != nil {
			return Entry{}, err
		}
		r.last = &next
		if r.every > 0 && next.Seq%r.every == 0 {
			if _, err := r.checkpointLocked(ctx, next); err != nil {
				if closing {
					return Entry{}, err
				}
				return next, err
			}
		}
		if !closing {
			return next, nil
		}
	}
}

// backOff waits a random time that grows with the number of conflicts, so
// that processes that keep taking the same Seq fall out of step.
func backOff(ctx context.Context, conflicts int) error {
	d := time.Duration(rand.Int64N(int64(conflicts) * int64(time.Millisecond)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return &hub.Error{Code: hub.CodeUnavailable, Message: "The audit record could not be written in time", Err: ctx.Err()}
	case <-t.C:
		return nil
	}
}

// lastLocked returns the last entry, reading it from the store when this
// process does not know it; Seq 0 when the record is empty.
func (r *Recorder) lastLocked(ctx context.Context) (Entry, error) {
	if r.last != nil {
		return *r.last, nil
	}
	last, err := r.store.LastEntry(ctx)
	if hub.IsCode(err, hub.CodeNotFound) {
		return Entry{}, nil
	}
	if err != nil {
		return Entry{}, err
	}
	r.last = &last
	return last, nil
}

// The longest texts an entry keeps, in characters: an entry is a line of the
// record, not a copy of what was changed.
const (
	MaxNameText   = 200  // person, organisation, action, owner, protocol
	MaxObjectText = 500  // what was acted on
	MaxDetailText = 2000 // anything else worth keeping
)

// bounded returns e with each text cut to its limit, saying how much was left out.
func bounded(e Entry) Entry {
	for _, f := range []*string{&e.PersonID, &e.OrgID, &e.Action, &e.Owner, &e.Protocol} {
		*f = cut(*f, MaxNameText)
	}
	e.Object = cut(e.Object, MaxObjectText)
	e.Detail = cut(e.Detail, MaxDetailText)
	return e
}

// cut returns s when it has at most n characters, or its first n followed
// by how many more there were.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d more characters left out)", string(rs[:n]), len(rs)-n)
}

// monthStart returns the first instant of t's month, in UTC.
func monthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// nextEntry returns the entry to add after last (Seq 0: none) at now: e
// itself, or an ActionMonthClosed entry, and whether it is the latter.
func nextEntry(last, e Entry, now time.Time) (Entry, bool) {
	now = now.UTC().Truncate(time.Millisecond)
	at := now
	closing := false
	if last.Seq > 0 {
		month := monthStart(last.At)
		floor := last.At.UTC()
		if last.Action == ActionMonthClosed {
			month = month.AddDate(0, 1, 0)
			floor = month
		}
		switch {
		case !now.Before(month.AddDate(0, 1, 0)):
			at, closing = floor, true
		case now.Before(floor):
			at = floor
		}
	}
	next := e
	if closing {
		next = Entry{
			Action: ActionMonthClosed,
			Object: "audit/" + at.Format("2006-01"),
			Detail: fmt.Sprintf("The record for %s is closed; later entries are dated in the months after it", at.Format("January 2006")),
		}
	}
	next.Seq, next.At, next.Prev = last.Seq+1, at, last.Hash
	next.Hash = next.ComputeHash()
	return next, closing
}

// Checkpoint signs the record up to its last entry now, and returns the
// checkpoint; hub.CodeNotFound when the record is empty. When there is a
// checkpoint at that entry already, it returns that one.
func (r *Recorder) Checkpoint(ctx context.Context) (Checkpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = nil
	last, err := r.lastLocked(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	if last.Seq == 0 {
		return Checkpoint{}, hub.Errorf(hub.CodeNotFound, "The audit record is empty: there is nothing to sign")
	}
	return r.checkpointLocked(ctx, last)
}

// CheckpointAt signs the record up to e, an entry read from the store, and
// returns the checkpoint (the one there already when e is signed).
func (r *Recorder) CheckpointAt(ctx context.Context, e Entry) (Checkpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.checkpointLocked(ctx, e)
}

// Seal signs the last entry when no checkpoint covers it yet, so that
// checkpoints come on a timer as well as every so many entries. It reports
// whether it signed one.
func (r *Recorder) Seal(ctx context.Context) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = nil
	last, err := r.lastLocked(ctx)
	if err != nil || last.Seq == 0 {
		return false, err
	}
	cs, err := r.store.FindCheckpoints(ctx)
	if err != nil {
		return false, err
	}
	if len(cs) > 0 && cs[len(cs)-1].Seq >= last.Seq {
		return false, nil
	}
	_, err = r.checkpointLocked(ctx, last)
	return err == nil, err
}

func (r *Recorder) checkpointLocked(ctx context.Context, e Entry) (Checkpoint, error) {
	sig, err := r.signer.Sign(CheckpointData(e.Seq, e.Hash))
	if err != nil {
		return Checkpoint{}, err
	}
	c := Checkpoint{Seq: e.Seq, Hash: e.Hash, At: r.clock.Now().UTC().Truncate(time.Millisecond), Signature: sig, Key: r.signer.Fingerprint()}
	err = r.store.AppendCheckpoint(ctx, c)
	if hub.IsCode(err, hub.CodeConflict) {
		cs, ferr := r.store.FindCheckpoints(ctx)
		if ferr != nil {
			return Checkpoint{}, ferr
		}
		if i := slices.IndexFunc(cs, func(x Checkpoint) bool { return x.Seq == e.Seq }); i >= 0 {
			return cs[i], nil
		}
	}
	if err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// Page returns, newest first, up to q.Limit entries that match q, and how
// many entries match q in all.
func (r *Recorder) Page(ctx context.Context, q Query) ([]Entry, int, error) {
	es, err := r.store.FindEntriesBefore(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	n, err := r.store.CountEntries(ctx, q)
	return es, n, err
}

// pageSize is how many entries ReadAll asks the store for at a time.
const pageSize = 1000

// Exporting is an export of the whole record, on the record and signed,
// ready to be written.
type Exporting struct {
	store Store
	last  Entry        // the last entry the export holds
	cs    []Checkpoint // the checkpoints up to it, the last over it
}

// PrepareExport records ask (who is exporting the record) and signs a
// checkpoint over the record's last entry now, so that the export ends
// covered by the hub's signature. Entries added later are left to a later
// export.
func (r *Recorder) PrepareExport(ctx context.Context, ask Entry) (*Exporting, error) {
	if _, err := r.Record(ctx, ask); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.last = nil
	last, err := r.lastLocked(ctx)
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	c, err := r.CheckpointAt(ctx, last)
	if err != nil {
		return nil, err
	}
	all, err := r.store.FindCheckpoints(ctx)
	if err != nil {
		return nil, err
	}
	x := &Exporting{store: r.store, last: last}
	for _, k := range all {
		if k.Seq <= last.Seq && k.Seq != c.Seq {
			x.cs = append(x.cs, k)
		}
	}
	x.cs = append(x.cs, c)
	return x, nil
}

// WriteTo writes the export to w, reading the record a page at a time.
func (x *Exporting) WriteTo(ctx context.Context, w io.Writer) error {
	ew, err := newExportWriter(w, x.cs)
	if err != nil {
		return err
	}
	var after int64
	for after < x.last.Seq {
		page, err := x.store.FindEntriesAfter(ctx, after, pageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.Seq > x.last.Seq {
				break
			}
			if err := ew.entry(e); err != nil {
				return err
			}
		}
		after = page[len(page)-1].Seq
	}
	return ew.close()
}

// ReadAll returns the whole record from s: every entry by Seq, and every
// checkpoint.
func ReadAll(ctx context.Context, s Store) ([]Entry, []Checkpoint, error) {
	var entries []Entry
	var after int64
	for {
		page, err := s.FindEntriesAfter(ctx, after, pageSize)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, page...)
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	cs, err := s.FindCheckpoints(ctx)
	if err != nil {
		return nil, nil, err
	}
	return entries, cs, nil
}
