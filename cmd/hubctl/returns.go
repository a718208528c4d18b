package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/adapters/apiclient"
	"github.com/partnership/equalityhub/adapters/pgp"
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

// signCatalogue finds the standard and theme a return document names: in the
// files given, then among the hub's built-in ones, then on the hub when
// signed in.
func signCatalogue(e env, doc []byte, standardFile, themesFile string) (monitoring.Catalogue, error) {
	var cat multiCatalogue
	if standardFile != "" {
		files, err := loadCatalogue(e, standardFile, themesFile, "", "-")
		if err != nil {
			return nil, err
		}
		cat.add(files.standard, files.themes)
	}
	if std, err := monitoring.FirstStandard(); err == nil {
		themes, _ := monitoring.BuiltInThemes()
		cat.add(std, themes)
	}
	var names struct{ Standard, Theme string }
	_ = json.Unmarshal(doc, &names)
	_, knownStd := cat.Standard(names.Standard)
	_, knownTheme := cat.Theme(names.Theme)
	if knownStd && knownTheme {
		return cat, nil
	}
	c, err := signedIn(e.getenv)
	if err != nil {
		return cat, nil // the check names what it does not know
	}
	std, err := c.Standard(e.ctx)
	if err != nil {
		return nil, err
	}
	themes, err := c.Themes(e.ctx)
	if err != nil {
		return nil, err
	}
	cat.add(std, themes)
	return cat, nil
}

// multiCatalogue holds the standards and themes known from several places, the first of each name first.
type multiCatalogue struct {
	standards []monitoring.Standard
	themes    []monitoring.Theme
}

func (c *multiCatalogue) add(s monitoring.Standard, ts []monitoring.Theme) {
	c.standards = append(c.standards, s)
	c.themes = append(c.themes, ts...)
}

func (c multiCatalogue) Standard(v string) (monitoring.Standard, bool) {
	for _, s := range c.standards {
		if s.Version == v {
			return s, true
		}
	}
	return monitoring.Standard{}, false
}

func (c multiCatalogue) Theme(id string) (monitoring.Theme, bool) {
	for _, t := range c.themes {
		if t.ID == id {
			return t, true
		}
	}
	return monitoring.Theme{}, false
}

// checkBeforeSigning refuses a return the hub would refuse for what it
// says: one that does not read as a return, whose counts do not add up, or
// for a period that has not begun. Only keys and the organisation are left
// for the hub to check.
func checkBeforeSigning(e env, name string, doc []byte, standardFile, themesFile string) error {
	cat, err := signCatalogue(e, doc, standardFile, themesFile)
	if err != nil {
		return err
	}
	content, l, err := monitoring.Decode(doc, cat)
	if err == nil {
		err = monitoring.CheckStarted(content.Period, l.Theme.Frequency, time.Now())
	}
	if err != nil {
		var he *hub.Error
		if errors.As(err, &he) {
			msg := name + " was not signed: " + he.Message
			for _, p := range he.Problems {
				if p.Field == "standard" || p.Field == "theme" {
					msg += " (to check it against the hub's standard and themes, sign in with hubctl login, or give them with --standard and --themes)"
					break
				}
			}
			return &hub.Error{Code: he.Code, Message: msg, Problems: he.Problems}
		}
		return fmt.Errorf("%s was not signed: %w", name, err)
	}
	return nil
}

func signCommand(e env) *cobra.Command {
	var keyFile, out, standardFile, themesFile string
	var anyFile bool
	cmd := &cobra.Command{
		Use:   "sign RETURN",
		Short: "Sign a return with your organisation's private key",
		Long: "Sign a return with your organisation's private key, after checking it as the hub will: a return\n" +
			"whose counts do not add up, or for a period that has not begun, is not signed. The standard and theme\n" +
			"it names are the hub's built-in ones, those in --standard and --themes, or the hub's when signed in.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return errors.New("say which private key with --key")
			}
			doc, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if !anyFile {
				if err := checkBeforeSigning(e, args[0], doc, standardFile, themesFile); err != nil {
					return err
				}
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
	cmd.Flags().StringVar(&standardFile, "standard", "", "the monitoring standard file the return follows (from /api/v1/standard), to check it offline")
	cmd.Flags().StringVar(&themesFile, "themes", "", "the themes file (from /api/v1/themes), with --standard; default the built-in themes")
	cmd.Flags().BoolVar(&anyFile, "not-a-return", false, "sign a file that is not a return (such as a published table), without checking it as one")
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
			switch r.Outcome {
			case string(monitoring.OutcomeHeld):
				fmt.Fprintf(e.stdout, "Already held as version %d: %s %s, %d records. Nothing has changed.\n", r.Version, r.Theme, r.Period, r.Records)
			case string(monitoring.OutcomeRestored):
				fmt.Fprintf(e.stdout, "Accepted: %s %s, version %d, restores version %d, %d records, signed with key %s.\n", r.Theme, r.Period, r.Version, r.Restores, r.Records, r.Key)
			case string(monitoring.OutcomeCorrection):
				fmt.Fprintf(e.stdout, "Accepted as a correction: %s %s, version %d, %d records, signed with key %s.\n", r.Theme, r.Period, r.Version, r.Records, r.Key)
			default:
				fmt.Fprintf(e.stdout, "Accepted: %s %s, version %d, %d records, signed with key %s: a new return.\n", r.Theme, r.Period, r.Version, r.Records, r.Key)
			}
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
