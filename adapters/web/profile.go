package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
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

// tokenDays reads the number of days a token lasts from the form, or says
// why it is not a whole number; whether the number is allowed (up to most) is
// the hub's to say. It reads 0 for text that is not a number.
func tokenDays(text string, most int) (int, *hub.Problem) {
	n, err := strconv.Atoi(text)
	switch {
	case err == nil:
		return n, nil
	case text == "":
		return 0, &hub.Problem{Field: "days", Message: fmt.Sprintf("Enter how many days the token lasts, from 1 to %d", most)}
	case errors.Is(err, strconv.ErrRange):
		return 0, &hub.Problem{Field: "days", Message: fmt.Sprintf("%s is too large a number of days to count: choose from 1 to %d", hub.Clip(text), most)}
	default:
		return 0, &hub.Problem{Field: "days", Message: fmt.Sprintf("Enter the number of days as a whole number, from 1 to %d", most)}
	}
}

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
	n, notNumber := tokenDays(days, s.maxTokenDays())
	secret, _, err := s.Sessions.CreateAPIToken(c.Request().Context(), principal(c), name, n, scope)
	pg, perr := s.profilePage(c)
	if perr != nil {
		return perr
	}
	if err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		ps := hub.ErrorProblems(err)
		if notNumber != nil {
			// What the hub says of the days is about the 0 sent in place of text that is not a number.
			ps = slices.DeleteFunc(ps, func(p hub.Problem) bool { return p.Field == "days" })
			ps = append(ps, *notNumber)
		}
		pg.Name, pg.Days, pg.Scope, pg.Problems = name, days, scope, ps
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
