package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
	"github.com/partnership/equalityhub/hub"
)

// The joint impact assessment path in a real browser: the county starts one
// with the city and the NHS trust, screens and assesses it citing the hub's
// data, adds an action linked to the strategy, opens it to the advisory
// group, answers a challenge, and the three decision makers sign it off; it is
// published. Every page is checked with axe-core.
func TestBrowserImpactAssessmentPath(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }

	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	act(t, ctx, "opening the assessments", chromedp.Navigate(h.URL+"/impact-assessments"))
	checkPage(t, ctx, dir, "eias")
	act(t, ctx, "starting an assessment", chromedp.Navigate(h.URL+"/impact-assessments/new"),
		chromedp.SetValue(chromedp.ID("title"), "Library service redesign"),
		chromedp.SetValue(chromedp.ID("summary"), "Moving library services to community hubs"),
		chromedp.SetValue(chromedp.ID("decision"), "Cabinet decision on the library service"),
		chromedp.SetValue(chromedp.ID("subject"), "service"),
		chromedp.Click(chromedp.ID("participants-northam-city")), chromedp.Click(chromedp.ID("participants-northshire-nhs")),
		chromedp.SetValue(chromedp.ID("decision_date"), day(30)), chromedp.SetValue(chromedp.ID("review_date"), day(400)))
	checkPage(t, ctx, dir, "eia-form")
	act(t, ctx, "saving it", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Start"]`)), chromedp.WaitVisible(chromedp.Search(`//h2[contains(., "1. Screening")]`)))
	at, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	// The details change until the first sign-off.
	act(t, ctx, "changing the details", chromedp.Navigate(at+"/details"), chromedp.SetValue(chromedp.ID("review_date"), day(395)))
	checkPage(t, ctx, dir, "eia-details")
	act(t, ctx, "saving the details", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Save the details"]`)), chromedp.WaitVisible(chromedp.Search(`//h2[contains(., "1. Screening")]`)))

	// A screening that says "not relevant" without a reason comes back with the error beside it, nothing typed lost.
	act(t, ctx, "screening without a reason", chromedp.Click(chromedp.Search(`//summary[contains(., "Fill in the screening")]`)),
		chromedp.Click(chromedp.ID("relevant-age-no")), chromedp.SetValue(chromedp.ID("why-disability"), "From the users' survey"), chromedp.Click(chromedp.ID("relevant-disability-yes")),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Save the screening"]`)), chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Age: say why it is not relevant")]`)))
	checkPage(t, ctx, dir, "eia-screening-error")

	// Screening and assessment, through the forms.
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(at), chromedp.Click(chromedp.Search(`//summary[contains(., "Fill in the screening")]`))}
	for _, ch := range hub.Characteristics() {
		v := "no"
		if ch == hub.Age || ch == hub.Disability {
			v = "yes"
		}
		steps = append(steps, chromedp.Click(chromedp.ID("relevant-"+string(ch)+"-"+v)), chromedp.SetValue(chromedp.ID("why-"+string(ch)), "From the users' survey"))
	}
	steps = append(steps, chromedp.SetValue(chromedp.ID("conclusion"), "full-assessment"), chromedp.SetValue(chromedp.ID("reason"), "Many users are older or disabled"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Save the screening"]`)), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "a full assessment is needed")]`)))
	act(t, ctx, "screening", steps...)
	act(t, ctx, "assessing",
		chromedp.Click(chromedp.Search(`//summary[contains(., "Fill in the assessment")]`)),
		chromedp.SetValue(chromedp.ID("effect-age"), "negative"), chromedp.SetValue(chromedp.ID("reasoning-age"), "Longer journeys"),
		chromedp.SetValue(chromedp.ID("effect-disability"), "negative"), chromedp.SetValue(chromedp.ID("reasoning-disability"), "Step access"),
		chromedp.SetValue(chromedp.ID("alternatives"), "Shorter hours in every branch"), chromedp.SetValue(chromedp.ID("aconclusion"), "adjust"),
		chromedp.SetValue(chromedp.ID("conclusion_reason"), "A mobile library for villages"),
		chromedp.SetValue(chromedp.ID("evidence_title"), "Satisfaction by ethnic group"),
		chromedp.SetValue(chromedp.ID("evidence_link"), "/data/picture?theme=customer-satisfaction&question=ethnicity&period=2025-26-Q4"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Save the assessment"]`)), chromedp.WaitVisible(chromedp.Search(`//a[normalize-space(.)="Satisfaction by ethnic group"]`)))
	act(t, ctx, "adding an action",
		chromedp.Click(chromedp.Search(`//summary[contains(., "Add an action")]`)),
		chromedp.SetValue(chromedp.ID("text"), "Run a mobile library"), chromedp.SetValue(chromedp.ID("owner_person"), "Priya Shah"),
		chromedp.SetValue(chromedp.ID("due"), day(180)), chromedp.SetValue(chromedp.ID("strategy_link"), "objective-accessible-services"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Add the action"]`)), chromedp.WaitVisible(chromedp.Search(`//th[contains(., "Run a mobile library")]`)))
	act(t, ctx, "opening scrutiny", chromedp.SetValue(chromedp.ID("until"), day(14)),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Open for scrutiny"]`)), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Open to the advisory group")]`)))
	checkPage(t, ctx, dir, "eia-team")
	signOutInBrowser(t, ctx)

	signInInBrowser(t, ctx, h.URL, "Northshire Equality Advisory Group", "Jamal Ahmed")
	act(t, ctx, "challenging", chromedp.Navigate(at), chromedp.SetValue(chromedp.ID("comment-text"), "Is there step-free access?"),
		chromedp.Click(chromedp.ID("challenge")), chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Send"]`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Is there step-free access?")]`)))
	checkPage(t, ctx, dir, "eia-scrutiny")
	signOutInBrowser(t, ctx)

	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	act(t, ctx, "answering", chromedp.Navigate(at), chromedp.SendKeys(chromedp.CSS(`input[id^="response-"]`), "Yes: the vehicle has a lift"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Respond"]`)), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "the vehicle has a lift")]`)))
	signOutInBrowser(t, ctx)

	for _, signer := range []struct{ org, name string }{{"Northshire County Council", "David Chen"}, {"Northam City Council", "Cllr Rajesh Patel"}, {"Northshire Healthcare NHS Trust", "Simon Ashworth"}} {
		signInInBrowser(t, ctx, h.URL, signer.org, signer.name)
		steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(at)}
		for _, k := range []string{"aware", "before", "substance", "personal", "continuing", "recorded"} {
			steps = append(steps, chromedp.Click(chromedp.ID("brown-"+k)))
		}
		if signer.name == "David Chen" {
			act(t, ctx, "opening the sign-off", steps...)
			checkPage(t, ctx, dir, "eia-sign")
			steps = nil
		}
		steps = append(steps, chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(.), "Sign off")]`)),
			chromedp.WaitVisible(chromedp.Search(`//li[contains(., "`+signer.name+` for")]`)))
		act(t, ctx, signer.name+" signing", steps...)
		signOutInBrowser(t, ctx)
	}

	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	act(t, ctx, "publishing", chromedp.Navigate(at), chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Publish"]`)),
		chromedp.WaitVisible(chromedp.Search(`//strong[normalize-space(.)="Published"]`)))
	act(t, ctx, "the printable page", chromedp.Navigate(at+"?print=1"))
	checkPage(t, ctx, dir, "eia-print")
	if page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); strings.Contains(page, "Retrospective") {
		t.Fatal("an assessment signed before its decision is marked retrospective")
	}
}
