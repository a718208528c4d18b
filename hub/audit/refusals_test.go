package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub/audit"
)

// A flood of refusals by one person is summarised, not recorded one by one,
// and does not stop another person's refusals being recorded.
func TestRefusalsAreRateLimitedPerPerson(t *testing.T) {
	ctx := context.Background()
	s := newMemStore()
	clock := &tickClock{t: start, step: time.Millisecond}
	r := audit.NewRecorder(s, newSigner(), clock, 0)
	refusals := audit.NewRefusals(r, clock, 5, time.Minute)
	for i := range 1000 {
		if err := refusals.Refused(ctx, "mallory", audit.Entry{PersonID: "mallory", Action: audit.ActionDenied, Object: "/audit", Detail: "refused"}); err != nil {
			t.Fatal(err)
		}
		if i == 500 {
			refusals.Refused(ctx, "alice", audit.Entry{PersonID: "alice", Object: "/returns/x", Detail: "refused"})
		}
	}
	es, _, _ := audit.ReadAll(ctx, s)
	if len(es) != 6 || es[5].PersonID != "alice" {
		t.Fatalf("%d entries, want mallory's first 5 and alice's", len(es))
	}
	// The window over (the clock moves a millisecond a read), the rest are summarised.
	clock.mu.Lock()
	clock.t = clock.t.Add(time.Minute)
	clock.mu.Unlock()
	if err := refusals.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	es, _, _ = audit.ReadAll(ctx, s)
	if len(es) != 7 || !strings.Contains(es[6].Detail, "995 more refusals of mallory") || es[6].PersonID != "mallory" {
		t.Fatalf("entries %d, last %+v", len(es), es[len(es)-1])
	}
	// Nothing left to summarise.
	refusals.Flush(ctx)
	if es, _, _ := audit.ReadAll(ctx, s); len(es) != 7 {
		t.Fatalf("a second flush added entries: %d", len(es))
	}
}
