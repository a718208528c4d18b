package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// In a real browser, checked with axe-core: a challenged partner answers a
// challenge, after a mistake; a steward previews a table, publishes it and
// withdraws it, after a mistake.
func TestBrowserAnswerPublishAndWithdraw(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	priya := h.visitor(t)
	priya.signIn("northshire-county", "county-forum")
	if status, _, _ := priya.post("/framework/challenges", url.Values{"org": {"northshire-police"}, "theme": {"community-engagement"}, "text": {"Where is the evidence\nof community involvement?"}}); status != http.StatusSeeOther {
		t.Fatalf("challenging the police: %d", status)
	}

	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Inspector Claire Doyle")
	act(t, ctx, "opening the framework", chromedp.Navigate(h.URL+"/framework"), chromedp.WaitVisible(chromedp.ID(`answer-northshire-police-community-engagement-1`)))
	checkPage(t, ctx, dir, "framework-to-answer")
	act(t, ctx, "sending an empty answer", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Send the answer"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	checkPage(t, ctx, dir, "framework-answer-mistake")
	act(t, ctx, "answering", chromedp.SendKeys(chromedp.ID(`answer-northshire-police-community-engagement-1`), "The community panel minutes of May"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Send the answer"]`)), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Answered by Inspector Claire Doyle")]`)))
	checkPage(t, ctx, dir, "framework-answered")
	signOutInBrowser(t, ctx)

	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Tom Whitfield")
	act(t, ctx, "opening the publish form", chromedp.Navigate(h.URL+"/data/publish"), chromedp.WaitVisible(chromedp.ID(`title`)))
	act(t, ctx, "previewing without a title", chromedp.SetValue(chromedp.ID(`period`), "2025-26-Q4"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Preview the table"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	checkPage(t, ctx, dir, "publish-mistake")
	act(t, ctx, "previewing", chromedp.SetValue(chromedp.ID(`title`), "Satisfaction by ethnic group"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Preview the table"]`)), chromedp.WaitVisible(chromedp.Search(`//button[normalize-space(.)="Publish this table"]`)))
	checkPage(t, ctx, dir, "publish-preview")
	act(t, ctx, "publishing", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Publish this table"]`)), chromedp.WaitVisible(chromedp.ID(`reason`)))
	checkPage(t, ctx, dir, "published-table")
	act(t, ctx, "withdrawing without a reason", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Withdraw this table"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	checkPage(t, ctx, dir, "withdraw-mistake")
	act(t, ctx, "withdrawing", chromedp.SendKeys(chromedp.ID(`reason`), "Transfers were counted twice"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Withdraw this table"]`)), chromedp.WaitVisible(chromedp.CSS(`.govuk-notification-banner`)))
	checkPage(t, ctx, dir, "withdrawn-table")
	act(t, ctx, "opening the published list", chromedp.Navigate(h.URL+"/published"), chromedp.WaitVisible(chromedp.Search(`//span[contains(., "Transfers were counted twice")]`)))
	checkPage(t, ctx, dir, "published-with-withdrawn")
}
