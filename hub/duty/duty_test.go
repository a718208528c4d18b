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
	info := func(org string, at time.Time) duty.Record {
		return duty.Record{OrgID: org, Kind: duty.Information, Date: at, Title: "Equality information", URL: "https://example.org/" + org}
	}
	records := []duty.Record{info("county", now.AddDate(0, -2, 0)), info("police", now.AddDate(0, -11, -15)), info("fire", now.AddDate(-1, -1, 0)),
		{OrgID: "fire", Kind: duty.Objectives, Date: now.AddDate(0, -3, 0), Title: "Fire equality objectives", URL: "https://example.org/fire-objectives"}}
	objectives := map[string]time.Time{"county": now.AddDate(-1, 0, 0), "police": now.AddDate(-5, 0, 0)}
	got := duty.Calendar(orgs, records, objectives, now)
	if len(got) != 3 {
		t.Fatalf("the voluntary sector has no public duty: %d entries", len(got))
	}
	want := []struct{ info, obj duty.State }{{duty.Met, duty.Met}, {duty.DueSoon, duty.Overdue}, {duty.Overdue, duty.Met}}
	for i, w := range want {
		if got[i].Information.State != w.info || got[i].Objectives.State != w.obj {
			t.Errorf("%s: %s/%s, want %s/%s", got[i].OrgID, got[i].Information.State, got[i].Objectives.State, w.info, w.obj)
		}
	}
	if got[2].Objectives.URL != "https://example.org/fire-objectives" || got[0].Information.Title != "Equality information" {
		t.Errorf("the publications that met the duties are not named: %+v", got)
	}
}

// Only a publication recorded as the organisation's equality information
// meets the yearly duty: objectives published are not information.
func TestOnlyEqualityInformationMeetsTheYearlyDuty(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	orgs := []hub.Organisation{{ID: "county", Kind: hub.KindCountyCouncil}}
	records := []duty.Record{{OrgID: "county", Kind: duty.Objectives, Date: now.AddDate(0, -1, 0), Title: "Objectives", URL: "https://example.org/o"}}
	if got := duty.Calendar(orgs, records, nil, now); got[0].Information.State != duty.Never || got[0].Objectives.State != duty.Met {
		t.Fatalf("objectives alone: %+v", got[0])
	}
}

func TestRecordValidate(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	err := duty.Record{Kind: "x", Date: now.AddDate(0, 0, 1), URL: "example.org"}.Validate(now)
	fields := map[string]bool{}
	for _, p := range hub.ErrorProblems(err) {
		fields[p.Field] = true
	}
	for _, f := range []string{"kind", "date", "title", "url"} {
		if !fields[f] {
			t.Errorf("no problem with %s: %v", f, hub.ErrorProblems(err))
		}
	}
	if err := (duty.Record{Kind: duty.Information, Date: now, Title: "Equality information 2026", URL: "https://example.org/equality"}).Validate(now); err != nil {
		t.Fatal(err)
	}
}
