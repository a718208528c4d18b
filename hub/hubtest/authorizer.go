package hubtest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/policies"
)

// Anyone is the rule role held by every subject, signed in or not.
const Anyone hub.Role = "anyone"

// The scopes of a rule.
const (
	ScopeOwn = "own" // things of the organisation the subject acts for
	ScopeAll = "*"   // anyone's things, and the partnership's
)

// Rule says that a role holds a permission within a scope.
type Rule struct {
	Role  hub.Role
	Scope string
	Perm  hub.Permission
}

// ParseRules reads rules given as (role, scope, object, action), the form of policies.RoleLines.
func ParseRules(lines [][]string) ([]Rule, error) {
	rules := make([]Rule, 0, len(lines))
	for i, l := range lines {
		if len(l) != 4 {
			return nil, fmt.Errorf("rule %d: want 4 fields, got %d", i+1, len(l))
		}
		if l[1] != ScopeOwn && l[1] != ScopeAll {
			return nil, fmt.Errorf("rule %d: scope %q is neither %q nor %q", i+1, l[1], ScopeOwn, ScopeAll)
		}
		rules = append(rules, Rule{Role: hub.Role(l[0]), Scope: l[1], Perm: hub.Permission{Object: l[2], Action: l[3]}})
	}
	return rules, nil
}

// DefaultRules returns the hub's built-in rules, read from policies/roles.csv.
func DefaultRules() []Rule {
	rules, err := ParseRules(policies.RoleLines())
	if err != nil {
		panic("hubtest: " + err.Error())
	}
	return rules
}

// Authorizer is an in-memory hub.Authorizer. A subject may act when a rule for
// the permission is held by Anyone, or by a role the subject holds in the
// organisation it acts for, with scope ScopeAll or with scope ScopeOwn and the
// domain being that organisation.
type Authorizer struct {
	mu    sync.RWMutex
	rules []Rule
	lines []hub.RoleLine
	err   error
}

var _ hub.Authorizer = (*Authorizer)(nil)

// NewAuthorizer returns an authorizer deciding by rules, with no role lines.
func NewAuthorizer(rules []Rule) *Authorizer {
	return &Authorizer{rules: slices.Clone(rules)}
}

// Fail makes Allowed return err until Fail(nil).
func (a *Authorizer) Fail(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = err
}

// Allowed decides one request.
func (a *Authorizer) Allowed(subject, org, dom string, perm hub.Permission) (bool, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.err != nil {
		return false, a.err
	}
	for _, r := range a.rules {
		if r.Perm != perm {
			continue
		}
		if r.Role == Anyone {
			return true, nil
		}
		if !slices.Contains(a.lines, hub.RoleLine{Subject: subject, Role: r.Role, OrgID: org}) {
			continue
		}
		if r.Scope == ScopeAll || r.Scope == ScopeOwn && dom == org {
			return true, nil
		}
	}
	return false, nil
}

// SetRoleLines replaces every role line.
func (a *Authorizer) SetRoleLines(lines []hub.RoleLine) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lines = slices.Clone(lines)
	return nil
}

// SetSubjectRoles replaces the role lines of one subject, in every organisation.
func (a *Authorizer) SetSubjectRoles(subject, org string, roles []hub.Role) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lines = slices.DeleteFunc(a.lines, func(l hub.RoleLine) bool { return l.Subject == subject })
	for _, r := range roles {
		a.lines = append(a.lines, hub.RoleLine{Subject: subject, Role: r, OrgID: org})
	}
	return nil
}

// RoleLines returns the role lines held, in the order they were set.
func (a *Authorizer) RoleLines() []hub.RoleLine {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return slices.Clone(a.lines)
}
