package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
	"github.com/partnership/equalityhub/hub"
)

// Each role's job, walked in a real browser the way a person does it: links
// and buttons clicked by their words, fields found by their labels, and only
// the home page opened by its address. Every step is screenshot and every
// page checked with axe-core, failing on a violation of any impact.
func TestBrowserEveryRolesJob(t *testing.T) {
	ctx := browser.New(t)
	dataDir := t.TempDir()
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true", "HUB_DATA_DIR": dataDir})
	w := &walk{t: t, ctx: ctx, base: h.URL, dir: shots(t)}

	t.Run("data steward signs a return", func(t *testing.T) {
		w.t = t
		extract := filepath.Join(t.TempDir(), "staff.csv")
		writeExtract(t, extract, "northshire-police", "workforce-strength", 30, 3, 0)
		w.signIn("Northshire Police", "Owen Richards")
		w.clickLink("Data")
		w.step("steward-data")
		w.clickLink("Upload a return")
		w.step("steward-upload")
		toNextPage(t, ctx, 20*time.Second, "counting an extract",
			chromedp.SetValue(byLabel("Theme"), "workforce-strength"),
			chromedp.SendKeys(byLabel("Period"), "2025-26"),
			chromedp.SetUploadFiles(byLabel("Extract (.csv or .xlsx)"), []string{extract}),
			chromedp.Click(button("Count the extract")),
			chromedp.WaitVisible(chromedp.CSS(`#sign-key`)))
		w.step("steward-counted")
		// OpenPGP.js unlocks the key in the page, which is slow on a loaded machine.
		toNextPage(t, ctx, 90*time.Second, "signing with the key and its passphrase",
			chromedp.SetUploadFiles(byLabel("Your organisation's private key (.asc)"), []string{filepath.Join(dataDir, "demo-keys", "northshire-police-private.asc")}),
			chromedp.SendKeys(byLabel("The key's passphrase"), demoPassphrase),
			chromedp.SendKeys(chromedp.Search(`//*[@id=//section[@id="sign-here"]//label[contains(., "corrects")]/@for]`), "Counted again from the corrected staff records"),
			chromedp.Click(button("Sign and upload the return")),
			chromedp.WaitVisible(chromedp.CSS(`.govuk-notification-banner`)))
		if banner := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(banner, "Its signature was checked") {
			t.Fatalf("after signing in the page, the Data page says %q", banner)
		}
		w.step("steward-accepted")
		w.clickLink("See the return")
		w.step("steward-return")
		w.signOut()
	})

	t.Run("forum member drafts a protocol the other party signs", func(t *testing.T) {
		w.t = t
		const title = "Sharing complaints counts with the police"
		const purpose = "To see together how complaints differ by ethnic group"
		w.signIn("Northshire County Council", "Priya Shah")
		w.clickLink("Protocols")
		w.step("protocol-list")
		w.clickLink("Draft a protocol")
		w.step("protocol-form")
		// The end date written the wrong way: the form says so and keeps the rest.
		act(t, ctx, "filling in the protocol",
			chromedp.SendKeys(byLabel("Title"), title),
			chromedp.Click(inFieldset("Whose data is shared", "Northshire County Council")),
			chromedp.Click(inFieldset("Who receives it", "Northshire Police")),
			chromedp.Click(chromedp.Search(`//fieldset[legend[normalize-space(.)="Themes"]]//label[1]`)),
			chromedp.Click(inFieldset("Level", "Anonymised tables for the recipients named")),
			chromedp.SendKeys(byLabel("Purpose"), purpose),
			chromedp.Clear(byLabel("Until")),
			chromedp.SendKeys(byLabel("Until"), "31/03/2028"))
		toNextPage(t, ctx, 20*time.Second, "saving the draft with the end date written wrongly", chromedp.Click(button("Save the draft")))
		act(t, ctx, "reading the mistake", chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
		w.step("protocol-form-mistake")
		w.requireValue("Title", title)
		w.requireValue("Purpose", purpose)
		w.requireValue("Until", "31/03/2028")
		toNextPage(t, ctx, 20*time.Second, "saving the draft",
			chromedp.Clear(byLabel("Until")),
			chromedp.SendKeys(byLabel("Until"), "2028-03-31"),
			chromedp.Click(button("Save the draft")))
		act(t, ctx, "reading the draft", chromedp.WaitVisible(button("Send for signature")))
		w.step("protocol-draft")
		toNextPage(t, ctx, 20*time.Second, "sending it for signature", chromedp.Click(button("Send for signature")))
		w.step("protocol-sent")
		w.signOut()

		w.signIn("Northshire Police", "ACC Joanne Baptiste")
		act(t, ctx, "seeing it wait on the home page", chromedp.WaitVisible(chromedp.Search(`//li[contains(., "waits for Northshire Police's signature")]/a[normalize-space(.)="`+title+`"]`)))
		w.clickLink(title)
		w.step("protocol-to-sign")
		toNextPage(t, ctx, 20*time.Second, "signing it", chromedp.Click(button("Sign for Northshire Police")))
		w.step("protocol-signed")
		if got := text(t, ctx, "main"); !strings.Contains(got, "Northshire Police") {
			t.Errorf("after signing, the protocol's page says %q", got)
		}
		w.signOut()
	})

	t.Run("officer takes an assessment to publication and the advisory group challenges it", func(t *testing.T) {
		w.t = t
		const title = "Library service redesign"
		day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
		openIt := func() {
			w.clickLink("Impact assessments")
			w.clickLink(title)
		}
		w.signIn("Northshire County Council", "Priya Shah")
		w.clickLink("Impact assessments")
		w.step("eia-list")
		w.clickLink("Start an assessment")
		w.step("eia-form")
		act(t, ctx, "filling in the details",
			chromedp.SendKeys(byLabel("Title"), title),
			chromedp.SendKeys(byLabel("What is being assessed"), "Moving library services to community hubs"),
			chromedp.SendKeys(byLabel("The decision it informs"), "Cabinet decision on the library service"),
			chromedp.SetValue(byLabel("Kind of subject"), "service"),
			chromedp.Click(inFieldset("Partners assessing it with you", "Northam City Council")),
			chromedp.Click(inFieldset("Partners assessing it with you", "Northshire Healthcare NHS Trust")),
			chromedp.SendKeys(byLabel("Review date"), day(400)))
		// Forgetting the decision date: the form says so and keeps the title.
		toNextPage(t, ctx, 20*time.Second, "starting it without a decision date", chromedp.Click(button("Start")))
		act(t, ctx, "reading the mistake", chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
		w.step("eia-form-mistake")
		w.requireValue("Title", title)
		w.requireValue("What is being assessed", "Moving library services to community hubs")
		toNextPage(t, ctx, 20*time.Second, "starting it",
			chromedp.SendKeys(byLabel("Planned decision date"), day(30)),
			chromedp.Click(button("Start")))
		act(t, ctx, "reading the assessment", chromedp.WaitVisible(chromedp.Search(`//h2[contains(., "1. Screening")]`)))
		w.step("eia-started")

		// A screening that says "not relevant" without a reason comes back with the error beside it, nothing typed lost.
		toNextPage(t, ctx, 20*time.Second, "screening without a reason", chromedp.Click(chromedp.Search(`//summary[contains(., "Fill in the screening")]`)),
			chromedp.Click(chromedp.ID("relevant-age-no")), chromedp.SendKeys(chromedp.ID("why-disability"), "From the users' survey"), chromedp.Click(chromedp.ID("relevant-disability-yes")),
			chromedp.Click(button("Save the screening")))
		act(t, ctx, "reading the mistake", chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Age: say why it is not relevant")]`)))
		w.step("eia-screening-mistake")
		w.requireID("why-disability", "From the users' survey")
		steps := []chromedp.Action[chromedp.Void]{}
		for _, ch := range hub.Characteristics() {
			v := "no"
			if ch == hub.Age || ch == hub.Disability {
				v = "yes"
			}
			steps = append(steps, chromedp.Click(chromedp.ID("relevant-"+string(ch)+"-"+v)), chromedp.Clear(chromedp.ID("why-"+string(ch))), chromedp.SendKeys(chromedp.ID("why-"+string(ch)), "From the users' survey"))
		}
		steps = append(steps, chromedp.SetValue(chromedp.ID("conclusion"), "full-assessment"), chromedp.SendKeys(chromedp.ID("reason"), "Many users are older or disabled"),
			chromedp.Click(button("Save the screening")))
		toNextPage(t, ctx, 20*time.Second, "screening", steps...)
		act(t, ctx, "reading the screening", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "a full assessment is needed")]`)))
		w.step("eia-screened")
		toNextPage(t, ctx, 20*time.Second, "assessing",
			chromedp.Click(chromedp.Search(`//summary[contains(., "Fill in the assessment")]`)),
			chromedp.SetValue(chromedp.ID("effect-age"), "negative"), chromedp.SendKeys(chromedp.ID("reasoning-age"), "Longer journeys"),
			chromedp.SetValue(chromedp.ID("effect-disability"), "negative"), chromedp.SendKeys(chromedp.ID("reasoning-disability"), "Step access"),
			chromedp.SendKeys(chromedp.ID("alternatives"), "Shorter hours in every branch"), chromedp.SetValue(chromedp.ID("aconclusion"), "adjust"),
			chromedp.SendKeys(chromedp.ID("conclusion_reason"), "A mobile library for villages"),
			chromedp.Click(button("Save the assessment")))
		act(t, ctx, "reading the assessment", chromedp.WaitVisible(chromedp.Search(`//summary[contains(., "Add an action")]`)))
		w.step("eia-assessed")
		toNextPage(t, ctx, 20*time.Second, "adding an action",
			chromedp.Click(chromedp.Search(`//summary[contains(., "Add an action")]`)),
			chromedp.SendKeys(chromedp.ID("text"), "Run a mobile library"), chromedp.SendKeys(chromedp.ID("owner_person"), "Priya Shah"),
			chromedp.SendKeys(chromedp.ID("due"), day(180)), chromedp.SetValue(chromedp.ID("strategy_link"), "objective-accessible-services"),
			chromedp.Click(button("Add the action")))
		act(t, ctx, "reading the action", chromedp.WaitVisible(chromedp.Search(`//th[contains(., "Run a mobile library")]`)))
		w.step("eia-action")
		toNextPage(t, ctx, 20*time.Second, "opening scrutiny", chromedp.SendKeys(chromedp.ID("until"), day(14)),
			chromedp.Click(button("Open for scrutiny")))
		act(t, ctx, "reading that it is open", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Open to the advisory group")]`)))
		w.step("eia-open")
		w.signOut()

		// The advisory group sees it open on their home page and challenges it.
		w.signIn("Northshire Equality Advisory Group", "Jamal Ahmed")
		w.clickLink(title)
		w.step("advisory-eia")
		toNextPage(t, ctx, 20*time.Second, "challenging", chromedp.SendKeys(byLabel("Your comment"), "Is there step-free access?"),
			chromedp.Click(byLabel("This is a challenge")), chromedp.Click(button("Send")))
		act(t, ctx, "reading the challenge", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Is there step-free access?")]`)))
		w.step("advisory-challenged")
		w.signOut()

		w.signIn("Northshire County Council", "Priya Shah")
		openIt()
		toNextPage(t, ctx, 20*time.Second, "answering", chromedp.SendKeys(chromedp.Search(`//*[@id=//label[contains(., "The team's response")]/@for]`), "Yes: the vehicle has a lift"),
			chromedp.Click(button("Respond")))
		act(t, ctx, "reading the answer", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "the vehicle has a lift")]`)))
		w.step("eia-answered")
		w.signOut()

		// The advisory member reads the answer.
		w.signIn("Northshire Equality Advisory Group", "Jamal Ahmed")
		openIt()
		act(t, ctx, "reading the answer", chromedp.WaitVisible(chromedp.Search(`//p[contains(., "the vehicle has a lift")]`)))
		w.step("advisory-reads-answer")
		w.signOut()

		for _, signer := range []struct{ org, name string }{{"Northshire County Council", "David Chen"}, {"Northam City Council", "Cllr Rajesh Patel"}, {"Northshire Healthcare NHS Trust", "Simon Ashworth"}} {
			w.signIn(signer.org, signer.name)
			w.clickLink(title)
			steps := []chromedp.Action[chromedp.Void]{}
			for _, k := range []string{"aware", "before", "substance", "personal", "continuing", "recorded"} {
				steps = append(steps, chromedp.Click(chromedp.ID("brown-"+k)))
			}
			steps = append(steps, chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(.), "Sign off")]`)))
			toNextPage(t, ctx, 20*time.Second, signer.name+" signing", steps...)
			act(t, ctx, "reading the sign-off", chromedp.WaitVisible(chromedp.Search(`//li[contains(., "`+signer.name+` for")]`)))
			w.step("eia-signed-" + strings.ToLower(strings.ReplaceAll(signer.name, " ", "-")))
			w.signOut()
		}

		w.signIn("Northshire County Council", "Priya Shah")
		openIt()
		toNextPage(t, ctx, 20*time.Second, "publishing", chromedp.Click(button("Publish")))
		act(t, ctx, "reading that it is published", chromedp.WaitVisible(chromedp.Search(`//strong[normalize-space(.)="Published"]`)))
		w.step("eia-published")
		w.signOut()
	})

	t.Run("board member makes the quarter's report", func(t *testing.T) {
		w.t = t
		w.signIn("Northshire County Council", "Cllr Margaret Hollis")
		w.clickLink("Strategy")
		w.step("board-strategy")
		toNextPage(t, ctx, 20*time.Second, "making the report", chromedp.Click(chromedp.Search(`//button[starts-with(normalize-space(.), "Make the report for")]`)))
		act(t, ctx, "reading the report", chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Progress report")]`)))
		w.step("board-report")
		w.clickLink("Strategy")
		act(t, ctx, "finding the report listed", chromedp.WaitVisible(chromedp.Search(`//h2[normalize-space(.)="Quarterly reports"]/following-sibling::ul[1]//a`)))
		w.step("board-strategy-with-report")
		w.signOut()
	})

	t.Run("forum member publishes a table", func(t *testing.T) {
		w.t = t
		w.signIn("Northshire County Council", "Priya Shah")
		w.clickLink("Data")
		w.step("forum-data")
		w.clickLink("Publish a table")
		w.step("forum-publish")
		// Forgetting the period: the form says so and keeps the title.
		toNextPage(t, ctx, 20*time.Second, "previewing a table without its period",
			chromedp.SendKeys(byLabel("Title"), "Satisfaction by ethnic group"),
			chromedp.Click(button("Preview the table")))
		act(t, ctx, "reading the mistake", chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
		w.step("forum-publish-mistake")
		w.requireValue("Title", "Satisfaction by ethnic group")
		toNextPage(t, ctx, 20*time.Second, "previewing a table",
			chromedp.SetValue(byLabel("Period"), "2025-26-Q4"),
			chromedp.Click(button("Preview the table")))
		act(t, ctx, "reading the preview", chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Check the table before you publish it")]`)))
		w.step("forum-publish-preview")
		toNextPage(t, ctx, 20*time.Second, "publishing the table",
			chromedp.Click(button("Publish this table")))
		w.step("forum-published")
		w.signOut()
	})

	t.Run("the public reads what is published", func(t *testing.T) {
		w.t = t
		w.home()
		w.step("public-home")
		w.clickLink("what the partnership has published")
		w.step("public-published")
		// What the officer and the forum member published above.
		toNextPage(t, ctx, 20*time.Second, "opening a published assessment",
			chromedp.Click(chromedp.Search(`//h2[normalize-space(.)="Equality impact assessments"]/following-sibling::ul[1]//a[normalize-space(.)="Library service redesign"]`)))
		act(t, ctx, "reading the assessment", chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Library service redesign")]`)),
			chromedp.WaitVisible(chromedp.Search(`//caption[contains(., "Relevance to each protected characteristic")]`)))
		w.step("public-assessment")
		w.home()
		w.clickLink("what the partnership has published")
		toNextPage(t, ctx, 20*time.Second, "opening a published table",
			chromedp.Click(chromedp.Search(`//h2[normalize-space(.)="Tables"]/following-sibling::ul[1]//a[normalize-space(.)="Satisfaction by ethnic group"]`)))
		act(t, ctx, "reading the table", chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space(.)="Satisfaction by ethnic group"]`)), chromedp.WaitVisible(chromedp.CSS(`table`)))
		w.step("public-table")
	})
}

// toNextPage runs actions that leave the page, then waits until the next
// page has loaded: the old page is marked first, so its elements are not
// taken for the new one's.
func toNextPage(t *testing.T, ctx context.Context, d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(window.walkedFrom = true)`)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := chromedp.Do(tctx, actions...); err != nil {
		_ = browser.Screenshot(ctx, filepath.Join(shots(t), "failed.png"))
		t.Fatalf("%s: %v", what, err)
	}
	// The page's JavaScript context goes away as it unloads, so errors
	// while asking are asked again.
	for {
		if done, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`!window.walkedFrom && document.readyState === 'complete'`)); err == nil && done {
			return
		}
		select {
		case <-tctx.Done():
			t.Fatalf("%s: waiting for the next page: %v", what, tctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// walk is one person's way through the hub in the browser.
type walk struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	n    int
}

// step screenshots the page and fails on any axe-core violation.
func (w *walk) step(name string) {
	w.t.Helper()
	w.n++
	if err := browser.Screenshot(w.ctx, filepath.Join(w.dir, fmt.Sprintf("job-%02d-%s.png", w.n, name))); err != nil {
		w.t.Fatalf("screenshot of %s: %v", name, err)
	}
	requireNoViolations(w.t, w.ctx, name)
}

// home opens the home page by its address: the only page a walk opens so.
func (w *walk) home() {
	w.t.Helper()
	act(w.t, w.ctx, "opening the home page", chromedp.Navigate(w.base+"/"))
}

// clickLink clicks the first link whose words are text and waits for the next page.
func (w *walk) clickLink(text string) {
	w.t.Helper()
	toNextPage(w.t, w.ctx, 20*time.Second, "following "+text,
		chromedp.Click(chromedp.Search(`//a[normalize-space(.)="`+text+`"]`)))
}

// signIn goes from the home page to the sign-in page and signs a demo person in.
func (w *walk) signIn(orgName, personName string) {
	w.t.Helper()
	w.home()
	// Someone still signed in after an earlier job failed is signed out first.
	if out, err := chromedp.Run(w.ctx, chromedp.Evaluate[bool](`document.querySelector('.app-account-bar__who strong') !== null`)); err == nil && out {
		w.signOut()
	}
	toNextPage(w.t, w.ctx, 20*time.Second, "opening the sign-in page", chromedp.Click(chromedp.Search(`//p[contains(@class, "app-account-bar__who")]/a[normalize-space(.)="Sign in"]`)),
		chromedp.WaitVisible(chromedp.Search(`//a[normalize-space(text())="`+orgName+`"]`)))
	w.step("sign-in")
	toNextPage(w.t, w.ctx, 20*time.Second, "choosing "+orgName, chromedp.Click(chromedp.Search(`//a[normalize-space(text())="`+orgName+`"]`)), chromedp.WaitVisible(chromedp.Search(`//button[contains(., "Sign in as")]`)))
	w.step("identity-provider")
	toNextPage(w.t, w.ctx, 20*time.Second, "choosing "+personName, chromedp.Click(button("Sign in as "+personName)), chromedp.WaitVisible(chromedp.CSS(`.app-account-bar__who strong`)))
	if who := text(w.t, w.ctx, ".app-account-bar__who strong"); who != personName {
		w.t.Fatalf("signed in as %q, want %q", who, personName)
	}
	w.step("home-" + strings.ToLower(strings.ReplaceAll(personName, " ", "-")))
}

// requireValue fails unless the field labelled label holds want.
func (w *walk) requireValue(label, want string) {
	w.t.Helper()
	tctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	got, err := chromedp.Run(tctx, chromedp.Value(byLabel(label)))
	if err != nil {
		w.t.Fatalf("reading the field %q: %v", label, err)
	}
	if got != want {
		w.t.Errorf("after the mistake, the field %q holds %q, want %q as typed", label, got, want)
	}
}

// requireID fails unless the field with id holds want.
func (w *walk) requireID(id, want string) {
	w.t.Helper()
	tctx, cancel := context.WithTimeout(w.ctx, 20*time.Second)
	defer cancel()
	got, err := chromedp.Run(tctx, chromedp.Value(chromedp.ID(id)))
	if err != nil {
		w.t.Fatalf("reading the field %s: %v", id, err)
	}
	if got != want {
		w.t.Errorf("after the mistake, the field %s holds %q, want %q as typed", id, got, want)
	}
}

func (w *walk) signOut() {
	w.t.Helper()
	signOutInBrowser(w.t, w.ctx)
	w.step("signed-out")
}

// byLabel finds the field a label whose words start with text is for.
func byLabel(text string) chromedp.Search {
	return chromedp.Search(`//*[@id=//label[starts-with(normalize-space(.), "` + text + `")]/@for]`)
}

// inFieldset finds the label with words text in the fieldset whose legend is legend.
func inFieldset(legend, text string) chromedp.Search {
	return chromedp.Search(`//fieldset[legend[normalize-space(.)="` + legend + `"]]//label[normalize-space(.)="` + text + `"]`)
}

// button finds a button by its words.
func button(text string) chromedp.Search {
	return chromedp.Search(`//button[normalize-space(.)="` + text + `"]`)
}

// requireNoViolations runs axe-core on the page and fails listing every
// violation, whatever its impact.
func requireNoViolations(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	violations, err := browser.Axe(tctx)
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	if len(violations) > 0 {
		var lines []string
		for _, v := range violations {
			lines = append(lines, v.String())
		}
		t.Errorf("axe: %d accessibility violation(s) on %s:\n  %s", len(violations), page, strings.Join(lines, "\n  "))
	}
}
