package duty_test

import (
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/hubtest"
)

// A duty of the person's organisation waits for them when its date is
// within the warning or past, and they may record its publication: the
// police's yearly information, due in a fortnight, and its objectives,
// overdue; not the fire service's duties, nor for someone who cannot publish.
func TestDutiesWaitingForTheOrganisation(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	orgs := []hub.Organisation{{ID: "police", Kind: hub.KindPolice}, {ID: "fire", Kind: hub.KindFireRescue}}
	records := []duty.Record{
		{OrgID: "police", Kind: duty.Information, Date: now.AddDate(0, 0, 14-365), Title: "Information", URL: "https://example.org/p"},
		{OrgID: "fire", Kind: duty.Information, Date: now.AddDate(0, 0, 10-365), Title: "Information", URL: "https://example.org/f"},
	}
	cal := duty.Calendar(orgs, records, map[string]time.Time{"police": now.AddDate(-5, 0, 0), "fire": now.AddDate(-1, 0, 0)}, now)
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	forum := hubtest.Principal("pf", "police", hub.RoleForumMember)
	analyst := hubtest.Principal("pa", "police", hub.RoleAnalyst)
	for _, p := range []hub.Principal{forum, analyst} {
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
	}
	got, err := duty.WaitingFor(auth, forum, cal)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != duty.Objectives || got[0].Line.State != duty.Overdue || got[1].Kind != duty.Information || got[1].Line.State != duty.DueSoon || got[1].OrgID != "police" {
		t.Fatalf("waiting for the police: %+v", got)
	}
	for _, p := range []hub.Principal{analyst, hub.Anonymous} {
		if got, _ := duty.WaitingFor(auth, p, cal); len(got) != 0 {
			t.Errorf("%q is shown %d duties", p.PersonID, len(got))
		}
	}
}
