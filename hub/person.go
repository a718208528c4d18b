package hub

import (
	"slices"
	"strings"
	"time"
)

// Person is someone who signs in. A person is identified by their identity
// provider and the subject it gives them, never by an email address, and acts
// for the one organisation that identity provider is bound to.
type Person struct {
	ID        string // the hub's own identifier
	Issuer    string
	Subject   string
	OrgID     string
	Name      string
	Email     string // as the identity provider last said; for display only
	Grants    []Grant
	FirstSeen time.Time
	LastSeen  time.Time
}

// Grant is a role held by a person. An advisory group member represents one characteristic.
type Grant struct {
	Role           Role
	Characteristic Characteristic // only for RoleAdvisoryMember
}

// Label says the grant for people, e.g. "Advisory group member (Disability)".
func (g Grant) Label() string {
	if g.Characteristic != "" {
		return g.Role.Label() + " (" + g.Characteristic.Label() + ")"
	}
	return g.Role.Label()
}

// Roles returns the person's roles, always including RoleMember.
func (p Person) Roles() []Role {
	rs := []Role{RoleMember}
	for _, g := range p.Grants {
		if !slices.Contains(rs, g.Role) {
			rs = append(rs, g.Role)
		}
	}
	return rs
}

// Has reports whether the person holds the role.
func (p Person) Has(r Role) bool { return slices.Contains(p.Roles(), r) }

// ValidateGrants checks a set of grants: known roles, a characteristic for and only for advisory members, no repeats.
func ValidateGrants(gs []Grant) error {
	var ps []Problem
	seen := map[Grant]bool{}
	for _, g := range gs {
		if _, err := ParseRole(string(g.Role)); err != nil {
			ps = append(ps, Problem{Field: "roles", Message: ErrorMessage(err)})
			continue
		}
		switch {
		case g.Role == RoleAdvisoryMember && g.Characteristic == "":
			ps = append(ps, Problem{Field: "characteristic", Message: "Choose the protected characteristic this advisory group member represents"})
		case g.Role != RoleAdvisoryMember && g.Characteristic != "":
			ps = append(ps, Problem{Field: "characteristic", Message: "Only advisory group members represent a characteristic"})
		case g.Characteristic != "":
			if _, err := ParseCharacteristic(string(g.Characteristic)); err != nil {
				ps = append(ps, Problem{Field: "characteristic", Message: ErrorMessage(err)})
			}
		}
		if seen[g] {
			ps = append(ps, Problem{Field: "roles", Message: g.Label() + " is given twice"})
		}
		seen[g] = true
	}
	return Invalid("The roles are not valid", ps)
}

// DisplayName returns the person's name, or their subject when the identity provider gave none.
func (p Person) DisplayName() string {
	if n := strings.TrimSpace(p.Name); n != "" {
		return n
	}
	return p.Subject
}

// Principal is who is acting in a request: a signed-in person (through a
// session or an API token) or an anonymous visitor.
type Principal struct {
	PersonID string // "" for an anonymous visitor
	OrgID    string
	Name     string
	Roles    []Role
	Grants   []Grant
	Via      string     // "session" or "token"
	Scope    TokenScope // for a token, what it may do (see AuthorizeScope)
}

// Anonymous is the principal of a visitor who has not signed in.
var Anonymous = Principal{}

// SignedIn reports whether the principal is a person.
func (p Principal) SignedIn() bool { return p.PersonID != "" }

// Has reports whether the principal holds the role.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// PrincipalOf returns the principal acting as a person.
func PrincipalOf(p Person, via string) Principal {
	return Principal{PersonID: p.ID, OrgID: p.OrgID, Name: p.DisplayName(), Roles: p.Roles(), Grants: p.Grants, Via: via}
}
