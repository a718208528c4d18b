package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// A forum member's strategy pages pass the accessibility checks: an
// objective's page with its forms, the form to change it, the duty
// calendar with its form shown again with mistakes, and a published annual
// report; marking an action done with no note puts the message beside it.
func TestBrowserStrategyPages(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	const obj = "/strategy/objectives/objective-representative-workforce"
	act(t, ctx, "opening an objective", chromedp.Navigate(h.URL+obj), chromedp.WaitVisible(chromedp.CSS(`#why`)))
	checkPage(t, ctx, dir, "objective")
	act(t, ctx, "marking an action done with no note",
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Mark the action done"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	if s := text(t, ctx, ".govuk-error-summary"); s == "" || !strings.Contains(s, "Say what was done") {
		t.Errorf("the summary says %q", s)
	}
	checkPage(t, ctx, dir, "objective-errors")
	act(t, ctx, "opening the form to change it", chromedp.Navigate(h.URL+obj+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#mtheme_2`)))
	checkPage(t, ctx, dir, "objective-edit")
	act(t, ctx, "recording a publication with mistakes", chromedp.Navigate(h.URL+"/strategy/duty"),
		chromedp.SetValue(chromedp.CSS(`#date`), "soon"), chromedp.SetValue(chromedp.CSS(`#url`), "northshire"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Record the publication"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	checkPage(t, ctx, dir, "duty-errors")
	act(t, ctx, "publishing the annual report", chromedp.Navigate(h.URL+"/strategy/annual-report"),
		chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(.), "Publish the report for")]`)),
		chromedp.WaitVisible(chromedp.Search(`//a[normalize-space(.)="All published information"]`)))
	checkPage(t, ctx, dir, "published-annual")
}
