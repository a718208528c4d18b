package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// A data steward counts an extract in the browser and downloads the return
// to sign: the file is the return as hubctl writes it, whatever the browser
// does to a form's line endings.
func TestBrowserDraftsAReturnToSign(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, nil)
	dir := t.TempDir()
	extract := filepath.Join(dir, "staff.csv")
	writeExtract(t, extract, "northshire-police", "workforce-strength", 30, 3, 0)
	downloads := filepath.Join(dir, "downloads")
	os.MkdirAll(downloads, 0o755)
	act(t, ctx, "allowing downloads", func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return chromedp.Void{}, err
	})

	signInInBrowser(t, ctx, h.URL, "Northshire Police", "Owen Richards")
	act(t, ctx, "opening the Data page", chromedp.Navigate(h.URL+"/data"))
	act(t, ctx, "following the upload link", chromedp.Click(chromedp.Search(`//a[contains(@href, "/data/upload")]`)), chromedp.WaitVisible(chromedp.CSS(`#extract`)))
	act(t, ctx, "counting an extract",
		chromedp.SetValue(chromedp.CSS(`#theme`), "workforce-strength"),
		chromedp.SetValue(chromedp.CSS(`#period`), "2025-26"),
		chromedp.SetUploadFiles(chromedp.CSS(`#extract`), []string{extract}),
		chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Count the extract"]`)),
		chromedp.WaitVisible(chromedp.Search(`//button[normalize-space(.)="Download the return"]`)))
	act(t, ctx, "downloading the return", chromedp.Click(chromedp.Search(`//button[normalize-space(.)="Download the return"]`)))
	var doc []byte
	for range 100 {
		if b, err := os.ReadFile(filepath.Join(downloads, "return.json")); err == nil && len(b) > 0 {
			doc = b
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if doc == nil {
		body := text(t, ctx, "main")
		t.Fatalf("no return was downloaded; the page says: %.500s", body)
	}
	if strings.Contains(string(doc), "\r") {
		t.Error("the downloaded return has carriage returns")
	}
	var c struct {
		OrgID   string `json:"organisation"`
		Records int64  `json:"records"`
	}
	if err := json.Unmarshal(doc, &c); err != nil || c.OrgID != "northshire-police" || c.Records != 30 {
		t.Errorf("the return is %s's with %d records (%v)", c.OrgID, c.Records, err)
	}
	if !bytes.HasSuffix(doc, []byte("}\n")) {
		t.Error("the downloaded return does not end as hubctl writes it")
	}
}
