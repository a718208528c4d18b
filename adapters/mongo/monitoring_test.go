package mongo_test

import (
	"context"
	"testing"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// A version of the standard is stored once and its approval or withdrawal
// replaces its one document; a version stored before versions were
// approved reads back with no state, which the domain takes as approved.
func TestStandardApprovalIsOneDocument(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	first, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	first.Published = t0
	if err := s.CreateStandard(ctx, first); err != nil {
		t.Fatal(err)
	}
	next := first
	next.Version, next.State, next.Effective, next.ProposedBy, next.ProposedOrg = "2027.1", monitoring.StateProposed, t0.AddDate(0, 1, 0), "ann", "northshire-county"
	if err := s.CreateStandard(ctx, next); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateStandard(ctx, next); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a version stored twice: %v", err)
	}
	next.State, next.ApprovedBy, next.ApprovedOrg, next.Approved = monitoring.StateApproved, "owen", "northshire-police", t0.Add(1)
	if err := s.UpdateStandard(ctx, next); err != nil {
		t.Fatal(err)
	}
	missing := next
	missing.Version = "2099.1"
	if err := s.UpdateStandard(ctx, missing); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("updating a version not stored: %v", err)
	}
	all, err := s.FindStandards(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("the versions: %d %v", len(all), err)
	}
	for _, st := range all {
		switch st.Version {
		case first.Version:
			if st.State != "" || st.Approval() != monitoring.StateApproved || !st.From().Equal(t0) {
				t.Errorf("the first version: %q from %v", st.State, st.From())
			}
		case "2027.1":
			if st.State != monitoring.StateApproved || st.ApprovedOrg != "northshire-police" || st.ProposedOrg != "northshire-county" || !st.Effective.Equal(next.Effective) {
				t.Errorf("the approved version: %+v", st)
			}
		}
	}
}
