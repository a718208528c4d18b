package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// Request bodies are limited by route, to what each needs, before anything
// reads them: a request that says it is larger is refused at once, and one
// that turns out larger is cut off where the limit falls.
const (
	formBodyLimit = 64 << 10 // a form of short fields, or a request with no body
	textBodyLimit = 1 << 20  // a form of long texts, a key, a standard, a mapping
)

// bodyLimit is the largest body a route accepts.
func (s *server) bodyLimit(method, path string) int64 {
	lim := s.Monitoring.Limits
	switch method + " " + path {
	case "POST /data/upload":
		// An extract or a signed return, with the form's other fields.
		return max(lim.MaxExtractBytes, lim.MaxReturnBytes) + 1<<20
	case "POST /data/draft":
		// A drafted return, base64-encoded.
		return lim.MaxReturnBytes*4/3 + formBodyLimit
	case "POST /api/v1/returns":
		// A return document as a JSON string beside its signature: escaping
		// can make the document longer than it is.
		return max(2*lim.MaxReturnBytes+formBodyLimit, 4<<20)
	}
	if method == http.MethodGet || method == http.MethodHead || method == http.MethodDelete {
		return formBodyLimit
	}
	for _, p := range []string{"/impact-assessments", "/protocols", "/strategy", "/framework", "/organisations", "/data/keys", "/data/publish", "/standard",
		"/api/v1/keys", "/api/v1/standards", "/api/v1/themes", "/api/v1/mapping", "/api/v1/organisations"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return textBodyLimit
		}
	}
	return formBodyLimit
}

// limitBodies holds every request body to its route's limit.
func (s *server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		limit := s.bodyLimit(req.Method, c.Path())
		tooLarge := func() error {
			return &hub.Error{Code: hub.CodeTooLarge, Message: fmt.Sprintf("What you sent is larger than the %s this address accepts.", byteSize(limit))}
		}
		if req.ContentLength > limit {
			// Nothing of it is read; the connection is not kept for another request.
			c.Response().Header().Set(echo.HeaderConnection, "close")
			return tooLarge()
		}
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		body := &limitedBody{ReadCloser: http.MaxBytesReader(c.Response(), req.Body, limit)}
		// The server's own body is given back before the answer is written:
		// seeing it, the server closes a connection whose body is left largely
		// unread, rather than waiting, before it answers, for the rest of a
		// body it does not know, however slowly that comes.
		defer func(own io.ReadCloser) { req.Body = own }(req.Body)
		req.Body = body
		err := next(c)
		if body.over && !c.Response().Committed {
			// Whatever the handler made of a body cut short, the reason is its size.
			return tooLarge()
		}
		return err
	}
}

// limitedBody notes when a body went over its limit.
type limitedBody struct {
	io.ReadCloser
	over bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.over = true
	}
	return n, err
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	default:
		return fmt.Sprintf("%d KB", n>>10)
	}
}

// authorizeFirst checks the route's permission before anything reads the
// request's body: the forgery check parses a form, and a visitor who may not
// use the route is refused before any of it is read. The route's own guard
// checks again.
func (s *server) authorizeFirst() echo.MiddlewareFunc {
	checks := map[string]echo.HandlerFunc{}
	allowed := func(echo.Context) error { return nil }
	for _, r := range s.table() {
		checks[r.method+" "+r.path] = s.guard(r.perm, r.dom, allowed)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if check, ok := checks[c.Request().Method+" "+c.Path()]; ok {
				if err := check(c); err != nil {
					if req := c.Request(); req.ContentLength != 0 && req.Body != nil && req.Body != http.NoBody {
						// Nothing of the body is read: the answer goes at once, and
						// the connection is not kept for another request.
						c.Response().Header().Set(echo.HeaderConnection, "close")
					}
					return err
				}
			}
			return next(c)
		}
	}
}

// readBody reads a request's body whole, within its route's limit, holding
// it once: at its said length when it says one, else in pieces joined at the
// end, so that a body cut off at the limit has cost no more than the limit
// (a growing buffer allocates about twice what it holds on its way).
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if n := req.ContentLength; n > 0 && n <= 64<<20 {
		b := make([]byte, n)
		if _, err := io.ReadFull(req.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	const piece = 256 << 10
	var pieces [][]byte
	total := 0
	for {
		p := make([]byte, piece)
		n, err := io.ReadFull(req.Body, p)
		if n > 0 {
			pieces = append(pieces, p[:n])
			total += n
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(pieces) == 1 {
		return pieces[0], nil
	}
	b := make([]byte, 0, total)
	for _, p := range pieces {
		b = append(b, p...)
	}
	return b, nil
}
