package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// A new API token, shown once, fits a phone's screen: it wraps rather than
// widening the page.
func TestBrowserNewTokenFitsAPhone(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, nil)
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	act(t, ctx, "a phone's window", chromedp.EmulateViewport(390, 844))
	act(t, ctx, "making a token", chromedp.Navigate(h.URL+"/profile"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "monthly_workforce_upload_from_the_county_hr_system"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Make token"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#new-token`)))
	checkPage(t, ctx, dir, "profile-new-token-phone")
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	m, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]any](`(() => {
	  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
	    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right));
	  const cells = [...document.querySelectorAll('table th, table td')].map(e => Math.round(e.getBoundingClientRect().width) + ':' + e.textContent.trim().slice(0, 20));
	  return {page: document.documentElement.scrollWidth, window: window.innerWidth, wide: wide.slice(0, 10), cells: cells};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if m["page"].(float64) > m["window"].(float64) {
		t.Errorf("the page is %v wide in a window %v wide: %v %v", m["page"], m["window"], m["wide"], m["cells"])
	}
}
