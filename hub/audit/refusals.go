package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Refusals puts refusals on the record: at most Burst entries for one
// person (or, for someone not signed in, one address) in each Window. The
// refusals past that are counted, and an entry says how many there were
// when the window ends (Flush) or at that person's next refusal recorded,
// so that a flood of refusals cannot bury the rest of the record.
type Refusals struct {
	log    Log
	clock  hub.Clock
	burst  int
	window time.Duration

	mu   sync.Mutex
	seen map[string]*refused
}

type refused struct {
	hub.FixedWindow           // the entries recorded one by one in this window
	left            int       // refusals not recorded one by one
	first           time.Time // the first of those
	last            Entry     // the last of those, as it would have been recorded
	lastSee         time.Time
}

// maxRefusers bounds how many people and addresses are counted at once; past
// it, refusals from new ones are counted together.
const maxRefusers = 1000

// NewRefusals returns refusals recorded on log, at most burst a person per window.
func NewRefusals(log Log, clock hub.Clock, burst int, window time.Duration) *Refusals {
	return &Refusals{log: log, clock: clock, burst: burst, window: window, seen: map[string]*refused{}}
}

// Refused puts a refusal of who (a person ID, or "address " and an address)
// on the record, or counts it when who has had Burst entries in this window.
// It returns an error only when the record could not be written.
func (r *Refusals) Refused(ctx context.Context, who string, e Entry) error {
	if e.Action == "" {
		e.Action = ActionDenied
	}
	now := r.clock.Now()
	r.mu.Lock()
	c := r.seen[who]
	if c == nil {
		if len(r.seen) >= maxRefusers {
			who = "others"
			c = r.seen[who]
		}
		if c == nil {
			c = &refused{}
			r.seen[who] = c
		}
	}
	var summary *Entry
	if c.Ended(now, r.window) {
		summary = c.summary(who)
		*c = refused{FixedWindow: hub.FixedWindow{Start: now}}
	}
	record := c.N < r.burst
	if record {
		c.Count(now, r.window)
	} else {
		if c.left == 0 {
			c.first = now
		}
		c.left++
		c.last, c.lastSee = e, now
	}
	r.mu.Unlock()
	if summary != nil {
		if _, err := r.log.Record(ctx, *summary); err != nil {
			return err
		}
	}
	if !record {
		return nil
	}
	_, err := r.log.Record(ctx, e)
	return err
}

// summary returns the entry that says how many refusals were counted and not
// recorded one by one, or nil when there were none.
func (c *refused) summary(who string) *Entry {
	if c.left == 0 {
		return nil
	}
	e := c.last
	e.Action = ActionDenied
	e.Detail = fmt.Sprintf("%d more refusals of %s from %s to %s were summarised in this entry rather than recorded one by one; the last: %s",
		c.left, who, c.first.UTC().Format(time.RFC3339), c.lastSee.UTC().Format(time.RFC3339), c.last.Detail)
	return &e
}

// Flush records a summary for each person whose window has ended with
// refusals not yet on the record, and forgets those windows.
func (r *Refusals) Flush(ctx context.Context) error {
	now := r.clock.Now()
	var out []Entry
	r.mu.Lock()
	for who, c := range r.seen {
		if !c.Ended(now, r.window) {
			continue
		}
		if s := c.summary(who); s != nil {
			out = append(out, *s)
		}
		delete(r.seen, who)
	}
	r.mu.Unlock()
	for _, e := range out {
		if _, err := r.log.Record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
