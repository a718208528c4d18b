package authz_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// Replacing every role line with the same lines again, as a reload does, keeps them working.
func TestSetRoleLinesTwice(t *testing.T) {
	lines := []hub.RoleLine{
		{Subject: "owen", Role: hub.RoleMember, OrgID: "police"},
		{Subject: "owen", Role: hub.RoleDataSteward, OrgID: "police"},
	}
	e := mustEnforcer(t, lines...)
	if err := e.SetRoleLines(lines); err != nil {
		t.Fatal(err)
	}
	if !allowed(t, e, "owen", "police", hub.DomainPartnership, hub.PermProtocolsRead) {
		t.Fatal("a reload with the same lines lost them")
	}
	if err := e.SetSubjectRoles("owen", "police", []hub.Role{hub.RoleMember, hub.RoleDataSteward}); err != nil {
		t.Fatal(err)
	}
	if !allowed(t, e, "owen", "police", hub.DomainPartnership, hub.PermProtocolsRead) {
		t.Fatal("setting the same roles again lost them")
	}
}
