package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/sessions"
)

// statusOf is the one place an error code becomes an HTTP status.
var statusOf = map[hub.Code]int{
	hub.CodeInvalid:      http.StatusUnprocessableEntity,
	hub.CodeNotFound:     http.StatusNotFound,
	hub.CodeConflict:     http.StatusConflict,
	hub.CodeUnauthorized: http.StatusUnauthorized,
	hub.CodeForbidden:    http.StatusForbidden,
	hub.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	hub.CodeUnavailable:  http.StatusServiceUnavailable,
	hub.CodeInternal:     http.StatusInternalServerError,
}

// fromHTTPError turns Echo's own errors (no route, wrong method, body too
// large, unreadable input) into the hub's vocabulary.
func fromHTTPError(he *echo.HTTPError) error {
	switch he.Code {
	case http.StatusNotFound:
		return &hub.Error{Code: hub.CodeNotFound, Message: "There is no page at this address. Check it, or start from the home page.", Err: he}
	case http.StatusMethodNotAllowed:
		return &hub.Error{Code: hub.CodeNotFound, Message: "This address does not take that kind of request.", Err: he}
	case http.StatusRequestEntityTooLarge:
		return &hub.Error{Code: hub.CodeTooLarge, Message: "What you sent is larger than the hub accepts here.", Err: he}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		return &hub.Error{Code: hub.CodeInvalid, Message: "The request could not be read: " + strings.TrimSpace(strings.TrimPrefix(httpErrorMessage(he), "code=400, message=")), Err: he}
	case http.StatusForbidden:
		return &hub.Error{Code: hub.CodeForbidden, Message: "You do not have access to this.", Err: he}
	case http.StatusUnauthorized:
		return &hub.Error{Code: hub.CodeUnauthorized, Message: "Sign in to continue.", Err: he}
	}
	return hub.Internal(he, "http")
}

func httpErrorMessage(he *echo.HTTPError) string {
	if m, ok := he.Message.(string); ok {
		return m
	}
	return http.StatusText(he.Code)
}

// problem is an RFC 9457 problem document, the API's error answer.
type problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail"`
	Code     hub.Code     `json:"code"`
	Problems []apiProblem `json:"problems,omitempty"`
}

type apiProblem struct {
	Field   string `json:"field,omitempty"`
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// handleError answers every error: a page for people, problem+json for the API.
// Only faults of the hub (5xx) are logged as errors; nothing internal is shown.
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// A client that went away before its answer (a load balancer's probe
	// timing out, a closed tab) is not a failure of the hub, and nobody is
	// left to read an answer.
	if errors.Is(c.Request().Context().Err(), context.Canceled) {
		s.Log.Debug("client went away", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err.Error())
		return
	}
	var he *echo.HTTPError
	var own *hub.Error
	if !errors.As(err, &own) && errors.As(err, &he) {
		err = fromHTTPError(he)
	}
	code := hub.ErrorCode(err)
	status := statusOf[code]
	p := principal(c)
	log := s.Log.With("method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "person", p.PersonID, "org", p.OrgID, "error", err.Error())
	signingIn := strings.HasPrefix(c.Request().URL.Path, "/auth/")
	switch {
	case status >= 500:
		log.Error("request failed")
	case code == hub.CodeForbidden || code == hub.CodeUnauthorized || (signingIn && code == hub.CodeInvalid):
		log.Info("request refused")
		s.recordRefusal(c, p, err, signingIn)
	default:
		log.Debug("request not done")
	}
	msg, ps := hub.ErrorMessage(err), hub.ErrorProblems(err)
	if isAPI(c) {
		doc := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Code: code}
		for _, p := range ps {
			doc.Problems = append(doc.Problems, apiProblem(p))
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(status)
		_ = jsonEncode(c.Response(), doc)
		return
	}
	if code == hub.CodeUnauthorized && c.Request().Method == http.MethodGet && !p.SignedIn() && !strings.HasPrefix(c.Path(), "/auth/") {
		_ = c.Redirect(http.StatusSeeOther, "/sign-in?return_to="+urlQueryEscape(c.Request().URL.RequestURI()))
		return
	}
	title := map[int]string{
		http.StatusNotFound: "Page not found", http.StatusForbidden: "You do not have access", http.StatusUnauthorized: "Sign in to continue",
		http.StatusServiceUnavailable: "Sorry, the service is unavailable", http.StatusInternalServerError: "Sorry, there is a problem with the service",
	}[status]
	if title == "" {
		title = "There is a problem"
	}
	if status == http.StatusUnauthorized && strings.HasPrefix(c.Path(), "/auth/") {
		title = "Sign-in failed"
	}
	_ = s.render(c, status, "error", title, errorPage{Status: status, Message: msg, Problems: ps})
}

// recordRefusal puts a refused request on the record: who (or, for someone
// not signed in, from which address), what they asked for, and why. A failed
// sign-in is a refusal too.
func (s *server) recordRefusal(c echo.Context, p hub.Principal, err error, signingIn bool) {
	who := p.PersonID
	if who == "" {
		who = "address " + c.RealIP()
	}
	e := audit.Entry{PersonID: p.PersonID, OrgID: p.OrgID, Action: audit.ActionDenied, Owner: c.Param("org"),
		Object: c.Request().Method + " " + c.Request().URL.Path, Detail: hub.ErrorMessage(err)}
	if signingIn {
		e.Action = sessions.ActionSignInFailed
	}
	if p.PersonID == "" {
		e.Detail += " (from " + c.RealIP() + ")"
	}
	if rerr := s.Refusals.Refused(context.WithoutCancel(c.Request().Context()), who, e); rerr != nil {
		s.Log.Warn("recording a refusal", "err", rerr)
	}
}

type errorPage struct {
	Status   int
	Message  string
	Problems []hub.Problem
}

func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }
