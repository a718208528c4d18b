package embeddb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// DefaultAddr is the listen address used when Config.Addr is empty:
// loopback only, with a free port chosen by the operating system.
const DefaultAddr = "127.0.0.1:0"

// readyTimeout bounds the wait for the first successful ping when the
// context given to Start has no earlier deadline.
const readyTimeout = 15 * time.Second

// lockFileName is the name of the lock file kept in Config.Dir while a
// database runs on that directory.
const lockFileName = ".embeddb.lock"

// Config configures the embedded database.
type Config struct {
	// Dir is the directory for the SQLite files; it is created if missing.
	Dir string
	// Addr is the listen address; it defaults to DefaultAddr. Its host must
	// be a loopback IP address or "localhost"; any other host is refused.
	// Port 0 picks a free port.
	Addr string
	// Logger receives FerretDB's own log records. FerretDB logs every
	// command that fails, duplicate key errors included, at warning level
	// together with the whole response document, which may hold field
	// values; a logger that drops records below error level is advisable
	// outside debugging. When Logger is nil, only records at error level
	// and above are written, to standard error.
	Logger *slog.Logger
}

// DB is a running embedded database.
type DB struct {
	uri    string
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
	unlock func()

	closeOnce sync.Once
}

var (
	// startMu serialises the construction of FerretDB instances, because
	// ferretdb.New writes package-level version information.
	startMu sync.Mutex

	// dirsMu guards dirsInUse.
	dirsMu sync.Mutex
	// dirsInUse holds the absolute directories of the databases running in
	// this process.
	dirsInUse = map[string]struct{}{}
)

// Start starts an embedded FerretDB with the SQLite backend storing its files
// in cfg.Dir and listening on cfg.Addr. It returns once the database answers
// a ping from the MongoDB driver, or with an error if it does not do so before
// ctx is done or a built-in timeout passes. ctx only bounds the start-up; the
// database keeps running until Close is called.
//
// Several databases may run in one process as long as their directories
// differ; a directory already used by a running database is refused.
func Start(ctx context.Context, cfg Config) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embeddb: start: %w", err)
	}

	addr, err := loopbackAddr(cfg.Addr)
	if err != nil {
		return nil, err
	}

	dir, err := prepareDir(cfg.Dir)
	if err != nil {
		return nil, err
	}

	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}

	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	logger = logger.With(slog.String("component", "embeddb"))

	fdb, err := newFerretDB(addr, dir, logger)
	if err != nil {
		unlock()
		return nil, err
	}

	runCtx, cancel := context.WithCancel(context.Background())
	d := &DB{
		dir:    dir,
		cancel: cancel,
		done:   make(chan struct{}),
		unlock: unlock,
	}

	go func() {
		defer close(d.done)
		// Run always returns nil; it returns once the listener, every client
		// connection and the SQLite backend are closed.
		_ = fdb.Run(runCtx)
	}()

	// MongoDBURI waits for the TCP listener, which ferretdb.New has already
	// opened, so it reports the port actually chosen when the port was 0.
	d.uri = fdb.MongoDBURI()

	if err := waitReady(ctx, d.uri); err != nil {
		_ = d.Close()
		return nil, err
	}

	return d, nil
}

// URI returns the mongodb:// connection string for the MongoDB driver. No
// credentials are needed.
func (d *DB) URI() string {
	return d.uri
}

// Dir returns the absolute directory holding the SQLite files.
func (d *DB) Dir() string {
	return d.dir
}

// Close stops the database and waits until its listener, client connections
// and SQLite files are closed. Client connections still open are given up to
// about three seconds to finish, so disconnecting clients first makes Close
// faster. Calling Close more than once is safe; later calls return nil at
// once.
func (d *DB) Close() error {
	d.closeOnce.Do(func() {
		d.cancel()
		<-d.done
		d.unlock()
	})

	return nil
}

// prepareDir checks dir, turns it into an absolute path and creates it when
// missing.
func prepareDir(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("embeddb: Config.Dir is empty")
	}

	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("embeddb: directory %q: %w", dir, err)
	}

	// FerretDB parses the directory as part of a "file:" URI, in which these
	// characters would change the meaning of the path.
	if strings.ContainsAny(abs, "?#%") {
		return "", fmt.Errorf("embeddb: directory %q must not contain '?', '#' or '%%'", abs)
	}

	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("embeddb: create directory: %w", err)
	}

	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("embeddb: directory: %w", err)
	}

	if !fi.IsDir() {
		return "", fmt.Errorf("embeddb: %q is not a directory", abs)
	}

	if err := restrict(abs); err != nil {
		return "", err
	}

	return abs, nil
}

// restrict makes dir readable by its owner only (0700) and every file in it
// 0600, so that database files made by an earlier version, or under a lax
// umask, hold nothing that another account of the machine can read. SQLite
// gives the journal and WAL files it makes later the mode of their database
// file.
func restrict(dir string) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("embeddb: restrict directory: %w", err)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("embeddb: directory: %w", err)
	}

	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}

		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o600); err != nil {
			return fmt.Errorf("embeddb: restrict %s: %w", e.Name(), err)
		}
	}

	return nil
}

// loopbackAddr validates addr and returns it in the form given to FerretDB.
// An empty addr becomes DefaultAddr and the host "localhost" becomes
// 127.0.0.1, so that exactly one loopback address is bound.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		return DefaultAddr, nil
	}

	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("embeddb: invalid listen address %q: %w", addr, err)
	}

	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", fmt.Errorf("embeddb: invalid port in listen address %q", addr)
	}
	port = strconv.FormatUint(p, 10)

	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}

	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("embeddb: listen address %q refused: the embedded database has no authentication "+
			"and may only listen on a loopback address such as 127.0.0.1 or [::1]", addr)
	}

	return net.JoinHostPort(ip.String(), port), nil
}

// newFerretDB constructs the FerretDB instance.
//
// When its own listener fails to open, ferretdb.New returns without closing
// the SQLite backend it has already opened, which leaves files open and makes
// FerretDB's leak checker panic later. A fixed port is therefore tried here
// first, so that an address already in use is reported without reaching that
// path; port 0 cannot be in use.
func newFerretDB(addr, dir string, logger *slog.Logger) (*ferretdb.FerretDB, error) {
	startMu.Lock()
	defer startMu.Unlock()

	if _, port, _ := net.SplitHostPort(addr); port != "0" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("embeddb: listen on %s: %w", addr, err)
		}
		_ = l.Close()
	}

	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: addr},
		Logger:   logger,
		Handler:  "sqlite",
		// FerretDB wants a "file:" URI naming an existing directory and
		// ending with a slash.
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		return nil, fmt.Errorf("embeddb: start FerretDB: %w", err)
	}

	return fdb, nil
}

// waitReady pings the database at uri with the MongoDB driver until a ping
// succeeds, ctx is done or readyTimeout passes.
func waitReady(ctx context.Context, uri string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()

	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(time.Second))
	if err != nil {
		return fmt.Errorf("embeddb: connect to %s: %w", uri, err)
	}

	defer func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		_ = client.Disconnect(dctx)
	}()

	for {
		err = client.Ping(ctx, nil)
		if err == nil {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("embeddb: database at %s not ready: %w (last ping error: %v)", uri, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lockDir marks dir as used by this process and, where the platform allows,
// takes an exclusive lock on a file in it so that another process cannot run
// a database on the same directory. The returned function releases both.
func lockDir(dir string) (func(), error) {
	dirsMu.Lock()
	defer dirsMu.Unlock()

	if _, ok := dirsInUse[dir]; ok {
		return nil, fmt.Errorf("embeddb: directory %q is already used by a running embedded database in this process", dir)
	}

	release, err := lockFile(filepath.Join(dir, lockFileName))
	if err != nil {
		return nil, fmt.Errorf("embeddb: directory %q: %w", dir, err)
	}

	dirsInUse[dir] = struct{}{}

	return func() {
		release()

		dirsMu.Lock()
		delete(dirsInUse, dir)
		dirsMu.Unlock()
	}, nil
}
