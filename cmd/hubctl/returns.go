package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/adapters/apiclient"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/adapters/xlsx"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// env is what the commands read from outside: variables, input and output.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdin  *bufio.Reader
	stdout io.Writer
	stderr io.Writer
}

// passphrase reads a passphrase from HUBCTL_PASSPHRASE or the first line of input.
func (e env) passphrase(prompt string) ([]byte, error) {
	if p := e.getenv("HUBCTL_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	fmt.Fprint(e.stderr, prompt)
	line, err := e.stdin.ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" && err != nil {
		return nil, errors.New("no passphrase given: type it when asked, or set HUBCTL_PASSPHRASE")
	}
	return []byte(line), nil
}

func keygenCommand(e env) *cobra.Command {
	var name, email, out string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make a key pair for signing your organisation's returns",
		Long: "Make a curve25519 OpenPGP key pair. The private key is locked with a passphrase (asked for, or\n" +
			"HUBCTL_PASSPHRASE) and written readable by you only; register the public key with hubctl key register\n" +
			"or on the hub's Signing keys page.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				return errors.New("say whose key it is: hubctl keygen --name \"Northshire Police returns\" --email data@police.example")
			}
			pass, err := e.passphrase("Passphrase for the new private key: ")
			if err != nil {
				return err
			}
			if len(pass) < 12 {
				return errors.New("the passphrase must be at least 12 characters")
			}
			priv, pub, fp, err := pgp.GenerateKey(name, email, pass)
			if err != nil {
				return err
			}
			if err := writeNew(out+"-private.asc", []byte(priv), 0o600); err != nil {
				return err
			}
			if err := writeNew(out+"-public.asc", []byte(pub), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Made key %s\n  private: %s-private.asc (keep it safe)\n  public:  %s-public.asc (register it: hubctl key register %s-public.asc)\n", fp, out, out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the key's name, e.g. your organisation's")
	cmd.Flags().StringVar(&email, "email", "", "a contact address for the key")
	cmd.Flags().StringVar(&out, "out", "hub-key", "the start of the two files' names")
	return cmd
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists already: choose another name with --out", path)
		}
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func keyCommand(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "key", Short: "Your organisation's signing keys on the hub"}
	cmd.AddCommand(&cobra.Command{
		Use:   "register PUBLIC-KEY-FILE",
		Short: "Register a public key to sign your organisation's returns",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, b, err := signedInWith(e, args[0])
			if err != nil {
				return err
			}
			k, err := c.RegisterKey(e.ctx, string(b))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Registered key %s\n", k.Fingerprint)
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List your organisation's keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := signedIn(e.getenv)
			if err != nil {
				return err
			}
			ks, err := c.Keys(e.ctx)
			if err != nil {
				return err
			}
			for _, k := range ks {
				status := "signs"
				if k.Revoked != nil {
					status = "revoked " + k.Revoked.Format("2006-01-02")
				}
				fmt.Fprintf(e.stdout, "%s  %s  %s\n", k.Fingerprint, status, strings.Join(k.UserIDs, ", "))
			}
			return nil
		},
	})
	return cmd
}

// signedInWith returns a client with the saved credentials and the contents of a file the command sends.
func signedInWith(e env, path string) (*apiclient.Client, []byte, error) {
	c, err := signedIn(e.getenv)
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(path)
	return c, b, err
}

// readSigned reads a file and its detached signature, by default the file's name and .asc.
func readSigned(path, sigFile string) ([]byte, []byte, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if sigFile == "" {
		sigFile = path + ".asc"
	}
	sig, err := os.ReadFile(sigFile)
	if err != nil {
		return nil, nil, fmt.Errorf("the signature %s cannot be read (sign the file first with hubctl sign): %w", sigFile, err)
	}
	return doc, sig, nil
}

// catalogue is what aggregation needs: the standard, the theme and the mapping.
type catalogue struct {
	standard monitoring.Standard
	themes   []monitoring.Theme
	mapping  monitoring.Mapping
	org      string
}

func (c catalogue) Standard(v string) (monitoring.Standard, bool) {
	return c.standard, v == c.standard.Version
}

func (c catalogue) Theme(id string) (monitoring.Theme, bool) {
	for _, t := range c.themes {
		if t.ID == id {
			return t, true
		}
	}
	return monitoring.Theme{}, false
}

// loadCatalogue reads the standard, themes and mapping from files when given,
// and from the hub otherwise.
func loadCatalogue(e env, standardFile, themesFile, mappingFile, org string) (catalogue, error) {
	var cat catalogue
	if standardFile != "" {
		f, err := os.Open(standardFile)
		if err != nil {
			return cat, err
		}
		defer f.Close()
		if cat.standard, err = monitoring.DecodeStandard(f); err != nil {
			return cat, err
		}
		if themesFile == "" {
			if cat.themes, err = monitoring.BuiltInThemes(); err != nil {
				return cat, err
			}
		} else {
			tf, err := os.Open(themesFile)
			if err != nil {
				return cat, err
			}
			defer tf.Close()
			if cat.themes, err = monitoring.DecodeThemes(tf, cat.standard); err != nil {
				return cat, err
			}
		}
		if mappingFile != "" {
			b, err := os.ReadFile(mappingFile)
			if err != nil {
				return cat, err
			}
			if err := json.Unmarshal(b, &cat.mapping); err != nil {
				return cat, fmt.Errorf("%s is not a mapping: %v", mappingFile, err)
			}
			if err := cat.mapping.Validate(cat.standard); err != nil {
				return cat, err
			}
		}
		if org == "" {
			return cat, errors.New("working from files, say which organisation the return is for with --org")
		}
		cat.org = org
		return cat, nil
	}
	c, err := signedIn(e.getenv)
	if err != nil {
		return cat, fmt.Errorf("%w (or work from files with --standard, --mapping and --org)", err)
	}
	if cat.standard, err = c.Standard(e.ctx); err != nil {
		return cat, err
	}
	if cat.themes, err = c.Themes(e.ctx); err != nil {
		return cat, err
	}
	if cat.mapping, err = c.Mapping(e.ctx); err != nil {
		return cat, err
	}
	me, err := c.Me(e.ctx)
	if err != nil {
		return cat, err
	}
	cat.org = me.Organisation
	return cat, nil
}

func aggregateCommand(e env) *cobra.Command {
	var theme, period, out, report, standardFile, themesFile, mappingFile, org string
	var skip bool
	cmd := &cobra.Command{
		Use:   "aggregate EXTRACT",
		Short: "Count a record-level extract (CSV or XLSX) into a return, on this machine",
		Long: "Read your own extract, one row per record with your own codes, map it to the monitoring standard,\n" +
			"check every row, and count it. Records never leave this machine: only the counts go into the return.\n" +
			"Rows that cannot be counted are written to the report with their line, column and the problem.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := loadCatalogue(e, standardFile, themesFile, mappingFile, org)
			if err != nil {
				return err
			}
			t, ok := cat.Theme(theme)
			if !ok {
				ids := make([]string, len(cat.themes))
				for i, t := range cat.themes {
					ids[i] = t.ID
				}
				return fmt.Errorf("say which theme with --theme: one of %s", strings.Join(ids, ", "))
			}
			p, err := monitoring.ParsePeriod(period, t.Frequency)
			if err != nil {
				return err
			}
			l, err := monitoring.NewLayout(cat.standard, t)
			if err != nil {
				return err
			}
			rows, done, size, err := openExtract(args[0])
			if err != nil {
				return err
			}
			defer done()
			var bar *progressbar.ProgressBar
			if size > 8<<20 {
				bar = progressbar.NewOptions64(size, progressbar.OptionSetWriter(e.stderr), progressbar.OptionShowBytes(true),
					progressbar.OptionSetDescription("Counting "+filepath.Base(args[0])), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
				rows = &progressRows{Rows: rows, bar: bar, size: size}
			}
			agg, err := monitoring.Aggregate(rows, l, cat.mapping)
			if bar != nil {
				_ = bar.Finish()
			}
			if err != nil {
				return err
			}
			counted, rejected := agg.Records()
			problems, more := agg.Problems()
			if rejected > 0 {
				if err := writeReport(report, problems, more); err != nil {
					return err
				}
				if !skip {
					return fmt.Errorf("%d of %d records could not be counted: see %s for each one's line, column and problem; correct them, or run again with --skip-rejected to leave them out (the return will say how many)", rejected, counted+rejected, report)
				}
			}
			doc := monitoring.Content{OrgID: cat.org, Theme: t.ID, Period: p, Standard: cat.standard.Version, Mapping: cat.mapping.Version,
				Records: counted, Rejected: rejected, Counts: agg.Counts()}.Encode(l)
			if err := os.WriteFile(out, doc, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Counted %d records of %s into %s", counted, filepath.Base(args[0]), out)
			if rejected > 0 {
				fmt.Fprintf(e.stdout, "; left out %d (see %s)", rejected, report)
			}
			fmt.Fprintf(e.stdout, ".\nSign it: hubctl sign %s --key YOUR-private.asc\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&theme, "theme", "", "the return's theme, e.g. stop-and-search")
	cmd.Flags().StringVar(&period, "period", "", "the period, e.g. 2025-26 or 2025-26-Q1")
	cmd.Flags().StringVar(&out, "out", "return.json", "where to write the return")
	cmd.Flags().StringVar(&report, "report", "rejected-rows.csv", "where to write the rows that could not be counted")
	cmd.Flags().BoolVar(&skip, "skip-rejected", false, "make the return without the rows that could not be counted")
	cmd.Flags().StringVar(&standardFile, "standard", "", "work offline: the monitoring standard file (from /api/v1/standard)")
	cmd.Flags().StringVar(&themesFile, "themes", "", "work offline: the themes file (from /api/v1/themes); default the built-in themes")
	cmd.Flags().StringVar(&mappingFile, "mapping", "", "work offline: your organisation's mapping file (from /api/v1/mapping)")
	cmd.Flags().StringVar(&org, "org", "", "work offline: your organisation's short name")
	return cmd
}

// openExtract opens a CSV or XLSX extract.
func openExtract(path string) (monitoring.Rows, func() error, int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, 0, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		rows, done, err := xlsx.Reader{MaxUnzipped: 1 << 30}.Open(path)
		return rows, done, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, err
	}
	cr := &countingReader{r: bufio.NewReaderSize(f, 1<<20)}
	rows := monitoring.NewCSVRows(cr, 1<<62)
	return &csvProgress{Rows: rows, cr: cr}, f.Close, info.Size(), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvProgress says how far through the file reading is.
type csvProgress struct {
	monitoring.Rows
	cr *countingReader
}

type progressRows struct {
	monitoring.Rows
	bar  *progressbar.ProgressBar
	size int64
	last int64
}

func (p *progressRows) Next() bool {
	ok := p.Rows.Next()
	if c, isCSV := p.Rows.(*csvProgress); isCSV && p.Rows.Line()%4096 == 0 {
		_ = p.bar.Add64(c.cr.n - p.last)
		p.last = c.cr.n
	}
	return ok
}

// writeReport writes the rejected rows as CSV, every text cell safe to open in a spreadsheet.
func writeReport(path string, ps []hub.Problem, more int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"line", "column", "problem"})
	for _, p := range ps {
		_ = w.Write([]string{strconv.Itoa(p.Row), monitoring.SafeCell(p.Column), monitoring.SafeCell(p.Message)})
	}
	if more > 0 {
		_ = w.Write([]string{"", "", fmt.Sprintf("and %d more problems", more)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func signCommand(e env) *cobra.Command {
	var keyFile, out string
	cmd := &cobra.Command{
		Use:   "sign RETURN",
		Short: "Sign a return with your organisation's private key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return errors.New("say which private key with --key")
			}
			doc, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			key, err := os.ReadFile(keyFile)
			if err != nil {
				return err
			}
			pass, err := e.passphrase("Passphrase of " + filepath.Base(keyFile) + ": ")
			if err != nil {
				return err
			}
			sig, err := pgp.Sign(doc, string(key), pass)
			if err != nil {
				return err
			}
			if out == "" {
				out = args[0] + ".asc"
			}
			if err := os.WriteFile(out, []byte(sig), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Signed %s: the signature is in %s.\nUpload both: hubctl upload %s\n", args[0], out, args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "your organisation's private key file")
	cmd.Flags().StringVar(&out, "out", "", "where to write the signature (default RETURN.asc)")
	return cmd
}

func uploadCommand(e env) *cobra.Command {
	var sigFile, reason string
	cmd := &cobra.Command{
		Use:   "upload RETURN",
		Short: "Upload a signed return to the hub",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := signedIn(e.getenv)
			if err != nil {
				return err
			}
			doc, sig, err := readSigned(args[0], sigFile)
			if err != nil {
				return err
			}
			r, err := c.Upload(e.ctx, doc, string(sig), reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Accepted: %s %s, version %d, %d records, signed with key %s.\n", r.Theme, r.Period, r.Version, r.Records, r.Key)
			return nil
		},
	}
	cmd.Flags().StringVar(&sigFile, "signature", "", "the signature file (default RETURN.asc)")
	cmd.Flags().StringVar(&reason, "reason", "", "why this return corrects one sent before")
	return cmd
}

func verifyCommand(e env) *cobra.Command {
	var sigFile string
	var keys []string
	cmd := &cobra.Command{
		Use:   "verify FILE --key PUBLIC-KEY [--key …]",
		Short: "Check that a file was signed by one of the given public keys and not changed since",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(keys) == 0 {
				return errors.New("give the public key(s) to check against with --key")
			}
			doc, sig, err := readSigned(args[0], sigFile)
			if err != nil {
				return err
			}
			var armored []string
			for _, k := range keys {
				b, err := os.ReadFile(k)
				if err != nil {
					return err
				}
				armored = append(armored, string(b))
			}
			s, err := pgp.Crypto{}.Verify(doc, string(sig), armored)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Good signature on %s by key %s, made %s.\n", args[0], s.Fingerprint, s.SignedAt.Format(time.RFC3339))
			return nil
		},
	}
	cmd.Flags().StringVar(&sigFile, "signature", "", "the signature file (default FILE.asc)")
	cmd.Flags().StringArrayVar(&keys, "key", nil, "a public key file")
	return cmd
}

func mappingCommand(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "mapping", Short: "Your organisation's mapping from its own codes to the standard"}
	var out, note string
	get := &cobra.Command{
		Use:   "get",
		Short: "Write your organisation's current mapping to a file, to read or change",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := signedIn(e.getenv)
			if err != nil {
				return err
			}
			m, err := c.Mapping(e.ctx)
			if err != nil {
				return err
			}
			b, _ := json.MarshalIndent(m, "", "  ")
			if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Wrote mapping version %d (standard %s) to %s\n", m.Version, m.Standard, out)
			return nil
		},
	}
	get.Flags().StringVar(&out, "out", "mapping.json", "where to write it")
	put := &cobra.Command{
		Use:   "put FILE",
		Short: "Send a new version of your organisation's mapping",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, b, err := signedInWith(e, args[0])
			if err != nil {
				return err
			}
			var m monitoring.Mapping
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&m); err != nil {
				return fmt.Errorf("%s is not a mapping: %v", args[0], err)
			}
			if note != "" {
				m.Note = note
			}
			saved, err := c.SaveMapping(e.ctx, m)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Saved mapping version %d.\n", saved.Version)
			return nil
		},
	}
	put.Flags().StringVar(&note, "note", "", "what changed, for people")
	cmd.AddCommand(get, put)
	return cmd
}
