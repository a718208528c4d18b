package devprovider_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/oauth2"

	"github.com/partnership/equalityhub/adapters/oidc/devprovider"
)

const (
	testClientID     = "equality-hub"
	testClientSecret = "hub-secret"
	testRedirectURI  = "http://127.0.0.1:8123/auth/callback"
)

var testPeople = []devprovider.Person{
	{
		Subject:     "county-forum",
		Name:        "Priya Shah",
		Email:       "priya.shah@northshire.example",
		Description: "Equality forum member, Northshire County Council",
	},
	{
		Subject:     "health-lead",
		Name:        "Tom Okafor",
		Email:       "tom.okafor@nhs.example",
		Description: "Inclusion lead, Northshire Health Trust",
	},
}

// startProvider starts a provider on a free loopback port and closes it when
// the test ends.
func startProvider(t *testing.T) *devprovider.Provider {
	t.Helper()
	p, err := devprovider.Start(t.Context(), devprovider.Config{
		Addr:       "127.0.0.1:0",
		Title:      "Northshire County Council (development sign-in)",
		Stylesheet: "/assets/app.css",
		People:     testPeople,
		Clients: []devprovider.Client{{
			ID:           testClientID,
			Secret:       testClientSecret,
			RedirectURIs: []string{testRedirectURI},
		}},
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// relyingParty is the client side of a flow: the discovered provider, the
// OAuth2 configuration and a browser-like HTTP client.
type relyingParty struct {
	provider *oidc.Provider
	config   oauth2.Config
	browser  *http.Client
}

// newRelyingParty discovers the provider and returns a relying party that
// uses redirectURI. Its browser follows redirects except those to
// redirectURI's host, which it stops at.
func newRelyingParty(t *testing.T, p *devprovider.Provider, redirectURI string, style oauth2.AuthStyle) *relyingParty {
	t.Helper()
	provider, err := oidc.NewProvider(t.Context(), p.Issuer())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = style
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	rpURL, err := url.Parse(redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	return &relyingParty{
		provider: provider,
		config: oauth2.Config{
			ClientID:     testClientID,
			ClientSecret: testClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  redirectURI,
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
		},
		browser: &http.Client{
			Jar: jar,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if req.URL.Host == rpURL.Host {
					return http.ErrUseLastResponse
				}
				if len(via) >= 10 {
					return errors.New("too many redirects")
				}
				return nil
			},
		},
	}
}

// flow holds the secrets of one authorization request.
type flow struct {
	state    string
	nonce    string
	verifier string
}

func newFlow() flow {
	return flow{
		state:    "state-" + oauth2.GenerateVerifier()[:12],
		nonce:    "nonce-" + oauth2.GenerateVerifier()[:12],
		verifier: oauth2.GenerateVerifier(),
	}
}

// authURL builds the authorize URL with PKCE (S256) and a nonce.
func (rp *relyingParty) authURL(f flow) string {
	return rp.config.AuthCodeURL(f.state,
		oauth2.S256ChallengeOption(f.verifier),
		oauth2.SetAuthURLParam("nonce", f.nonce))
}

// signInPage is the parsed sign-in page.
type signInPage struct {
	url    *url.URL
	header http.Header
	body   string
	forms  []signInForm
}

// signInForm is one form of the sign-in page.
type signInForm struct {
	action string
	fields url.Values
	button string
}

// openSignInPage starts the flow and follows it to the sign-in page.
func (rp *relyingParty) openSignInPage(t *testing.T, f flow) signInPage {
	t.Helper()
	resp, err := rp.browser.Get(rp.authURL(f))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize ended with %s at %s: %s", resp.Status, resp.Request.URL, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("sign-in page content type = %q", ct)
	}
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse sign-in page: %v", err)
	}
	return signInPage{url: resp.Request.URL, header: resp.Header, body: string(body), forms: parseForms(doc)}
}

// form returns the form that signs in the person with the given subject.
func (pg signInPage) form(t *testing.T, subject string) signInForm {
	t.Helper()
	for _, f := range pg.forms {
		if f.fields.Get("subject") == subject {
			return f
		}
	}
	t.Fatalf("no sign-in form for %q in page:\n%s", subject, pg.body)
	return signInForm{}
}

// submit posts form, as a browser would, and returns the response.
func (rp *relyingParty) submit(t *testing.T, pg signInPage, form signInForm) *http.Response {
	t.Helper()
	action, err := pg.url.Parse(form.action)
	if err != nil {
		t.Fatalf("form action %q: %v", form.action, err)
	}
	resp, err := rp.browser.PostForm(action.String(), form.fields)
	if err != nil {
		t.Fatalf("post sign-in form: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// signIn drives the flow up to the redirect back to the relying party and
// returns the code, checking the state.
func (rp *relyingParty) signIn(t *testing.T, f flow, subject string) string {
	t.Helper()
	pg := rp.openSignInPage(t, f)
	resp := rp.submit(t, pg, pg.form(t, subject))
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("sign-in ended with %s, want a redirect to the relying party: %s", resp.Status, body)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("redirect location: %v", err)
	}
	want, _ := url.Parse(rp.config.RedirectURL)
	if loc.Scheme != want.Scheme || loc.Host != want.Host || loc.Path != want.Path {
		t.Fatalf("redirected to %s, want %s", loc, want)
	}
	q := loc.Query()
	if e := q.Get("error"); e != "" {
		t.Fatalf("redirected with error %q: %q", e, q.Get("error_description"))
	}
	if got := q.Get("state"); got != f.state {
		t.Errorf("state = %q, want %q", got, f.state)
	}
	code := q.Get("code")
	if code == "" {
		t.Fatalf("no code in redirect %s", loc)
	}
	return code
}

// parseForms collects every form in the document with its action, its
// input values and its button text.
func parseForms(doc *html.Node) []signInForm {
	var forms []signInForm
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "form" {
			continue
		}
		f := signInForm{action: attr(n, "action"), fields: url.Values{}}
		for c := range n.Descendants() {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.Data {
			case "input":
				f.fields.Add(attr(c, "name"), attr(c, "value"))
			case "button":
				f.button = strings.TrimSpace(text(c))
			}
		}
		forms = append(forms, f)
	}
	return forms
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// findElements returns the elements with the given tag name.
func findElements(doc *html.Node, tag string) []*html.Node {
	var found []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag {
			found = append(found, n)
		}
	}
	return found
}

// TestAuthorizationCodeFlow signs a demo person in through the full
// authorization code flow with PKCE, with both client authentication
// methods, and verifies the ID token and userinfo.
func TestAuthorizationCodeFlow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		style oauth2.AuthStyle
	}{
		{"client_secret_basic", oauth2.AuthStyleInHeader},
		{"client_secret_post", oauth2.AuthStyleInParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startProvider(t)
			rp := newRelyingParty(t, p, testRedirectURI, tc.style)
			f := newFlow()

			code := rp.signIn(t, f, "county-forum")

			ctx := t.Context()
			token, err := rp.config.Exchange(ctx, code, oauth2.VerifierOption(f.verifier))
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if token.RefreshToken != "" {
				t.Errorf("unexpected refresh token")
			}
			rawIDToken, ok := token.Extra("id_token").(string)
			if !ok || rawIDToken == "" {
				t.Fatalf("no id_token in token response")
			}
			idToken, err := rp.provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(ctx, rawIDToken)
			if err != nil {
				t.Fatalf("verify ID token: %v", err)
			}
			if idToken.Issuer != p.Issuer() {
				t.Errorf("iss = %q, want %q", idToken.Issuer, p.Issuer())
			}
			if !slices.Equal(idToken.Audience, []string{testClientID}) {
				t.Errorf("aud = %v, want [%s]", idToken.Audience, testClientID)
			}
			if idToken.Nonce != f.nonce {
				t.Errorf("nonce = %q, want %q", idToken.Nonce, f.nonce)
			}
			if idToken.Subject != "county-forum" {
				t.Errorf("sub = %q, want county-forum", idToken.Subject)
			}
			var claims struct {
				Name          string `json:"name"`
				Email         string `json:"email"`
				EmailVerified bool   `json:"email_verified"`
			}
			if err := idToken.Claims(&claims); err != nil {
				t.Fatalf("claims: %v", err)
			}
			if claims.Name != "Priya Shah" || claims.Email != "priya.shah@northshire.example" || !claims.EmailVerified {
				t.Errorf("claims = %+v", claims)
			}

			info, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
			if err != nil {
				t.Fatalf("userinfo: %v", err)
			}
			if info.Subject != "county-forum" || info.Email != "priya.shah@northshire.example" {
				t.Errorf("userinfo = %+v", info)
			}

			// The code is single-use.
			if _, err := rp.config.Exchange(ctx, code, oauth2.VerifierOption(f.verifier)); err == nil {
				t.Errorf("second exchange of the same code succeeded")
			}
		})
	}
}

// TestSignInPage checks the sign-in page lists every demo person as an
// accessible form with one labelled button.
func TestSignInPage(t *testing.T) {
	p := startProvider(t)
	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInHeader)
	pg := rp.openSignInPage(t, newFlow())

	doc, err := html.Parse(strings.NewReader(pg.body))
	if err != nil {
		t.Fatal(err)
	}
	htmlElems := findElements(doc, "html")
	if len(htmlElems) != 1 || attr(htmlElems[0], "lang") != "en" {
		t.Errorf(`page has no <html lang="en">`)
	}
	if n := len(findElements(doc, "main")); n != 1 {
		t.Errorf("page has %d <main> elements, want 1", n)
	}
	h1 := findElements(doc, "h1")
	if len(h1) != 1 || !strings.Contains(text(h1[0]), "Northshire County Council") {
		t.Errorf("page heading missing or wrong")
	}
	// Styled as the hub's own pages: its stylesheet, which the policy allows.
	links := findElements(doc, "link")
	if len(links) != 1 || attr(links[0], "rel") != "stylesheet" || attr(links[0], "href") != "/assets/app.css" {
		t.Errorf("page does not use the hub's stylesheet")
	}
	if !strings.Contains(pg.header.Get("Content-Security-Policy"), "style-src 'self'") {
		t.Errorf("the content security policy does not allow the hub's stylesheet: %q", pg.header.Get("Content-Security-Policy"))
	}
	for _, b := range findElements(doc, "button") {
		if attr(b, "class") == "" {
			t.Errorf("button %q is not styled", text(b))
		}
	}
	if n := len(findElements(doc, "script")); n != 0 {
		t.Errorf("page has %d <script> elements", n)
	}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "style") != "" {
			t.Errorf("<%s> has an inline style attribute", n.Data)
		}
	}

	if len(pg.forms) != len(testPeople) {
		t.Fatalf("page has %d forms, want %d", len(pg.forms), len(testPeople))
	}
	for _, person := range testPeople {
		form := pg.form(t, person.Subject)
		if want := "Sign in as " + person.Name; form.button != want {
			t.Errorf("button = %q, want %q", form.button, want)
		}
		if form.fields.Get("authRequestID") == "" {
			t.Errorf("form for %s has no auth request ID", person.Subject)
		}
		if !strings.Contains(pg.body, person.Description) {
			t.Errorf("page lacks the description of %s", person.Name)
		}
	}
	// Every button's aria-describedby names an element of the page.
	for _, button := range findElements(doc, "button") {
		id := attr(button, "aria-describedby")
		if id == "" {
			t.Errorf("button %q has no description", text(button))
			continue
		}
		found := false
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && attr(n, "id") == id {
				found = true
			}
		}
		if !found {
			t.Errorf("aria-describedby %q names no element", id)
		}
	}
}

// TestWrongVerifierFails checks that exchanging a code with a PKCE verifier
// other than the one the challenge was made from fails.
func TestWrongVerifierFails(t *testing.T) {
	p := startProvider(t)
	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInHeader)
	f := newFlow()
	code := rp.signIn(t, f, "health-lead")

	_, err := rp.config.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("exchange with wrong verifier: err = %v, want a token endpoint error", err)
	}
	if re.ErrorCode != "invalid_grant" {
		t.Errorf("error code = %q, want invalid_grant", re.ErrorCode)
	}

	// Without any verifier it fails too.
	if _, err := rp.config.Exchange(t.Context(), code); err == nil {
		t.Errorf("exchange without verifier succeeded")
	}
}

// TestUnregisteredRedirectURIRefused checks that an authorize request with a
// redirect URI the client did not register is answered with a 400 on the
// provider, and never redirected to that URI.
func TestUnregisteredRedirectURIRefused(t *testing.T) {
	p := startProvider(t)
	for _, uri := range []string{
		"http://127.0.0.1:9999/evil/callback",
		testRedirectURI + "/extra",
		testRedirectURI + "?x=1",
	} {
		rp := newRelyingParty(t, p, uri, oauth2.AuthStyleInHeader)
		resp, err := rp.browser.Get(rp.authURL(newFlow()))
		if err != nil {
			t.Fatalf("authorize: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status = %s, want 400 (location %q)", uri, resp.Status, resp.Header.Get("Location"))
		}
	}
}

// TestPKCERequired checks that an authorize request without a S256 code
// challenge is refused with an error sent back to the relying party.
func TestPKCERequired(t *testing.T) {
	p := startProvider(t)
	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInHeader)
	for name, opts := range map[string][]oauth2.AuthCodeOption{
		"none":  {oauth2.SetAuthURLParam("nonce", "n")},
		"plain": {oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("code_challenge_method", "plain")},
	} {
		resp, err := rp.browser.Get(rp.config.AuthCodeURL("st", opts...))
		if err != nil {
			t.Fatalf("%s: authorize: %v", name, err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("%s: status %s, want a redirect with an error", name, resp.Status)
		}
		if got := loc.Query().Get("error"); got != "invalid_request" {
			t.Errorf("%s: error = %q, want invalid_request", name, got)
		}
		if got := loc.Query().Get("state"); got != "st" {
			t.Errorf("%s: state = %q, want st", name, got)
		}
	}
}

// TestSignInFormRejectsUnknownValues checks that the sign-in form answers an
// unknown subject or auth request ID with a 400 and a plain message, and
// that the auth request stays usable after an unknown subject.
func TestSignInFormRejectsUnknownValues(t *testing.T) {
	p := startProvider(t)
	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInHeader)
	f := newFlow()
	pg := rp.openSignInPage(t, f)
	valid := pg.form(t, "county-forum")

	check := func(name string, resp *http.Response, wantText string) {
		t.Helper()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status = %s, want 400", name, resp.Status)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%s: content type = %q, want text/plain", name, ct)
		}
		if !strings.Contains(string(body), wantText) {
			t.Errorf("%s: body = %q, want it to mention %q", name, body, wantText)
		}
	}

	unknownSubject := signInForm{action: valid.action, fields: url.Values{
		"authRequestID": {valid.fields.Get("authRequestID")},
		"subject":       {"nobody"},
	}}
	check("unknown subject", rp.submit(t, pg, unknownSubject), "not one of the demo people")

	unknownRequest := signInForm{action: valid.action, fields: url.Values{
		"authRequestID": {"no-such-request"},
		"subject":       {"county-forum"},
	}}
	check("unknown request", rp.submit(t, pg, unknownRequest), "unknown or has expired")

	resp, err := rp.browser.Get(pg.url.ResolveReference(&url.URL{Path: pg.url.Path, RawQuery: "authRequestID=no-such-request"}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	check("unknown request page", resp, "unknown or has expired")

	// The real request still completes after the refused posts.
	resp = rp.submit(t, pg, valid)
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("valid sign-in: status %s, want a redirect", resp.Status)
	}
	if loc.Query().Get("code") == "" || loc.Query().Get("state") != f.state {
		t.Errorf("valid sign-in redirected to %s", loc)
	}

	// A completed request cannot be signed in again.
	check("completed request", rp.submit(t, pg, valid), "already been completed")
}

// TestCloseStopsServing checks that Close shuts the listener down and may be
// called twice.
func TestCloseStopsServing(t *testing.T) {
	p, err := devprovider.Start(context.Background(), devprovider.Config{
		People:  testPeople,
		Clients: []devprovider.Client{{ID: "c", Secret: "s", RedirectURIs: []string{testRedirectURI}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	discovery := p.Issuer() + "/.well-known/openid-configuration"
	resp, err := http.Get(discovery)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if resp, err := http.Get(discovery); err == nil {
		resp.Body.Close()
		t.Errorf("provider still serves after Close")
	}
}

// TestPathPrefix checks that a provider served under a path prefix puts the
// prefix in its issuer and completes the flow there.
func TestPathPrefix(t *testing.T) {
	p, err := devprovider.Start(t.Context(), devprovider.Config{
		PathPrefix: "/dev-idp",
		People:     testPeople,
		Clients: []devprovider.Client{{
			ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{testRedirectURI},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	if !strings.HasSuffix(p.Issuer(), "/dev-idp") {
		t.Fatalf("issuer = %q, want it to end in /dev-idp", p.Issuer())
	}
	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInHeader)
	f := newFlow()
	code := rp.signIn(t, f, "health-lead")
	token, err := rp.config.Exchange(t.Context(), code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := token.Extra("id_token").(string)
	idToken, err := rp.provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if idToken.Subject != "health-lead" || idToken.Nonce != f.nonce {
		t.Errorf("sub = %q, nonce = %q", idToken.Subject, idToken.Nonce)
	}
}

// TestServedBehindHub checks that the provider's Handler, mounted on another
// server at the path of an explicit issuer, completes the flow there.
func TestServedBehindHub(t *testing.T) {
	mux := http.NewServeMux()
	hub := httptest.NewServer(mux)
	t.Cleanup(hub.Close)
	p, err := devprovider.Start(t.Context(), devprovider.Config{
		Issuer: hub.URL + "/dev-idp",
		People: testPeople,
		Clients: []devprovider.Client{{
			ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{testRedirectURI},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	mux.Handle("/dev-idp/", p.Handler())
	if p.Issuer() != hub.URL+"/dev-idp" {
		t.Fatalf("issuer = %q, want %q", p.Issuer(), hub.URL+"/dev-idp")
	}

	rp := newRelyingParty(t, p, testRedirectURI, oauth2.AuthStyleInParams)
	f := newFlow()
	pg := rp.openSignInPage(t, f)
	if !strings.HasPrefix(pg.url.String(), hub.URL+"/dev-idp/login?") {
		t.Errorf("sign-in page at %s, want it under the hub", pg.url)
	}
	code := rp.signIn(t, f, "county-forum")
	token, err := rp.config.Exchange(t.Context(), code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := token.Extra("id_token").(string)
	idToken, err := rp.provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if idToken.Issuer != hub.URL+"/dev-idp" || idToken.Subject != "county-forum" {
		t.Errorf("iss = %q, sub = %q", idToken.Issuer, idToken.Subject)
	}
}

// TestStartRejectsBadConfig checks a few configuration mistakes are reported.
func TestStartRejectsBadConfig(t *testing.T) {
	client := devprovider.Client{ID: "c", Secret: "s", RedirectURIs: []string{testRedirectURI}}
	for name, cfg := range map[string]devprovider.Config{
		"no people":         {Clients: []devprovider.Client{client}},
		"no clients":        {People: testPeople},
		"duplicate subject": {People: []devprovider.Person{testPeople[0], testPeople[0]}, Clients: []devprovider.Client{client}},
		"bad redirect":      {People: testPeople, Clients: []devprovider.Client{{ID: "c", Secret: "s", RedirectURIs: []string{"/relative"}}}},
		"prefix mismatch":   {People: testPeople, Clients: []devprovider.Client{client}, Issuer: "http://127.0.0.1:1/a", PathPrefix: "/b"},
	} {
		if p, err := devprovider.Start(t.Context(), cfg); err == nil {
			_ = p.Close()
			t.Errorf("%s: Start succeeded", name)
		}
	}
}
