package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/partnership/equalityhub/cmd/hubload/load"
)

// A smaller run of the hubload command's load: 50 slow or idle clients and
// an oversized return sent in chunks leave the hub answering pages in its
// usual time and its memory within 50 MB; the slow client is refused past
// its share, and the return past its size.
func TestLoadLeavesPagesAndMemoryAsTheyWere(t *testing.T) {
	h := mustStartHub(t, nil)
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	token := steward.makeToken(url.Values{"name": {"load"}, "days": {"1"}, "scope": {"upload"}})
	cfg := load.Defaults()
	cfg.Hub, cfg.Token = h.URL, token
	cfg.SlowClients, cfg.Posts = 50, 1
	cfg.Baseline, cfg.Hold, cfg.Settle = 2*time.Second, 5*time.Second, 10*time.Second
	r, err := load.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out testWriter
	r.Print(&out)
	t.Log("\n" + out.String())
	if !r.OK() {
		t.Fatalf("the hub did not pass: %v", r.Problems)
	}
	if r.Trickling.Answered[http.StatusTooManyRequests] == 0 || r.Trickling.Held > 8 {
		t.Errorf("slow clients sending a body: %d held, %v answered; want at most 8 held and the rest refused with 429", r.Trickling.Held, r.Trickling.Answered)
	}
	if p := r.Posts[0]; p.Status != http.StatusRequestEntityTooLarge || p.Sent > 20<<20 {
		t.Errorf("the oversized return: %d (%s) after %d bytes, want 413 well before its end", p.Status, p.Err, p.Sent)
	}
}

type testWriter struct{ b []byte }

func (w *testWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
func (w *testWriter) String() string              { return string(w.b) }
