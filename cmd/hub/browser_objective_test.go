package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// The objective form with a mistake in its action and one in its measure:
// the summary says both at once, its link moves to the action's field, which
// names the message beside it; what was typed and chosen is kept; periods
// are chosen from lists in words; the form passes the accessibility checks
// before and after.
func TestBrowserObjectiveFormMistakes(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	act(t, ctx, "opening the objective form", chromedp.Navigate(h.URL+"/strategy/objectives/new"), chromedp.WaitVisible(chromedp.CSS(`#mtheme`)))
	checkPage(t, ctx, dir, "objective-form")
	act(t, ctx, "sending an action too long",
		chromedp.SendKeys(chromedp.CSS(`#statement`), "Fair recruitment for every community"),
		chromedp.Click(chromedp.CSS(`#aims-advance-equality`)), chromedp.Click(chromedp.CSS(`#owners-northshire-county`)),
		chromedp.SetValue(chromedp.CSS(`#action_text`), strings.Repeat("a", 2200)),
		chromedp.SendKeys(chromedp.CSS(`#action_due`), "31 March 2027"),
		chromedp.SetValue(chromedp.CSS(`#measure_label`), "Black users satisfied (%)"),
		chromedp.SetValue(chromedp.CSS(`#baseline`), "60"), chromedp.SetValue(chromedp.CSS(`#target`), "50"),
		chromedp.SetValue(chromedp.CSS(`#baseline_period`), "2024-25"), chromedp.SetValue(chromedp.CSS(`#target_period`), "2027-28"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Set the objective"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Action 1: the text is longer than 2,000 characters (it has 2,200)") || !strings.Contains(s, "Measure 1: the target is below the baseline") {
		t.Errorf("the summary says %q", s)
	}
	kctx, kcancel := context.WithTimeout(ctx, 20*time.Second)
	defer kcancel()
	kept, err := chromedp.Run(kctx, chromedp.Evaluate[map[string]string](`(() => {
	  const v = id => document.getElementById(id).value;
	  const sel = id => document.getElementById(id).selectedOptions[0].textContent;
	  return {statement: v('statement'), label: v('measure_label'), baseline: v('baseline'), period: sel('baseline_period'), target: v('target_period')};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if kept["statement"] != "Fair recruitment for every community" || kept["label"] != "Black users satisfied (%)" || kept["baseline"] != "60" ||
		kept["period"] != "2024-25 (April 2024 to March 2025)" || kept["target"] != "2027-28" {
		t.Errorf("the form again keeps %v", kept)
	}
	checkPage(t, ctx, dir, "objective-form-errors")
	act(t, ctx, "following the summary's link", chromedp.Click(chromedp.CSS(`.govuk-error-summary a[href="#action_text"]`)))
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	m, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]string](`(() => {
	  const f = document.activeElement;
	  const ids = (f.getAttribute('aria-describedby') || '').split(' ');
	  return {focused: f.id, described: ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' | ')};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if m["focused"] != "action_text" || !strings.Contains(m["described"], "Action 1: the text is longer") || !strings.Contains(m["described"], "Up to 2,000 characters") {
		t.Errorf("after the summary's link: %v", m)
	}
}
