package web

import (
	"fmt"
	"net"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
)

// ipExtractor finds a request's client: the connection's address, or, from
// a trusted proxy, the address that proxy put in X-Forwarded-For. No other
// sender's headers are believed, so a client cannot choose its address.
func ipExtractor(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// sending counts, by client address, the requests with a body that are in
// the hub: their bodies arriving or their answers being made.
type sending struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

func (s *sending) take(client string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[client] >= s.max {
		return false
	}
	s.n[client]++
	return true
}

func (s *sending) give(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n[client]--; s.n[client] <= 0 {
		delete(s.n, client)
	}
}

// retryAfter is how many seconds a client refused for sending too much at
// once is asked to wait.
const retryAfter = "5"

// limitSending refuses a request with a body when its client already has as
// many in the hub as it may, before any of the body is read, so that one
// client sending slowly on many connections cannot hold the hub's workers
// and memory. Requests without a body (pages) are not counted.
func (s *server) limitSending() echo.MiddlewareFunc {
	max := s.MaxSendingPerClient
	if max <= 0 {
		max = 8
	}
	counts := &sending{max: max, n: map[string]int{}}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength == 0 || req.Body == nil || req.Body == http.NoBody {
				return next(c)
			}
			client := c.RealIP()
			if !counts.take(client) {
				s.Log.Debug("request refused: too many at once from one client", "client", client, "method", req.Method, "path", req.URL.Path, "limit", max)
				h := c.Response().Header()
				h.Set("Retry-After", retryAfter)
				// Nothing of the body is read; the connection is not kept for another request.
				h.Set(echo.HeaderConnection, "close")
				return c.String(http.StatusTooManyRequests, fmt.Sprintf(
					"Your address is already sending the hub %d requests that have not been answered yet: wait for them to finish, then try again in %s seconds.\n", max, retryAfter))
			}
			defer counts.give(client)
			return next(c)
		}
	}
}
