package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthz says the process is up.
func (s *server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

// readyz says whether the hub can serve: the store answers, and the hub's
// own check of its record found it intact. A hub whose record is broken
// cannot vouch for what it serves, so it says it is not ready.
func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "cannot be reached"})
	}
	if rep, _ := s.AuditWatch.Status(); !rep.OK {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": "ok", "audit": rep.String()})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "store": "ok", "audit": "intact"})
}

// metricsHandler serves the Prometheus metrics, unless they are served on
// an address of their own.
func (s *server) metricsHandler() echo.HandlerFunc {
	h := echo.WrapHandler(MetricsHandler(s.Metrics))
	return func(c echo.Context) error {
		if s.MetricsElsewhere {
			return echo.ErrNotFound
		}
		return h(c)
	}
}

// MetricsHandler serves the metrics of reg, for an address of their own.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
