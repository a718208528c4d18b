// Package authz decides access with Casbin: the model and built-in policies
// from policies/, and role lines kept in step with the directory.
package authz

import (
	"fmt"
	"log/slog"
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
	mu  sync.RWMutex
	e   *casbin.SyncedCachedEnforcer
	log *slog.Logger
}

var _ hub.Authorizer = (*Enforcer)(nil)

// New returns an enforcer loaded with the built-in policies and no role lines.
func New(log *slog.Logger) (*Enforcer, error) {
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
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Enforcer{e: e, log: log}, nil
}

// Allowed decides one request and logs denials.
func (a *Enforcer) Allowed(subject, org, dom string, perm hub.Permission) (bool, error) {
	a.mu.RLock()
	ok, err := a.e.Enforce(subject, org, dom, perm.Object, perm.Action)
	a.mu.RUnlock()
	if err != nil {
		return false, err
	}
	if !ok {
		a.log.Info("access denied", "subject", subject, "org", org, "domain", dom, "permission", perm.String())
	}
	return ok, nil
}

// SetRoleLines replaces every role line.
func (a *Enforcer) SetRoleLines(lines []hub.RoleLine) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old, err := a.e.GetGroupingPolicy()
	if err != nil {
		return err
	}
	if len(old) > 0 {
		if _, err := a.e.RemoveGroupingPolicies(old); err != nil {
			return err
		}
	}
	if err := a.addLocked(lines); err != nil {
		return err
	}
	return a.e.InvalidateCache()
}

// SetSubjectRoles replaces one subject's role lines.
func (a *Enforcer) SetSubjectRoles(subject, org string, roles []hub.Role) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.e.RemoveFilteredGroupingPolicy(0, subject); err != nil {
		return err
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
	// Casbin adds none of a batch that repeats a line, so repeats are dropped first.
	seen := make(map[hub.RoleLine]bool, len(lines))
	rules := make([][]string, 0, len(lines))
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			rules = append(rules, []string{l.Subject, string(l.Role), l.OrgID})
		}
	}
	_, err := a.e.AddGroupingPolicies(rules)
	return err
}
