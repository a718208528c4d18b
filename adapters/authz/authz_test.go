package authz_test

import (
	"testing"

	"github.com/partnership/equalityhub/adapters/authz"
	"github.com/partnership/equalityhub/hub"
)

func mustEnforcer(tb testing.TB, lines ...hub.RoleLine) *authz.Enforcer {
	tb.Helper()
	e, err := authz.New()
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.SetRoleLines(lines); err != nil {
		tb.Fatal(err)
	}
	return e
}

func allowed(tb testing.TB, e *authz.Enforcer, sub, org, dom string, perm hub.Permission) bool {
	tb.Helper()
	ok, err := e.Allowed(sub, org, dom, perm)
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}

func TestDecisions(t *testing.T) {
	e := mustEnforcer(t,
		hub.RoleLine{Subject: "ann", Role: hub.RoleMember, OrgID: "county"},
		hub.RoleLine{Subject: "ann", Role: hub.RoleDataSteward, OrgID: "county"},
		hub.RoleLine{Subject: "bob", Role: hub.RoleMember, OrgID: "police"},
		hub.RoleLine{Subject: "bob", Role: hub.RoleAdmin, OrgID: "police"},
		hub.RoleLine{Subject: "cat", Role: hub.RoleMember, OrgID: "advisory"},
		hub.RoleLine{Subject: "cat", Role: hub.RoleAdvisoryMember, OrgID: "advisory"},
	)
	cases := []struct {
		sub, org, dom string
		perm          hub.Permission
		want          bool
	}{
		{hub.SubjectAnonymous, "", hub.DomainPartnership, hub.PermPublicRead, true},
		{hub.SubjectAnonymous, "", "county", hub.PermOrgRead, false},
		{hub.SubjectAnonymous, "", "county", hub.PermProfile, false},
		{"ann", "county", "county", hub.PermOrgRead, true},
		{"ann", "county", "police", hub.PermOrgRead, false},
		{"ann", "county", "county", hub.PermDataRead, true},
		{"ann", "county", "police", hub.PermDataRead, false},
		{"ann", "county", "county", hub.PermMembersManage, false},
		{"ann", "police", "police", hub.PermOrgRead, false}, // claims another org: no role lines there
		{"bob", "police", "county", hub.PermMembersManage, true},
		{"bob", "police", hub.DomainPartnership, hub.PermOrgManage, true},
		{"cat", "advisory", hub.DomainPartnership, hub.PermEIARead, true},
		{"cat", "advisory", "advisory", hub.PermMembersManage, false},
		{"cat", "advisory", "county", hub.PermDataRead, false},
	}
	for _, c := range cases {
		if got := allowed(t, e, c.sub, c.org, c.dom, c.perm); got != c.want {
			t.Errorf("%s of %s on %s %s: allowed %v, want %v", c.sub, c.org, c.dom, c.perm, got, c.want)
		}
	}
}

func TestRevokedRoleStopsAtOnce(t *testing.T) {
	e := mustEnforcer(t,
		hub.RoleLine{Subject: "bob", Role: hub.RoleMember, OrgID: "police"},
		hub.RoleLine{Subject: "bob", Role: hub.RoleAdmin, OrgID: "police"},
	)
	if !allowed(t, e, "bob", "police", "county", hub.PermMembersManage) {
		t.Fatal("admin should manage members before the revocation")
	}
	if err := e.SetSubjectRoles("bob", "police", []hub.Role{hub.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if allowed(t, e, "bob", "police", "county", hub.PermMembersManage) {
		t.Fatal("a revoked admin role still works: the decision cache was not cleared")
	}
	if !allowed(t, e, "bob", "police", "police", hub.PermOrgRead) {
		t.Fatal("the member role should remain")
	}
	if err := e.SetRoleLines(nil); err != nil {
		t.Fatal(err)
	}
	if allowed(t, e, "bob", "police", "police", hub.PermOrgRead) {
		t.Fatal("SetRoleLines(nil) should remove every role line")
	}
}

// BenchmarkCachedDecision measures one repeated (cached) access decision.
func BenchmarkCachedDecision(b *testing.B) {
	var lines []hub.RoleLine
	for i := range 2000 {
		sub := "person" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		lines = append(lines, hub.RoleLine{Subject: sub, Role: hub.RoleMember, OrgID: "county"}, hub.RoleLine{Subject: sub, Role: hub.RoleForumMember, OrgID: "county"})
	}
	e := mustEnforcer(b, lines...)
	allowed(b, e, "personaaa", "county", "police", hub.PermDataRead)
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := e.Allowed("personaaa", "county", "police", hub.PermDataRead); !ok {
			b.Fatal("denied")
		}
	}
}
