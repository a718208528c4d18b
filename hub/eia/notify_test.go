package eia_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
)

// tellings keeps what a service tells.
type tellings struct {
	mu    sync.Mutex
	waits []hub.Wait
}

func (t *tellings) Tell(_ context.Context, w hub.Wait) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.waits = append(t.waits, w)
}

func (t *tellings) keys() map[string]hub.Wait {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]hub.Wait{}
	for _, w := range t.waits {
		out[w.Key] = w
	}
	return out
}

// An assessment tells each decision maker's organisation once when it
// becomes ready for its sign-off, and the advisory group when scrutiny
// opens; a change that leaves it waiting tells no one again.
func TestAssessmentTellsWhoItWaitsFor(t *testing.T) {
	f := setup(t)
	told := &tellings{}
	f.svc.SetTeller(told)
	e := f.ready(t)
	got := told.keys()
	for _, org := range []string{"council", "nhs"} {
		w, ok := got["eias/"+e.ID+"/v1/sign-off/"+org]
		if !ok || w.OrgID != org || w.Perm != eia.PermSign || w.Domain != org || w.Path != "/impact-assessments/"+e.ID || !w.Date.Equal(e.DecisionDate) {
			t.Errorf("%s is not told the assessment is ready for its sign-off: %+v", org, got)
		}
	}
	n := len(told.waits)
	must(f.svc.OpenScrutiny(f.ctx, author, e.ID, start.AddDate(0, 0, 14)))
	w, ok := told.keys()["eias/"+e.ID+"/v1/scrutiny/"+start.AddDate(0, 0, 14).Format(time.DateOnly)]
	if !ok || w.Perm != eia.PermScrutinise || w.Domain != hub.DomainPartnership || w.OrgID != "" {
		t.Errorf("the advisory group is not told scrutiny opened: %+v", told.waits)
	}
	if len(told.waits) != n+1 {
		t.Errorf("opening scrutiny told %d, want 1 (the sign-offs still wait, as before)", len(told.waits)-n)
	}
}
