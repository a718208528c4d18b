package browser

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// cleanPage is a small page that meets WCAG A and AA. Its inline script must
// not run, because the server's Content-Security-Policy forbids it.
const cleanPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Clean page</title></head>
<body>
<main>
<h1>Areas of work</h1>
<p>A page with nothing wrong.</p>
<form action="/search">
<label for="q">Search areas</label>
<input id="q" name="q" type="text">
<button type="submit">Search</button>
</form>
</main>
<script>window.inlineScriptRan = true;</script>
</body>
</html>`

// brokenPage has an image without alternative text, which axe-core reports
// as the critical rule image-alt. The image need not exist for that.
const brokenPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken page</title></head>
<body>
<main>
<h1>Members</h1>
<img src="/pixel.png" width="10" height="10">
</main>
</body>
</html>`

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", "default-src 'self'")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/clean", page(cleanPage))
	mux.HandleFunc("/broken", page(brokenPage))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(nctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
}

func TestAxeCleanPageUnderStrictCSP(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/clean")

	// The page's inline script is blocked, so the CSP is in force.
	ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.inlineScriptRan === true`))
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("inline script ran: the Content-Security-Policy was not applied")
	}

	violations, err := Axe(ctx)
	if err != nil {
		t.Fatalf("Axe: %v", err)
	}
	for _, v := range violations {
		if v.Serious() {
			t.Errorf("unexpected serious violation: %s", v)
		}
	}
	RequireNoSeriousViolations(t, ctx)
}

func TestAxeFindsMissingAltText(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/broken")

	violations, err := Axe(ctx)
	if err != nil {
		t.Fatalf("Axe: %v", err)
	}
	var found *Violation
	for i := range violations {
		if violations[i].ID == "image-alt" {
			found = &violations[i]
		}
	}
	if found == nil {
		t.Fatalf("image-alt not reported; violations: %v", violations)
	}
	if !found.Serious() {
		t.Errorf("image-alt impact = %q, want serious or critical", found.Impact)
	}
	if len(found.Nodes) != 1 || found.Nodes[0] != "img" {
		t.Errorf("image-alt nodes = %q, want [img]", found.Nodes)
	}
	if found.HelpURL == "" || found.Help == "" {
		t.Errorf("image-alt lacks help: %+v", *found)
	}
}

func TestScreenshot(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)
	navigate(t, ctx, srv.URL+"/clean")

	path := filepath.Join(t.TempDir(), "shots", "clean.png")
	if err := Screenshot(ctx, path); err != nil {
		t.Fatalf("Screenshot: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		t.Fatal("screenshot is empty")
	}
	if string(data[:8]) != "\x89PNG\r\n\x1a\n" {
		t.Errorf("screenshot is not a PNG: % x", data[:8])
	}
}
