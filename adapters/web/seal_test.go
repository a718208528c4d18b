package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

var sealT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func testCookieKey(clock hub.Clock, b byte) cookieKey {
	return cookieKey{key: []byte(strings.Repeat(string(rune(b)), MinCookieKey)), clock: clock}
}

func TestCSRFTokenBoundToSession(t *testing.T) {
	clock := hub.NewFixedClock(sealT0)
	k, sameKey, otherKey := testCookieKey(clock, 'k'), testCookieKey(clock, 'k'), testCookieKey(clock, 'o')
	x, y := hub.Session{ID: "session-x"}, hub.Session{ID: "session-y"}
	tok := k.csrfToken(x)
	if tok != sameKey.csrfToken(x) {
		t.Fatal("two processes with one key derive different CSRF tokens for a session")
	}
	if tok == k.csrfToken(y) || tok == otherKey.csrfToken(x) || len(tok) != 43 {
		t.Fatalf("a CSRF token %q is shared by another session or another key", tok)
	}
}

func TestSealedValues(t *testing.T) {
	clock := hub.NewFixedClock(sealT0)
	k, other := testCookieKey(clock, 'k'), testCookieKey(clock, 'k')
	sealed := k.seal("signin", []byte(`{"s":"state"}`))
	if got, err := other.open("signin", sealed, 10*time.Minute); err != nil || string(got) != `{"s":"state"}` {
		t.Fatalf("another process opening a sealed value: %q, %v", got, err)
	}
	if _, err := k.open("other", sealed, 10*time.Minute); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("a value sealed for another purpose: %v", err)
	}
	if _, err := testCookieKey(clock, 'o').open("signin", sealed, 10*time.Minute); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("a value sealed with another key: %v", err)
	}
	parts := strings.Split(sealed, ".")
	for _, bad := range []string{
		"", "x", parts[0] + "." + parts[1],
		"eyJzIjoib3RoZXIifQ." + parts[1] + "." + parts[2],                                     // another payload
		parts[0] + "." + strconv.FormatInt(sealT0.Add(time.Hour).Unix(), 10) + "." + parts[2], // a later time
	} {
		if _, err := k.open("signin", bad, 10*time.Minute); !hub.IsCode(err, hub.CodeUnauthorized) {
			t.Errorf("open(%q) = %v, want unauthorized", bad, err)
		}
	}
	clock.Advance(10*time.Minute + time.Second)
	if _, err := k.open("signin", sealed, 10*time.Minute); !hub.IsCode(err, hub.CodeUnauthorized) {
		t.Fatalf("a value sealed too long ago: %v", err)
	}
}

func TestShortCookieKeyRefused(t *testing.T) {
	if _, err := New(Deps{CookieKey: make([]byte, MinCookieKey-1)}); err == nil {
		t.Fatal("the web adapter started with a cookie key shorter than 32 bytes")
	}
}
