package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/adapters/web/browser"
)

// A data steward signs a counted return in the page with their
// organisation's private key file and its passphrase, and the hub accepts
// it: OpenPGP.js signs in the browser, the hub verifies with gopenpgp. A
// wrong passphrase, or a public key chosen instead of the private one, is
// said in words beside the field, and nothing is sent.
func TestBrowserSignsAReturnInThePage(t *testing.T) {
	ctx := browser.New(t)
	dataDir := t.TempDir()
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true", "HUB_DATA_DIR": dataDir})
	dir := shots(t)
	extract := filepath.Join(t.TempDir(), "staff.csv")
	writeExtract(t, extract, "northshire-police", "workforce-strength", 30, 3, 0)
	keys := filepath.Join(dataDir, "demo-keys")

	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Owen Richards")
	act(t, ctx, "counting an extract",
		chromedp.Navigate(h.URL+"/data/upload"),
		chromedp.SetValue(chromedp.CSS(`#theme`), "workforce-strength"),
		chromedp.SetValue(chromedp.CSS(`#period`), "2025-26"),
		chromedp.SetUploadFiles(chromedp.CSS(`#extract`), []string{extract}),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Count the extract"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sign-key`)))
	checkPage(t, ctx, dir, "sign-here")
	// The key and its passphrase are in no form the page sends.
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	sent, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`['sign-key', 'sign-passphrase'].some(id => { const e = document.getElementById(id); return e.name !== '' || e.form !== null })`))
	if err != nil || sent {
		t.Fatalf("the key or its passphrase is a field of a form the page sends (%v)", err)
	}

	act(t, ctx, "signing with a wrong passphrase",
		chromedp.SetUploadFiles(chromedp.CSS(`#sign-key`), []string{filepath.Join(keys, "northshire-police-private.asc")}),
		chromedp.SendKeys(chromedp.CSS(`#sign-passphrase`), "not the passphrase"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign and upload the return"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sign-passphrase-error`)))
	if got := text(t, ctx, "#sign-passphrase-error"); !strings.Contains(got, "passphrase is not the key's") {
		t.Errorf("a wrong passphrase says %q", got)
	}
	checkPage(t, ctx, dir, "sign-here-wrong-passphrase")

	act(t, ctx, "signing with the public key",
		chromedp.SetUploadFiles(chromedp.CSS(`#sign-key`), []string{filepath.Join(keys, "northshire-police-public.asc")}),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign and upload the return"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sign-key-error`)))
	if got := text(t, ctx, "#sign-key-error"); !strings.Contains(got, "This is a public key") {
		t.Errorf("a public key says %q", got)
	}

	// A key of the steward's own, never registered with the hub: the hub says so after verifying.
	other, _, _, err := pgp.GenerateKey("A key not registered", "", []byte(demoPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	otherFile := filepath.Join(t.TempDir(), "other-private.asc")
	if err := os.WriteFile(otherFile, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	clearPassphrase(t, ctx)
	act(t, ctx, "signing with a key not registered",
		chromedp.SetUploadFiles(chromedp.CSS(`#sign-key`), []string{otherFile}),
		chromedp.SendKeys(chromedp.CSS(`#sign-passphrase`), demoPassphrase),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign and upload the return"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sign-key-error`)))
	if got := text(t, ctx, "#sign-key-error"); !strings.Contains(got, "registered for your organisation") {
		t.Errorf("a key not registered says %q", got)
	}

	clearPassphrase(t, ctx)
	act(t, ctx, "signing with the key and its passphrase",
		chromedp.SetUploadFiles(chromedp.CSS(`#sign-key`), []string{filepath.Join(keys, "northshire-police-private.asc")}),
		chromedp.SendKeys(chromedp.CSS(`#sign-passphrase`), demoPassphrase),
		chromedp.SendKeys(chromedp.CSS(`#sign-reason`), "Counted again from the corrected staff records"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Sign and upload the return"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.govuk-notification-banner`)))
	banner := text(t, ctx, ".govuk-notification-banner")
	if !strings.Contains(banner, "Its signature was checked") {
		t.Fatalf("after signing in the page, the Data page says %q", banner)
	}
	checkPage(t, ctx, dir, "signed-in-the-page")
}

// clearPassphrase empties the passphrase field, as a person selecting it and deleting does.
func clearPassphrase(t *testing.T, ctx context.Context) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(document.getElementById('sign-passphrase').value = '', true)`)); err != nil {
		t.Fatalf("clearing the passphrase: %v", err)
	}
}
