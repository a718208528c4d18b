package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/partnership/equalityhub/adapters/xlsx"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

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
			periods, err := monitoring.ParsePeriods(period, t.Frequency)
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
			agg, err := monitoring.AggregateFor(rows, l, cat.mapping, monitoring.Scope{Periods: periods})
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
				if len(periods) == 1 {
					if err := monitoring.CheckCounted(agg, t, periods[0]); err != nil {
						return err
					}
				}
			}
			parts := agg.Parts()
			var made []string
			for _, part := range parts {
				name := out
				if len(parts) > 1 {
					name = strings.TrimSuffix(out, filepath.Ext(out)) + "-" + string(part.Period) + filepath.Ext(out)
					if part.Records == 0 {
						fmt.Fprintf(e.stdout, "No records for %s: no return made for it.\n", part.Period)
						continue
					}
				}
				doc := monitoring.Content{OrgID: cat.org, Theme: t.ID, Period: part.Period, Standard: cat.standard.Version, Mapping: cat.mapping.Version,
					Records: part.Records, Rejected: part.Rejected, Counts: part.Counts}.Encode(l)
				if err := os.WriteFile(name, doc, 0o644); err != nil {
					return err
				}
				if len(parts) > 1 {
					fmt.Fprintf(e.stdout, "Counted %d records for %s into %s.\n", part.Records, part.Period, name)
				}
				made = append(made, name)
			}
			if len(made) == 0 {
				return fmt.Errorf("%s has no records for any of the periods asked for", filepath.Base(args[0]))
			}
			fmt.Fprintf(e.stdout, "Counted %d records of %s into %s", counted, filepath.Base(args[0]), strings.Join(made, ", "))
			if rejected > 0 {
				fmt.Fprintf(e.stdout, "; left out %d (see %s)", rejected, report)
			}
			for _, nc := range agg.NotCounted() {
				fmt.Fprintf(e.stdout, "; %s not counted: the extract has no column %q, so the return says none", nc.Measure.Label, printable(nc.Column))
			}
			if n := agg.Skipped(); n > 0 {
				fmt.Fprintf(e.stdout, "; %d more records are not %s, so not counted", n, t.SelectWords())
			}
			fmt.Fprintf(e.stdout, ".\nSign it: hubctl sign %s --key YOUR-private.asc\n", made[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&theme, "theme", "", "the return's theme, e.g. stop-and-search")
	cmd.Flags().StringVar(&period, "period", "", "the period, e.g. 2025-26 or 2025-26-Q1; several, or a year of a quarterly theme, make a return for each period, read from the extract's period or date column")
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

func mappingCommand(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "mapping", Short: "Your organisation's mapping from its own codes to the standard"}
	var out, note, getFormat, putFormat string
	get := &cobra.Command{
		Use:   "get",
		Short: "Write your organisation's current mapping to a file, to read or change",
		Long: "Write your organisation's current mapping: the whole of it as JSON, or with --format csv its codes\n" +
			"only, one a row (question, local code, standard category, category label), to keep in a spreadsheet.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := mappingFormat(getFormat, out)
			if err != nil {
				return err
			}
			c, err := signedIn(e.getenv)
			if err != nil {
				return err
			}
			m, err := c.Mapping(e.ctx)
			if err != nil {
				return err
			}
			var b []byte
			if format == "csv" {
				std, err := c.Standard(e.ctx)
				if err != nil {
					return err
				}
				b = m.CodesCSV(std)
			} else {
				b, _ = json.MarshalIndent(m, "", "  ")
				b = append(b, '\n')
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Wrote mapping version %d (standard %s) to %s\n", m.Version, printable(m.Standard), out)
			return nil
		},
	}
	get.Flags().StringVar(&out, "out", "mapping.json", "where to write it")
	get.Flags().StringVar(&getFormat, "format", "", "json or csv (the codes only); default from the file's name")
	put := &cobra.Command{
		Use:   "put FILE",
		Short: "Send a new version of your organisation's mapping",
		Long: "Send a new version of your organisation's mapping: the whole of it as JSON, or with --format csv\n" +
			"its codes only (question, local code, standard category: the category's code or its label), which\n" +
			"replace the codes of the current mapping while its columns and date formats stay as they are.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := mappingFormat(putFormat, args[0])
			if err != nil {
				return err
			}
			c, b, err := signedInWith(e, args[0])
			if err != nil {
				return err
			}
			var m monitoring.Mapping
			if format == "csv" {
				std, err := c.Standard(e.ctx)
				if err != nil {
					return err
				}
				codes, err := monitoring.ReadCodesCSV(bytes.NewReader(b), std)
				if err != nil {
					return err
				}
				if m, err = c.Mapping(e.ctx); err != nil {
					return err
				}
				m.Standard, m.Codes = std.Version, codes
			} else {
				dec := json.NewDecoder(bytes.NewReader(b))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&m); err != nil {
					return fmt.Errorf("%s is not a mapping: %v", args[0], err)
				}
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
	put.Flags().StringVar(&putFormat, "format", "", "json or csv (the codes only); default from the file's name")
	cmd.AddCommand(get, put)
	return cmd
}

// mappingFormat says whether a mapping file is JSON or CSV: as asked, or by its name.
func mappingFormat(asked, file string) (string, error) {
	switch strings.ToLower(asked) {
	case "json", "csv":
		return strings.ToLower(asked), nil
	case "":
		if strings.HasSuffix(strings.ToLower(file), ".csv") {
			return "csv", nil
		}
		return "json", nil
	}
	return "", fmt.Errorf("--format is json or csv, not %q", printable(asked))
}
