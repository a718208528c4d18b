package monitoring_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// A return is due one month after its period ends: a year ending 31 March
// by 30 April, a quarter ending 30 June by 31 July.
func TestReturnDueOneMonthAfterItsPeriod(t *testing.T) {
	for p, want := range map[monitoring.Period]string{"2025-26": "2026-04-30", "2026-27-Q1": "2026-07-31", "2026-27-Q3": "2027-01-31", "2026-27-Q4": "2027-04-30"} {
		if got := monitoring.DueDate(p).Format(time.DateOnly); got != want {
			t.Errorf("%s is due by %s, want %s", p, got, want)
		}
	}
}

// An organisation that collects a theme (it has sent a return for it) owes
// one for every period since that has ended without one; the data steward
// who sends them is told, and no one who cannot.
func TestReturnsWaitingForTheOrganisation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if got, _ := f.svc.WaitingFor(f.police, f.clock.Now()); len(got) != 0 {
		t.Fatalf("returns wait for a theme the police have never sent: %+v", got)
	}
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"+t0.Add(400*24*time.Hour).Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	doc := f.doc(t, "2024-25", 10)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.WaitingFor(f.police, f.clock.Now()) // 1 June 2026
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Period != "2025-26" || got[0].Theme.ID != "stop-and-search" || got[0].Due.Format(time.DateOnly) != "2026-04-30" || !got[0].Overdue(f.clock.Now()) {
		t.Fatalf("waiting: %+v, want 2025-26 due by 30 April 2026, overdue", got)
	}
	analyst := hub.Principal{PersonID: "ann", OrgID: "police", Roles: []hub.Role{hub.RoleMember}}
	if got, _ := f.svc.WaitingFor(analyst, f.clock.Now()); len(got) != 0 {
		t.Errorf("someone who cannot send returns is told %d are due", len(got))
	}
	doc = f.doc(t, "2025-26", 12)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.WaitingFor(f.police, f.clock.Now()); len(got) != 0 {
		t.Errorf("a return sent still waits: %+v", got)
	}
}
