package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/authz"
	"github.com/partnership/equalityhub/adapters/mongo"
	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// addingUp makes random counts of a return that add up as the hub requires:
// under every question, the records split between the answers for each
// measure that counts every record, and about a quarter of its whole for
// each other measure, the same in total under every question.
func addingUp(l *monitoring.Layout, r *rand.Rand, records int64) []int64 {
	counts := make([]int64, l.Size())
	ms := l.Theme.Measures
	index := map[string]int{}
	for mi, m := range ms {
		index[m.ID] = mi
	}
	for qi, q := range l.Questions {
		n := len(q.Answers())
		split := make([]int64, n)
		left := records
		for ai := range n - 1 {
			split[ai] = r.Int64N(left/int64(n-ai) + 1)
			left -= split[ai]
		}
		split[n-1] = left
		done := make([]bool, len(ms))
		for range ms {
			for mi, m := range ms {
				if done[mi] || (m.Of != "" && !done[index[m.Of]]) {
					continue
				}
				base := split
				if m.Of != "" {
					base = make([]int64, n)
					for ai := range n {
						base[ai] = counts[l.Index(qi, ai, index[m.Of])]
					}
				}
				if m.Column == "" && m.Of == "" {
					for ai := range n {
						counts[l.Index(qi, ai, mi)] = base[ai]
					}
				} else {
					var total, given int64
					for ai := range n {
						total += base[ai]
						counts[l.Index(qi, ai, mi)] = base[ai] / 4
						given += base[ai] / 4
					}
					for ai := 0; given < total/4; ai = (ai + 1) % n {
						if c := l.Index(qi, ai, mi); counts[c] < base[ai] {
							counts[c]++
							given++
						}
					}
				}
				done[mi] = true
			}
		}
	}
	return counts
}

// signedReturns stores a return of every theme for every public-body partner
// for each period from 2000-01 to 2025-26, signed with a key registered for
// the partner, as the hub would have accepted them. It returns how many, and
// the IDs of each theme's returns from 2023-24 on.
func signedReturns(tb testing.TB, ctx context.Context, store *mongo.Store, mon *monitoring.Service, dir *directory.Service, clock hub.Clock) (int, map[string][]string) {
	tb.Helper()
	recent := map[string][]string{}
	std, _ := mon.CurrentStandard()
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	for _, o := range dir.Organisations() {
		if !o.Kind.PublicBody() {
			continue
		}
		priv, pub, fp, err := pgp.GenerateKey(o.Name+" returns", "", []byte("benchmark passphrase"))
		if err != nil {
			tb.Fatal(err)
		}
		if err := mon.SeedKey(ctx, o.ID, pub); err != nil {
			tb.Fatal(err)
		}
		signer, err := pgp.NewSigner(priv, []byte("benchmark passphrase"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, t := range mon.Themes() {
			l, err := monitoring.NewLayout(std, t)
			if err != nil {
				tb.Fatal(err)
			}
			for year := 2000; year <= 2025; year++ {
				periods := []string{fmt.Sprintf("%d-%02d", year, (year+1)%100)}
				if t.Frequency == monitoring.Quarterly {
					periods = nil
					for q := 1; q <= 4; q++ {
						periods = append(periods, fmt.Sprintf("%d-%02d-Q%d", year, (year+1)%100, q))
					}
				}
				for _, p := range periods {
					records := 100 + r.Int64N(2000)
					content := monitoring.Content{OrgID: o.ID, Theme: t.ID, Period: monitoring.Period(p), Standard: std.Version, Records: records, Counts: addingUp(l, r, records)}
					body := content.Encode(l)
					sig, err := signer.Sign(body)
					if err != nil {
						tb.Fatal(err)
					}
					ret := monitoring.Return{ID: monitoring.ReturnID(body), Content: content, Body: body, Signature: sig, Key: fp, SignedAt: signedAt(tb, body, sig, pub), Version: 1, Uploaded: clock.Now()}
					if err := store.CreateReturn(ctx, ret); err != nil {
						tb.Fatal(err)
					}
					n++
					if year >= 2023 {
						recent[t.ID] = append(recent[t.ID], ret.ID)
					}
				}
			}
		}
	}
	return n, recent
}

// signedAt reads the time inside a signature, as the hub keeps it.
func signedAt(tb testing.TB, body []byte, sig, pub string) time.Time {
	tb.Helper()
	s, err := pgp.Crypto{}.Verify(body, sig, []string{pub})
	if err != nil {
		tb.Fatal(err)
	}
	return s.SignedAt
}

// BenchmarkLoadingSignedReturns measures what checking figures against their
// signatures costs a hub process over 5,000 returns on the embedded
// database: its first load, which reads every document and verifies every
// signature, and a later load after another process wrote, which compares
// the stored figures with those verified already.
//
//	go test ./cmd/hub -run '^$' -bench LoadingSignedReturns -benchtime 5x
func BenchmarkLoadingSignedReturns(b *testing.B) {
	ctx := context.Background()
	store := mongotest.MustStore(b)
	clock := hub.NewFixedClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	auth, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	open := func() (*hub.ReadSide, *directory.Service, *monitoring.Service) {
		rs := hub.NewReadSide(store, 0, clock)
		dir := directory.New(store, auth, rs, clock)
		mon := monitoring.NewService(store, auth, pgp.Crypto{}, rs, clock, monitoring.Limits{MaxReturnBytes: 4 << 20})
		rs.Register(dir, mon)
		if err := rs.Load(ctx); err != nil {
			b.Fatal(err)
		}
		return rs, dir, mon
	}
	_, dir, mon := open()
	base := "http://localhost:8080"
	if err := dir.Seed(ctx, demo.Partnership(), demo.Organisations(base), demo.Seed(base)); err != nil {
		b.Fatal(err)
	}
	if err := seedMonitoring(ctx, mon, false, dir); err != nil {
		b.Fatal(err)
	}
	n, _ := signedReturns(b, ctx, store, mon, dir, clock)
	var first, later []time.Duration
	for b.Loop() {
		start := time.Now()
		rs, _, mon := open()
		first = append(first, time.Since(start))
		if r, ok := mon.Reader().Latest("northshire-police", "stop-and-search", "2025-26"); !ok || r.Damaged != "" {
			b.Fatalf("the police's latest stop and search return is not loaded whole: %v %q", ok, r.Damaged)
		}
		if _, err := store.BumpGeneration(ctx); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := rs.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		later = append(later, time.Since(start))
	}
	b.ReportMetric(float64(n), "returns")
	b.ReportMetric(ms(percentile(first, 50)), "first-load-ms")
	b.ReportMetric(ms(percentile(later, 50)), "later-load-ms")
}
