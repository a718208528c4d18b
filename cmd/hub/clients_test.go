package main

import (
	"bufio"
	"context"
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
)

// fromAddress is an HTTP client whose connections come from another loopback
// address, as another client of the hub would.
func fromAddress(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp4", addr)
		},
	}}
}

// One client sending many bodies slowly holds no more than its share of the
// hub: past the limit its requests are refused at once with 429 and
// Retry-After, before their bodies are read, while another client's pages
// and forms are answered as usual; when its slow requests end, it may send again.
func TestSlowSendersAreLimitedPerClient(t *testing.T) {
	h := mustStartHub(t, nil)
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	token := steward.csrf()
	u, _ := url.Parse(h.URL)
	_, port, _ := net.SplitHostPort(u.Host)
	hubAddr := net.JoinHostPort("127.0.0.1", port)
	var cookies []string
	for _, ck := range steward.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	head := "POST /profile/tokens HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-CSRF-Token: " + token +
		"\r\nCookie: " + strings.Join(cookies, "; ") + "\r\nContent-Length: 1000\r\n\r\nname=slow"

	// Twelve requests whose bodies stop coming, from one address.
	const senders, limit = 12, 8
	type answer struct {
		status     int
		retryAfter string
		err        error
	}
	answers := make(chan answer, senders)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range senders {
		conn, err := net.Dial("tcp4", hubAddr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		if _, err := io.WriteString(conn, head); err != nil {
			t.Fatal(err)
		}
		go func() {
			_ = conn.SetReadDeadline(time.Now().Add(4 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				answers <- answer{err: err}
				return
			}
			resp.Body.Close()
			answers <- answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After")}
		}()
	}

	// Meanwhile another client is answered: a page, and a form with a body.
	other := fromAddress("127.0.0.2")
	start := time.Now()
	resp, err := other.Get("http://" + hubAddr + "/")
	if err != nil {
		t.Fatalf("another client's page: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || time.Since(start) > 3*time.Second {
		t.Errorf("another client's page: %d after %s, want 200 at once", resp.StatusCode, time.Since(start))
	}
	resp, err = other.PostForm("http://"+hubAddr+"/profile/tokens", url.Values{"name": {"other"}})
	if err != nil {
		t.Fatalf("another client's form: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		t.Errorf("another client's form was refused as too many")
	}
	// The slow client's own pages, without a body, are answered too.
	if status, _ := steward.get("/data"); status != http.StatusOK {
		t.Errorf("the slow client's page: %d, want 200", status)
	}

	refused, held := 0, 0
	for range senders {
		a := <-answers
		switch {
		case errors.Is(a.err, os.ErrDeadlineExceeded):
			held++
		case a.err != nil:
			t.Errorf("reading an answer: %v", a.err)
		case a.status == http.StatusTooManyRequests && a.retryAfter != "":
			refused++
		default:
			t.Errorf("a slow request was answered %d (Retry-After %q)", a.status, a.retryAfter)
		}
	}
	if refused != senders-limit || held != limit {
		t.Fatalf("of %d slow requests from one client, %d were refused with 429 and %d held; want %d refused and %d held",
			senders, refused, held, senders-limit, limit)
	}

	// Once its slow requests end, the client may send again.
	for _, c := range conns {
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, _, _ := steward.post("/profile/tokens", url.Values{"name": {"after"}})
		if status != http.StatusTooManyRequests {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the client was still refused 5 s after its slow requests ended")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A request refused before its body is read is answered at once, however
// slowly the body comes, and its connection is closed: a visitor who has
// not signed in cannot hold a connection by sending a body a byte at a time.
func TestRefusedSlowBodyIsAnsweredAtOnce(t *testing.T) {
	h := mustStartHub(t, nil)
	u, _ := url.Parse(h.URL)
	for _, size := range []int{1000, 1 << 20} {
		for _, path := range []string{"/api/v1/returns", "/data/upload", "/profile/tokens"} {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Fatal(err)
			}
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", path, u.Host, size)
			if _, err := io.WriteString(conn, head); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				conn.Close()
				t.Errorf("%s with %d bytes to come: no answer after %s: %v", path, size, time.Since(start).Round(time.Millisecond), err)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s with %d bytes to come: %d, want a refusal", path, size, resp.StatusCode)
			}
			t.Logf("%s with %d bytes to come: %d after %s", path, size, resp.StatusCode, time.Since(start).Round(time.Millisecond))
			if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !isReset(err) {
				t.Errorf("%s with %d bytes to come: the connection was kept open after the refusal (%v)", path, size, err)
			}
			conn.Close()
		}
	}
}
