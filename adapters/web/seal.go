package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// MinCookieKey is the shortest key the hub signs its cookies with, in bytes.
const MinCookieKey = 32

// cookieKey signs what the hub gives browsers to keep: the sign-in cookie,
// and the CSRF tokens derived from sessions. Every hub process behind one
// address must hold the same key.
type cookieKey struct {
	key   []byte
	clock hub.Clock
}

// mac returns the HMAC-SHA256 of parts joined so that no two lists of parts
// give the same message.
func (k cookieKey) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, k.key)
	for _, p := range parts {
		fmt.Fprintf(m, "%d:%s;", len(p), p)
	}
	return m.Sum(nil)
}

// csrfToken returns the token a session's forms carry. It is derived from the
// session, so a token from before a sign-in, or from another session, is
// refused after it.
func (k cookieKey) csrfToken(x hub.Session) string {
	return base64.RawURLEncoding.EncodeToString(k.mac("csrf", x.ID))
}

// seal signs payload for purpose (e.g. "signin") with the time it was
// sealed, for a cookie that the client keeps but must not change.
func (k cookieKey) seal(purpose string, payload []byte) string {
	body := base64.RawURLEncoding.EncodeToString(payload)
	at := strconv.FormatInt(k.clock.Now().Unix(), 10)
	return body + "." + at + "." + base64.RawURLEncoding.EncodeToString(k.mac(purpose, at, body))
}

// open returns what seal sealed for purpose, or CodeUnauthorized when the
// value was changed, sealed for another purpose, or sealed more than maxAge
// ago (by the hub's clock, not by anything the client says).
func (k cookieKey) open(purpose, sealed string, maxAge time.Duration) ([]byte, error) {
	bad := hub.Errorf(hub.CodeUnauthorized, "The sign-in had expired or was started in another browser: start again")
	parts := strings.Split(sealed, ".")
	if len(parts) != 3 {
		return nil, bad
	}
	body, at, sig := parts[0], parts[1], parts[2]
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, k.mac(purpose, at, body)) {
		return nil, bad
	}
	unix, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return nil, bad
	}
	age := k.clock.Now().Sub(time.Unix(unix, 0))
	if age > maxAge || age < -time.Minute {
		return nil, hub.Errorf(hub.CodeUnauthorized, "The sign-in took too long and has expired: start again")
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, bad
	}
	return payload, nil
}
