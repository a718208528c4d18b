package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
)

// testHub is a real hub started by run, as the README starts it, on a port
// the system chooses and a fresh database.
type testHub struct {
	URL    string
	cancel context.CancelFunc
	done   chan error
}

// mustStartHub runs the hub in demo mode until the test ends.
func mustStartHub(tb testing.TB, env map[string]string) *testHub {
	tb.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	vars := map[string]string{
		"HUB_LISTEN":        "127.0.0.1:0",
		"HUB_MONGO_URI":     mongotest.URI(tb),
		"HUB_DATABASE":      "hubtest_" + hex.EncodeToString(b),
		"HUB_SYNC_INTERVAL": "0s",
		"HUB_LOG_LEVEL":     "error",
		"HUB_DATA_DIR":      tb.TempDir(),
		"HUB_DEMO_RETURNS":  "false",
	}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	h := &testHub{cancel: cancel, done: make(chan error, 1)}
	go func() {
		h.done <- run(ctx, nil, func(k string) string { return vars[k] }, pw)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`open (http://\S+)`)
		echo := os.Getenv("HUB_TEST_LOG") != ""
		for sc.Scan() {
			if echo {
				fmt.Fprintln(os.Stderr, sc.Text())
			}
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case h.URL = <-found:
	case err := <-h.done:
		tb.Fatalf("the hub stopped before it was ready: %v", err)
	case <-time.After(60 * time.Second):
		tb.Fatal("the hub did not start within a minute")
	}
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-h.done:
			if err != nil {
				tb.Errorf("the hub stopped with an error: %v", err)
			}
		case <-time.After(20 * time.Second):
			tb.Error("the hub did not shut down within 20 s")
		}
	})
	return h
}

// client is a browserless visitor of the hub, with a cookie jar.
type client struct {
	tb   testing.TB
	hub  *testHub
	http *http.Client
}

func (h *testHub) visitor(tb testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{tb: tb, hub: h, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request without following redirects and returns the status, body and Location.
func (c *client) do(method, path string, form url.Values, header http.Header) (int, string, string) {
	c.tb.Helper()
	if form == nil {
		return c.send(method, path, nil, header)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, vs := range header {
		h[k] = vs
	}
	return c.send(method, path, []byte(form.Encode()), h)
}

// send sends a request with a raw body.
func (c *client) send(method, path string, raw []byte, header http.Header) (int, string, string) {
	c.tb.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = c.hub.URL + path
	}
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func (c *client) get(path string) (int, string) {
	c.tb.Helper()
	status, body, _ := c.do(http.MethodGet, path, nil, nil)
	return status, body
}

// follow GETs path and follows redirects, returning the last status, body and address.
func (c *client) follow(path string) (int, string, string) {
	c.tb.Helper()
	u := c.hub.URL + path
	for range 10 {
		status, body, loc := c.do(http.MethodGet, u, nil, nil)
		if status < 300 || status >= 400 {
			return status, body, u
		}
		next, err := url.Parse(loc)
		if err != nil {
			c.tb.Fatal(err)
		}
		base, _ := url.Parse(u)
		u = base.ResolveReference(next).String()
	}
	c.tb.Fatalf("too many redirects from %s", path)
	return 0, "", ""
}

// csrf returns the CSRF token the hub set in the cookie jar.
func (c *client) csrf() string {
	u, _ := url.Parse(c.hub.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "hub_csrf" {
			return ck.Value
		}
	}
	c.get("/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "hub_csrf" {
			return ck.Value
		}
	}
	c.tb.Fatal("the hub set no CSRF cookie")
	return ""
}

// post sends a form with the CSRF token, as the hub's own pages do.
func (c *client) post(path string, form url.Values) (int, string, string) {
	c.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf())
	return c.do(http.MethodPost, path, form, nil)
}

var authRequestPattern = regexp.MustCompile(`name="authRequestID" value="([^"]+)"`)

// signIn goes through the whole OpenID Connect flow as a demo person of an
// organisation: the hub's sign-in address, the organisation's identity
// provider's sign-in page, the choice of person, the callback, the session.
func (c *client) signIn(org, subject string) {
	c.tb.Helper()
	status, body, at := c.follow("/login/" + org)
	if status != http.StatusOK || !strings.Contains(body, "Sign in as") {
		c.tb.Fatalf("the identity provider's sign-in page did not show: %d at %s\n%s", status, at, body)
	}
	m := authRequestPattern.FindStringSubmatch(body)
	if m == nil {
		c.tb.Fatalf("no auth request on the sign-in page:\n%s", body)
	}
	login, _ := url.Parse(at)
	login.RawQuery = ""
	status, body, loc := c.do(http.MethodPost, login.String(), url.Values{"authRequestID": {m[1]}, "subject": {subject}}, nil)
	at = login.String()
	for range 5 {
		if status < 300 || status >= 400 {
			c.tb.Fatalf("signing %s in stopped at %s with %d:\n%s", subject, at, status, body)
		}
		if loc == "/" {
			return
		}
		next, _ := url.Parse(loc)
		base, _ := url.Parse(at)
		at = base.ResolveReference(next).String()
		status, body, loc = c.do(http.MethodGet, at, nil, nil)
	}
	c.tb.Fatalf("signing %s in did not come back to the hub", subject)
}

var tokenPattern = regexp.MustCompile(`eqh_[A-Za-z0-9-]+_[A-Za-z0-9-]+`)
