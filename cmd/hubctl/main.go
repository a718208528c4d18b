// Command hubctl is the partners' tool for the equality hub: it signs in with
// an API token made on the hub's profile page, and works with the hub's API.
//
//	hubctl login --hub https://equality.northshire.example
//	hubctl whoami
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/adapters/apiclient"
	"github.com/partnership/equalityhub/hub"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hubctl:", explain(err))
		os.Exit(1)
	}
}

// explain says an error with its problems, one a line. What the hub or a
// file said is printable: each part stays on its line, and no character in it
// can move the cursor, retitle or clear the terminal, or reverse the text.
func explain(err error) string {
	var e *hub.Error
	if !errors.As(err, &e) {
		return printable(err.Error())
	}
	msg := oneLine(e.Message)
	if e.Code == hub.CodeInternal && e.Err != nil {
		msg += ": " + oneLine(e.Err.Error())
	}
	for _, p := range e.Problems {
		msg += "\n  - " + oneLine(p.String())
	}
	return msg
}

// printable is the one way hubctl makes text from elsewhere (the hub's
// answers, the files it reads) safe to print: every control character other
// than a new line and a tab, every invisible formatting character such as a
// direction override, and every byte that is not UTF-8 become U+FFFD.
func printable(s string) string { return hub.Printable(s) }

// oneLine is printable, with new lines and tabs made spaces: for a part of a
// message that must not start lines of its own.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(printable(s))
}

// printableWriter passes everything hubctl prints through printable.
type printableWriter struct{ w io.Writer }

// Write writes p made printable, and reports p as written whole.
func (pw printableWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(pw.w, printable(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// credentials are what login saves: which hub, and the token.
type credentials struct {
	Hub   string `json:"hub"`
	Token string `json:"token"`
}

func credentialsPath(getenv func(string) string) (string, error) {
	if p := getenv("HUBCTL_CONFIG"); p != "" {
		return p, nil
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("cannot tell where to keep the sign-in: set HUBCTL_CONFIG to a file path")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "equalityhub", "hubctl.json"), nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	// Names, messages and lists come from the hub and from files: whatever
	// they hold, nothing hubctl prints acts on the terminal.
	stdout, stderr = printableWriter{stdout}, printableWriter{stderr}
	root := &cobra.Command{
		Use:           "hubctl",
		Short:         "The partners' tool for the equality hub",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print hubctl's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(stdout, "hubctl", version)
			return nil
		},
	})

	var hubURL string
	login := &cobra.Command{
		Use:   "login",
		Short: "Sign in to a hub with an API token from your profile page",
		Long: "Sign in to a hub with an API token. Make the token on the hub's profile page, then paste it when asked\n" +
			"(or pipe it in, or set HUBCTL_TOKEN). The token is checked with the hub and saved in your configuration\n" +
			"directory, readable by you only.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if hubURL == "" {
				return errors.New("say which hub: hubctl login --hub https://equality.northshire.example")
			}
			token := getenv("HUBCTL_TOKEN")
			if token == "" {
				fmt.Fprint(stderr, "API token: ")
				line, err := bufio.NewReader(stdin).ReadString('\n')
				if !fromTerminal(stdin) {
					// A token piped in is not echoed with its newline: end the prompt's line.
					fmt.Fprintln(stderr)
				}
				if err != nil && line == "" {
					return errors.New("no token given: paste the token made on your profile page")
				}
				token = strings.TrimSpace(line)
			}
			c, err := apiclient.New(hubURL, token)
			if err != nil {
				return err
			}
			me, err := c.Me(ctx)
			if err != nil {
				return err
			}
			path, err := credentialsPath(getenv)
			if err != nil {
				return err
			}
			if err := save(path, credentials{Hub: c.BaseURL, Token: c.Token}); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Signed in to %s as %s of %s%s.\nSaved in %s\n", c.BaseURL, me.Name, me.Organisation, roleList(me), path)
			return nil
		},
	}
	login.Flags().StringVar(&hubURL, "hub", getenv("HUBCTL_HUB"), "the hub's address")
	root.AddCommand(login)

	root.AddCommand(&cobra.Command{
		Use:   "whoami",
		Short: "Say who hubctl is signed in as",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := signedIn(getenv)
			if err != nil {
				return err
			}
			me, err := c.Me(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s of %s%s, at %s\n", me.Name, me.Organisation, roleList(me), c.BaseURL)
			return nil
		},
	})
	e := env{ctx: ctx, getenv: getenv, stdin: bufio.NewReader(stdin), stdout: stdout, stderr: stderr}
	root.AddCommand(keygenCommand(e), keyCommand(e), mappingCommand(e), generateCommand(e), auditCommand(e), aggregateCommand(e), signCommand(e), uploadCommand(e), verifyCommand(e))
	return root.ExecuteContext(ctx)
}

func roleList(p apiclient.Person) string {
	if len(p.Roles) == 0 {
		return ", with no role yet"
	}
	names := make([]string, len(p.Roles))
	for i, g := range p.Roles {
		names[i] = g.Role
		if g.Characteristic != "" {
			names[i] += " (" + g.Characteristic + ")"
		}
	}
	return ", as " + strings.Join(names, ", ")
}

// signedIn returns a client with the saved credentials.
func signedIn(getenv func(string) string) (*apiclient.Client, error) {
	path, err := credentialsPath(getenv)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errors.New("not signed in: run hubctl login --hub ADDRESS first")
	}
	if err != nil {
		return nil, err
	}
	var cr credentials
	if err := json.Unmarshal(b, &cr); err != nil {
		return nil, fmt.Errorf("%s is not a hubctl sign-in file: run hubctl login again", path)
	}
	return apiclient.New(cr.Hub, cr.Token)
}

func save(path string, cr credentials) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(cr, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// fromTerminal says whether r is a terminal, where what is typed is echoed.
func fromTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
