package hub_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
)

func TestAuthorize(t *testing.T) {
	a := hubtest.NewAuthorizer(hubtest.DefaultRules())
	_ = a.SetSubjectRoles("ann", "county", []hub.Role{hub.RoleMember})
	ann := hub.Principal{PersonID: "ann", OrgID: "county", Roles: []hub.Role{hub.RoleMember}}

	if err := hub.Authorize(a, hub.Anonymous, hub.PermPublicRead, hub.DomainPartnership); err != nil {
		t.Fatalf("a visitor reading public pages: %v", err)
	}
	if err := hub.Authorize(a, hub.Anonymous, hub.PermOrgRead, "county"); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("a visitor reading an organisation: %v, want unauthorized", err)
	}
	if err := hub.Authorize(a, ann, hub.PermOrgRead, "county"); err != nil {
		t.Fatalf("a member reading their own organisation: %v", err)
	}
	if err := hub.Authorize(a, ann, hub.PermOrgRead, "police"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a member reading another organisation: %v, want forbidden", err)
	}
	cause := errors.New("policy engine exploded at 10.0.0.5")
	a.Fail(cause)
	err := hub.Authorize(a, ann, hub.PermOrgRead, "county")
	if !hub.IsCode(err, hub.CodeInternal) || !errors.Is(err, cause) {
		t.Fatalf("an engine failure: %v, want internal wrapping the cause", err)
	}
	if strings.Contains(hub.ErrorMessage(err), "10.0.0.5") {
		t.Fatal("the engine's error reaches the person")
	}
	if hub.PermMembersManage.String() != "members:manage" {
		t.Fatalf("Permission.String = %q", hub.PermMembersManage.String())
	}
}
