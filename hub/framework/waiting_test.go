package framework_test

import (
	"context"
	"sync"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/framework"
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

// A challenge to an organisation's level waits for that organisation's
// answer until it is given: its forum member, who answers, is shown it and
// told of it; the challenger and others are not shown it.
func TestChallengesWaitingForAnAnswer(t *testing.T) {
	f := setup(t)
	told := &tellings{}
	f.svc.SetTeller(told)
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "developing", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Where is the evidence?"); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.WaitingFor(countyForum)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Theme.ID != "leadership" || got[0].N != 1 || got[0].Challenge.ByOrg != "northshire-police" {
		t.Fatalf("waiting for the county: %+v", got)
	}
	for _, p := range []hub.Principal{policeForum, analyst, advisor, hub.Anonymous} {
		if got, _ := f.svc.WaitingFor(p); len(got) != 0 {
			t.Errorf("%s is shown %d challenges to answer", p.PersonID, len(got))
		}
	}
	if len(told.waits) != 1 || told.waits[0].OrgID != "northshire-county" || told.waits[0].Perm != framework.PermAnswer || told.waits[0].Path != "/framework#challenges-northshire-county-leadership" || told.waits[0].By != policeForum.PersonID {
		t.Errorf("the county is not told of the challenge as it should be: %+v", told.waits)
	}
	if err := f.svc.Answer(f.ctx, countyForum, "northshire-county", "eflg", "leadership", 1, "Our board minutes"); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.WaitingFor(countyForum); len(got) != 0 {
		t.Errorf("an answered challenge still waits: %+v", got)
	}
}
