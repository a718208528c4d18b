package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// On a phone, the upload page puts counting an extract before uploading the
// signed return; the counts and a return's page stay within the window, their
// tables scrolling; a refusal is shown beside the fields of the form sent.
func TestBrowserUploadPageOnAPhone(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	extract := filepath.Join(t.TempDir(), "searches.csv")
	writeExtract(t, extract, "northshire-police", "stop-and-search", 200, 4, 0)
	act(t, ctx, "a phone's window", chromedp.EmulateViewport(390, 844))
	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Owen Richards")

	measure := func(what string) map[string]any {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		m, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]any](`(() => {
		  const hs = [...document.querySelectorAll('main h2')].map(e => e.textContent.trim());
		  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
		    count: hs.indexOf('1. Count an extract'), upload: hs.indexOf('2. Upload the signed return'),
		    returnError: !!document.querySelector('#return-error'), extractError: !!document.querySelector('#extract-error'),
		    scrolling: document.querySelectorAll('.app-table-scroll[role="region"][tabindex="0"]').length};
		})()`))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if m["page"].(float64) > m["window"].(float64) {
			t.Errorf("%s: the page is %v wide in a window %v wide", what, m["page"], m["window"])
		}
		return m
	}

	act(t, ctx, "opening the upload page", chromedp.Navigate(h.URL+"/data/upload"), chromedp.WaitVisible(chromedp.CSS(`#extract`)))
	if m := measure("the upload page"); m["count"].(float64) < 0 || m["upload"].(float64) < m["count"].(float64) {
		t.Errorf("the steps are out of order: %v", m)
	}
	act(t, ctx, "counting an extract",
		chromedp.SetValue(chromedp.CSS(`#theme`), "stop-and-search"),
		chromedp.SetValue(chromedp.CSS(`#period`), "2025-26"),
		chromedp.SetUploadFiles(chromedp.CSS(`#extract`), []string{extract}),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Count the extract"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space(.)="Download the return"]`)))
	checkPage(t, ctx, dir, "upload-draft-phone")
	if m := measure("the counted extract"); m["scrolling"].(float64) < 3 {
		t.Errorf("the counts tables do not scroll in regions of their own: %v", m)
	}
	act(t, ctx, "uploading with no files",
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Upload the signed return"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	checkPage(t, ctx, dir, "upload-refused-phone")
	if m := measure("the refusal"); m["returnError"] != true || m["extractError"] != false {
		t.Errorf("the refusal is not beside the fields of the form sent: %v", m)
	}
	act(t, ctx, "opening the Data page", chromedp.Navigate(h.URL+"/data"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	measure("the Data page")
	act(t, ctx, "opening a return", chromedp.Click(chromedp.Search(`//a[contains(@href, "/data/returns/")]`)), chromedp.WaitVisible(chromedp.Search(`//caption[contains(., "Ethnic group")]`)))
	checkPage(t, ctx, dir, "return-phone")
	measure("a return's page")
}
