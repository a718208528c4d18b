package hub

import "time"

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
	ScopeRead       TokenScope = "read"       // read only: GET requests
	ScopeUpload     TokenScope = "upload"     // read, and upload returns, register signing keys, save the code mapping
	ScopeAdminister TokenScope = "administer" // everything the person may do
)

// TokenScopes are the scopes a token can be given, from the narrowest.
var TokenScopes = []TokenScope{ScopeRead, ScopeUpload, ScopeAdminister}

// uploadPermissions are the permissions an upload token adds to reading:
// what a data steward's scripts and hubctl need to send returns.
var uploadPermissions = []Permission{
	{Object: "returns", Action: "upload"},
	{Object: "keys", Action: "manage"},
	{Object: "mapping", Action: "manage"},
}

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

// Allows reports whether a token of this scope may make a request with this
// method to a route needing perm. Reading is only GET (and HEAD); upload adds
// the permissions of sending returns, whatever the method.
func (s TokenScope) Allows(perm Permission, method string) bool {
	switch s {
	case ScopeAdminister, "":
		return true
	case ScopeUpload:
		for _, p := range uploadPermissions {
			if p == perm {
				return true
			}
		}
	}
	return (s == ScopeRead || s == ScopeUpload) && (method == "GET" || method == "HEAD")
}

// AuthorizeScope refuses a request that the principal's token scope does not
// cover, before the policy decides the permission. People signed in with a
// session have no scope: their roles alone decide.
func AuthorizeScope(p Principal, perm Permission, method string) error {
	if p.Via != "token" || p.Scope.Allows(perm, method) {
		return nil
	}
	return Errorf(CodeForbidden, "This API token's scope is %q (%s), which does not cover this request: make a token with a wider scope on your profile page if you need it",
		string(p.Scope), p.Scope.Label())
}
