package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

func generateCommand(e env) *cobra.Command {
	var org, theme, out, period string
	var rows int
	var seed uint64
	var messy float64
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a synthetic record-level extract of a demo organisation, for trying the tools",
		Long: "Write a synthetic extract, the same for the same seed, in a demo organisation's own columns and codes\n" +
			"(the police and the county and city councils' HR systems have their own). With --messy, that share of\n" +
			"rows carries the mistakes real extracts have: unknown codes, stray text, formulas.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			std, err := monitoring.FirstStandard()
			if err != nil {
				return err
			}
			themes, err := monitoring.BuiltInThemes()
			if err != nil {
				return err
			}
			var t monitoring.Theme
			for _, x := range themes {
				if x.ID == theme {
					t = x
				}
			}
			if t.ID == "" {
				return fmt.Errorf("there is no theme %q", theme)
			}
			if rows < 1 {
				return errors.New("--rows must be at least 1")
			}
			l, err := monitoring.NewLayout(std, t)
			if err != nil {
				return err
			}
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			w := bufio.NewWriterSize(f, 1<<20)
			opts := demo.ExtractOptions{Rows: rows, Seed: seed, Messy: messy}
			if period != "" {
				if opts.Period, err = monitoring.ParsePeriod(period, t.Frequency); err != nil {
					return err
				}
			}
			if err := demo.WriteExtract(w, l, demo.Mapping(org, std), opts); err != nil {
				f.Close()
				return err
			}
			if err := w.Flush(); err != nil {
				f.Close()
				return err
			}
			fmt.Fprintf(e.stdout, "Wrote %d records of %s for %s to %s\n", rows, t.Name, org, out)
			return f.Close()
		},
	}
	cmd.Flags().StringVar(&org, "org", "northshire-police", "the demo organisation")
	cmd.Flags().StringVar(&theme, "theme", "stop-and-search", "the theme")
	cmd.Flags().IntVar(&rows, "rows", 10000, "how many records")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "the seed: the same seed writes the same file")
	cmd.Flags().Float64Var(&messy, "messy", 0, "the share of rows with mistakes, e.g. 0.01")
	cmd.Flags().StringVar(&out, "out", "extract.csv", "where to write it")
	cmd.Flags().StringVar(&period, "period", "", "date each record on a day of this period, e.g. 2025-26")
	return cmd
}
