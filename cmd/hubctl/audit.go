package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub/audit"
)

// errBroken is returned when the record fails verification, after the report is printed.
var errBroken = errors.New("the audit record is not intact")

func auditCommand(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "The hub's tamper-evident audit record"}
	var keyFiles []string
	verify := &cobra.Command{
		Use:   "verify FILE --hub-key HUB-PUBLIC-KEY",
		Short: "Check an export of the audit record: every entry's hash and link, and the hub's signed checkpoints",
		Long: "Check an export of the audit record (JSON lines: a header, the entries, then the checkpoints; FILE - reads\n" +
			"standard input). Every entry's hash is recomputed and checked against the entry before it, and every\n" +
			"checkpoint must be signed by one of the hub's public keys and match the entry it names. Prints whether the\n" +
			"record is intact, or the first entry where it is broken and why; exits with 1 when it is broken.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(keyFiles) == 0 {
				return errors.New("give the hub's public key with --hub-key hub-public.asc")
			}
			var keys []string
			for _, k := range keyFiles {
				b, err := os.ReadFile(k)
				if err != nil {
					return err
				}
				// A key that has since expired or been revoked still checks the
				// checkpoints it signed; one that is private or unreadable is refused.
				if !strings.Contains(string(b), "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
					return fmt.Errorf("%s is not the hub's public key (an armoured OpenPGP public key block): download it from the hub's /hub-key.asc", k)
				}
				if info, err := (pgp.Crypto{}).ReadKey(string(b)); info.Private {
					return fmt.Errorf("%s: %w", k, err)
				} else if err != nil {
					fmt.Fprintf(e.stderr, "Note: %s: %s\n", k, explain(err))
				}
				keys = append(keys, string(b))
			}
			var in io.Reader = e.stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			entries, checkpoints, err := audit.ReadExport(in)
			if err != nil {
				return err
			}
			rep := audit.Verify(entries, checkpoints, keys, pgp.AuditVerifier{})
			fmt.Fprintln(e.stdout, rep.String())
			if !rep.OK {
				return errBroken
			}
			return nil
		},
	}
	verify.Flags().StringArrayVar(&keyFiles, "hub-key", nil, "a file with the hub's armoured public key (repeat for earlier keys)")
	cmd.AddCommand(verify)
	return cmd
}
