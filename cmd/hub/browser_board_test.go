package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// The board's path in a real browser: the strategy with live measures, the
// framework grid, the duty calendar and the annual report, which also prints
// to PDF. Every page is checked with axe-core.
func TestBrowserBoardPath(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Cllr Margaret Hollis")
	for _, p := range []struct{ name, path string }{
		{"board-strategy", "/strategy"}, {"board-framework", "/framework"}, {"board-duty", "/strategy/duty"},
		{"board-eias", "/impact-assessments"}, {"board-published", "/published"}, {"board-objective-form", "/strategy/objectives/new"}, {"board-annual-report", "/strategy/annual-report"},
	} {
		act(t, ctx, "opening "+p.path, chromedp.Navigate(h.URL+p.path))
		checkPage(t, ctx, dir, p.name)
	}
	act(t, ctx, "opening the quarter's report", chromedp.Navigate(h.URL+"/strategy"),
		chromedp.Click(chromedp.Search(`//a[starts-with(@href, "/strategy/reports/")]`)), chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Progress report")]`)))
	checkPage(t, ctx, dir, "board-report")
	act(t, ctx, "opening the annual report again", chromedp.Navigate(h.URL+"/strategy/annual-report"))
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{})
	if err != nil {
		t.Fatalf("printing the annual report: %v", err)
	}
	pdf := res.Data
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 2000 {
		t.Fatalf("the annual report did not print to a PDF (%d bytes)", len(pdf))
	}
	_ = os.WriteFile(filepath.Join(dir, "annual-report.pdf"), pdf, 0o644)
}
