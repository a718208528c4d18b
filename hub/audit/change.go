package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// ActionNotMade is the entry that says the change of an earlier entry was
// not made. Its Object is "entries/N", N the entry of the change.
const ActionNotMade = "change.not-made"

// Change puts e on the record as a change about to be made, then makes it:
// write is given the entry's Seq, which a document may keep to show which
// entry changed it. The entry comes first, so that no change is ever stored
// without its entry, whatever the moment the hub stops. When write fails,
// an ActionNotMade entry after it says so; when the hub stops before write
// is done, a Watch with a Landed check for the object finds out and says
// so (see Watch.Settle).
//
// The entry is returned as recorded. A change that cannot be recorded is
// not made.
func Change(ctx context.Context, log Log, e Entry, write func(seq int64) error) (Entry, error) {
	rec, err := log.Record(ctx, e)
	if err != nil {
		var own *hub.Error
		if !errors.As(err, &own) {
			err = hub.Internal(err, "recording "+e.Action)
		}
		return Entry{}, err
	}
	if err := write(rec.Seq); err != nil {
		_, _ = log.Record(context.WithoutCancel(ctx), notMade(rec, "it could not be stored: "+hub.ErrorMessage(err)))
		return rec, err
	}
	return rec, nil
}

// notMade returns the entry saying that the change of e was not made, and why.
func notMade(e Entry, why string) Entry {
	return Entry{PersonID: e.PersonID, OrgID: e.OrgID, Action: ActionNotMade, Object: fmt.Sprintf("entries/%d", e.Seq),
		Owner: e.Owner, Protocol: e.Protocol, Detail: fmt.Sprintf("The change of entry %d (%s %s) was not made: %s", e.Seq, e.Action, e.Object, why)}
}

// notMadeSeq returns the entry an ActionNotMade entry is about, or 0.
func notMadeSeq(e Entry) int64 {
	if e.Action != ActionNotMade {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(e.Object, "entries/"), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// Landed says whether the change an entry recorded was stored: the object
// exists, or (for a document changed in place) keeps the entry's Seq among
// the entries that changed it.
type Landed func(ctx context.Context, object string, seq int64) (bool, error)

// settling is what a Watch keeps to settle changes whose outcome is not known.
type settling struct {
	log    Log
	margin time.Duration
	checks map[string]Landed // by the prefix of the object, e.g. "returns/"
	open   map[int64]Entry   // changes seen, not yet known to be stored or not
	closed map[int64]bool    // changes an ActionNotMade entry settles
}

// check returns the Landed check for an entry that records a change, or
// nil: reads, refusals and the record's own entries change nothing.
func (s *settling) check(e Entry) Landed {
	switch e.Action {
	case ActionRead, ActionDenied, ActionExport, ActionNotMade, ActionMonthClosed:
		return nil
	}
	for prefix, l := range s.checks {
		if strings.HasPrefix(e.Object, prefix) {
			return l
		}
	}
	return nil
}

// see notes entries as a Watch reads them.
func (s *settling) see(es []Entry) {
	for _, e := range es {
		if n := notMadeSeq(e); n > 0 {
			s.closed[n] = true
			delete(s.open, n)
			continue
		}
		if !s.closed[e.Seq] && s.check(e) != nil {
			s.open[e.Seq] = e
		}
	}
}

// settle checks each open change older than the margin, and records that it
// was not made when it was not stored. It returns how many it found so.
func (s *settling) settle(ctx context.Context, now time.Time) (int, error) {
	found := 0
	for seq, e := range s.open {
		if now.Sub(e.At) < s.margin {
			continue
		}
		landed, err := s.check(e)(ctx, e.Object, seq)
		if err != nil {
			return found, err
		}
		if !landed {
			if _, err := s.log.Record(ctx, notMade(e, "the hub stopped before it was stored")); err != nil {
				return found, err
			}
			s.closed[seq] = true
			found++
		}
		delete(s.open, seq)
	}
	return found, nil
}
