package hubtest

import (
	"context"
	"sync"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Log is an in-memory audit.Log that keeps what is recorded.
type Log struct {
	mu      sync.Mutex
	entries []audit.Entry
}

var _ audit.Log = (*Log)(nil)

// Record keeps the entry.
func (l *Log) Record(_ context.Context, e audit.Entry) (audit.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	return e, nil
}

// Entries returns what was recorded, in order.
func (l *Log) Entries() []audit.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]audit.Entry(nil), l.entries...)
}

// Actions returns the action of every entry, in order.
func (l *Log) Actions() []string {
	var out []string
	for _, e := range l.Entries() {
		out = append(out, e.Action)
	}
	return out
}

// Principal returns a signed-in person of an organisation holding roles; an
// advisory group member represents disability.
func Principal(id, org string, roles ...hub.Role) hub.Principal {
	p := hub.Person{ID: id, OrgID: org, Name: id}
	for _, r := range roles {
		g := hub.Grant{Role: r}
		if r == hub.RoleAdvisoryMember {
			g.Characteristic = hub.Disability
		}
		p.Grants = append(p.Grants, g)
	}
	return hub.PrincipalOf(p, "session")
}
