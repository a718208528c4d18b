package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/adapters/oidc"
	"github.com/partnership/equalityhub/hub"
)

// signInMaxAge is how long a person has to finish signing in at their identity provider.
const signInMaxAge = 10 * time.Minute

type signInPage struct {
	Organisations []hub.Organisation
	ReturnTo      string
	Chosen        *hub.Organisation // set when an organisation has several identity providers
}

// signIn lists the organisations to sign in through.
func (s *server) signIn(c echo.Context) error {
	if principal(c).SignedIn() {
		return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("return_to")))
	}
	var os []hub.Organisation
	for _, o := range s.Directory.Organisations() {
		if len(o.Issuers) > 0 {
			os = append(os, o)
		}
	}
	return s.ok(c, "signin", "Sign in", signInPage{Organisations: os, ReturnTo: localPath(c.QueryParam("return_to"))})
}

// login starts a sign-in with an organisation's identity provider, chosen by
// the address; an organisation with several providers first asks which.
func (s *server) login(c echo.Context) error {
	o, err := s.Directory.Organisation(c.Param("org"))
	if err != nil {
		return err
	}
	returnTo := localPath(c.QueryParam("return_to"))
	idp := c.Param("idp")
	if idp == "" {
		switch len(o.Issuers) {
		case 0:
			return hub.Errorf(hub.CodeNotFound, "%s has no identity provider set up yet: ask the hub's administrator", o.Name)
		case 1:
			idp = o.Issuers[0].ID
		default:
			return s.ok(c, "signin", "Sign in to "+o.Name, signInPage{ReturnTo: returnTo, Chosen: &o})
		}
	}
	is, ok := o.IssuerByID(idp)
	if !ok {
		return hub.Errorf(hub.CodeNotFound, "%s has no identity provider called %q", o.Name, idp)
	}
	authURL, a, err := s.RP.Begin(c.Request().Context(), o, is, returnTo, s.Clock.Now())
	if err != nil {
		return err
	}
	b, _ := json.Marshal(a)
	// Signed with the hub's key and the time it was made: the client can
	// neither change the attempt nor give itself longer to finish it.
	s.setCookie(c, s.cookieName(signInCookie), s.cookies.seal("signin", b), "/", signInMaxAge)
	return c.Redirect(http.StatusSeeOther, authURL)
}

// callback finishes a sign-in: the provider is the one in the address, and
// must be the one the sign-in started with.
func (s *server) callback(c echo.Context) error {
	var a oidc.Attempt
	if ck, err := c.Cookie(s.cookieName(signInCookie)); err == nil {
		b, err := s.cookies.open("signin", ck.Value, signInMaxAge)
		if err != nil {
			s.clearCookie(c, s.cookieName(signInCookie), "/")
			return err
		}
		_ = json.Unmarshal(b, &a)
	}
	s.clearCookie(c, s.cookieName(signInCookie), "/")
	o, err := s.Directory.Organisation(c.Param("org"))
	if err != nil {
		return err
	}
	is, ok := o.IssuerByID(c.Param("idp"))
	if !ok {
		return hub.Errorf(hub.CodeNotFound, "%s has no identity provider called %q", o.Name, c.Param("idp"))
	}
	id, err := s.RP.Finish(c.Request().Context(), o, is, a, c.QueryParams(), s.Clock.Now())
	if err != nil {
		return err
	}
	person, err := s.Directory.SignIn(c.Request().Context(), o.ID, is.URL, id.Subject, id.Name, id.Email)
	if err != nil {
		return err
	}
	token, x, err := s.Sessions.Start(c.Request().Context(), person.ID)
	if err != nil {
		return err
	}
	s.setCookie(c, s.cookieName(sessionCookie), token, "/", x.Expires.Sub(s.Clock.Now()))
	// The forms of the new session carry a token derived from it; any token
	// from before the sign-in no longer works.
	c.SetCookie(&http.Cookie{Name: s.cookieName(csrfCookie), Value: s.cookies.csrfToken(x), Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	s.Log.Info("signed in", "person", person.ID, "org", o.ID, "issuer", is.URL)
	return c.Redirect(http.StatusSeeOther, localPath(a.ReturnTo))
}

// signOut ends the session.
func (s *server) signOut(c echo.Context) error {
	if ck, err := c.Cookie(s.cookieName(sessionCookie)); err == nil {
		if err := s.Sessions.End(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearCookie(c, s.cookieName(sessionCookie), "/")
	return c.Redirect(http.StatusSeeOther, "/?signed_out=1")
}
