package hubtest_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
)

func TestAuthorizerDecisions(t *testing.T) {
	a := hubtest.NewAuthorizer(hubtest.DefaultRules())
	if err := a.SetRoleLines([]hub.RoleLine{
		{Subject: "ann", Role: hub.RoleMember, OrgID: "county"},
		{Subject: "ann", Role: hub.RoleDataSteward, OrgID: "county"},
		{Subject: "bob", Role: hub.RoleMember, OrgID: "police"},
		{Subject: "bob", Role: hub.RoleAdmin, OrgID: "police"},
		{Subject: "cat", Role: hub.RoleMember, OrgID: "advisory"},
		{Subject: "cat", Role: hub.RoleAdvisoryMember, OrgID: "advisory"},
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sub, org, dom string
		perm          hub.Permission
		want          bool
	}{
		{hub.SubjectAnonymous, "", hub.DomainPartnership, hub.PermPublicRead, true},
		{hub.SubjectAnonymous, "", "county", hub.PermDirectoryRead, true},
		{hub.SubjectAnonymous, "", "county", hub.PermOrgRead, false},
		{"ann", "county", "county", hub.PermOrgRead, true},
		{"ann", "county", "police", hub.PermOrgRead, false},
		{"ann", "county", "county", hub.PermDataRead, true},
		{"ann", "county", "police", hub.PermDataRead, false},
		{"ann", "county", "police", hub.PermProtocolsRead, true},
		{"ann", "county", "county", hub.PermMembersManage, false},
		{"ann", "police", "police", hub.PermOrgRead, false},
		{"bob", "police", "county", hub.PermMembersManage, true},
		{"bob", "police", hub.DomainPartnership, hub.PermOrgManage, true},
		{"cat", "advisory", hub.DomainPartnership, hub.PermEIARead, true},
		{"cat", "advisory", "advisory", hub.PermMembersManage, false},
		{"cat", "advisory", "county", hub.PermDataRead, false},
	}
	for _, c := range cases {
		got, err := a.Allowed(c.sub, c.org, c.dom, c.perm)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s of %s on %s %s: allowed %v, want %v", c.sub, c.org, c.dom, c.perm, got, c.want)
		}
	}
}

func TestAuthorizerSetSubjectRoles(t *testing.T) {
	a := hubtest.NewAuthorizer(hubtest.DefaultRules())
	_ = a.SetRoleLines([]hub.RoleLine{
		{Subject: "bob", Role: hub.RoleMember, OrgID: "police"},
		{Subject: "bob", Role: hub.RoleAdmin, OrgID: "police"},
		{Subject: "ann", Role: hub.RoleAdmin, OrgID: "county"},
	})
	if err := a.SetSubjectRoles("bob", "police", []hub.Role{hub.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.Allowed("bob", "police", "county", hub.PermMembersManage); ok {
		t.Fatal("a removed admin role still works")
	}
	if ok, _ := a.Allowed("bob", "police", "police", hub.PermOrgRead); !ok {
		t.Fatal("the member role was lost")
	}
	if ok, _ := a.Allowed("ann", "county", "police", hub.PermMembersManage); !ok {
		t.Fatal("another subject's role lines were touched")
	}
	if err := a.SetRoleLines(nil); err != nil {
		t.Fatal(err)
	}
	if len(a.RoleLines()) != 0 {
		t.Fatal("SetRoleLines(nil) kept role lines")
	}
}

func TestAuthorizerTableAndFailure(t *testing.T) {
	rules, err := hubtest.ParseRules([][]string{{"analyst", "own", "data", "read"}})
	if err != nil {
		t.Fatal(err)
	}
	a := hubtest.NewAuthorizer(rules)
	_ = a.SetSubjectRoles("ann", "county", []hub.Role{hub.RoleAnalyst})
	if ok, _ := a.Allowed("ann", "county", "county", hub.PermDataRead); !ok {
		t.Fatal("the table's only rule is not applied")
	}
	if ok, _ := a.Allowed("ann", "county", "county", hub.PermProtocolsRead); ok {
		t.Fatal("a permission missing from the table was allowed")
	}
	if _, err := hubtest.ParseRules([][]string{{"analyst", "county", "data", "read"}}); err == nil {
		t.Fatal("a scope other than own or * was accepted")
	}
	if _, err := hubtest.ParseRules([][]string{{"analyst", "own", "data"}}); err == nil {
		t.Fatal("a short rule was accepted")
	}
	a.Fail(errTest)
	if _, err := a.Allowed("ann", "county", "county", hub.PermDataRead); err != errTest {
		t.Fatalf("Allowed after Fail = %v, want the injected error", err)
	}
}

var errTest = hub.Errorf(hub.CodeInternal, "engine down")
