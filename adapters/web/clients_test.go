package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A client is its connection's address, unless the connection comes from a
// trusted proxy: then it is the address that proxy says it forwards. Nobody
// else's X-Forwarded-For is believed, loopback and private addresses
// included.
func TestClientAddressIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	_, proxy, _ := net.ParseCIDR("10.0.0.5/32")
	cases := []struct {
		name    string
		proxies []*net.IPNet
		remote  string
		xff     string
		want    string
	}{
		{"no proxies: the connection", nil, "10.0.0.5:4000", "203.0.113.9", "10.0.0.5"},
		{"from the trusted proxy", []*net.IPNet{proxy}, "10.0.0.5:4000", "203.0.113.9", "203.0.113.9"},
		{"a chain ending at the trusted proxy", []*net.IPNet{proxy}, "10.0.0.5:4000", "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		{"from anyone else", []*net.IPNet{proxy}, "198.51.100.1:4000", "203.0.113.9", "198.51.100.1"},
		{"from loopback", []*net.IPNet{proxy}, "127.0.0.1:4000", "203.0.113.9", "127.0.0.1"},
		{"from a private address", []*net.IPNet{proxy}, "10.0.0.6:4000", "203.0.113.9", "10.0.0.6"},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		if got := ipExtractor(tc.proxies)(req); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A client's requests with a body are counted while they are in the hub,
// each address on its own.
func TestSendingIsCountedPerClient(t *testing.T) {
	s := &sending{max: 2, n: map[string]int{}}
	if !s.take("a") || !s.take("a") || s.take("a") {
		t.Fatal("a third request from one client was let in, or one of the first two was not")
	}
	if !s.take("b") {
		t.Fatal("another client was refused")
	}
	s.give("a")
	if !s.take("a") {
		t.Fatal("a client was refused after one of its requests ended")
	}
	s.give("a")
	s.give("a")
	s.give("b")
	if len(s.n) != 0 {
		t.Fatalf("clients with nothing in the hub are still counted: %v", s.n)
	}
}
