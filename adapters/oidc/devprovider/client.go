package devprovider

import (
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// client is a registered relying party as the op package sees it: a
// confidential web application using the authorization code flow with a
// client secret.
type client struct {
	id           string
	secret       string
	redirectURIs []string
	loginURL     string
}

var _ op.Client = (*client)(nil)

// GetID returns the client ID.
func (c *client) GetID() string { return c.id }

// RedirectURIs returns the registered redirect URIs, matched exactly.
func (c *client) RedirectURIs() []string { return slices.Clone(c.redirectURIs) }

// PostLogoutRedirectURIs returns none: no post-logout redirects are
// registered.
func (c *client) PostLogoutRedirectURIs() []string { return nil }

// ApplicationType returns the web (confidential) application type.
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }

// AuthMethod returns client_secret_basic. The op package also accepts the
// secret in the form body (client_secret_post), which the provider enables.
func (c *client) AuthMethod() oidc.AuthMethod { return oidc.AuthMethodBasic }

// ResponseTypes returns the code response type only.
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

// GrantTypes returns the authorization code grant only.
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode}
}

// LoginURL returns the URL of the sign-in page for the auth request.
func (c *client) LoginURL(authRequestID string) string {
	return c.loginURL + "?" + url.Values{loginRequestField: {authRequestID}}.Encode()
}

// AccessTokenType returns bearer: access tokens are opaque.
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }

// IDTokenLifetime returns the validity of ID tokens.
func (c *client) IDTokenLifetime() time.Duration { return idTokenLifetime }

// DevMode returns true, which lets the client use plain http redirect URIs
// (such as loopback ones); they must still match a registered URI exactly.
func (c *client) DevMode() bool { return true }

// RestrictAdditionalIdTokenScopes keeps all scopes.
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// RestrictAdditionalAccessTokenScopes keeps all scopes.
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// IsScopeAllowed allows no scopes beyond the standard ones.
func (c *client) IsScopeAllowed(string) bool { return false }

// IDTokenUserinfoClaimsAssertion returns true, so the ID token carries the
// name and email claims even though an access token is issued too.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

// ClockSkew returns zero.
func (c *client) ClockSkew() time.Duration { return 0 }

// authRequest is a stored authorization request. The storage hands out
// snapshots (see snapshot) so the op package never reads a value that is
// being changed.
type authRequest struct {
	id           string
	clientID     string
	redirectURI  string
	state        string
	nonce        string
	scopes       []string
	responseType oidc.ResponseType
	responseMode oidc.ResponseMode
	challenge    *oidc.CodeChallenge
	subject      string
	authTime     time.Time
	code         string
	expires      time.Time
}

var _ op.AuthRequest = (*authRequest)(nil)

// snapshot returns a copy of the request.
func (r *authRequest) snapshot() *authRequest {
	c := *r
	if r.challenge != nil {
		challenge := *r.challenge
		c.challenge = &challenge
	}
	return &c
}

// GetID returns the request ID.
func (r *authRequest) GetID() string { return r.id }

// GetACR returns no authentication context class.
func (r *authRequest) GetACR() string { return "" }

// GetAMR returns no authentication methods: choosing a demo person is not an
// authentication method registered for the amr claim.
func (r *authRequest) GetAMR() []string { return nil }

// GetAudience returns the client ID.
func (r *authRequest) GetAudience() []string { return []string{r.clientID} }

// GetAuthTime returns when the person was signed in.
func (r *authRequest) GetAuthTime() time.Time { return r.authTime }

// GetClientID returns the client ID.
func (r *authRequest) GetClientID() string { return r.clientID }

// GetCodeChallenge returns the PKCE challenge.
func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return r.challenge }

// GetNonce returns the nonce, put in the ID token.
func (r *authRequest) GetNonce() string { return r.nonce }

// GetRedirectURI returns the redirect URI of the request.
func (r *authRequest) GetRedirectURI() string { return r.redirectURI }

// GetResponseType returns the response type.
func (r *authRequest) GetResponseType() oidc.ResponseType { return r.responseType }

// GetResponseMode returns the requested response mode.
func (r *authRequest) GetResponseMode() oidc.ResponseMode { return r.responseMode }

// GetScopes returns the granted scopes.
func (r *authRequest) GetScopes() []string { return r.scopes }

// GetState returns the state, passed back to the client.
func (r *authRequest) GetState() string { return r.state }

// GetSubject returns the subject of the signed-in person, or "" before
// sign-in.
func (r *authRequest) GetSubject() string { return r.subject }

// Done reports whether a person has been signed in for the request.
func (r *authRequest) Done() bool { return r.subject != "" }
