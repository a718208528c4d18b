package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
	"github.com/partnership/equalityhub/hub/demo"
)

// shots is where page screenshots go: HUB_SCREENSHOTS, or a directory removed after the test.
func shots(t *testing.T) string {
	if d := os.Getenv("HUB_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// act runs browser actions with a time limit.
func act(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text reads the text of the first element a CSS selector finds.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("reading %s: %v", css, err)
	}
	return s
}

// checkPage screenshots the current page and fails on serious accessibility violations.
func checkPage(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	if err := browser.Screenshot(ctx, filepath.Join(dir, name+".png")); err != nil {
		t.Fatalf("screenshot of %s: %v", name, err)
	}
	browser.RequireNoSeriousViolations(t, ctx)
}

// signInInBrowser signs a demo person in the way a person does: the hub's
// sign-in page, their organisation, their identity provider's page, the button.
func signInInBrowser(t *testing.T, ctx context.Context, base, orgName, personName string) {
	t.Helper()
	act(t, ctx, "opening the sign-in page", chromedp.Navigate(base+"/sign-in"))
	act(t, ctx, "choosing "+orgName, chromedp.Click(chromedp.Search(`//a[normalize-space(text())="`+orgName+`"]`)), chromedp.WaitVisible(chromedp.Search(`//button[contains(., "Sign in as")]`)))
	act(t, ctx, "choosing "+personName, chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign in as `+personName+`"]`)), chromedp.WaitVisible(chromedp.CSS(`.app-account-bar__who strong`)))
	who := text(t, ctx, ".app-account-bar__who strong")
	if who != personName {
		t.Fatalf("signed in as %q, want %q", who, personName)
	}
}

func signOutInBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	act(t, ctx, "signing out", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign out"]`)), chromedp.WaitVisible(chromedp.Search(`//p[contains(., "You have signed out")]`)))
}

func TestBrowserSignInAndPages(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)

	act(t, ctx, "opening the home page", chromedp.Navigate(h.URL+"/"))
	checkPage(t, ctx, dir, "home-visitor")
	act(t, ctx, "opening the sign-in page", chromedp.Navigate(h.URL+"/sign-in"))
	checkPage(t, ctx, dir, "sign-in")
	act(t, ctx, "opening the published information", chromedp.Navigate(h.URL+"/published"))
	checkPage(t, ctx, dir, "published")

	// The administrator: their organisation's page, a member's roles, an organisation form, their profile.
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Alex Morgan")
	checkPage(t, ctx, dir, "home-admin")
	pages := map[string]string{
		"organisation":      "/organisations/northshire-county",
		"member-roles":      "/organisations/northshire-police/members/demo-police-steward",
		"organisation-form": "/organisations/northshire-police/edit",
		"organisations":     "/organisations",
		"profile":           "/profile",
		"not-found":         "/organisations/northshire-county/members/nobody",
	}
	for name, path := range pages {
		act(t, ctx, "opening "+path, chromedp.Navigate(h.URL+path))
		checkPage(t, ctx, dir, name)
	}
	// A form with mistakes re-renders with the messages beside the fields.
	act(t, ctx, "sending an empty organisation form",
		chromedp.Navigate(h.URL+"/organisations/new"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-error-summary`)))
	summary := text(t, ctx, ".govuk-error-summary")
	if !strings.Contains(summary, "Enter the organisation's name") || !strings.Contains(summary, "Choose the kind of organisation") {
		t.Fatalf("the error summary does not name the mistakes: %q", summary)
	}
	checkPage(t, ctx, dir, "organisation-form-errors")
	signOutInBrowser(t, ctx)

	// Every demo role signs in through its organisation's identity provider.
	orgNames := map[string]string{}
	for _, o := range demo.Organisations(h.URL) {
		orgNames[o.ID] = o.Name
	}
	seen := map[string]bool{}
	for _, p := range demo.People() {
		fresh := false
		for _, g := range p.Grants {
			fresh = fresh || !seen[string(g.Role)]
			seen[string(g.Role)] = true
		}
		if !fresh {
			continue
		}
		signInInBrowser(t, ctx, h.URL, orgNames[p.OrgID], p.Name)
		if p.Grants[0].Role == "advisory-member" {
			checkPage(t, ctx, dir, "home-advisory")
		}
		signOutInBrowser(t, ctx)
	}
	if len(seen) != 8 {
		t.Fatalf("signed in %d roles, want all 8", len(seen))
	}

	// A data steward's pages: the returns, one return's counts, the upload form, the keys; and the public standard.
	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Owen Richards")
	act(t, ctx, "opening the Data page", chromedp.Navigate(h.URL+"/data"))
	checkPage(t, ctx, dir, "data")
	act(t, ctx, "opening a return", chromedp.Click(chromedp.Search(`//a[contains(@href, "/data/returns/")]`)), chromedp.WaitVisible(chromedp.Search(`//caption[contains(., "Ethnic group")]`)))
	checkPage(t, ctx, dir, "return")
	for name, path := range map[string]string{"upload": "/data/upload", "keys": "/data/keys", "mapping": "/data/mapping", "standard": "/standard"} {
		act(t, ctx, "opening "+path, chromedp.Navigate(h.URL+path))
		checkPage(t, ctx, dir, name)
	}
	signOutInBrowser(t, ctx)

	// A forum member's pages: the partnership picture, the protocols, the record.
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	for name, path := range map[string]string{
		"picture":   "/data/picture?theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4&grouping=broad",
		"protocols": "/protocols", "protocol": "/protocols/demo-community-safety", "record": "/audit", "protocol-form": "/protocols/new",
		"publish": "/data/publish", "strategy": "/strategy", "framework": "/framework", "duty": "/strategy/duty", "annual-report": "/strategy/annual-report",
	} {
		act(t, ctx, "opening "+path, chromedp.Navigate(h.URL+path))
		checkPage(t, ctx, dir, name)
	}
}
