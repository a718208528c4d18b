// Package web serves the hub over HTTP with Echo: server-rendered pages that
// work without JavaScript, the JSON API under /api/v1, sign-in, and the
// operational endpoints. Every route is listed once in routes.go with the
// permission it needs; handlers translate between HTTP and the hub services.
package web

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/partnership/equalityhub/adapters/oidc"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/publication"
	"github.com/partnership/equalityhub/hub/sessions"
	"github.com/partnership/equalityhub/hub/sharing"
	"github.com/partnership/equalityhub/hub/strategy"
)

// Deps is what the web adapter needs.
type Deps struct {
	BaseURL string // the address people use, e.g. https://equality.northshire.example
	Demo    bool   // demo mode: say so on the sign-in page
	// AccessibilityContact is where people report an accessibility
	// problem: an e-mail address or a web address ("" for none).
	AccessibilityContact string
	Version              string
	HubctlDir            string        // where `make hubctl` put the hubctl programs offered for download ("": none)
	MaxTokenTTL          time.Duration // the longest an API token may last, as the sessions service enforces
	Directory            *directory.Service
	Sessions             *sessions.Service
	Monitoring           *monitoring.Service
	Sharing              *sharing.Service
	EIA                  *eia.Service
	Publications         *publication.Service
	Strategy             *strategy.Service
	Framework            *framework.Service
	Picture              *picture.Service
	Figures              *figures.Gate
	Audit                *audit.Recorder
	AuditWatch           *audit.Watch                             // the hub's own check of its record, reported by /readyz and the record page
	Refusals             *audit.Refusals                          // where refused requests go on the record
	HubKey               interface{ PublicKey() (string, error) } // the hub's own key, published for verifying what it signs
	// Spreadsheets reads uploaded Excel extracts.
	Spreadsheets monitoring.Spreadsheets
	Auth         hub.Authorizer
	ReadSide     *hub.ReadSide
	Store        hub.GenerationStore // pinged by /readyz
	RP           *oidc.RelyingParty
	DemoIdP      http.Handler // the demo identity providers, served under /demo-idp/; nil outside demo mode
	Log          *slog.Logger
	Clock        hub.Clock
	Metrics      *prometheus.Registry // nil: a new one
	// MetricsElsewhere: the metrics are served on an address of their own,
	// and not by this handler.
	MetricsElsewhere bool
	// MaxSendingPerClient is how many requests with a body one client may
	// have in the hub at once (0: 8).
	MaxSendingPerClient int
	// TrustedProxies are the proxies whose X-Forwarded-For names the client;
	// none: the connection's address is the client.
	TrustedProxies []*net.IPNet
	// CookieKey signs the sign-in cookie and derives CSRF tokens: at least
	// MinCookieKey bytes, the same in every hub process behind one address.
	CookieKey []byte
}

// server holds the dependencies the handlers use.
type server struct {
	Deps
	secure  bool // cookies are marked Secure: the hub is reached over TLS
	cookies cookieKey
	pages   *renderer
	metrics *metrics
}

// New returns the hub's HTTP handler.
func New(d Deps) (*echo.Echo, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = hub.SystemClock{}
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	if len(d.CookieKey) < MinCookieKey {
		return nil, fmt.Errorf("the key that signs the hub's cookies has %d bytes, fewer than %d", len(d.CookieKey), MinCookieKey)
	}
	pages, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s := &server{Deps: d, secure: strings.HasPrefix(d.BaseURL, "https://"), pages: pages, metrics: newMetrics(d.Metrics),
		cookies: cookieKey{key: d.CookieKey, clock: d.Clock}}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// An address is the connection's, not what a request's headers claim,
	// so that it cannot be chosen by whoever sends the request; only a
	// trusted proxy's word on whom it forwards is taken.
	e.IPExtractor = ipExtractor(d.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Use(s.observe)
	e.Use(s.recoverPanics)
	e.Use(s.securityHeaders)
	e.Use(s.limitSending())
	e.Use(s.limitBodies)
	e.Use(s.identify)
	e.Use(s.authorizeFirst())
	e.Use(s.streamForms)
	e.Use(s.csrf)
	s.routes(e)
	return e, nil
}
