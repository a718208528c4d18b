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
	mu      sync.RWMutex
	e       *casbin.SyncedCachedEnforcer
	sharing [][]string // the p2 lines, kept to rebuild the policy
}

var (
	_ hub.Authorizer = (*Enforcer)(nil)
	_ hub.Sharer     = (*Enforcer)(nil)
)

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
	if len(a.sharing) > 0 {
		if _, err := a.e.AddNamedPolicies("p2", a.sharing); err != nil {
			return err
		}
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

// SetSharingLines replaces every sharing line.
func (a *Enforcer) SetSharingLines(lines []hub.SharingLine) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	seen := map[hub.SharingLine]bool{}
	var rules [][]string
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			rules = append(rules, []string{l.Owner, l.Recipient, l.Theme, l.Start, l.End, l.Protocol})
		}
	}
	old, err := a.e.GetNamedPolicy("p2")
	if err != nil {
		return err
	}
	for _, line := range old {
		if _, err := a.e.RemoveNamedPolicy("p2", line); err != nil {
			return err
		}
	}
	if len(rules) > 0 {
		if _, err := a.e.AddNamedPolicies("p2", rules); err != nil {
			return err
		}
	}
	a.sharing = rules
	return a.e.InvalidateCache()
}

// SharingAllowed decides one flow of data with the second policy type.
func (a *Enforcer) SharingAllowed(recipient, owner, theme, day string) (string, bool, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	ok, explain, err := a.e.SyncedEnforcer.EnforceEx(casbin.NewEnforceContext("2"), recipient, owner, theme, day)
	if err != nil || !ok {
		return "", false, err
	}
	protocol := ""
	if len(explain) == 6 {
		protocol = explain[5]
	}
	return protocol, true, nil
}
