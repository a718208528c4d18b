package hub_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

func TestValidateGrants(t *testing.T) {
	for _, gs := range [][]hub.Grant{
		nil,
		{{Role: hub.RoleAdmin}, {Role: hub.RoleDataSteward}},
		{{Role: hub.RoleAdvisoryMember, Characteristic: hub.Disability}},
		{{Role: hub.RoleAdvisoryMember, Characteristic: hub.Disability}, {Role: hub.RoleAdvisoryMember, Characteristic: hub.Race}},
	} {
		if err := hub.ValidateGrants(gs); err != nil {
			t.Errorf("ValidateGrants(%v) = %v, want nil", gs, err)
		}
	}
	cases := []struct {
		name   string
		gs     []hub.Grant
		fields []string
		say    string
	}{
		{"advisory member without a characteristic", []hub.Grant{{Role: hub.RoleAdvisoryMember}}, []string{"characteristic"}, "Choose the protected characteristic"},
		{"analyst with a characteristic", []hub.Grant{{Role: hub.RoleAnalyst, Characteristic: hub.Age}}, []string{"characteristic"}, "Only advisory group members"},
		{"unknown characteristic", []hub.Grant{{Role: hub.RoleAdvisoryMember, Characteristic: "height"}}, []string{"characteristic"}, "height"},
		{"unknown role", []hub.Grant{{Role: "king"}}, []string{"roles"}, "king"},
		{"member is not grantable", []hub.Grant{{Role: hub.RoleMember}}, []string{"roles"}, "member"},
		{"duplicate", []hub.Grant{{Role: hub.RoleAnalyst}, {Role: hub.RoleAnalyst}}, []string{"roles"}, "Analyst is given twice"},
		{"duplicate advisory", []hub.Grant{{Role: hub.RoleAdvisoryMember, Characteristic: hub.Sex}, {Role: hub.RoleAdvisoryMember, Characteristic: hub.Sex}}, []string{"roles"}, "Advisory group member (Sex) is given twice"},
	}
	for _, c := range cases {
		err := hub.ValidateGrants(c.gs)
		if !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("%s: %v, want invalid", c.name, err)
			continue
		}
		if fs := problemFields(err); !slices.Equal(fs, c.fields) {
			t.Errorf("%s: problems on %v, want %v", c.name, fs, c.fields)
		}
		if !strings.Contains(err.Error(), c.say) {
			t.Errorf("%s: %q does not say %q", c.name, err.Error(), c.say)
		}
	}
}

func TestPersonRolesAndPrincipal(t *testing.T) {
	p := hub.Person{ID: "p1", OrgID: "county", Subject: "sub-1", Grants: []hub.Grant{
		{Role: hub.RoleAdvisoryMember, Characteristic: hub.Age},
		{Role: hub.RoleAdvisoryMember, Characteristic: hub.Race},
		{Role: hub.RoleAnalyst},
	}}
	if got := p.Roles(); !slices.Equal(got, []hub.Role{hub.RoleMember, hub.RoleAdvisoryMember, hub.RoleAnalyst}) {
		t.Fatalf("Roles() = %v: want member first and each role once", got)
	}
	if !p.Has(hub.RoleMember) || !p.Has(hub.RoleAnalyst) || p.Has(hub.RoleAdmin) {
		t.Fatal("Has is wrong")
	}
	if (hub.Person{}).Roles()[0] != hub.RoleMember {
		t.Fatal("a person with no grants is not a member")
	}
	if p.DisplayName() != "sub-1" {
		t.Fatalf("DisplayName without a name = %q, want the subject", p.DisplayName())
	}
	p.Name = "  Ann Smith "
	if p.DisplayName() != "Ann Smith" {
		t.Fatalf("DisplayName = %q", p.DisplayName())
	}
	pr := hub.PrincipalOf(p, "token")
	if !pr.SignedIn() || pr.PersonID != "p1" || pr.OrgID != "county" || pr.Name != "Ann Smith" || pr.Via != "token" {
		t.Fatalf("PrincipalOf = %+v", pr)
	}
	if !pr.Has(hub.RoleAnalyst) || pr.Has(hub.RoleAdmin) || len(pr.Grants) != 3 {
		t.Fatalf("principal roles %v, grants %v", pr.Roles, pr.Grants)
	}
	if hub.Anonymous.SignedIn() {
		t.Fatal("the anonymous principal is signed in")
	}
	if got := (hub.Grant{Role: hub.RoleAdvisoryMember, Characteristic: hub.Disability}).Label(); got != "Advisory group member (Disability)" {
		t.Fatalf("Grant.Label = %q", got)
	}
}

func TestRoleLinesOf(t *testing.T) {
	p := hub.Person{ID: "p1", OrgID: "police", Grants: []hub.Grant{{Role: hub.RoleAdmin}}}
	want := []hub.RoleLine{{Subject: "p1", Role: hub.RoleMember, OrgID: "police"}, {Subject: "p1", Role: hub.RoleAdmin, OrgID: "police"}}
	if got := hub.RoleLinesOf(p); !slices.Equal(got, want) {
		t.Fatalf("RoleLinesOf = %v, want %v", got, want)
	}
}
