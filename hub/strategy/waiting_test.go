package strategy_test

import (
	"context"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/strategy"
)

// An organisation's actions wait for it when due within thirty days or
// overdue, and not done; others' actions, later ones and done ones do not;
// someone who may not read the strategy is shown none.
func TestActionsWaitingForTheOrganisation(t *testing.T) {
	f, ctx := setup(t), context.Background()
	o, _ := f.svc.Objective("objective-accessible-services")
	if len(o.Actions) < 2 {
		t.Fatalf("the demo objective has %d actions", len(o.Actions))
	}
	now := f.clock.Now()
	for i := range o.Actions {
		o.Actions[i].OwnerOrg, o.Actions[i].Status, o.Actions[i].Due = "northshire-police", strategy.OnTrack, now.AddDate(0, 3, 0)
	}
	o.Actions[0].OwnerOrg, o.Actions[0].Due = forum.OrgID, now.AddDate(0, 0, 20)
	o.Actions[1].OwnerOrg, o.Actions[1].Due = forum.OrgID, now.AddDate(0, 0, 45)
	if _, err := f.svc.UpdateObjective(ctx, forum, o); err != nil {
		t.Fatal(hub.ErrorProblems(err), err)
	}
	got, err := f.svc.WaitingFor(forum, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Action.ID != o.Actions[0].ID || got[0].Objective.ID != o.ID {
		t.Fatalf("waiting: %+v, want only the action due in 20 days", got)
	}
	// Overdue, it still waits; done, it no longer does.
	if got, _ := f.svc.WaitingFor(forum, now.AddDate(0, 2, 0)); len(got) != 2 {
		t.Errorf("two months later, %d actions wait, want both (overdue)", len(got))
	}
	if got, _ := f.svc.WaitingFor(hub.Principal{PersonID: "nobody", OrgID: forum.OrgID, Roles: []hub.Role{hub.RoleMember}}, now); len(got) != 0 {
		t.Errorf("someone who may not read the strategy is shown %d actions", len(got))
	}
	if got, _ := f.svc.WaitingFor(hub.Anonymous, now); len(got) != 0 {
		t.Errorf("a visitor is shown %d actions", len(got))
	}
}
