// Package devprovider runs a development OpenID Connect provider in-process.
//
// The provider is a real OpenID Connect provider built on the
// github.com/zitadel/oidc/v3/pkg/op package, which implements discovery and the
// authorize, token, keys and userinfo endpoints. This package supplies an
// in-memory storage for it and a sign-in page that lists a fixed set of demo
// people: choosing one signs the browser in as that person, without a
// password.
//
// It supports the authorization code flow only, with PKCE (S256) required,
// client_secret_basic and client_secret_post client authentication, and the
// openid, profile and email scopes. ID tokens are signed with RS256 using a key
// generated when the provider starts. Nothing is persisted: every start gets a
// new signing key, and all pending sign-ins and tokens are held in memory.
//
// It is meant for the hub's demo mode and for tests; it must never stand in for
// a real identity provider, since anyone who can reach it can sign in as any
// demo person.
package devprovider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	// authRequestLifetime bounds how long a pending sign-in and its
	// authorization code stay usable.
	authRequestLifetime = 10 * time.Minute
	// idTokenLifetime is the validity of issued ID tokens.
	idTokenLifetime = 5 * time.Minute
	// accessTokenLifetime is the validity of issued access tokens.
	accessTokenLifetime = 5 * time.Minute
	// shutdownTimeout bounds the graceful shutdown in Close.
	shutdownTimeout = 5 * time.Second
	// loginPath is the path of the sign-in page, relative to the issuer.
	loginPath = "/login"
	// defaultAddr is the listen address used when Config.Addr is empty.
	defaultAddr = "127.0.0.1:0"
	// defaultTitle is the sign-in page heading used when Config.Title is empty.
	defaultTitle = "Development sign-in"
)

// Person is a demo person the provider can sign in.
type Person struct {
	Subject     string // stable subject identifier, e.g. "county-forum"
	Name        string // display name, e.g. "Priya Shah"
	Email       string
	Description string // shown on the sign-in page, e.g. "Equality forum member, Northshire County Council"
}

// Client is a relying party registered with the provider.
type Client struct {
	ID           string
	Secret       string
	RedirectURIs []string
}

// Config configures a provider.
type Config struct {
	// Addr is the listen address, e.g. "127.0.0.1:0". When empty,
	// "127.0.0.1:0" is used. Unless Issuer is set, the issuer URL is
	// http://<actual address><PathPrefix>.
	Addr string
	// Issuer is an optional explicit issuer URL, used when the provider is
	// reached through the hub on a path (see Provider.Handler). When empty, it
	// is derived from the listener and PathPrefix. The path of the issuer is
	// the path under which every endpoint is served.
	Issuer string
	// PathPrefix is an optional path, e.g. "/dev-idp", under which the
	// provider serves its endpoints when Issuer is empty. When Issuer is set,
	// PathPrefix must be empty or equal to the issuer's path.
	PathPrefix string
	// Title is the heading on the sign-in page, e.g. "Northshire County
	// Council (development sign-in)".
	Title string
	// Stylesheet is an optional same-site path of a stylesheet for the
	// sign-in page, e.g. the hub's "/assets/app.css", whose GOV.UK Frontend
	// classes the page uses.
	Stylesheet string
	// People are the demo people offered on the sign-in page, in that order.
	People []Person
	// Clients are the relying parties allowed to use the provider.
	Clients []Client
	// Logger receives sign-in and server events. It may be nil.
	Logger *slog.Logger
}

// Provider is a running provider.
type Provider struct {
	issuer  string
	prefix  string
	title   string
	style   string
	people  []Person
	logger  *slog.Logger
	storage *storage
	op      *op.Provider
	handler http.Handler
	server  *http.Server

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
	served    chan struct{}
}

// New builds a provider that serves through Handler only, for mounting in
// another server at the path of cfg.Issuer, which must be set.
func New(cfg Config) (*Provider, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("devprovider: New needs an explicit issuer")
	}
	if err := validateConfig(cfg); err != nil {
		return nil, err
	}
	issuer, prefix, err := resolveIssuer(cfg, "")
	if err != nil {
		return nil, err
	}
	return build(cfg, issuer, prefix)
}

// Start validates cfg, listens on cfg.Addr and serves the provider in a
// goroutine. The provider shuts down when Close is called or when ctx is
// cancelled, whichever happens first.
func Start(ctx context.Context, cfg Config) (*Provider, error) {
	if err := validateConfig(cfg); err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = defaultAddr
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("devprovider: listen on %s: %w", addr, err)
	}
	issuer, prefix, err := resolveIssuer(cfg, ln.Addr().String())
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	p, err := build(cfg, issuer, prefix)
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	p.server = &http.Server{
		Handler:           p.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(p.logger.Handler(), slog.LevelError),
	}
	go func() {
		defer close(p.served)
		if err := p.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.logger.Error("development identity provider stopped serving", "issuer", issuer, "error", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = p.Close()
		case <-p.closed:
		}
	}()
	p.logger.Info("development identity provider started", "issuer", issuer)
	return p, nil
}

// build makes the provider's storage, protocol handler and routes.
func build(cfg Config, issuer, prefix string) (*Provider, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	title := cfg.Title
	if title == "" {
		title = defaultTitle
	}
	signingKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devprovider: generate signing key: %w", err)
	}
	p := &Provider{
		issuer: issuer,
		prefix: prefix,
		title:  title,
		style:  cfg.Stylesheet,
		people: append([]Person(nil), cfg.People...),
		logger: logger,
		closed: make(chan struct{}),
		served: make(chan struct{}),
	}
	p.storage = newStorage(cfg.People, cfg.Clients, issuer+loginPath, signingKey)
	opConfig := &op.Config{
		CryptoKey:       [32]byte(randomBytes(32)),
		CodeMethodS256:  true,
		AuthMethodPost:  true,
		SupportedScopes: []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail},
		SupportedClaims: []string{
			"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp",
			"at_hash", "c_hash", "name", "email", "email_verified",
		},
	}
	p.op, err = op.NewProvider(opConfig, p.storage, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("devprovider: create provider: %w", err)
	}
	p.handler = p.routes()
	return p, nil
}

// Issuer returns the issuer URL of the provider. Discovery is served at the
// issuer URL followed by /.well-known/openid-configuration.
func (p *Provider) Issuer() string {
	return p.issuer
}

// Handler returns the HTTP handler of the provider, the same one the provider
// serves on its own listener. It serves full request paths, including the
// issuer's path, so the hub can mount it on a mux at that path (for an issuer
// of http://host/dev-idp, at "/dev-idp/") without stripping the prefix.
func (p *Provider) Handler() http.Handler {
	return p.handler
}

// Close shuts the provider down gracefully, waiting a few seconds at most for
// requests in flight. It is safe to call more than once.
func (p *Provider) Close() error {
	p.closeOnce.Do(func() {
		close(p.closed)
		if p.server == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := p.server.Shutdown(ctx); err != nil {
			p.closeErr = errors.Join(err, p.server.Close())
		}
		<-p.served
		p.logger.Info("development identity provider stopped", "issuer", p.issuer)
	})
	return p.closeErr
}

// routes builds the handler: the sign-in page at <prefix>/login and the
// OpenID Connect endpoints of the op package under <prefix>.
func (p *Provider) routes() http.Handler {
	inner := http.NewServeMux()
	inner.HandleFunc(loginPath, p.serveLogin)
	inner.Handle("/", p.op)
	if p.prefix == "" {
		return inner
	}
	outer := http.NewServeMux()
	outer.Handle(p.prefix+"/", http.StripPrefix(p.prefix, inner))
	return outer
}

// resolveIssuer returns the issuer URL and the path prefix the endpoints are
// served under, from the configuration and the actual listen address.
func resolveIssuer(cfg Config, listenAddr string) (issuer, prefix string, err error) {
	prefix, err = normalizePrefix(cfg.PathPrefix)
	if err != nil {
		return "", "", err
	}
	if cfg.Issuer == "" {
		return "http://" + listenAddr + prefix, prefix, nil
	}
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", fmt.Errorf("devprovider: issuer %q is not an absolute http(s) URL", cfg.Issuer)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("devprovider: issuer %q must not have a query or fragment", cfg.Issuer)
	}
	issuerPrefix, err := normalizePrefix(u.Path)
	if err != nil {
		return "", "", err
	}
	if cfg.PathPrefix != "" && prefix != issuerPrefix {
		return "", "", fmt.Errorf("devprovider: path prefix %q differs from the issuer's path %q", cfg.PathPrefix, u.Path)
	}
	return strings.TrimSuffix(cfg.Issuer, "/"), issuerPrefix, nil
}

// normalizePrefix returns prefix with one leading slash and no trailing
// slash, or "" for an empty or root prefix.
func normalizePrefix(prefix string) (string, error) {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return "", nil
	}
	if strings.ContainsAny(prefix, "?#") {
		return "", fmt.Errorf("devprovider: path prefix %q must be a plain path", prefix)
	}
	return "/" + prefix, nil
}

// validateConfig reports configuration mistakes before anything is started.
func validateConfig(cfg Config) error {
	if len(cfg.People) == 0 {
		return errors.New("devprovider: no people configured")
	}
	if len(cfg.Clients) == 0 {
		return errors.New("devprovider: no clients configured")
	}
	subjects := make(map[string]bool, len(cfg.People))
	for i, person := range cfg.People {
		if person.Subject == "" {
			return fmt.Errorf("devprovider: person %d has no subject", i)
		}
		if person.Name == "" {
			return fmt.Errorf("devprovider: person %q has no name", person.Subject)
		}
		if subjects[person.Subject] {
			return fmt.Errorf("devprovider: subject %q is configured twice", person.Subject)
		}
		subjects[person.Subject] = true
	}
	ids := make(map[string]bool, len(cfg.Clients))
	for i, client := range cfg.Clients {
		if client.ID == "" {
			return fmt.Errorf("devprovider: client %d has no ID", i)
		}
		if client.Secret == "" {
			return fmt.Errorf("devprovider: client %q has no secret", client.ID)
		}
		if ids[client.ID] {
			return fmt.Errorf("devprovider: client %q is configured twice", client.ID)
		}
		ids[client.ID] = true
		if len(client.RedirectURIs) == 0 {
			return fmt.Errorf("devprovider: client %q has no redirect URIs", client.ID)
		}
		for _, uri := range client.RedirectURIs {
			u, err := url.Parse(uri)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" {
				return fmt.Errorf("devprovider: client %q has an invalid redirect URI %q", client.ID, uri)
			}
		}
	}
	return nil
}

// randomBytes returns n bytes from the system's secure random source.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error.
	return b
}

// randomID returns an unguessable identifier suitable for URLs and forms.
func randomID() string {
	return rand.Text()
}
