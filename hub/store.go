package hub

import (
	"context"
	"time"
)

// DirectoryStore keeps the partnership, its organisations and people.
// Methods return CodeNotFound, CodeConflict or CodeUnavailable errors as each says,
// and CodeInternal for anything else.
type DirectoryStore interface {
	// FindPartnership returns the partnership, or CodeNotFound when none is set up.
	FindPartnership(ctx context.Context) (Partnership, error)
	// SavePartnership creates or replaces the partnership.
	SavePartnership(ctx context.Context, p Partnership) error
	// FindOrganisations returns every organisation.
	FindOrganisations(ctx context.Context) ([]Organisation, error)
	// CreateOrganisation adds an organisation; CodeConflict when its ID is taken.
	CreateOrganisation(ctx context.Context, o Organisation) error
	// UpdateOrganisation replaces an organisation; CodeNotFound when it does not exist.
	UpdateOrganisation(ctx context.Context, o Organisation) error
	// FindPeople returns every person.
	FindPeople(ctx context.Context) ([]Person, error)
	// SavePerson creates or replaces a person; CodeConflict when another person has the same issuer and subject.
	SavePerson(ctx context.Context, p Person) error
	// UpdatePerson changes only the fields the update sets, so that changes made
	// at once by several hub processes to different fields are all kept;
	// CodeNotFound when there is no such person.
	UpdatePerson(ctx context.Context, id string, u PersonUpdate) error
}

// PersonUpdate lists the fields of a person to change; nil fields stay as they are.
type PersonUpdate struct {
	Name     *string
	Email    *string
	LastSeen *time.Time
	Grants   *[]Grant
	Issuer   *string
}

// Apply returns p with the update's fields set.
func (u PersonUpdate) Apply(p Person) Person {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Email != nil {
		p.Email = *u.Email
	}
	if u.LastSeen != nil {
		p.LastSeen = *u.LastSeen
	}
	if u.Grants != nil {
		p.Grants = append([]Grant(nil), (*u.Grants)...)
	}
	if u.Issuer != nil {
		p.Issuer = *u.Issuer
	}
	return p
}

// SessionStore keeps sessions and API tokens.
type SessionStore interface {
	// FindSessions returns every session.
	FindSessions(ctx context.Context) ([]Session, error)
	// CreateSession adds a session; CodeConflict when its ID is taken.
	CreateSession(ctx context.Context, s Session) error
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessionsExpiredBefore removes sessions that expired before t and says how many.
	DeleteSessionsExpiredBefore(ctx context.Context, t time.Time) (int, error)
	// FindAPITokens returns every API token, revoked ones included.
	FindAPITokens(ctx context.Context) ([]APIToken, error)
	// SaveAPIToken creates or replaces a token.
	SaveAPIToken(ctx context.Context, t APIToken) error
	// AddTokenFailure keeps a wrong secret sent at at for a token ID in the
	// first free place (1 to max) of one of its buckets, and returns that
	// place, or max+1 when every place was taken. Each place is taken by one
	// single-document insert, so that hub processes counting at once each get
	// their own.
	AddTokenFailure(ctx context.Context, id string, bucket int64, max int, at time.Time) (int, error)
	// TokenFailures returns when the wrong secrets kept in a bucket of a token ID were sent.
	TokenFailures(ctx context.Context, id string, bucket int64, max int) ([]time.Time, error)
	// LockToken keeps that a token ID is refused until until, unless a
	// refusal in force at from is kept already, and returns the refusal kept
	// and whether it is this one.
	LockToken(ctx context.Context, id string, from, until time.Time) (time.Time, bool, error)
	// FindTokenLocks returns until when each refused token ID is refused.
	FindTokenLocks(ctx context.Context) (map[string]time.Time, error)
	// DeleteTokenFailuresBefore forgets wrong secrets sent, and refusals ended, before t.
	DeleteTokenFailuresBefore(ctx context.Context, t time.Time) error
}

// GenerationStore keeps one counter that every write bumps, so that each hub
// process can tell cheaply whether what it holds in memory is still current.
type GenerationStore interface {
	// Generation returns the counter (0 before any write).
	Generation(ctx context.Context) (int64, error)
	// BumpGeneration adds one to the counter and returns the new value.
	BumpGeneration(ctx context.Context) (int64, error)
	// Ping checks the store can be reached; CodeUnavailable when not.
	Ping(ctx context.Context) error
}

// Store is everything the hub keeps.
type Store interface {
	DirectoryStore
	SessionStore
	GenerationStore
}
