package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/partnership/equalityhub/hub"
)

const (
	sessionCookie = "hub_session"
	signInCookie  = "hub_signin"
	principalKey  = "principal"
)

// principal returns who is acting in this request.
func principal(c echo.Context) hub.Principal {
	if p, ok := c.Get(principalKey).(hub.Principal); ok {
		return p
	}
	return hub.Anonymous
}

// recoverPanics turns a panic into an internal error, logging the stack once.
func (s *server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.Log.Error("panic", "path", c.Request().URL.Path, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = hub.Internal(fmt.Errorf("panic: %v", r), "handling "+c.Path())
			}
		}()
		return next(c)
	}
}

// metrics are the hub's Prometheus metrics.
type metrics struct {
	requests *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	// The Go runtime's and the process's own metrics, which operators
	// expect beside the hub's (go_goroutines, process_resident_memory_bytes).
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if _, already := err.(prometheus.AlreadyRegisteredError); !already {
				panic(err)
			}
		}
	}
	m := &metrics{requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hub_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"method", "route", "status"})}
	reg.MustRegister(m.requests)
	return m
}

// observe times every request for the metrics and the log.
func (s *server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		d := time.Since(start)
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(d.Seconds())
		s.Log.Debug("request", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status, "duration", d)
		return nil
	}
}

// securityHeaders sets the headers every answer carries. The policy allows no
// inline script or style: pages load the hub's own files only. Over TLS,
// browsers are told to use nothing else for a year. Nothing but the hub's
// static files may be kept by a browser or a proxy: pages, downloads and API
// answers show personal and monitoring data, and a shared computer or cache
// must not give them to the next person.
func (s *server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/assets/") {
			h.Set("Cache-Control", "no-store")
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/demo-idp/") {
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		return next(c)
	}
}

// identify brings memory in step with the store, then finds who is acting:
// a bearer token for the API, or the session cookie.
func (s *server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/assets/") || strings.HasPrefix(c.Request().URL.Path, "/demo-idp/") {
			return next(c)
		}
		if err := s.ReadSide.Sync(c.Request().Context()); err != nil {
			return err
		}
		if auth := c.Request().Header.Get(echo.HeaderAuthorization); auth != "" {
			bearer, ok := strings.CutPrefix(auth, "Bearer ")
			if !ok {
				return hub.Errorf(hub.CodeUnauthorized, "Send the API token as: Authorization: Bearer TOKEN")
			}
			if !isAPI(c) {
				return hub.Errorf(hub.CodeUnauthorized, "API tokens work only on the API, under /api/v1: sign in to use the hub's pages")
			}
			p, err := s.Sessions.TokenPrincipal(c.Request().Context(), strings.TrimSpace(bearer))
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
			return next(c)
		}
		if ck, err := c.Cookie(s.cookieName(sessionCookie)); err == nil && ck.Value != "" {
			p, x, err := s.Sessions.Principal(ck.Value)
			if err != nil {
				// A stale cookie is dropped and the visitor carries on anonymously.
				s.clearCookie(c, s.cookieName(sessionCookie), "/")
			} else {
				c.Set(principalKey, p)
				c.Set(sessionKey, x)
			}
		}
		return next(c)
	}
}

// guard checks the route's permission before its handler runs, and for an API
// token, that the token's scope covers the route and method.
func (s *server) guard(perm hub.Permission, dom domain, h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := hub.AuthorizeScope(principal(c), tokenUse(c.Request().Method, perm)); err != nil {
			return err
		}
		if err := hub.Authorize(s.Auth, principal(c), perm, dom(c)); err != nil {
			return err
		}
		return h(c)
	}
}

// domain says whose thing a request is about.
type domain func(c echo.Context) string

// partnership: the partnership as a whole.
func partnership(echo.Context) string { return hub.DomainPartnership }

// orgParam: the organisation named in the address.
func orgParam(c echo.Context) string { return c.Param("org") }

// own: the acting person's own organisation.
func own(c echo.Context) string { return principal(c).OrgID }

func (s *server) setCookie(c echo.Context, name, value, path string, maxAge time.Duration) {
	c.SetCookie(&http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(c echo.Context, name, path string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// localPath returns p when it is an address within the hub, and "/" otherwise,
// so that a return address can never send a person elsewhere.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return p
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
