package web

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// csrfCookie holds the CSRF token of a visitor who is not signed in (double
// submit). A signed-in person's token is derived from their session instead,
// so that no token from before a sign-in, planted or not, is accepted after it.
const csrfCookie = "hub_csrf"

// sessionKey is where identify keeps the session of a signed-in person.
const sessionKey = "session"

// cookieName is the name of one of the hub's cookies: over TLS it carries the
// __Host- prefix, so that browsers accept it only from this host, Secure,
// for the whole site, and no other host of the domain can set or shadow it.
func (s *server) cookieName(name string) string {
	if s.secure {
		return "__Host-" + name
	}
	return name
}

// csrf refuses a state-changing request that did not come from the hub's own
// pages. Browsers that say where a request comes from (Sec-Fetch-Site) are
// believed: same-origin passes, cross-site is refused. Otherwise the request
// must carry the token: for a signed-in person the one derived from their
// session, for a visitor the one in their cookie. API calls with a bearer
// token carry no cookie, so forgery cannot ride on them; the demo identity
// providers run their own forms.
func (s *server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if principal(c).Via == "token" || strings.HasPrefix(c.Request().URL.Path, "/demo-idp/") {
			return next(c)
		}
		var token string
		if x, ok := c.Get(sessionKey).(hub.Session); ok {
			token = s.cookies.csrfToken(x)
		} else if ck, err := c.Cookie(s.cookieName(csrfCookie)); err == nil && len(ck.Value) == 43 {
			token = ck.Value
		} else {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			token = base64.RawURLEncoding.EncodeToString(b)
		}
		// The cookie mirrors the token in force, for scripts that post forms;
		// for a signed-in person it is not what is checked.
		if ck, err := c.Cookie(s.cookieName(csrfCookie)); err != nil || ck.Value != token {
			c.SetCookie(&http.Cookie{Name: s.cookieName(csrfCookie), Value: token, Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		}
		c.Set("csrf", token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		refused := &hub.Error{Code: hub.CodeForbidden, Message: "This form has expired or did not come from the hub's own page. Go back, reload the page and try again."}
		switch c.Request().Header.Get("Sec-Fetch-Site") {
		case "same-origin":
			return next(c)
		case "cross-site":
			return refused
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("csrf")
		}
		if sent == "" || !hmac.Equal([]byte(sent), []byte(token)) {
			return refused
		}
		return next(c)
	}
}
