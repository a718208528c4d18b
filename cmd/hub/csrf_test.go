package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// jarCookie returns the value of one of the hub's cookies in the client's jar.
func (c *client) jarCookie(name string) string {
	u, _ := url.Parse(c.hub.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setJarCookie puts a cookie in the client's jar, as a script or another
// site of the same domain could.
func (c *client) setJarCookie(name, value string) {
	u, _ := url.Parse(c.hub.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// A CSRF token from before a sign-in, planted or not, is refused after it:
// a signed-in person's forms carry a token derived from their session.
func TestCSRFTokenBoundToSession(t *testing.T) {
	h := mustStartHub(t, nil)
	form := func() url.Values { return url.Values{"name": {"script"}, "days": {"7"}} }

	// A token the visitor was given before signing in.
	c := h.visitor(t)
	before := c.csrf()
	c.signIn(policeSteward.org, policeSteward.subject)
	f := form()
	f.Set("csrf", before)
	if status, _, _ := c.do(http.MethodPost, "/profile/tokens", f, nil); status != http.StatusForbidden {
		t.Errorf("a form with the CSRF token from before the sign-in: %d, want 403", status)
	}
	if status, _, _ := c.do(http.MethodPost, "/profile/tokens", form(), http.Header{"X-CSRF-Token": {before}}); status != http.StatusForbidden {
		t.Errorf("a header with the CSRF token from before the sign-in: %d, want 403", status)
	}
	if status, body, _ := c.post("/profile/tokens", form()); status != http.StatusOK {
		t.Errorf("a form with the session's own CSRF token: %d\n%.2000s", status, body)
	}

	// A token planted in the browser before the sign-in, with its cookie
	// kept in place after it.
	planted := strings.Repeat("p", 43)
	v := h.visitor(t)
	v.setJarCookie("hub_csrf", planted)
	v.get("/")
	v.signIn(policeSteward.org, policeSteward.subject)
	v.setJarCookie("hub_csrf", planted)
	f = form()
	f.Set("csrf", planted)
	if status, _, _ := v.do(http.MethodPost, "/profile/tokens", f, nil); status != http.StatusForbidden {
		t.Errorf("a planted CSRF token after the sign-in: %d, want 403", status)
	}
	// Nor is the token of one session good for another session of the same person.
	f = form()
	f.Set("csrf", c.jarCookie("hub_csrf"))
	if status, _, _ := v.do(http.MethodPost, "/profile/tokens", f, nil); status != http.StatusForbidden {
		t.Errorf("another session's CSRF token: %d, want 403", status)
	}
	// A browser that says the form comes from another site is refused whatever it sends.
	f = form()
	f.Set("csrf", c.jarCookie("hub_csrf"))
	if status, _, _ := c.do(http.MethodPost, "/profile/tokens", f, http.Header{"Sec-Fetch-Site": {"cross-site"}}); status != http.StatusForbidden {
		t.Errorf("a cross-site form: %d, want 403", status)
	}
}

// The sign-in cookie is signed by the hub with the time it was made: an
// attempt the client wrote, or changed to give itself longer, is refused.
func TestSignInCookieSigned(t *testing.T) {
	h := mustStartHub(t, nil)
	for name, forge := range map[string]func(string) string{
		"unsigned JSON, as the hub once wrote it": func(string) string {
			b, _ := json.Marshal(map[string]any{"s": "state", "n": "nonce", "v": "verifier", "o": policeSteward.org, "i": "main", "r": "/", "t": time.Now().Add(time.Hour)})
			return base64.RawURLEncoding.EncodeToString(b)
		},
		"a later time": func(v string) string {
			parts := strings.Split(v, ".")
			if len(parts) != 3 {
				return v + "x"
			}
			return parts[0] + ".9999999999." + parts[2]
		},
		"a changed attempt": func(v string) string {
			return "e30" + v
		},
		// What a client could once do: keep the attempt, but say it started
		// later, to give itself as long as it likes.
		"the attempt's own start moved later": func(v string) string {
			body, rest := v, ""
			if i := strings.Index(v, "."); i >= 0 {
				body, rest = v[:i], v[i:]
			}
			b, _ := base64.RawURLEncoding.DecodeString(body)
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("the sign-in cookie holds no attempt: %v", err)
			}
			m["t"] = time.Now().Add(time.Hour)
			nb, _ := json.Marshal(m)
			return base64.RawURLEncoding.EncodeToString(nb) + rest
		},
	} {
		c := h.visitor(t)
		status, body, at := c.follow("/login/" + policeSteward.org)
		if status != http.StatusOK {
			t.Fatalf("the identity provider's sign-in page: %d", status)
		}
		cookie := c.jarCookie("hub_signin")
		if cookie == "" {
			t.Fatal("no sign-in cookie")
		}
		c.setJarCookie("hub_signin", forge(cookie))
		m := authRequestPattern.FindStringSubmatch(body)
		login, _ := url.Parse(at)
		login.RawQuery = ""
		status, body, loc := c.do(http.MethodPost, login.String(), url.Values{"authRequestID": {m[1]}, "subject": {policeSteward.subject}}, nil)
		base := login
		for range 5 {
			if status < 300 || status >= 400 || loc == "/" {
				break
			}
			next, _ := url.Parse(loc)
			base = base.ResolveReference(next)
			status, body, loc = c.do(http.MethodGet, base.String(), nil, nil)
		}
		if status != http.StatusUnauthorized || !strings.Contains(body, "start again") {
			t.Errorf("%s: the callback answered %d (to %q), want 401\n%.1500s", name, status, loc, body)
		}
		if c.jarCookie("hub_session") != "" {
			t.Errorf("%s: a session was started", name)
		}
	}
}

// Over TLS every cookie of the hub carries the __Host- prefix: Secure, for
// the whole site, and settable by this host only.
func TestHTTPSCookiesUseHostPrefix(t *testing.T) {
	base, _ := startHubOn(t, map[string]string{"HUB_BASE_URL": "https://localhost:PORT"})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	names := map[string]*http.Cookie{}
	// The session and sign-in cookies are named the same way, by the same
	// code; the demo identity providers cannot be reached over TLS here.
	for _, path := range []string{"/", "/sign-in"} {
		resp, err := noFollow.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		for _, ck := range resp.Cookies() {
			names[ck.Name] = ck
		}
	}
	for _, want := range []string{"__Host-hub_csrf"} {
		ck := names[want]
		if ck == nil {
			t.Errorf("no %s cookie among %v", want, names)
			continue
		}
		if !ck.Secure || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("%s is not a __Host- cookie: %+v", want, ck)
		}
	}
	for name := range names {
		if !strings.HasPrefix(name, "__Host-") {
			t.Errorf("the cookie %s has no __Host- prefix", name)
		}
	}
}
