package monitoring

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// The headings of a mapping's codes written as CSV, one code a row.
var codesCSVHeader = []string{"question", "local code", "standard category", "category label"}

// CodesCSV writes the mapping's codes as CSV, one local code a row, with the
// question, the standard category and its label, sorted by question and
// code, so that a data steward can keep the list in a spreadsheet. Every
// cell is safe to open in a spreadsheet.
func (m Mapping) CodesCSV(s Standard) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(codesCSVHeader)
	for _, q := range s.Questions {
		codes := m.Codes[q.Key]
		locals := make([]string, 0, len(codes))
		for local := range codes {
			locals = append(locals, local)
		}
		slices.Sort(locals)
		for _, local := range locals {
			_ = w.Write([]string{q.Key, SafeCell(local), codes[local], SafeCell(q.LabelOf(codes[local]))})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// ReadCodesCSV reads a mapping's codes from CSV as CodesCSV writes it: the
// columns question, local code and standard category (the category's code,
// or its label as the standard words it); a label column is ignored. Each
// problem is named with its line and column: a question or category the
// standard does not have, an empty local code, a local code given two
// different categories.
func ReadCodesCSV(r io.Reader, s Standard) (map[string]map[string]string, error) {
	rows := NewCSVRows(r, 4<<20)
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, hub.Errorf(hub.CodeInvalid, "The codes file is empty: it needs the header %s", strings.Join(codesCSVHeader[:3], ","))
	}
	at := map[string]int{}
	for i, h := range rows.Row() {
		at[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []hub.Problem
	col := func(name string) int {
		i, ok := at[name]
		if !ok {
			missing = append(missing, hub.Problem{Row: 1, Column: name, Message: fmt.Sprintf("The codes file has no column %q", name)})
		}
		return i
	}
	qc, lc, sc := col("question"), col("local code"), col("standard category")
	if len(missing) > 0 {
		return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The codes file's columns are not right: it needs question, local code and standard category", Problems: missing}
	}
	codes := map[string]map[string]string{}
	firstLine := map[string]int{} // question and lower-case local code to the line it is first on
	var ps []hub.Problem
	bad := func(line int, column, format string, args ...any) {
		if len(ps) < 100 {
			ps = append(ps, hub.Problem{Row: line, Column: column, Message: fmt.Sprintf(format, args...)})
		}
	}
	for rows.Next() {
		row, line := rows.Row(), rows.Line()
		if blank(row) {
			continue
		}
		cell := func(i int) string {
			if i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		key, local, category := cell(qc), unsafeCell(cell(lc)), cell(sc)
		q, ok := s.Question(key)
		if !ok {
			bad(line, "question", "The standard %s has no question %s", s.Version, quote(key))
			continue
		}
		code, ok := categoryNamed(q, category)
		if !ok {
			bad(line, "standard category", "%s is not a category of %s", quote(category), q.Label)
			continue
		}
		if local == "" {
			if code != NotKnown {
				bad(line, "local code", "An empty answer counts as not known, so it cannot mean %s", q.LabelOf(code))
			}
			continue // an empty answer is not known, as the standard says
		}
		id := key + "\x00" + strings.ToLower(local)
		if first, seen := firstLine[id]; seen {
			for l, c := range codes[key] {
				if strings.EqualFold(l, local) && c != code {
					bad(line, "local code", "Your code %s is given %s here and %s on line %d", quote(local), code, c, first)
				}
			}
			continue
		}
		firstLine[id] = line
		if codes[key] == nil {
			codes[key] = map[string]string{}
		}
		codes[key][local] = code
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := hub.Invalid("The codes file is not right", ps); err != nil {
		return nil, err
	}
	return codes, nil
}

// categoryNamed finds a question's answer by its code or its label, without regard to case.
func categoryNamed(q Question, name string) (string, bool) {
	for _, c := range q.Answers() {
		if strings.EqualFold(c.Code, name) || strings.EqualFold(c.Label, name) {
			return c.Code, true
		}
	}
	return "", false
}

// unsafeCell undoes SafeCell: the apostrophe before a leading formula character goes.
func unsafeCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && formulaLead(v[1:]) {
		return v[1:]
	}
	return v
}
