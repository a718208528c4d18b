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
// their organisation and with their current roles. The secret is shown once;
// the store holds only its hash.
type APIToken struct {
	ID       string // public part of the token, used to find it
	Hash     string // hex SHA-256 of the secret part
	PersonID string
	OrgID    string
	Name     string // what the person called it, e.g. "monthly upload script"
	Created  time.Time
	Expires  time.Time
	Revoked  time.Time // zero while the token works
}

// Active reports whether the token can be used at t.
func (t APIToken) Active(at time.Time) bool { return t.Revoked.IsZero() && at.Before(t.Expires) }
