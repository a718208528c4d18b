package devprovider

import (
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Errors reported by the sign-in page; their messages are shown to the user.
var (
	errUnknownAuthRequest = errors.New("this sign-in request is unknown or has expired; start signing in again from the application")
	errAuthRequestDone    = errors.New("this sign-in request has already been completed; start signing in again from the application")
	errUnknownPerson      = errors.New("the chosen person is not one of the demo people of this provider")
)

// errUnsupported is the parent of the errors returned for features the
// provider does not offer.
var errUnsupported = errors.New("not supported by the development identity provider")

// storage is the in-memory op.Storage of the provider. Clients, people and
// keys are fixed at start; auth requests, codes and access tokens are guarded
// by mu.
type storage struct {
	clients  map[string]*client
	people   map[string]Person
	loginURL string
	signing  signingKey

	mu           sync.Mutex
	authRequests map[string]*authRequest
	codes        map[string]string // code -> auth request ID
	accessTokens map[string]*accessToken
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

// accessToken is an issued access token, looked up by its ID.
type accessToken struct {
	id       string
	subject  string
	clientID string
	audience []string
	scopes   []string
	expires  time.Time
}

func newStorage(people []Person, clients []Client, loginURL string, key *rsa.PrivateKey) *storage {
	s := &storage{
		clients:      make(map[string]*client, len(clients)),
		people:       make(map[string]Person, len(people)),
		loginURL:     loginURL,
		signing:      signingKey{id: randomID(), key: key},
		authRequests: make(map[string]*authRequest),
		codes:        make(map[string]string),
		accessTokens: make(map[string]*accessToken),
	}
	for _, c := range clients {
		s.clients[c.ID] = &client{
			id:           c.ID,
			secret:       c.Secret,
			redirectURIs: slices.Clone(c.RedirectURIs),
			loginURL:     loginURL,
		}
	}
	for _, person := range people {
		s.people[person.Subject] = person
	}
	return s
}

// pruneLocked drops expired auth requests, codes and access tokens. The
// caller holds s.mu.
func (s *storage) pruneLocked(now time.Time) {
	for id, req := range s.authRequests {
		if now.After(req.expires) {
			s.deleteAuthRequestLocked(id)
		}
	}
	for id, token := range s.accessTokens {
		if now.After(token.expires) {
			delete(s.accessTokens, id)
		}
	}
}

// deleteAuthRequestLocked removes an auth request and its code. The caller
// holds s.mu.
func (s *storage) deleteAuthRequestLocked(id string) {
	if req, ok := s.authRequests[id]; ok && req.code != "" {
		delete(s.codes, req.code)
	}
	delete(s.authRequests, id)
}

// liveAuthRequestLocked returns the unexpired auth request with the given ID.
// The caller holds s.mu.
func (s *storage) liveAuthRequestLocked(id string) (*authRequest, bool) {
	req, ok := s.authRequests[id]
	if !ok {
		return nil, false
	}
	if time.Now().After(req.expires) {
		s.deleteAuthRequestLocked(id)
		return nil, false
	}
	return req, true
}

// pendingAuthRequest returns a snapshot of the auth request awaiting sign-in
// with the given ID, for the sign-in page.
func (s *storage) pendingAuthRequest(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveAuthRequestLocked(id)
	if !ok {
		return nil, errUnknownAuthRequest
	}
	if req.Done() {
		return nil, errAuthRequestDone
	}
	return req.snapshot(), nil
}

// completeLogin marks the auth request as signed in by the person with the
// given subject.
func (s *storage) completeLogin(id, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveAuthRequestLocked(id)
	if !ok {
		return errUnknownAuthRequest
	}
	if req.Done() {
		return errAuthRequestDone
	}
	if _, ok := s.people[subject]; !ok {
		return errUnknownPerson
	}
	req.subject = subject
	req.authTime = time.Now().UTC()
	return nil
}

// CreateAuthRequest stores a validated authorization request (the op package
// has already checked the client, redirect URI and response type). PKCE with
// S256 is required, and prompt=none is refused since signing in always needs the
// sign-in page.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send a code_challenge with code_challenge_method=S256")
	}
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired().WithDescription("the development identity provider always needs the sign-in page")
	}
	now := time.Now().UTC()
	stored := &authRequest{
		id:           randomID(),
		clientID:     req.ClientID,
		redirectURI:  req.RedirectURI,
		state:        req.State,
		nonce:        req.Nonce,
		scopes:       slices.Clone([]string(req.Scopes)),
		responseType: req.ResponseType,
		responseMode: req.ResponseMode,
		challenge: &oidc.CodeChallenge{
			Challenge: req.CodeChallenge,
			Method:    req.CodeChallengeMethod,
		},
		expires: now.Add(authRequestLifetime),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	s.authRequests[stored.id] = stored
	return stored.snapshot(), nil
}

// AuthRequestByID returns the unexpired auth request with the given ID.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveAuthRequestLocked(id)
	if !ok {
		return nil, oidc.ErrInvalidRequest().WithDescription("%s", errUnknownAuthRequest)
	}
	return req.snapshot(), nil
}

// AuthRequestByCode returns the signed-in auth request the code was issued
// for, while it has not expired or been exchanged.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errors.New("unknown, expired or already used authorization code")
	}
	req, ok := s.liveAuthRequestLocked(id)
	if !ok || !req.Done() {
		return nil, errors.New("unknown, expired or already used authorization code")
	}
	return req.snapshot(), nil
}

// SaveAuthCode records the authorization code issued for an auth request. A
// request has at most one code.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	req, ok := s.liveAuthRequestLocked(id)
	if !ok {
		return oidc.ErrInvalidRequest().WithDescription("%s", errUnknownAuthRequest)
	}
	if req.code != "" {
		delete(s.codes, req.code)
	}
	req.code = code
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest removes an auth request and its code, which makes the
// code single-use.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteAuthRequestLocked(id)
	return nil
}

// CreateAccessToken stores a new opaque access token for the request.
func (s *storage) CreateAccessToken(_ context.Context, request op.TokenRequest) (string, time.Time, error) {
	req, ok := request.(*authRequest)
	if !ok {
		return "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("only the authorization code grant is supported").WithParent(errUnsupported)
	}
	now := time.Now().UTC()
	token := &accessToken{
		id:       randomID(),
		subject:  req.GetSubject(),
		clientID: req.GetClientID(),
		audience: req.GetAudience(),
		scopes:   slices.Clone(req.GetScopes()),
		expires:  now.Add(accessTokenLifetime),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	s.accessTokens[token.id] = token
	return token.id, token.expires, nil
}

// CreateAccessAndRefreshTokens is not supported: the provider issues no
// refresh tokens.
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not supported").WithParent(errUnsupported)
}

// TokenRequestByRefreshToken is not supported: the provider issues no
// refresh tokens.
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, oidc.ErrInvalidGrant().WithDescription("refresh tokens are not supported").WithParent(errUnsupported)
}

// TerminateSession revokes the access tokens of the user issued to the client.
// The provider keeps no sign-in session, so there is nothing else to end.
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, token := range s.accessTokens {
		if token.subject == userID && token.clientID == clientID {
			delete(s.accessTokens, id)
		}
	}
	return nil
}

// RevokeToken revokes an access token issued to the client. Unknown tokens
// are ignored, as RFC 7009 asks.
func (s *storage) RevokeToken(_ context.Context, tokenOrTokenID, userID, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	token, ok := s.accessTokens[tokenOrTokenID]
	if !ok {
		return nil
	}
	if token.clientID != clientID || (userID != "" && token.subject != userID) {
		return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
	}
	delete(s.accessTokens, tokenOrTokenID)
	return nil
}

// GetRefreshTokenInfo reports every token as not being a refresh token.
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// SigningKey returns the RS256 key generated at start.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return s.signing, nil
}

// SignatureAlgorithms returns RS256, the only algorithm used.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet returns the public half of the signing key.
func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{id: s.signing.id, key: &s.signing.key.PublicKey}}, nil
}

// GetClientByClientID returns the registered client with the given ID.
func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	c, ok := s.clients[clientID]
	if !ok {
		return nil, errors.New("unknown client " + clientID)
	}
	return c, nil
}

// AuthorizeClientIDSecret checks a client's secret in constant time.
func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, clientSecret string) error {
	c, ok := s.clients[clientID]
	if !ok || subtle.ConstantTimeCompare([]byte(c.secret), []byte(clientSecret)) != 1 {
		return errors.New("unknown client or wrong client secret")
	}
	return nil
}

// SetUserinfoFromScopes is left empty, as the op package asks; the claims
// are set by SetUserinfoFromRequest.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest sets the ID token claims of the signed-in person
// that the scopes allow.
func (s *storage) SetUserinfoFromRequest(_ context.Context, userinfo *oidc.UserInfo, request op.IDTokenRequest, scopes []string) error {
	return s.setUserinfo(userinfo, request.GetSubject(), scopes)
}

// SetUserinfoFromToken sets the userinfo claims for an access token.
func (s *storage) SetUserinfoFromToken(_ context.Context, userinfo *oidc.UserInfo, tokenID, subject, _ string) error {
	token, ok := s.liveAccessToken(tokenID)
	if !ok || token.subject != subject {
		return errors.New("access token is unknown, expired or revoked")
	}
	return s.setUserinfo(userinfo, token.subject, token.scopes)
}

// SetIntrospectionFromToken describes an access token issued to the client
// asking; any other token is reported inactive.
func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	token, ok := s.liveAccessToken(tokenID)
	if !ok || token.subject != subject || !slices.Contains(token.audience, clientID) {
		return errors.New("access token is unknown, expired, revoked or not for this client")
	}
	userinfo := new(oidc.UserInfo)
	if err := s.setUserinfo(userinfo, token.subject, token.scopes); err != nil {
		return err
	}
	resp.SetUserInfo(userinfo)
	resp.Active = true
	resp.Scope = token.scopes
	resp.ClientID = token.clientID
	resp.Audience = token.audience
	resp.Expiration = oidc.FromTime(token.expires)
	return nil
}

// GetPrivateClaimsFromScopes adds no private claims.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID is not supported: clients authenticate with secrets
// only, so there are no client keys.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, oidc.ErrInvalidClient().WithDescription("JWT client authentication is not supported").WithParent(errUnsupported)
}

// ValidateJWTProfileScopes is not supported: the JWT profile grant is not
// offered.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, oidc.ErrUnsupportedGrantType().WithDescription("the JWT profile grant is not supported").WithParent(errUnsupported)
}

// Health reports the storage as always healthy.
func (s *storage) Health(context.Context) error {
	return nil
}

// liveAccessToken returns a copy of the unexpired access token with the
// given ID.
func (s *storage) liveAccessToken(id string) (accessToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	token, ok := s.accessTokens[id]
	if !ok || time.Now().After(token.expires) {
		return accessToken{}, false
	}
	return *token, true
}

// setUserinfo fills the claims of the person with the given subject that the
// scopes allow: name for profile, email and email_verified for email.
func (s *storage) setUserinfo(userinfo *oidc.UserInfo, subject string, scopes []string) error {
	person, ok := s.people[subject]
	if !ok {
		return errors.New("unknown subject " + subject)
	}
	userinfo.Subject = person.Subject
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeProfile:
			userinfo.Name = person.Name
		case oidc.ScopeEmail:
			if person.Email != "" {
				userinfo.Email = person.Email
				userinfo.EmailVerified = true
			}
		}
	}
	return nil
}

// signingKey is the private RS256 key used to sign tokens.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

// SignatureAlgorithm returns RS256.
func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Key returns the private key.
func (k signingKey) Key() any { return k.key }

// ID returns the key ID.
func (k signingKey) ID() string { return k.id }

// publicKey is the public half of the signing key, published at the keys
// endpoint.
type publicKey struct {
	id  string
	key *rsa.PublicKey
}

// ID returns the key ID.
func (k publicKey) ID() string { return k.id }

// Algorithm returns RS256.
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Use returns "sig": the key verifies signatures.
func (k publicKey) Use() string { return "sig" }

// Key returns the public key.
func (k publicKey) Key() any { return k.key }
