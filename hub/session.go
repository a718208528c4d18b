package hub

import (
	"slices"
	"time"
)

// Session is a signed-in person's session. The cookie holds a random token;
// the store holds only its hash, as ID.
type Session struct {
	ID       string // hex SHA-256 of the cookie's token
	PersonID string
	Created  time.Time
	Expires  time.Time
}

// APIToken lets a person's scripts and hubctl call the API as that person, for
// their organisation, with their current roles narrowed by the token's scope. The secret is shown once;
// the store holds only its hash.
type APIToken struct {
	ID       string // public part of the token, used to find it
	Hash     string // hex SHA-256 of the secret part
	PersonID string
	OrgID    string
	Name     string // what the person called it, e.g. "monthly upload script"
	Created  time.Time
	Expires  time.Time
	Revoked  time.Time  // zero while the token works
	Scope    TokenScope // what the token may do; "" for a token made before scopes, which may do everything
}

// Active reports whether the token can be used at t.
func (t APIToken) Active(at time.Time) bool { return t.Revoked.IsZero() && at.Before(t.Expires) }

// TokenScope says what an API token may do, chosen when it is made. A scope
// only ever narrows what the token's person may do: the policy still decides
// each permission.
type TokenScope string

// The scopes of API tokens, from the narrowest.
const (
	ScopeRead       TokenScope = "read"       // read only
	ScopeUpload     TokenScope = "upload"     // read, and upload returns, register signing keys, save the code mapping
	ScopeAdminister TokenScope = "administer" // everything the person may do
)

// TokenScopes are the scopes a token can be given, from the narrowest.
var TokenScopes = []TokenScope{ScopeRead, ScopeUpload, ScopeAdminister}

// TokenUse is what a request does, as a token's scope sees it. Each use is
// allowed by the scope of the same name and every wider one.
type TokenUse string

// The uses of the hub, from the narrowest.
const (
	UseRead       TokenUse = "read"       // changes nothing
	UseUpload     TokenUse = "upload"     // sends a return, registers a signing key or saves the code mapping
	UseAdminister TokenUse = "administer" // any other change
)

// uploadPermissions are the permissions whose changes are uploads: what a
// data steward's scripts and hubctl need to send returns.
var uploadPermissions = []Permission{
	{Object: "returns", Action: "upload"},
	{Object: "keys", Action: "manage"},
	{Object: "mapping", Action: "manage"},
}

// UseOf says what a request needing perm does: one that changes nothing
// reads; a change under a permission of sending returns uploads; any other
// change administers.
func UseOf(perm Permission, changes bool) TokenUse {
	switch {
	case !changes:
		return UseRead
	case slices.Contains(uploadPermissions, perm):
		return UseUpload
	default:
		return UseAdminister
	}
}

// Scope returns the narrowest scope that allows the use.
func (u TokenUse) Scope() TokenScope { return TokenScope(u) }

// Label says the scope in words, for the profile page.
func (s TokenScope) Label() string {
	switch s {
	case ScopeRead:
		return "Read only"
	case ScopeUpload:
		return "Read and upload returns"
	default:
		return "Everything you may do"
	}
}

// Valid reports whether s is one of the scopes.
func (s TokenScope) Valid() bool {
	for _, x := range TokenScopes {
		if s == x {
			return true
		}
	}
	return false
}

// Allows reports whether a token of this scope may be used for u: a read
// scope only reads, an upload scope reads and uploads, and an administer
// scope (or none, for a token made before scopes) does everything.
func (s TokenScope) Allows(u TokenUse) bool {
	switch s {
	case ScopeAdminister, "":
		return true
	case ScopeUpload:
		return u == UseRead || u == UseUpload
	case ScopeRead:
		return u == UseRead
	}
	return false
}

// AuthorizeScope refuses a use that the principal's token scope does not
// cover, before the policy decides the permission. People signed in with a
// session have no scope: their roles alone decide.
func AuthorizeScope(p Principal, u TokenUse) error {
	if p.Via != "token" || p.Scope.Allows(u) {
		return nil
	}
	return Errorf(CodeForbidden, "This API token's scope is %q (%s), which does not cover this request: make a token with a wider scope on your profile page if you need it",
		string(p.Scope), p.Scope.Label())
}
