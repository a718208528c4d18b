// Command hubload puts a hub on this machine under the load of 200 slow or
// idle clients and four 55 MiB JSON returns, and says whether it kept
// answering other people's pages in its usual time and its memory within
// 50 MB of where it started. It refuses any hub that is not on a loopback
// address.
//
//	go run ./cmd/hubload -hub http://127.0.0.1:8080
//
// It exits 1 when the hub did not pass, and 2 when the load could not be put.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/partnership/equalityhub/cmd/hubload/load"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg := load.Defaults()
	fs := flag.NewFlagSet("hubload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Hub, "hub", "http://127.0.0.1:8080", "the hub's address; loopback only")
	fs.StringVar(&cfg.Metrics, "metrics", "", "the hub's metrics, when served on an address of their own (default: HUB/metrics)")
	fs.StringVar(&cfg.Token, "token", getenv("HUB_TOKEN"), "an API token of a data steward, for the posts and slow bodies (default: $HUB_TOKEN; none: anonymous)")
	fs.IntVar(&cfg.SlowClients, "slow", cfg.SlowClients, "slow clients: half trickle a body, half send nothing")
	fs.IntVar(&cfg.Posts, "posts", cfg.Posts, "oversized JSON returns sent at once (the first chunked, the next saying its length, and so on)")
	fs.Int64Var(&cfg.PostBytes, "post-bytes", cfg.PostBytes, "the size of each oversized return")
	pages := fs.String("pages", strings.Join(cfg.Pages, ","), "the pages timed, separated by commas")
	fs.DurationVar(&cfg.Interval, "every", cfg.Interval, "how often the pages are timed")
	fs.DurationVar(&cfg.Baseline, "baseline", cfg.Baseline, "how long the pages are timed before the load")
	fs.DurationVar(&cfg.Hold, "hold", cfg.Hold, "how long the load lasts")
	fs.DurationVar(&cfg.Settle, "settle", cfg.Settle, "the longest to wait after the load for the hub's memory to come back")
	fs.Float64Var(&cfg.MaxSlowdown, "max-slowdown", cfg.MaxSlowdown, "the pages' p95 under load may be at most this times the p95 before...")
	fs.DurationVar(&cfg.Slack, "slack", cfg.Slack, "...plus this")
	fs.Int64Var(&cfg.MaxGrowth, "max-growth", cfg.MaxGrowth, "the most the hub's resident memory may have grown after the load, in bytes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg.Pages = nil
	for _, p := range strings.Split(*pages, ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.Pages = append(cfg.Pages, "/"+strings.TrimLeft(p, "/"))
		}
	}
	if cfg.SlowClients < 0 || cfg.Posts < 0 || cfg.PostBytes < 1 || cfg.Interval <= 0 || cfg.Hold <= 0 || cfg.Baseline <= 0 || len(cfg.Pages) == 0 {
		fmt.Fprintln(stderr, "hubload: -slow and -posts cannot be negative, -post-bytes, -every, -baseline and -hold must be more than zero, and -pages must name a page")
		return 2
	}
	if _, err := load.CheckLoopback(cfg.Hub); err != nil {
		fmt.Fprintln(stderr, "hubload:", err)
		return 2
	}
	fmt.Fprintf(stdout, "Timing %s for %s, then putting the load on for %s...\n", strings.Join(cfg.Pages, " "), cfg.Baseline, cfg.Hold)
	r, err := load.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "hubload:", err)
		return 2
	}
	r.Print(stdout)
	if !r.OK() {
		return 1
	}
	return 0
}
