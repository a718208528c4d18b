// Command hub serves the partnership equality hub. With no configuration it
// runs the demo partnership on this machine, on an embedded database:
//
//	go run ./cmd/hub
//
// See config/hub.example.yaml for every setting.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/partnership/equalityhub/adapters/authz"
	"github.com/partnership/equalityhub/adapters/embeddb"
	"github.com/partnership/equalityhub/adapters/mongo"
	"github.com/partnership/equalityhub/adapters/oidc"
	"github.com/partnership/equalityhub/adapters/oidc/devprovider"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/adapters/web"
	"github.com/partnership/equalityhub/adapters/xlsx"
	"github.com/partnership/equalityhub/config"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/figures"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/publication"
	"github.com/partnership/equalityhub/hub/sessions"
	"github.com/partnership/equalityhub/hub/sharing"
	"github.com/partnership/equalityhub/hub/strategy"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hub:", err)
		os.Exit(1)
	}
}

// run starts the hub and serves until ctx ends. It prints the address to open on stdout.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	started := time.Now()
	restrictNewFiles()
	fs := flag.NewFlagSet("hub", flag.ContinueOnError)
	fs.SetOutput(stdout)
	configPath := fs.String("config", getenv("HUB_CONFIG"), "configuration file (YAML); HUB_* variables override it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*configPath, getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stdout)
	log.Info("configuration", cfg.Masked()...)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	defer ln.Close()
	if strings.HasSuffix(cfg.Listen, ":0") && getenv("HUB_BASE_URL") == "" {
		// A port chosen by the system (as in tests) is only known now.
		cfg.BaseURL = "http://" + strings.Replace(ln.Addr().String(), "127.0.0.1", "localhost", 1)
	}

	if err := prepareDataDir(cfg.DataDir); err != nil {
		return err
	}
	uri := string(cfg.MongoURI)
	if uri == "" {
		db, err := embeddb.Start(ctx, embeddb.Config{Dir: filepath.Join(cfg.DataDir, "db"), Logger: nil})
		if err != nil {
			return fmt.Errorf("starting the embedded database in %s: %w", cfg.DataDir, err)
		}
		defer db.Close()
		uri = db.URI()
		log.Info("embedded database started", "dir", db.Dir())
	}
	store, err := mongo.Open(ctx, uri, cfg.Database)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	// Identity providers' client secrets are encrypted in the database with
	// a key that is not in it; any left in clear by an earlier version are
	// encrypted now.
	sealKey, err := secretsKey(cfg, log)
	if err != nil {
		return err
	}
	if err := store.SealSecretsWith(sealKey); err != nil {
		return err
	}
	if n, err := store.SealClearSecrets(ctx); err != nil {
		return fmt.Errorf("encrypting client secrets: %w", err)
	} else if n > 0 {
		log.Info("client secrets stored in clear are now encrypted", "organisations", n)
	}

	clock := hub.SystemClock{}
	auth, err := authz.New()
	if err != nil {
		return err
	}
	rs := hub.NewReadSide(store, cfg.SyncInterval, clock)
	dir := directory.New(store, auth, rs, clock)
	sess := sessions.New(store, dir, auth, rs, clock, sessions.Config{SessionTTL: cfg.SessionTTL, MaxTokenTTL: cfg.MaxTokenTTL})
	signer, err := hubKey(cfg, getenv("HUB_HUB_KEY_PASSPHRASE_FILE"), log)
	if err != nil {
		return err
	}
	defer signer.Close()
	rec := audit.NewRecorder(store, signer, clock, 100)
	dir.RecordTo(rec)
	sess.RecordTo(rec)
	// Refusals are recorded, at most ten a person (or address) a minute; the
	// rest are summarised in one entry.
	refusals := audit.NewRefusals(rec, clock, 10, time.Minute)
	go every(ctx, time.Minute, func(int) {
		if err := refusals.Flush(ctx); err != nil && ctx.Err() == nil {
			log.Warn("recording refusals", "err", err)
		}
	})
	mon := monitoring.NewService(store, auth, pgp.Crypto{}, rs, clock, monitoring.Limits{MaxReturnBytes: 4 << 20, MaxExtractBytes: cfg.MaxExtractBytes})
	mon.RecordTo(rec)
	share := sharing.NewService(store, auth, auth, rs, clock, rec)
	// A protocol names only organisations of the partnership: only they can sign it.
	share.SetOrganisations(dir.Organisation)
	gate := figures.New(mon.Reader(), share, dir, auth, rec, clock, store)
	gate.RefuseTo(refusals)
	pic := picture.NewService(gate, dir)
	eias := eia.NewService(store, auth, rs, clock, rec)
	// An assessment names only organisations of the partnership: only they can sign it off.
	eias.SetOrganisations(dir.Organisation)
	// A signer must be able to open the hub's data an assessment cites as evidence.
	eias.SetEvidenceCheck(func(actor hub.Principal, link string) error {
		if !strings.HasPrefix(link, "/data/") {
			return nil
		}
		return hub.Authorize(auth, actor, picture.PermRead, actor.OrgID)
	})
	pubs := publication.NewService(store, auth, mon, signer, rs, clock, rec)
	strat := strategy.NewService(store, auth, rs, clock, rec)
	// A measure names an indicator of the hub's returns: a theme, its measure, a question and group of the standard.
	strat.SetCatalogue(mon)
	// A measure may only read data its author may see: the author's own, or another partner's under a protocol in force.
	strat.SetIndicatorCheck(func(actor hub.Principal, ref strategy.IndicatorRef) error {
		if ref.OrgID == "" {
			return hub.Authorize(auth, actor, picture.PermRead, actor.OrgID)
		}
		if _, ok, err := share.Flow(actor, ref.OrgID, ref.Theme); err != nil || !ok {
			return hub.Errorf(hub.CodeForbidden, "no sharing protocol in force lets you see %s's %s data", ref.OrgID, ref.Theme)
		}
		return nil
	})
	frames, err := framework.BuiltIn()
	if err != nil {
		return fmt.Errorf("reading the built-in frameworks: %w", err)
	}
	fw := framework.NewService(store, auth, rs, clock, rec, frames)
	rs.Register(dir, sess, mon, share, eias, pubs, strat, fw, gate)
	if err := rs.Load(ctx); err != nil {
		return fmt.Errorf("loading from the store: %w", err)
	}
	if err := seed(ctx, cfg, dir, log); err != nil {
		return err
	}
	if err := seedMonitoring(ctx, mon, cfg.Demo, dir); err != nil {
		return err
	}
	if cfg.Demo {
		if err := seedDemoProtocols(ctx, share, clock.Now()); err != nil {
			return err
		}
	}
	if cfg.Demo && cfg.DemoReturns {
		if err := seedDemoReturns(ctx, mon, dir, cfg.DataDir, log); err != nil {
			return fmt.Errorf("loading the demo returns: %w", err)
		}
		if err := seedDemoEIAs(ctx, eias, dir, clock.Now()); err != nil {
			return fmt.Errorf("loading the demo impact assessments: %w", err)
		}
		// The demo strategy is written by the county's forum member: its baselines are what they may see.
		author, err := dir.Principal("demo-county-forum", "session")
		if err != nil {
			return err
		}
		if err := seedDemoStrategy(ctx, strat, fw, dir, gate.Values(ctx, author), clock.Now()); err != nil {
			return fmt.Errorf("loading the demo strategy and framework: %w", err)
		}
	}

	// People are told by e-mail what starts to wait for them from now on (not what the demo seeded).
	if tell, err := teller(cfg, dir, auth, log); err != nil {
		return err
	} else if tell != nil {
		share.SetTeller(tell)
		eias.SetTeller(tell)
		fw.SetTeller(tell)
	}

	// Decide the latest protected patterns before most people ask, without
	// holding up the start or the first requests (which decide what they
	// need themselves).
	go func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Second):
		}
		if err := gate.Warm(ctx); err != nil && ctx.Err() == nil {
			log.Warn("deciding the protected patterns", "err", err)
		}
	}()

	// The hub proves its own record at start and on a schedule, and signs its
	// last entry on a timer as well as every 100 entries.
	hubPub, err := signer.PublicKey()
	if err != nil {
		return err
	}
	watch := audit.NewWatch(store, []string{hubPub}, pgp.AuditVerifier{}, clock)
	// A change is recorded before it is made; one the hub stopped before
	// storing is said not to have been made, once a minute has left any
	// process time to store it.
	watch.Settle(rec, time.Minute, map[string]audit.Landed{
		"returns/": mon.Landed, "mappings/": mon.Landed, "protocols/": share.Landed, "eias/": eias.Landed,
	})
	checkRecord(ctx, watch, true, log)
	go keepRecord(ctx, rec, watch, cfg.AuditCheckInterval, log)

	var demoIdP http.Handler
	if cfg.Demo {
		if demoIdP, err = demoProviders(cfg.BaseURL); err != nil {
			return err
		}
	}
	cookies, err := cookieKey(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	var proxies []*net.IPNet
	for _, p := range cfg.TrustedProxies {
		n, err := config.ParseProxy(p)
		if err != nil {
			return err
		}
		proxies = append(proxies, n)
	}
	metricsReg := prometheus.NewRegistry()
	e, err := web.New(web.Deps{
		BaseURL: cfg.BaseURL, Demo: cfg.Demo, Version: version, MaxTokenTTL: cfg.MaxTokenTTL, AccessibilityContact: cfg.AccessibilityContact, HubctlDir: cfg.HubctlDir,
		Directory: dir, Sessions: sess, Monitoring: mon, Sharing: share, EIA: eias, Publications: pubs, Strategy: strat, Framework: fw, Picture: pic, Figures: gate, Audit: rec, AuditWatch: watch, Refusals: refusals, HubKey: signer, Spreadsheets: xlsx.Reader{MaxUnzipped: 4 * cfg.MaxExtractBytes},
		Auth: auth, ReadSide: rs, Store: store,
		RP: oidc.New(cfg.BaseURL, nil, 10*time.Minute), DemoIdP: demoIdP, Log: log, Clock: clock,
		Metrics: metricsReg, MetricsElsewhere: cfg.MetricsListen != "", MaxSendingPerClient: int(cfg.MaxSendingPerClient), TrustedProxies: proxies, CookieKey: cookies,
	})
	if err != nil {
		return err
	}
	// Every wait on a connection is bounded, so that slow or idle clients
	// cannot hold the hub's connections open.
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	go purgeSessions(ctx, sess, log)
	if cfg.MetricsListen != "" {
		msrv, err := serveMetrics(cfg, metricsReg, log, stdout)
		if err != nil {
			return err
		}
		defer msrv.Close()
	}

	log.Info("hub ready", "address", cfg.BaseURL, "startup", time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(stdout, "\nThe equality hub of %s is running: open %s\n", dir.Partnership().Name, cfg.BaseURL)
	if cfg.Demo {
		fmt.Fprintln(stdout, "Demo mode: sign in as any demo person; stop with Ctrl+C.")
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// seed sets up an empty hub: the demo partnership in demo mode, or the
// bootstrap organisation and administrator from the configuration.
func seed(ctx context.Context, cfg config.Config, dir *directory.Service, log *slog.Logger) error {
	if !dir.Empty() && !dir.Unfinished() { // a seeding that stopped half way is finished below
		if cfg.Demo {
			// The demo identity providers live at the hub's address, which may have changed since the seeding.
			for _, o := range demo.Organisations(cfg.BaseURL) {
				if err := dir.MoveIssuer(ctx, o.ID, demo.IssuerID, o.Issuers[0].URL); err != nil && !hub.IsCode(err, hub.CodeNotFound) {
					return fmt.Errorf("moving the demo identity provider of %s: %w", o.ID, err)
				}
			}
		}
		return nil
	}
	if cfg.Demo {
		log.Info("seeding the demo partnership")
		return dir.Seed(ctx, demo.Partnership(), demo.Organisations(cfg.BaseURL), demo.Seed(cfg.BaseURL))
	}
	b := cfg.Bootstrap
	if b.OrgID == "" {
		log.Warn("the hub has no organisations: set the bootstrap section of the configuration to add the first one and its administrator")
		return nil
	}
	org := hub.Organisation{ID: b.OrgID, Name: b.OrgName, Kind: hub.OrgKind(b.OrgKind), Issuers: []hub.Issuer{{
		ID: "main", Label: b.OrgName + " account", URL: strings.TrimRight(b.IssuerURL, "/"), ClientID: b.ClientID, ClientSecret: string(b.ClientSecret),
	}}}
	admin := hub.Person{Issuer: org.Issuers[0].URL, Subject: b.AdminSubject, OrgID: b.OrgID, Grants: []hub.Grant{{Role: hub.RoleAdmin}}}
	log.Info("bootstrapping the partnership", "organisation", b.OrgID)
	if err := dir.Seed(ctx, hub.Partnership{Name: b.Partnership, Area: b.Area}, []hub.Organisation{org}, []hub.Person{admin}); err != nil {
		return fmt.Errorf("bootstrap: %s", hub.ErrorMessage(err)+problems(err))
	}
	return nil
}

func problems(err error) string {
	var s strings.Builder
	for _, p := range hub.ErrorProblems(err) {
		s.WriteString("; " + p.String())
	}
	return s.String()
}

// seedMonitoring gives a new hub the first monitoring standard and the
// built-in themes, and in demo mode the demo organisations' mappings.
func seedMonitoring(ctx context.Context, mon *monitoring.Service, withDemo bool, dir *directory.Service) error {
	if len(mon.Standards()) == 0 || len(mon.Themes()) == 0 {
		std, err := monitoring.FirstStandard()
		if err != nil {
			return fmt.Errorf("reading the first monitoring standard: %w", err)
		}
		themes, err := monitoring.BuiltInThemes()
		if err != nil {
			return fmt.Errorf("reading the built-in themes: %w", err)
		}
		if err := mon.Seed(ctx, std, themes); err != nil {
			return err
		}
	}
	if !withDemo {
		return nil
	}
	std, err := mon.CurrentStandard()
	if err != nil {
		return err
	}
	for _, o := range dir.Organisations() {
		if err := mon.SeedMapping(ctx, demo.Mapping(o.ID, std)); err != nil {
			return fmt.Errorf("the demo mapping of %s: %w", o.ID, err)
		}
	}
	return nil
}

// demoProviders builds a development identity provider for each demo
// organisation, served by the hub under /demo-idp/ORG.
func demoProviders(baseURL string) (http.Handler, error) {
	mux := http.NewServeMux()
	for _, o := range demo.Organisations(baseURL) {
		var people []devprovider.Person
		for _, p := range demo.PeopleOf(o.ID) {
			people = append(people, devprovider.Person{Subject: p.Subject, Name: p.Name, Email: p.Email(), Description: p.Describe() + ", " + o.Name})
		}
		p, err := devprovider.New(devprovider.Config{
			Issuer:     demo.IssuerURL(baseURL, o.ID),
			Title:      o.Name + " (demo sign-in)",
			Stylesheet: "/assets/app.css",
			People:     people,
			Clients: []devprovider.Client{{ID: demo.ClientID, Secret: demo.ClientSecret(o.ID),
				RedirectURIs: []string{baseURL + oidc.CallbackPath(o.ID, demo.IssuerID)}}},
		})
		if err != nil {
			return nil, fmt.Errorf("demo identity provider of %s: %w", o.ID, err)
		}
		mux.Handle("/demo-idp/"+o.ID+"/", p.Handler())
	}
	return mux, nil
}

// purgeSessions removes expired sessions now and then.
func purgeSessions(ctx context.Context, sess *sessions.Service, log *slog.Logger) {
	every(ctx, 10*time.Minute, func(int) {
		if n, err := sess.PurgeExpired(ctx); err != nil {
			log.Warn("purging expired sessions", "error", err)
		} else if n > 0 {
			log.Info("purged expired sessions", "count", n)
		}
	})
}

// every runs do each interval until ctx ends, telling it how many times it
// has run, from 1.
func every(ctx context.Context, interval time.Duration, do func(n int)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		do(n)
	}
}

// checkRecord proves the record (from its start when full) and logs a break.
func checkRecord(ctx context.Context, w *audit.Watch, full bool, log *slog.Logger) {
	started := time.Now()
	rep, err := w.Check(ctx, full)
	switch {
	case err != nil:
		log.Warn("checking the audit record", "err", err)
	case !rep.OK:
		log.Error("the audit record is broken", "entry", rep.Seq, "reason", rep.Reason)
	default:
		log.Debug("the audit record is intact", "entries", rep.Entries, "full", full, "took", time.Since(started).Round(time.Millisecond))
	}
}

// keepRecord signs the record's last entry and proves what was added, every
// interval, and the whole record every twelfth time.
func keepRecord(ctx context.Context, rec *audit.Recorder, w *audit.Watch, interval time.Duration, log *slog.Logger) {
	every(ctx, interval, func(n int) {
		if _, err := rec.Seal(ctx); err != nil && ctx.Err() == nil {
			log.Warn("signing the audit record", "err", err)
		}
		checkRecord(ctx, w, n%12 == 0, log)
	})
}

// serveMetrics serves the metrics on an address of their own, which can be
// kept to the monitoring network.
func serveMetrics(cfg config.Config, reg *prometheus.Registry, log *slog.Logger, stdout io.Writer) (*http.Server, error) {
	ln, err := net.Listen("tcp", cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("listening for metrics on %s: %w", cfg.MetricsListen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", web.MetricsHandler(reg))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, IdleTimeout: cfg.IdleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serving metrics", "err", err)
		}
	}()
	fmt.Fprintf(stdout, "Metrics are served on http://%s/metrics\n", ln.Addr())
	return srv, nil
}
