package authz_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub"
)

func TestSharingLines(t *testing.T) {
	e := mustEnforcer(t, hub.RoleLine{Subject: "ann", Role: hub.RoleMember, OrgID: "county"})
	if err := e.SetSharingLines([]hub.SharingLine{
		{Owner: "police", Recipient: "org:county", Theme: "stop-and-search", Start: "2026-01-01", End: "2026-12-31", Protocol: "p1"},
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		recipient, owner, theme, day string
		want                         bool
	}{
		{"org:county", "police", "stop-and-search", "2026-06-01", true},
		{"org:county", "police", "stop-and-search", "2026-01-01", true},
		{"org:county", "police", "stop-and-search", "2026-12-31", true},
		{"org:county", "police", "stop-and-search", "2027-01-01", false},
		{"org:county", "police", "stop-and-search", "2025-12-31", false},
		{"org:county", "police", "hate-crime", "2026-06-01", false},
		{"org:city", "police", "stop-and-search", "2026-06-01", false},
		{"org:police", "county", "stop-and-search", "2026-06-01", false},
	}
	for _, c := range cases {
		p, ok, err := e.SharingAllowed(c.recipient, c.owner, c.theme, c.day)
		if err != nil || ok != c.want || (ok && p != "p1") {
			t.Errorf("%+v: got %q %v %v", c, p, ok, err)
		}
	}
	// Role lines and sharing lines survive each other's replacement.
	if err := e.SetRoleLines([]hub.RoleLine{{Subject: "ann", Role: hub.RoleMember, OrgID: "county"}}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := e.SharingAllowed("org:county", "police", "stop-and-search", "2026-06-01"); !ok {
		t.Fatal("replacing role lines dropped the sharing lines")
	}
	if err := e.SetSharingLines(nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := e.SharingAllowed("org:county", "police", "stop-and-search", "2026-06-01"); ok {
		t.Fatal("a suspended protocol still lets data flow")
	}
	if !allowed(t, e, "ann", "county", "county", hub.PermOrgRead) {
		t.Fatal("replacing sharing lines dropped the role lines")
	}
}
