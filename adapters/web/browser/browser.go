// Package browser holds test helpers that drive a headless Chromium through
// chromedp: starting the browser for a test, checking the current page with
// axe-core for WCAG 2.0, 2.1 and 2.2 level A and AA failures, and saving
// full-page screenshots.
//
// Only tests import this package. It uses Debian's Chromium at
// /usr/bin/chromium (or a chromium found on PATH) and the axe-core copy that
// `npm install` puts in node_modules at the repository root.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// RequireEnv is the environment variable that, when set to 1, makes [New]
// fail a test instead of skipping it when Chromium is absent.
const RequireEnv = "HUB_REQUIRE_BROWSER"

// chromiumPath is where Debian's chromium package installs its launcher.
const chromiumPath = "/usr/bin/chromium"

// findChromium returns the path of the Chromium launcher, or "" when there is
// none.
func findChromium() string {
	if info, err := os.Stat(chromiumPath); err == nil && !info.IsDir() {
		return chromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// allocatorOptions returns the Chromium command line for tests. The flags keep
// the browser headless and stop it from opening background connections, since
// the test machines have no internet access. chromedp gives each browser a
// fresh temporary --user-data-dir and removes it when the browser exits.
func allocatorOptions(execPath string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
	}
}

// New starts headless Chromium for a test and returns a chromedp context; it
// is cancelled at test cleanup, which also stops the browser.
//
// When Chromium is absent it skips the test, unless HUB_REQUIRE_BROWSER=1 is
// set, in which case it fails. A browser that is present but does not start
// fails the test.
//
// The browser is started before New returns, so callers may derive contexts
// with timeouts from the returned context for single actions.
func New(tb testing.TB) context.Context {
	tb.Helper()
	execPath := findChromium()
	if execPath == "" {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("browser: Chromium not found at %s or on PATH, and %s=1", chromiumPath, RequireEnv)
		}
		tb.Skipf("browser: Chromium not found at %s or on PATH; set %s=1 to fail instead", chromiumPath, RequireEnv)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions(execPath)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})

	// The first action on the context starts the browser, and the browser
	// lives as long as the context of that action.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("browser: starting %s: %v", execPath, err)
	}
	return ctx
}

// Violation is one axe-core rule that failed on the page.
type Violation struct {
	// ID is the axe-core rule id, for example "image-alt".
	ID string
	// Impact is axe-core's severity: "minor", "moderate", "serious" or
	// "critical".
	Impact string
	// Help is a short description of the rule.
	Help string
	// HelpURL links to axe-core's explanation of the rule.
	HelpURL string
	// Nodes holds a CSS selector for each failing element, or its HTML
	// when axe-core gives no selector.
	Nodes []string
}

// Serious reports whether the violation's impact is serious or critical.
func (v Violation) Serious() bool {
	return v.Impact == "serious" || v.Impact == "critical"
}

// String formats the violation on one line for test output.
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s [%s] at %s", v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(v.Nodes, ", "))
}

// WCAGTags are the axe-core tags that [Axe] runs: WCAG 2.0, 2.1 and 2.2,
// levels A and AA.
var WCAGTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"}

// axeRunScript runs axe-core on the whole document with the rules tagged in
// WCAGTags and returns the violations as plain JSON values.
var axeRunScript = `(async () => {
  const results = await axe.run(document, {
    runOnly: { type: 'tag', values: ` + jsStringArray(WCAGTags) + ` },
    resultTypes: ['violations']
  });
  return results.violations.map((v) => ({
    ID: v.id,
    Impact: v.impact || '',
    Help: v.help,
    HelpURL: v.helpUrl,
    Nodes: v.nodes.map((n) => {
      const target = (n.target || []).map((t) => Array.isArray(t) ? t.join(' >>> ') : String(t)).join(' ');
      return target || n.html;
    })
  }));
})()`

// jsStringArray formats ss as a JavaScript array literal of strings. The
// strings are fixed tag names without quotes or backslashes.
func jsStringArray(ss []string) string {
	return "['" + strings.Join(ss, "', '") + "']"
}

// axeSource reads axe.min.js from node_modules/axe-core in the directory that
// holds package.json, found by walking up from the working directory.
func axeSource() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err == nil {
			file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
			src, err := os.ReadFile(file)
			if err != nil {
				return "", fmt.Errorf("browser: reading axe-core (run `npm install` in %s): %w", dir, err)
			}
			return string(src), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("browser: no package.json found above the working directory")
		}
		dir = parent
	}
}

// Axe injects axe-core into the current page, runs it for the WCAG 2.0, 2.1
// and 2.2 level A and AA rules, and returns the violations.
//
// axe-core is read from node_modules/axe-core/axe.min.js in the directory
// holding package.json, found by walking up from the working directory. It is
// injected with the DevTools protocol's Runtime.evaluate, which the page's
// Content-Security-Policy does not restrict, so pages with a strict
// script-src can be checked too.
func Axe(ctx context.Context) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		return nil, fmt.Errorf("browser: injecting axe-core: %w", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRunScript, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("browser: running axe-core: %w", err)
	}
	return violations, nil
}

// RequireNoSeriousViolations runs [Axe] on the current page and fails the test
// listing each serious or critical violation. Violations of lower impact are
// logged.
func RequireNoSeriousViolations(tb testing.TB, ctx context.Context) {
	tb.Helper()
	violations, err := Axe(ctx)
	if err != nil {
		tb.Fatalf("axe: %v", err)
	}
	var serious []string
	for _, v := range violations {
		if v.Serious() {
			serious = append(serious, v.String())
		} else {
			tb.Logf("axe: %s", v)
		}
	}
	if len(serious) > 0 {
		tb.Errorf("axe: %d serious or critical accessibility violation(s):\n  %s", len(serious), strings.Join(serious, "\n  "))
	}
}

// Screenshot saves a full-page PNG of the current page to path, creating the
// parent directories.
func Screenshot(ctx context.Context, path string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("browser: screenshot: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
