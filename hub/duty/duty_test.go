package duty_test

import (
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
)

func TestCalendar(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	orgs := []hub.Organisation{{ID: "county", Kind: hub.KindCountyCouncil}, {ID: "police", Kind: hub.KindPolice}, {ID: "fire", Kind: hub.KindFireRescue}, {ID: "advisory", Kind: hub.KindVoluntary}}
	published := map[string]time.Time{"county": now.AddDate(0, -2, 0), "police": now.AddDate(0, -11, -15), "fire": now.AddDate(-1, -1, 0)}
	objectives := map[string]time.Time{"county": now.AddDate(-1, 0, 0), "police": now.AddDate(-5, 0, 0)}
	got := duty.Calendar(orgs, published, objectives, now)
	if len(got) != 3 {
		t.Fatalf("the voluntary sector has no public duty: %d entries", len(got))
	}
	want := []struct{ info, obj duty.State }{{duty.Met, duty.Met}, {duty.DueSoon, duty.Overdue}, {duty.Overdue, duty.Never}}
	for i, w := range want {
		if got[i].Information.State != w.info || got[i].Objectives.State != w.obj {
			t.Errorf("%s: %s/%s, want %s/%s", got[i].OrgID, got[i].Information.State, got[i].Objectives.State, w.info, w.obj)
		}
	}
}
