package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// The mapping page's form is usable in a browser: a row added, a mistake
// shown beside its row and in the summary, with no serious accessibility
// violation on the way.
func TestBrowserMappingForm(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, nil)
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Owen Richards")
	act(t, ctx, "opening the mapping page", chromedp.Navigate(h.URL+"/data/mapping"), chromedp.WaitVisible(chromedp.CSS(`button[value="add:sex"]`)))
	checkPage(t, ctx, dir, "mapping-form")
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	rows, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`document.querySelectorAll('input[name^="local.sex."]').length`))
	if err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf("#codes-sex-%d", int(rows))
	act(t, ctx, "adding a code to a question",
		chromedp.Click(chromedp.CSS(`button[value="add:sex"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+`-local`)))
	act(t, ctx, "saving a code with no category",
		chromedp.SendKeys(chromedp.CSS(row+`-local`), "Q"),
		chromedp.Click(chromedp.CSS(`button[value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(row+`-error`)))
	if got := text(t, ctx, row+"-error"); !strings.Contains(got, `Choose what your code "Q" means`) {
		t.Errorf("beside the row: %q", got)
	}
	if n := text(t, ctx, ".govuk-error-summary"); !strings.Contains(n, "There is a problem") {
		t.Errorf("the summary: %q", n)
	}
	checkPage(t, ctx, dir, "mapping-form-errors")
}
