package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
)

// A kept-alive connection that sends nothing more is closed after the
// configured idle time, so idle clients cannot hold the hub's connections.
func TestIdleConnectionsAreClosed(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_IDLE_TIMEOUT": "1s"})
	u, _ := url.Parse(h.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: "+u.Host+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("healthz: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = br.ReadByte()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("an idle connection was still open after %s", time.Since(start).Round(time.Second))
	}
	if !errors.Is(err, io.EOF) && !isReset(err) {
		t.Fatalf("reading an idle connection: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the idle connection was closed after %s, want about 1s", d)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// headers GETs path as this visitor and returns the status and the answer's headers.
func (c *client) headers(path string) (int, http.Header) {
	c.tb.Helper()
	resp, err := c.http.Get(c.hub.URL + path)
	if err != nil {
		c.tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

// Pages, downloads and API answers that show personal or monitoring data are
// never kept by a browser or a proxy; the hub's static files may be.
func TestAnswersWithDataAreNotStored(t *testing.T) {
	h := mustStartHub(t, nil)
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	for _, path := range []string{"/data", "/audit", "/profile", "/api/v1/me", "/api/v1/returns", "/data/returns/none/return.json", "/data/picture"} {
		status, hd := steward.headers(path)
		if got := hd.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%d): Cache-Control %q, want no-store", path, status, got)
		}
	}
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	if status, hd := board.headers("/api/v1/audit/export"); status != http.StatusOK || hd.Get("Cache-Control") != "no-store" {
		t.Errorf("audit export: %d, Cache-Control %q, want 200 and no-store", status, hd.Get("Cache-Control"))
	}
	if _, hd := h.visitor(t).headers("/"); hd.Get("Strict-Transport-Security") != "" {
		t.Errorf("a hub served over plain HTTP sent Strict-Transport-Security %q", hd.Get("Strict-Transport-Security"))
	}
}

// A hub whose address is https tells browsers to reach it over TLS only.
func TestHTTPSHubSendsStrictTransportSecurity(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	vars := map[string]string{
		"HUB_LISTEN":        fmt.Sprintf("127.0.0.1:%d", port),
		"HUB_BASE_URL":      fmt.Sprintf("https://localhost:%d", port),
		"HUB_MONGO_URI":     mongotest.URI(t),
		"HUB_DATABASE":      "hubtest_" + hex.EncodeToString(b),
		"HUB_SYNC_INTERVAL": "0s",
		"HUB_LOG_LEVEL":     "error",
		"HUB_DATA_DIR":      t.TempDir(),
		"HUB_DEMO_RETURNS":  "false",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return vars[k] }, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("the hub did not shut down within 20 s")
		}
	})
	// TLS ends at a proxy in front of the hub; the hub itself answers plain HTTP.
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			hsts := resp.Header.Get("Strict-Transport-Security")
			if !strings.Contains(hsts, "max-age=") || strings.Contains(hsts, "max-age=0") {
				t.Fatalf("Strict-Transport-Security %q, want a max-age of a year", hsts)
			}
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the hub stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not answer within a minute: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
