// Package authz decides access with Casbin: the model and built-in policies
// from policies/, and role lines kept in step with the directory.
package authz

import (
	"fmt"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/policies"
)

// Enforcer is the hub's Authorizer: a synced, cached Casbin enforcer.
type Enforcer struct {
	// mu orders decisions against role changes, so that a decision computed
	// from old role lines is never cached after the lines change.
	mu sync.RWMutex
	e  *casbin.SyncedCachedEnforcer
}

var _ hub.Authorizer = (*Enforcer)(nil)

// New returns an enforcer loaded with the built-in policies and no role lines.
func New() (*Enforcer, error) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("reading the access model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("starting the policy engine: %w", err)
	}
	e.EnableLog(false)
	if _, err := e.AddPolicies(policies.RoleLines()); err != nil {
		return nil, fmt.Errorf("loading the built-in policies: %w", err)
	}
	return &Enforcer{e: e}, nil
}

// Allowed decides one request. Refused requests are logged where they are
// answered; a denial here may only hide a link.
func (a *Enforcer) Allowed(subject, org, dom string, perm hub.Permission) (bool, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.e.Enforce(subject, org, dom, perm.Object, perm.Action)
}

// SetRoleLines replaces every role line. The policy is rebuilt from scratch:
// removing many grouping lines in one batch leaves some behind in Casbin.
func (a *Enforcer) SetRoleLines(lines []hub.RoleLine) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.e.ClearPolicy()
	if _, err := a.e.AddPolicies(policies.RoleLines()); err != nil {
		return err
	}
	if err := a.addLocked(lines); err != nil {
		return err
	}
	if err := a.e.BuildRoleLinks(); err != nil {
		return err
	}
	return a.e.InvalidateCache()
}

// SetSubjectRoles replaces one subject's role lines.
func (a *Enforcer) SetSubjectRoles(subject, org string, roles []hub.Role) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, err := a.e.GetFilteredGroupingPolicy(0, subject)
	if err != nil {
		return err
	}
	for _, line := range old {
		if _, err := a.e.RemoveGroupingPolicy(line); err != nil {
			return err
		}
	}
	lines := make([]hub.RoleLine, len(roles))
	for i, r := range roles {
		lines[i] = hub.RoleLine{Subject: subject, Role: r, OrgID: org}
	}
	if err := a.addLocked(lines); err != nil {
		return err
	}
	return a.e.InvalidateCache()
}

func (a *Enforcer) addLocked(lines []hub.RoleLine) error {
	if len(lines) == 0 {
		return nil
	}
	rules := make([][]string, len(lines))
	for i, l := range lines {
		rules[i] = []string{l.Subject, string(l.Role), l.OrgID}
	}
	// The Ex form skips lines already present instead of adding none of the batch.
	_, err := a.e.AddGroupingPoliciesEx(rules)
	return err
}
