package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

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
			name := strings.ToLower(out)
			workbook := strings.HasSuffix(name, ".xlsx")
			if !workbook && !strings.HasSuffix(name, ".csv") && !strings.HasSuffix(name, ".txt") {
				return fmt.Errorf("--out %s: name the file .csv (or .txt) for CSV, or .xlsx for an Excel workbook", out)
			}
			opts := demo.ExtractOptions{Rows: rows, Seed: seed, Messy: messy}
			if period != "" {
				if opts.Period, err = monitoring.ParsePeriod(period, t.Frequency); err != nil {
					return err
				}
			}
			if workbook {
				var buf bytes.Buffer
				if err := demo.WriteExtract(&buf, l, demo.Mapping(org, std), opts); err != nil {
					return err
				}
				if err := writeWorkbook(out, buf.Bytes()); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "Wrote %d records of %s for %s to %s, an Excel workbook\n", rows, t.Name, org, out)
				return nil
			}
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			w := bufio.NewWriterSize(f, 1<<20)
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
	cmd.Flags().StringVar(&out, "out", "extract.csv", "where to write it: a .csv file, or an Excel workbook (.xlsx)")
	cmd.Flags().StringVar(&period, "period", "", "date each record on a day of this period, e.g. 2025-26")
	return cmd
}

// writeWorkbook writes CSV text as the first sheet of an Excel workbook, every
// cell as text, so that codes such as 01 keep their leading zeros.
func writeWorkbook(path string, text []byte) error {
	records, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	for i, rec := range records {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = excelize.Cell{Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
