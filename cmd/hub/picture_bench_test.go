package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/authz"
	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/sharing"
)

// BenchmarkPartnershipPicture measures the partnership picture the way a forum
// member asks for it: customer satisfaction by detailed ethnic group for every
// public-body partner, for each of 12 quarters, with disclosure control and
// every read put on the record, against a store holding over 5,000 returns on
// the embedded database. In the same run it fetches the same return documents
// by ID from the store, as a plain indexed fetch would, and reports the ratio.
//
//	go test ./cmd/hub -run '^$' -bench PartnershipPicture -benchtime 30x
func BenchmarkPartnershipPicture(b *testing.B) {
	ctx := context.Background()
	store := mongotest.MustStore(b)
	clock := hub.NewFixedClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	auth, err := authz.New()
	if err != nil {
		b.Fatal(err)
	}
	rs := hub.NewReadSide(store, time.Second, clock)
	dir := directory.New(store, auth, rs, clock)
	signer, err := newBenchSigner()
	if err != nil {
		b.Fatal(err)
	}
	rec := audit.NewRecorder(store, signer, clock, 100)
	mon := monitoring.NewService(store, auth, pgp.Crypto{}, rs, clock, monitoring.Limits{MaxReturnBytes: 4 << 20, MaxExtractBytes: 1 << 20})
	mon.RecordTo(rec)
	share := sharing.NewService(store, auth, auth, rs, clock, rec)
	pic := picture.NewService(figures.New(mon.Reader(), share, dir, auth, rec, clock, store), dir)
	rs.Register(dir, mon, share)
	if err := rs.Load(ctx); err != nil {
		b.Fatal(err)
	}
	base := "http://localhost:8080"
	if err := dir.Seed(ctx, demo.Partnership(), demo.Organisations(base), demo.Seed(base)); err != nil {
		b.Fatal(err)
	}
	if err := seedMonitoring(ctx, mon, false, dir); err != nil {
		b.Fatal(err)
	}
	if err := seedDemoProtocols(ctx, share, clock.Now()); err != nil {
		b.Fatal(err)
	}

	// Over 5,000 returns: every public-body partner, every theme, quarters or
	// years from 2000 on, each adding up and signed with the partner's key.
	n, recent := signedReturns(b, ctx, store, mon, dir, clock)
	ids := recent["customer-satisfaction"]
	if err := rs.Load(ctx); err != nil {
		b.Fatal(err)
	}
	if n < 5000 {
		b.Fatalf("only %d returns", n)
	}
	forum, err := dir.Principal("demo-county-forum", "session")
	if err != nil {
		b.Fatal(err)
	}
	var periods []string
	for year := 2023; year <= 2025; year++ {
		for q := 1; q <= 4; q++ {
			periods = append(periods, fmt.Sprintf("%d-%02d-Q%d", year, (year+1)%100, q))
		}
	}

	var tables, fetch []time.Duration
	for b.Loop() {
		start := time.Now()
		for _, p := range periods {
			res, err := pic.Table(ctx, forum, picture.Request{Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity", Period: p})
			if err != nil || len(res.Shown) < 7 {
				b.Fatalf("%s: %v (%d columns)", p, err, len(res.Shown))
			}
		}
		tables = append(tables, time.Since(start))

		start = time.Now()
		for _, id := range ids {
			if _, _, err := store.FindReturnBody(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
		fetch = append(fetch, time.Since(start))
	}
	p50, p95 := percentile(tables, 50), percentile(tables, 95)
	b.ReportMetric(float64(n), "returns")
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p95), "p95-ms")
	b.ReportMetric(float64(len(periods))/p50.Seconds(), "tables/s")
	b.ReportMetric(ms(percentile(fetch, 50)), "fetch-p50-ms")
	b.ReportMetric(float64(percentile(fetch, 50))/float64(p50), "fetch/picture")
}

func newBenchSigner() (*pgp.Signer, error) {
	priv, _, _, err := pgp.GenerateKey("Benchmark hub", "", []byte("benchmark passphrase"))
	if err != nil {
		return nil, err
	}
	return pgp.NewSigner(priv, []byte("benchmark passphrase"))
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return s[i-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
