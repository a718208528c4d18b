// Package sessions holds the sessions of signed-in people and the API tokens
// they create for scripts and hubctl. Only hashes of secrets are kept.
package sessions

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// People resolves a person to the principal that acts for them, with their current roles.
type People interface {
	Principal(personID, via string) (hub.Principal, error)
}

// Config sets how long sessions and tokens last.
type Config struct {
	SessionTTL  time.Duration // how long a sign-in lasts
	MaxTokenTTL time.Duration // the longest an API token may last
}

// Service manages sessions and API tokens.
type Service struct {
	store  hub.SessionStore
	people People
	auth   hub.Authorizer
	rs     *hub.ReadSide
	clock  hub.Clock
	cfg    Config

	log audit.Log

	mu       sync.RWMutex
	sessions map[string]hub.Session
	tokens   map[string]hub.APIToken

	failMu   sync.Mutex
	failures map[string]*tokenFailures // by token ID, only IDs of known tokens: what this process knows of the store's count, and more when the store cannot be reached
}

// New returns the service. Call Reload (through the read side) before use.
func New(store hub.SessionStore, people People, auth hub.Authorizer, rs *hub.ReadSide, clock hub.Clock, cfg Config) *Service {
	return &Service{store: store, people: people, auth: auth, rs: rs, clock: clock, cfg: cfg, log: audit.Discard{},
		sessions: map[string]hub.Session{}, tokens: map[string]hub.APIToken{}, failures: map[string]*tokenFailures{}}
}

// RecordTo puts sign-ins, sign-outs and API tokens made and revoked on the record.
func (s *Service) RecordTo(l audit.Log) { s.log = l }

// The actions of sessions and tokens on the record.
const (
	ActionSignIn       = "signin"
	ActionSignOut      = "signout"
	ActionTokenCreate  = "token.create"
	ActionTokenRevoke  = "token.revoke"
	ActionSignInFailed = "signin.failed"
)

// change puts a change on the record, then makes it with write (see audit.Change).
func (s *Service) change(ctx context.Context, personID, action, detail string, write func() error) error {
	e := audit.Entry{PersonID: personID, Action: action, Object: "people/" + personID, Detail: detail}
	if p, err := s.people.Principal(personID, "session"); err == nil {
		e.OrgID, e.Owner = p.OrgID, p.OrgID
	}
	_, err := audit.Change(ctx, s.log, e, func(int64) error { return write() })
	return err
}

// Reload reads sessions and tokens from the store.
func (s *Service) Reload(ctx context.Context) error {
	ss, err := s.store.FindSessions(ctx)
	if err != nil {
		return err
	}
	ts, err := s.store.FindAPITokens(ctx)
	if err != nil {
		return err
	}
	locks, err := s.store.FindTokenLocks(ctx)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for id, until := range locks {
		s.adoptLock(id, until, now)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = make(map[string]hub.Session, len(ss))
	for _, x := range ss {
		s.sessions[x.ID] = x
	}
	s.tokens = make(map[string]hub.APIToken, len(ts))
	for _, t := range ts {
		s.tokens[t.ID] = t
	}
	return nil
}

// Start begins a session for a person who has just signed in and returns the
// secret token for their cookie.
func (s *Service) Start(ctx context.Context, personID string) (string, hub.Session, error) {
	defer s.rs.BeginWrite()()
	token := randomToken()
	now := s.clock.Now()
	x := hub.Session{ID: hash(token), PersonID: personID, Created: now, Expires: now.Add(s.cfg.SessionTTL)}
	if err := s.change(ctx, personID, ActionSignIn, "signed in until "+x.Expires.UTC().Format("2 January 2006 15:04 (UTC)"),
		func() error { return s.store.CreateSession(ctx, x) }); err != nil {
		return "", hub.Session{}, err
	}
	s.mu.Lock()
	s.sessions[x.ID] = x
	s.mu.Unlock()
	return token, x, s.rs.Wrote(ctx)
}

// Principal returns who a session cookie's token signs in, or CodeUnauthorized
// when the session is unknown, ended or expired.
func (s *Service) Principal(token string) (hub.Principal, hub.Session, error) {
	s.mu.RLock()
	x, ok := s.sessions[hash(token)]
	s.mu.RUnlock()
	if !ok || !s.clock.Now().Before(x.Expires) {
		return hub.Anonymous, hub.Session{}, hub.Errorf(hub.CodeUnauthorized, "Your session has ended: sign in again")
	}
	p, err := s.people.Principal(x.PersonID, "session")
	return p, x, err
}

// End signs a session out. Ending an unknown session is not an error.
func (s *Service) End(ctx context.Context, token string) error {
	defer s.rs.BeginWrite()()
	id := hash(token)
	s.mu.RLock()
	x, ok := s.sessions[id]
	s.mu.RUnlock()
	if !ok {
		return s.store.DeleteSession(ctx, id)
	}
	if err := s.change(ctx, x.PersonID, ActionSignOut, "signed out", func() error { return s.store.DeleteSession(ctx, id) }); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.sessions, id)
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// PurgeExpired removes expired sessions from the store and memory, and
// forgets wrong token secrets that count no more.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	defer s.rs.BeginWrite()()
	now := s.clock.Now()
	// Wrong token secrets older than the last window count no more, nor refusals ended.
	if err := s.store.DeleteTokenFailuresBefore(ctx, now.Add(-2*TokenFailureWindow)); err != nil {
		return 0, err
	}
	n, err := s.store.DeleteSessionsExpiredBefore(ctx, now)
	if err != nil || n == 0 {
		return n, err
	}
	s.mu.Lock()
	for id, x := range s.sessions {
		if !now.Before(x.Expires) {
			delete(s.sessions, id)
		}
	}
	s.mu.Unlock()
	return n, s.rs.Wrote(ctx)
}

const tokenPrefix = "eqh_"

// CreateAPIToken makes a token for the actor's scripts, lasting days days,
// and returns its secret (shown once; the hub keeps only a hash). days is
// checked before any arithmetic, so that no number however large can wrap
// round to a short or negative lifetime.
func (s *Service) CreateAPIToken(ctx context.Context, actor hub.Principal, name string, days int, scope hub.TokenScope) (string, hub.APIToken, error) {
	if err := hub.Authorize(s.auth, actor, hub.PermTokensManage, actor.OrgID); err != nil {
		return "", hub.APIToken{}, err
	}
	if len(actor.Grants) == 0 {
		return "", hub.APIToken{}, hub.Errorf(hub.CodeForbidden, "A token acts with your roles, and you have none yet: ask an administrator of your organisation for a role first")
	}
	var ps []hub.Problem
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		ps = append(ps, hub.Problem{Field: "name", Message: "Enter a name of up to 100 characters that says what the token is for"})
	} else {
		ps = append(ps, hub.CheckText("name", name, hub.NameText)...)
	}
	if p := s.checkTokenDays(days); p != nil {
		ps = append(ps, *p)
	}
	if !scope.Valid() {
		ps = append(ps, hub.Problem{Field: "scope", Message: "Choose what the token may do: read only, read and upload returns, or everything you may do"})
	}
	if err := hub.Invalid("The token cannot be made", ps); err != nil {
		return "", hub.APIToken{}, err
	}
	ttl := time.Duration(days) * 24 * time.Hour
	defer s.rs.BeginWrite()()
	id, secret := randomToken()[:16], randomToken()
	now := s.clock.Now()
	t := hub.APIToken{ID: id, Hash: hash(secret), PersonID: actor.PersonID, OrgID: actor.OrgID, Name: name, Created: now, Expires: now.Add(ttl), Scope: scope}
	if err := s.change(ctx, actor.PersonID, ActionTokenCreate, fmt.Sprintf("API token %s (%q) made, to %s, lasting until %s", id, name, strings.ToLower(scope.Label()), t.Expires.UTC().Format("2 January 2006")),
		func() error { return s.store.SaveAPIToken(ctx, t) }); err != nil {
		return "", hub.APIToken{}, err
	}
	s.mu.Lock()
	s.tokens[t.ID] = t
	s.mu.Unlock()
	return tokenPrefix + id + "_" + secret, t, s.rs.Wrote(ctx)
}

// APITokens returns the actor's own tokens, newest first.
func (s *Service) APITokens(actor hub.Principal) []hub.APIToken {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ts []hub.APIToken
	for _, t := range s.tokens {
		if t.PersonID == actor.PersonID {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b hub.APIToken) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID)) })
	return ts
}

// RevokeAPIToken stops one of the actor's tokens working, at once.
func (s *Service) RevokeAPIToken(ctx context.Context, actor hub.Principal, id string) error {
	if err := hub.Authorize(s.auth, actor, hub.PermTokensManage, actor.OrgID); err != nil {
		return err
	}
	s.mu.RLock()
	t, ok := s.tokens[id]
	s.mu.RUnlock()
	if !ok || t.PersonID != actor.PersonID {
		return hub.Errorf(hub.CodeNotFound, "You have no such API token")
	}
	defer s.rs.BeginWrite()()
	if !t.Revoked.IsZero() {
		return nil
	}
	t.Revoked = s.clock.Now()
	if err := s.change(ctx, actor.PersonID, ActionTokenRevoke, fmt.Sprintf("API token %s (%q) revoked", t.ID, t.Name),
		func() error { return s.store.SaveAPIToken(ctx, t) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.tokens[t.ID] = t
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// Failed attempts with a token: after MaxTokenFailures wrong secrets for one
// token ID within TokenFailureWindow, that token ID is refused for
// TokenLockout, even with the right secret, so that its secret cannot be
// guessed at speed. The attempts are counted in the store, so that every hub
// process behind one address counts them together: five wrong secrets sent
// to any of them within any minute refuse the token ID on all of them.
const (
	MaxTokenFailures   = 5
	TokenFailureWindow = time.Minute
	TokenLockout       = 15 * time.Minute
)

// tokenFailures are the wrong secrets for one token ID as this process knows them.
type tokenFailures struct {
	hub.FixedWindow           // the wrong secrets seen here, when the store cannot count them
	until           time.Time // refused until then, when locked
}

// isTokenID says whether id looks like a token's ID, so that only such text is
// ever repeated back in a message.
func isTokenID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// TokenPrincipal returns who a bearer token acts as, or CodeUnauthorized when
// it is malformed, unknown, revoked or expired, when its token ID is refused
// for a while after too many wrong secrets, or when its person no longer holds
// a role in their organisation.
func (s *Service) TokenPrincipal(ctx context.Context, bearer string) (hub.Principal, error) {
	bad := hub.Errorf(hub.CodeUnauthorized, "The API token is not valid: it may be mistyped, revoked or expired; make a new one on your profile page")
	rest, ok := strings.CutPrefix(bearer, tokenPrefix)
	if !ok {
		return hub.Anonymous, bad
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || !isTokenID(id) {
		return hub.Anonymous, bad
	}
	bad = hub.Errorf(hub.CodeUnauthorized, "The API token %s is not valid: it may be mistyped, revoked or expired; make a new one on your profile page", id)
	now := s.clock.Now()
	if until, locked := s.lockedUntil(id, now); locked {
		return hub.Anonymous, hub.Errorf(hub.CodeUnauthorized, "The API token %s is refused until %s after %d wrong secrets within %s: check the token, then try again",
			id, until.UTC().Format("15:04 (UTC)"), MaxTokenFailures, "a minute")
	}
	s.mu.RLock()
	t, known := s.tokens[id]
	s.mu.RUnlock()
	if !known {
		return hub.Anonymous, bad
	}
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash(secret))) != 1 {
		s.failed(ctx, id, now)
		return hub.Anonymous, bad
	}
	if !t.Active(now) {
		return hub.Anonymous, bad
	}
	p, err := s.people.Principal(t.PersonID, "token")
	if err != nil || p.OrgID != t.OrgID {
		return hub.Anonymous, bad
	}
	if len(p.Grants) == 0 {
		return hub.Anonymous, hub.Errorf(hub.CodeUnauthorized, "The API token %s no longer works: its holder has no role in their organisation now", id)
	}
	p.Scope = t.Scope
	if p.Scope == "" {
		// Made before tokens had scopes: it keeps what it was made with until it expires.
		p.Scope = hub.ScopeAdminister
	}
	return p, nil
}

// lockedUntil says whether a token ID is refused at now after too many wrong
// secrets, and until when. It reads memory only: a token refused by another
// process is known here from the next reload, or from the store at this
// process's next wrong secret for it.
func (s *Service) lockedUntil(id string, now time.Time) (time.Time, bool) {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	f := s.failures[id]
	if f == nil {
		return time.Time{}, false
	}
	if now.Before(f.until) {
		return f.until, true
	}
	if !f.until.IsZero() || f.Ended(now, TokenFailureWindow) {
		delete(s.failures, id)
	}
	return time.Time{}, false
}

// failed counts a wrong secret for a known token ID, in the store with every
// other process's, and refuses the ID for a while when there have been too
// many. When the store cannot count it, this process's own count decides.
func (s *Service) failed(ctx context.Context, id string, now time.Time) {
	s.failMu.Lock()
	f := s.failures[id]
	if f == nil {
		f = &tokenFailures{}
		s.failures[id] = f
	}
	n := f.Count(now, TokenFailureWindow)
	s.failMu.Unlock()
	if shared, err := s.countFailure(ctx, id, now); err == nil {
		n = max(n, shared)
	}
	if n < MaxTokenFailures {
		return
	}
	until := now.Add(TokenLockout)
	defer s.rs.BeginWrite()()
	kept, made, err := s.store.LockToken(ctx, id, now, until)
	if err != nil {
		s.adoptLock(id, until, now)
		return
	}
	s.adoptLock(id, kept, now)
	if made {
		// The other processes learn of the refusal at their next reload, even
		// before their next wrong secret for the ID.
		_ = s.rs.Wrote(ctx)
	}
}

// countFailure keeps a wrong secret for a token ID in the store and returns
// how many were sent within TokenFailureWindow up to now, to any process.
// They are kept in buckets as long as the window: this one's and the last
// one's are enough.
func (s *Service) countFailure(ctx context.Context, id string, now time.Time) (int, error) {
	bucket := now.UnixMilli() / TokenFailureWindow.Milliseconds()
	n, err := s.store.AddTokenFailure(ctx, id, bucket, MaxTokenFailures, now)
	if err != nil || n > MaxTokenFailures {
		return n, err
	}
	before, err := s.store.TokenFailures(ctx, id, bucket-1, MaxTokenFailures)
	if err != nil {
		return 0, err
	}
	for _, at := range before {
		if now.Sub(at) < TokenFailureWindow {
			n++
		}
	}
	return n, nil
}

// adoptLock keeps in memory that a token ID is refused until until, when
// that is still to come at now.
func (s *Service) adoptLock(id string, until, now time.Time) {
	if !now.Before(until) {
		return
	}
	s.failMu.Lock()
	defer s.failMu.Unlock()
	f := s.failures[id]
	if f == nil {
		f = &tokenFailures{}
		s.failures[id] = f
	}
	if until.After(f.until) {
		f.until = until
	}
}

// MaxTokenDays is the longest lifetime of a token, in whole days.
func (s *Service) MaxTokenDays() int { return int(s.cfg.MaxTokenTTL / (24 * time.Hour)) }

// checkTokenDays says what is wrong with a token's lifetime in days, naming
// the number sent and the range allowed.
func (s *Service) checkTokenDays(days int) *hub.Problem {
	most := s.MaxTokenDays()
	switch {
	case days > most:
		return &hub.Problem{Field: "days", Message: fmt.Sprintf("%d days is more than the %d allowed: choose from 1 to %d", days, most, most)}
	case days < 1:
		return &hub.Problem{Field: "days", Message: fmt.Sprintf("%d days is fewer than 1: choose from 1 to %d", days, most)}
	}
	return nil
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return strings.ReplaceAll(base64.RawURLEncoding.EncodeToString(b), "_", "-")
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
