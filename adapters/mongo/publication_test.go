package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/publication"
)

// A withdrawal is put on a published table once, in one write, and read back
// with it; the signed document is kept as it was.
func TestPublicationWithdrawal(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	p := publication.Published{Table: publication.Table{ID: "abc123", Title: "Satisfaction", Publisher: "council"},
		Document: []byte(`{"id":"abc123","title":"Satisfaction","publisher":"council"}`), Signature: "sig", Key: "key"}
	if err := s.CreatePublication(ctx, p); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	w := publication.Withdrawal{At: at, ByOrg: "council", ByPerson: "p1", Name: "Priya", Reason: "Transfers were counted twice"}
	if err := s.WithdrawPublication(ctx, "abc123", w); err != nil {
		t.Fatal(err)
	}
	if err := s.WithdrawPublication(ctx, "abc123", w); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a second withdrawal: %v", err)
	}
	if err := s.WithdrawPublication(ctx, "nope", w); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("withdrawing nothing: %v", err)
	}
	ps, err := s.FindPublications(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("publications %+v %v", ps, err)
	}
	if got := ps[0]; got.Withdrawn == nil || *got.Withdrawn != w || string(got.Document) != string(p.Document) || got.Table.Title != "Satisfaction" {
		t.Fatalf("read back %+v", got)
	}
}
