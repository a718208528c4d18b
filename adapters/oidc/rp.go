// Package oidc signs people in with OpenID Connect: the hub is a relying
// party of each organisation's identity provider, using the authorization
// code flow with PKCE, state and nonce. The provider is chosen from the
// sign-in address, never from the token.
package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/partnership/equalityhub/hub"
)

// Attempt is a sign-in in progress, kept in the person's short-lived sign-in
// cookie between the redirect to the provider and the callback. State and
// nonce are compared with what comes back; the organisation and provider must
// match the callback address; the return address is checked again on use.
type Attempt struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	OrgID    string    `json:"o"`
	IssuerID string    `json:"i"`
	ReturnTo string    `json:"r"`
	Started  time.Time `json:"t"`
}

// Identity is who the provider vouched for.
type Identity struct {
	Issuer  string
	Subject string
	Name    string
	Email   string
}

// RelyingParty talks to the identity providers bound to organisations.
type RelyingParty struct {
	baseURL string
	client  *http.Client
	maxAge  time.Duration

	mu        sync.Mutex
	providers map[string]*oidc.Provider // by issuer URL
	used      map[string]time.Time      // states already finished, until they expire
}

// New returns a relying party for a hub reached at baseURL. Sign-ins must
// finish within maxAge.
func New(baseURL string, client *http.Client, maxAge time.Duration) *RelyingParty {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &RelyingParty{baseURL: baseURL, client: client, maxAge: maxAge, providers: map[string]*oidc.Provider{}, used: map[string]time.Time{}}
}

// CallbackPath is the path of the redirect address registered with an identity provider.
func CallbackPath(orgID, issuerID string) string {
	return "/auth/" + url.PathEscape(orgID) + "/" + url.PathEscape(issuerID) + "/callback"
}

func (rp *RelyingParty) provider(ctx context.Context, o hub.Organisation, is hub.Issuer) (*oidc.Provider, error) {
	rp.mu.Lock()
	p, ok := rp.providers[is.URL]
	rp.mu.Unlock()
	if ok {
		return p, nil
	}
	// The provider keeps the context for fetching its keys later, so it gets
	// one that outlives this request.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), rp.client)
	p, err := oidc.NewProvider(pctx, is.URL)
	if err != nil {
		return nil, &hub.Error{Code: hub.CodeUnavailable, Message: o.Name + "'s identity provider cannot be reached just now: try again in a few minutes, or tell the hub's administrator", Err: err}
	}
	rp.mu.Lock()
	rp.providers[is.URL] = p
	rp.mu.Unlock()
	return p, nil
}

func (rp *RelyingParty) oauth2Config(p *oidc.Provider, o hub.Organisation, is hub.Issuer) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     is.ClientID,
		ClientSecret: is.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  rp.baseURL + CallbackPath(o.ID, is.ID),
		Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
	}
}

// Begin starts a sign-in with one of an organisation's identity providers and
// returns the provider's address to send the person to.
func (rp *RelyingParty) Begin(ctx context.Context, o hub.Organisation, is hub.Issuer, returnTo string, now time.Time) (string, Attempt, error) {
	p, err := rp.provider(ctx, o, is)
	if err != nil {
		return "", Attempt{}, err
	}
	a := Attempt{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), OrgID: o.ID, IssuerID: is.ID, ReturnTo: returnTo, Started: now}
	u := rp.oauth2Config(p, o, is).AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier))
	return u, a, nil
}

func refused(msg string, err error) error {
	return &hub.Error{Code: hub.CodeUnauthorized, Message: msg, Err: err}
}

// Finish completes a sign-in from the provider's callback: it checks the
// state, exchanges the code with the PKCE verifier, and verifies the ID token
// (signature, issuer, audience, expiry, nonce).
func (rp *RelyingParty) Finish(ctx context.Context, o hub.Organisation, is hub.Issuer, a Attempt, q url.Values, now time.Time) (Identity, error) {
	if a.State == "" {
		return Identity{}, refused("The sign-in had expired or was started in another browser: start again", nil)
	}
	if a.OrgID != o.ID || a.IssuerID != is.ID {
		return Identity{}, refused("The sign-in came back from a different identity provider than it went to: start again", nil)
	}
	if now.Sub(a.Started) > rp.maxAge {
		return Identity{}, refused("The sign-in took too long and has expired: start again", nil)
	}
	if q.Get("state") != a.State {
		return Identity{}, refused("The sign-in could not be matched to this browser (the state did not match): start again", nil)
	}
	if e := q.Get("error"); e != "" {
		msg := "The identity provider did not sign you in"
		if e == "access_denied" {
			msg = "You cancelled the sign-in, or the identity provider refused it"
		}
		return Identity{}, refused(msg, errors.New(e+": "+q.Get("error_description")))
	}
	if !rp.markUsed(a.State, now) {
		return Identity{}, refused("This sign-in has already been used: start again", nil)
	}
	p, err := rp.provider(ctx, o, is)
	if err != nil {
		return Identity{}, err
	}
	ctx = oidc.ClientContext(ctx, rp.client)
	tok, err := rp.oauth2Config(p, o, is).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(a.Verifier))
	if err != nil {
		return Identity{}, refused("The identity provider would not confirm the sign-in: start again", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, refused("The identity provider sent no ID token", nil)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: is.ClientID, Now: func() time.Time { return now }}).Verify(ctx, raw)
	if err != nil {
		return Identity{}, refused("The identity provider's token could not be verified: start again", err)
	}
	if idt.Nonce != a.Nonce {
		return Identity{}, refused("The identity provider's token was not issued for this sign-in (the nonce did not match)", nil)
	}
	var claims struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, refused("The identity provider's token could not be read", err)
	}
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, Name: claims.Name, Email: claims.Email}, nil
}

// markUsed records a finished state, refusing one seen before.
func (rp *RelyingParty) markUsed(state string, now time.Time) bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	for s, t := range rp.used {
		if now.Sub(t) > rp.maxAge {
			delete(rp.used, s)
		}
	}
	if _, seen := rp.used[state]; seen {
		return false
	}
	rp.used[state] = now
	return true
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
