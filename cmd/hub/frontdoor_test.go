package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"
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
