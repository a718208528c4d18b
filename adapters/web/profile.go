package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

type profilePage struct {
	Person   hub.Person
	Org      hub.Organisation
	Tokens   []hub.APIToken
	Now      time.Time
	NewToken string // the secret of a token just made, shown once
	Name     string
	Days     string
	MaxDays  int
	Scope    hub.TokenScope // the scope chosen in the form
	Scopes   []scopeOption
	Problems []hub.Problem
	Revoked  bool
}

func (s *server) profilePage(c echo.Context) (profilePage, error) {
	p := principal(c)
	person, err := s.Directory.Person(p.PersonID)
	if err != nil {
		return profilePage{}, err
	}
	o, err := s.Directory.Organisation(p.OrgID)
	if err != nil {
		return profilePage{}, err
	}
	return profilePage{Person: person, Org: o, Tokens: s.Sessions.APITokens(p), Now: s.Clock.Now(), Days: "30",
		MaxDays: s.maxTokenDays(), Scope: hub.ScopeRead, Scopes: scopeOptions, Revoked: c.QueryParam("revoked") == "1"}, nil
}

// scopeOption is a scope offered in the token form, with what it lets a token do.
type scopeOption struct {
	Scope hub.TokenScope
	Hint  string
}

var scopeOptions = []scopeOption{
	{hub.ScopeRead, "Only reads: the standard, your organisation's returns, the partnership picture, anything you may see."},
	{hub.ScopeUpload, "Reads, and sends returns, registers signing keys and saves the code mapping: what hubctl needs to upload."},
	{hub.ScopeAdminister, "Everything you may do with your roles, including changes. Choose it only when a script needs it."},
}

func (s *server) maxTokenDays() int { return s.Sessions.MaxTokenDays() }

// profile shows the signed-in person, their roles and their API tokens.
func (s *server) profile(c echo.Context) error {
	pg, err := s.profilePage(c)
	if err != nil {
		return err
	}
	return s.ok(c, "profile", "Your profile", pg)
}

// createToken makes an API token and shows its secret once.
func (s *server) createToken(c echo.Context) error {
	name, days, scope := strings.TrimSpace(c.FormValue("name")), strings.TrimSpace(c.FormValue("days")), hub.TokenScope(c.FormValue("scope"))
	if _, sent := c.Request().Form["scope"]; !sent {
		// A form that chooses nothing gets the narrowest scope.
		scope = hub.ScopeRead
	}
	secret, _, err := s.Sessions.CreateAPIToken(c.Request().Context(), principal(c), name, days, scope)
	pg, perr := s.profilePage(c)
	if perr != nil {
		return perr
	}
	if err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		pg.Name, pg.Days, pg.Scope, pg.Problems = name, days, scope, hub.ErrorProblems(err)
		return s.render(c, http.StatusUnprocessableEntity, "profile", "Error: Your profile", pg)
	}
	pg.NewToken = secret
	return s.ok(c, "profile", "Your profile", pg)
}

// revokeToken stops one of the person's API tokens working.
func (s *server) revokeToken(c echo.Context) error {
	if err := s.Sessions.RevokeAPIToken(c.Request().Context(), principal(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/profile?revoked=1")
}
