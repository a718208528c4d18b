// Package config is the hub's configuration: one typed struct with defaults,
// read from an optional YAML file and then from HUB_* environment variables
// (a secret can also come from the file named by its variable plus _FILE),
// validated as a whole before the hub starts. hub.example.yaml beside this
// file describes every setting.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Secret is a setting that is never logged or shown.
type Secret string

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// Config is every setting of the hub.
type Config struct {
	Listen               string        `yaml:"listen"`            // address to serve on
	BaseURL              string        `yaml:"base_url"`          // address people use to reach the hub
	DataDir              string        `yaml:"data_dir"`          // where the embedded database keeps its files
	MongoURI             Secret        `yaml:"mongo_uri"`         // MongoDB connection string; empty: the embedded database
	Database             string        `yaml:"database"`          // database name
	Demo                 bool          `yaml:"demo"`              // seed the demo partnership and run its identity providers
	DemoAllowRemote      bool          `yaml:"demo_allow_remote"` // let demo mode listen beyond this machine
	DemoReturns          bool          `yaml:"demo_returns"`      // load the demo partnership with years of signed returns
	SessionTTL           time.Duration `yaml:"session_ttl"`
	MaxTokenTTL          time.Duration `yaml:"max_token_ttl"`
	SyncInterval         time.Duration `yaml:"sync_interval"`        // how often a process checks for other processes' writes
	AuditCheckInterval   time.Duration `yaml:"audit_check_interval"` // how often the hub signs its record's last entry and proves what was added
	MaxExtractBytes      int64         `yaml:"max_extract_bytes"`    // the largest extract the upload page accepts
	ShutdownTimeout      time.Duration `yaml:"shutdown_timeout"`
	ReadTimeout          time.Duration `yaml:"read_timeout"`           // the longest a request may take to arrive, body included: allow the largest extract on a slow line
	WriteTimeout         time.Duration `yaml:"write_timeout"`          // the longest from a request's arrival to the end of its answer (the audit export sets its own)
	IdleTimeout          time.Duration `yaml:"idle_timeout"`           // how long a kept-alive connection may wait for its next request
	MaxSendingPerClient  int64         `yaml:"max_sending_per_client"` // how many requests with a body one client address may have in the hub at once; more are refused with 429
	TrustedProxies       []string      `yaml:"trusted_proxies"`        // proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; empty: the connection's address is the client
	MetricsListen        string        `yaml:"metrics_listen"`         // serve /metrics on this address only, e.g. one on the monitoring network; empty: on listen
	HubKeyFile           string        `yaml:"hub_key_file"`           // the hub's own OpenPGP private key; needed outside demo mode (demo: DATA_DIR/hub-key-private.asc, made on first start)
	HubKeyPassphrase     Secret        `yaml:"hub_key_passphrase"`     // unlocks it, from the environment or a file apart from the key (demo: DATA_DIR/hub-key-passphrase)
	SecretsKey           Secret        `yaml:"secrets_key"`            // 32 bytes in base64 that encrypt identity providers' client secrets in the database; needed outside demo mode (demo: derived from the database's name)
	CookieKey            Secret        `yaml:"cookie_key"`             // 32 bytes in base64 that sign the hub's cookies and CSRF tokens; empty: a random key kept once in the database
	AccessibilityContact string        `yaml:"accessibility_contact"`  // where people report an accessibility problem: an e-mail address or a web address
	HubctlDir            string        `yaml:"hubctl_dir"`             // the hubctl programs offered for download, as `make hubctl` builds them; empty or missing: none
	SMTPHost             string        `yaml:"smtp_host"`              // the SMTP server that e-mails people when something waits for them; empty: no e-mail is sent
	SMTPPort             int64         `yaml:"smtp_port"`              // its port, usually 587 (the submission port, with STARTTLS)
	SMTPFrom             string        `yaml:"smtp_from"`              // the sender's address, e.g. "Equality hub <equality-hub@example.org>"
	SMTPUsername         string        `yaml:"smtp_username"`          // the hub's account on the SMTP server; empty: send without signing in
	SMTPPassword         Secret        `yaml:"smtp_password"`          // its password, from the environment or a file (HUB_SMTP_PASSWORD_FILE)
	SMTPInsecureLoopback bool          `yaml:"smtp_insecure_loopback"` // allow a server without STARTTLS when it is on this machine (127.0.0.1): for tests and the demo only
	LogLevel             string        `yaml:"log_level"`              // debug, info, warn, error
	LogFormat            string        `yaml:"log_format"`             // text or json
	Bootstrap            Bootstrap     `yaml:"bootstrap"`
}

// Bootstrap sets up a new, empty hub outside demo mode: the partnership, its
// first organisation with its identity provider, and the first administrator.
type Bootstrap struct {
	Partnership  string `yaml:"partnership"`
	Area         string `yaml:"area"`
	OrgID        string `yaml:"org_id"`
	OrgName      string `yaml:"org_name"`
	OrgKind      string `yaml:"org_kind"`
	IssuerURL    string `yaml:"issuer_url"`
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	AdminSubject string `yaml:"admin_subject"` // the "sub" the identity provider gives the first administrator
}

// Default returns the settings used when nothing else is said: the demo on this machine.
func Default() Config {
	return Config{
		Listen:              "127.0.0.1:8080",
		DataDir:             "data",
		HubctlDir:           "bin/downloads",
		Database:            "equalityhub",
		Demo:                true,
		DemoReturns:         true,
		SessionTTL:          8 * time.Hour,
		MaxTokenTTL:         90 * 24 * time.Hour,
		SyncInterval:        time.Second,
		AuditCheckInterval:  5 * time.Minute,
		MaxExtractBytes:     50 << 20,
		ShutdownTimeout:     15 * time.Second,
		ReadTimeout:         2 * time.Minute,
		WriteTimeout:        3 * time.Minute,
		IdleTimeout:         time.Minute,
		MaxSendingPerClient: 8,
		SMTPPort:            587,
		LogLevel:            "info",
		LogFormat:           "text",
	}
}

// Load returns the defaults overlaid with the YAML file at path (none when
// path is empty) and then the HUB_* variables that getenv returns, validated.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return c, fmt.Errorf("configuration file: %w", err)
		}
		defer f.Close()
		dec := yaml.NewDecoder(f)
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return c, fmt.Errorf("configuration file %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	if err := fromEnv(reflect.ValueOf(&c).Elem(), "HUB", getenv); err != nil {
		return c, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + strings.Replace(c.Listen, "127.0.0.1", "localhost", 1)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c, c.Validate()
}

// fromEnv sets each field from its variable: HUB_ and the YAML key in capitals,
// nested keys joined by _, e.g. HUB_BOOTSTRAP_CLIENT_SECRET.
func fromEnv(v reflect.Value, prefix string, getenv func(string) string) error {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		name := prefix + "_" + strings.ToUpper(strings.Split(f.Tag.Get("yaml"), ",")[0])
		if f.Type.Kind() == reflect.Struct {
			if err := fromEnv(fv, name, getenv); err != nil {
				return err
			}
			continue
		}
		raw, from := getenv(name), name
		if f.Type == reflect.TypeOf(Secret("")) {
			if file := getenv(name + "_FILE"); file != "" {
				b, err := os.ReadFile(file)
				if err != nil {
					return fmt.Errorf("%s_FILE: cannot read the secret: %w", name, err)
				}
				raw, from = string(bytes.TrimSpace(b)), name+"_FILE"
			}
		}
		if raw == "" {
			continue
		}
		switch {
		case f.Type == reflect.TypeOf(time.Duration(0)):
			d, err := time.ParseDuration(raw)
			if err != nil {
				return fmt.Errorf("%s: %q is not a duration such as 90s, 15m or 8h", from, raw)
			}
			fv.SetInt(int64(d))
		case f.Type.Kind() == reflect.Int64:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a whole number", from, raw)
			}
			fv.SetInt(n)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			var items []string
			for _, item := range strings.Split(raw, ",") {
				if item = strings.TrimSpace(item); item != "" {
					items = append(items, item)
				}
			}
			fv.Set(reflect.ValueOf(items))
		case f.Type.Kind() == reflect.Bool:
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return fmt.Errorf("%s: %q is not true or false", from, raw)
			}
			fv.SetBool(b)
		default:
			fv.SetString(raw)
		}
	}
	return nil
}

// Validate checks the settings together and names every mistake.
func (c Config) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		bad("listen: %q is not host:port, e.g. 127.0.0.1:8080", c.Listen)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("base_url: %q is not an http or https address", c.BaseURL)
	}
	if c.Demo && !c.DemoAllowRemote && err == nil && !loopback(host) {
		bad("listen: demo mode signs anyone in without a password, so it listens on this machine only (127.0.0.1 or localhost); set demo_allow_remote (HUB_DEMO_ALLOW_REMOTE=true) to override")
	}
	if a := c.AccessibilityContact; a != "" && !ContactAddress(a) {
		bad("accessibility_contact: %q is neither an e-mail address nor an http or https address", a)
	}
	if c.MongoURI == "" && c.DataDir == "" {
		bad("data_dir: set a directory for the embedded database, or mongo_uri for MongoDB")
	}
	if c.MongoURI != "" && !strings.HasPrefix(string(c.MongoURI), "mongodb://") && !strings.HasPrefix(string(c.MongoURI), "mongodb+srv://") {
		bad("mongo_uri: must start with mongodb:// or mongodb+srv://")
	}
	if c.Database == "" || strings.ContainsAny(c.Database, "/\\. \"$") {
		bad("database: %q is not a database name", c.Database)
	}
	for name, d := range map[string]time.Duration{"session_ttl": c.SessionTTL, "max_token_ttl": c.MaxTokenTTL, "shutdown_timeout": c.ShutdownTimeout, "audit_check_interval": c.AuditCheckInterval,
		"read_timeout": c.ReadTimeout, "write_timeout": c.WriteTimeout, "idle_timeout": c.IdleTimeout} {
		if d <= 0 {
			bad("%s: must be more than zero", name)
		}
	}
	if c.WriteTimeout > 0 && c.WriteTimeout < c.ReadTimeout {
		bad("write_timeout: must be at least read_timeout, as an answer's time begins when its request's headers arrive")
	}
	if c.MaxExtractBytes < 1<<10 || c.MaxExtractBytes > 1<<30 {
		bad("max_extract_bytes: must be from 1024 to 1073741824")
	}
	if c.MaxSendingPerClient < 1 || c.MaxSendingPerClient > 10000 {
		bad("max_sending_per_client: must be from 1 to 10000")
	}
	for _, p := range c.TrustedProxies {
		if _, err := ParseProxy(p); err != nil {
			bad("trusted_proxies: %q is not an address or a CIDR range such as 10.0.0.0/8", p)
		}
	}
	if c.SyncInterval < 0 {
		bad("sync_interval: cannot be negative")
	}
	if c.SMTPHost != "" {
		if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Address == "" {
			bad("smtp_from: %q is not an e-mail address: set the address the hub's e-mail comes from", c.SMTPFrom)
		}
		if c.SMTPPort < 1 || c.SMTPPort > 65535 {
			bad("smtp_port: %d is not a port from 1 to 65535", c.SMTPPort)
		}
		if c.SMTPInsecureLoopback && !loopback(c.SMTPHost) {
			bad("smtp_insecure_loopback: allowed only for an SMTP server on this machine (127.0.0.1 or localhost), not %q: elsewhere the hub insists on STARTTLS", c.SMTPHost)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log_format: %q is not text or json", c.LogFormat)
	}
	if b := c.Bootstrap; b != (Bootstrap{}) {
		if c.Demo {
			bad("bootstrap: set demo to false to bootstrap a real partnership")
		}
		for k, v := range map[string]string{"partnership": b.Partnership, "org_id": b.OrgID, "org_name": b.OrgName, "org_kind": b.OrgKind, "issuer_url": b.IssuerURL, "client_id": b.ClientID, "admin_subject": b.AdminSubject} {
			if strings.TrimSpace(v) == "" {
				bad("bootstrap.%s: needed to bootstrap the hub", k)
			}
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("the configuration has %d mistake(s):\n  - %s", len(errs), strings.Join(errs, "\n  - "))
	}
	return nil
}

// ParseProxy reads a trusted proxy's address, or a range of them in CIDR
// notation, as a range.
func ParseProxy(s string) (*net.IPNet, error) {
	if _, n, err := net.ParseCIDR(s); err == nil {
		return n, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("%q is not an address or a CIDR range", s)
	}
	bits := 128
	if ip4 := ip.To4(); ip4 != nil {
		ip, bits = ip4, 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ContactAddress reports whether s is an e-mail address (name@host) or an
// http or https address.
func ContactAddress(s string) bool {
	if strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return true
	}
	name, host, ok := strings.Cut(s, "@")
	return ok && name != "" && strings.Contains(host, ".") && !strings.ContainsAny(host, "@/:")
}

// Masked lists every setting as key and value, secrets masked, for the start-up log.
func (c Config) Masked() []any {
	var kv []any
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			key := prefix + strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			fv := v.Field(i)
			if fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(time.Duration(0)) {
				walk(fv, key+".")
				continue
			}
			kv = append(kv, key, fmt.Sprint(fv.Interface()))
		}
	}
	walk(reflect.ValueOf(c), "")
	return kv
}
