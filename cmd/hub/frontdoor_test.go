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
	"regexp"
	"strings"
	"sync"
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

// output is what the hub writes to its standard output, its log included.
type output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// startHubOn runs a demo hub on a port chosen here, with env over the
// defaults, keeping what it writes; it returns the hub's plain-HTTP address
// once it answers.
func startHubOn(t *testing.T, env map[string]string) (string, *output) {
	t.Helper()
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
		"HUB_MONGO_URI":     mongotest.URI(t),
		"HUB_DATABASE":      "hubtest_" + hex.EncodeToString(b),
		"HUB_SYNC_INTERVAL": "0s",
		"HUB_LOG_LEVEL":     "error",
		"HUB_DATA_DIR":      t.TempDir(),
		"HUB_DEMO_RETURNS":  "false",
	}
	for k, v := range env {
		vars[k] = strings.ReplaceAll(v, "PORT", fmt.Sprint(port))
	}
	out := &output{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return vars[k] }, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("the hub did not shut down within 20 s")
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if strings.Contains(out.String(), "is running") {
			return base, out
		}
		select {
		case err := <-done:
			t.Fatalf("the hub stopped: %v\n%s", err, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not start within a minute:\n%s", out)
		}
	}
}

// A hub whose address is https tells browsers to reach it over TLS only.
func TestHTTPSHubSendsStrictTransportSecurity(t *testing.T) {
	// TLS ends at a proxy in front of the hub; the hub itself answers plain HTTP.
	base, _ := startHubOn(t, map[string]string{"HUB_BASE_URL": "https://localhost:PORT"})
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	hsts := resp.Header.Get("Strict-Transport-Security")
	if !strings.Contains(hsts, "max-age=") || strings.Contains(hsts, "max-age=0") {
		t.Fatalf("Strict-Transport-Security %q, want a max-age of a year", hsts)
	}
}

func getBody(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The metrics carry the Go runtime's and the process's own, as operators expect.
func TestMetricsHaveRuntimeAndProcess(t *testing.T) {
	h := mustStartHub(t, nil)
	getBody(t, h.URL+"/healthz")
	status, body := getBody(t, h.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	for _, want := range []string{"go_goroutines ", "process_resident_memory_bytes ", "hub_http_request_duration_seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
}

// Metrics served on an address of their own are served there only.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	base, out := startHubOn(t, map[string]string{"HUB_METRICS_LISTEN": "127.0.0.1:0"})
	m := regexp.MustCompile(`Metrics are served on (http://\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the hub did not say where its metrics are:\n%s", out)
	}
	if status, body := getBody(t, m[1]); status != http.StatusOK || !strings.Contains(body, "go_goroutines ") {
		t.Errorf("%s: %d, go_goroutines %v", m[1], status, strings.Contains(body, "go_goroutines "))
	}
	if status, _ := getBody(t, base+"/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the hub's own address: %d, want 404", status)
	}
}

// The static files' folders are not listed.
func TestAssetFoldersAreNotListed(t *testing.T) {
	h := mustStartHub(t, nil)
	for _, path := range []string{"/assets/", "/assets/images/", "/assets/images", "/assets/./"} {
		if status, body := getBody(t, h.URL+path); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404\n%.200s", path, status, body)
		}
	}
	if status, _ := getBody(t, h.URL+"/assets/app.css"); status != http.StatusOK {
		t.Errorf("/assets/app.css: %d, want 200", status)
	}
}

// A client that gives up on /readyz (a load balancer's probe timing out) is
// not logged as a failure of the hub.
func TestCancelledReadinessProbeIsNotAnError(t *testing.T) {
	base, out := startHubOn(t, nil)
	u, _ := url.Parse(base)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%10)*200*time.Microsecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+u.Host+"/readyz", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	time.Sleep(500 * time.Millisecond)
	if strings.Contains(out.String(), "level=ERROR") {
		t.Fatalf("a cancelled /readyz was logged as an error:\n%s", out)
	}
	if status, _ := getBody(t, base+"/readyz"); status != http.StatusOK {
		t.Fatalf("/readyz: %d", status)
	}
}

// An anonymous visitor's 50 MiB upload is refused without the hub reading it:
// the answer comes while almost all of the body is still unsent.
func TestAnonymousUploadIsRefusedUnread(t *testing.T) {
	h := mustStartHub(t, nil)
	u, _ := url.Parse(h.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 50 << 20
	boundary := "frontdoorboundary"
	head := "POST /data/upload HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
		fmt.Sprintf("\r\nContent-Length: %d\r\n\r\n", size) +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"extract\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	sent := len(head)
	chunk := []byte(strings.Repeat("ethnicity,age,sex\n", 1<<12))
	for sent < 1<<20 {
		n, err := conn.Write(chunk)
		sent += n
		if err != nil {
			break
		}
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after %d of %d bytes: %v", sent, size, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("an anonymous 50 MiB upload: %d, want 401, 403 or 413", resp.StatusCode)
	}
}

// A JSON return larger than the route accepts is refused with 413 and says
// why, after reading no more than the limit: at once when the client says its
// size, and where the limit falls when it sends the body in chunks.
func TestOversizeJSONReturnIsRefused(t *testing.T) {
	h := mustStartHub(t, nil)
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	token := steward.csrf()
	u, _ := url.Parse(h.URL)
	var cookies []string
	for _, ck := range steward.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	const size = 55 << 20
	for _, chunked := range []bool{false, true} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		length := fmt.Sprintf("Content-Length: %d", size)
		if chunked {
			length = "Transfer-Encoding: chunked"
		}
		head := "POST /api/v1/returns HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nX-CSRF-Token: " + token +
			"\r\nCookie: " + strings.Join(cookies, "; ") + "\r\n" + length + "\r\n\r\n"
		_, _ = io.WriteString(conn, head)
		// Send 10 MiB of a 55 MiB return, then wait for the answer.
		piece := `{"document": "` + strings.Repeat("x", 1<<20)
		for i := range 10 {
			if i > 0 {
				piece = strings.Repeat("x", 1<<20)
			}
			if chunked {
				piece = fmt.Sprintf("%x\r\n%s\r\n", len(piece), piece)
			}
			if _, err := io.WriteString(conn, piece); err != nil {
				break
			}
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("chunked %v: no answer after 10 MiB of a 55 MiB return: %v", chunked, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "larger than the") {
			t.Errorf("chunked %v: %d %.300s, want 413 saying what the limit is", chunked, resp.StatusCode, b)
		}
	}
}

// A request whose body comes too slowly is ended after the read timeout,
// so that slow clients cannot hold the hub's connections.
func TestSlowBodiesAreCutOff(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_READ_TIMEOUT": "1s", "HUB_WRITE_TIMEOUT": "2s"})
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	u, _ := url.Parse(h.URL)
	var cookies []string
	for _, ck := range steward.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /profile/tokens HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: " +
		strings.Join(cookies, "; ") + "\r\nContent-Length: 1000\r\n\r\nname=slow"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a request whose body stopped coming was still open after %s", time.Since(start).Round(time.Second))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the slow request was ended after %s, want about 1s", d)
	}
}
