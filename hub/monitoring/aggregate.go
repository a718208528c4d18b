package monitoring

import (
	"fmt"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// Layout fixes the order of a return's counts for a standard and a theme:
// question by question, answer by answer, measure by measure.
type Layout struct {
	Standard  Standard
	Theme     Theme
	Questions []Question
	offsets   []int // where each question's counts start
	size      int
}

// NewLayout returns the layout of a theme's returns under a standard.
func NewLayout(s Standard, t Theme) (*Layout, error) {
	l := &Layout{Standard: s, Theme: t}
	for _, k := range t.QuestionKeys(s) {
		q, ok := s.Question(k)
		if !ok {
			return nil, hub.Errorf(hub.CodeInvalid, "The theme %s asks about %q, which standard %s does not have", t.Name, k, s.Version)
		}
		l.Questions = append(l.Questions, q)
		l.offsets = append(l.offsets, l.size)
		l.size += len(q.Answers()) * len(t.Measures)
	}
	return l, nil
}

// Size is the number of counts a return of this layout carries.
func (l *Layout) Size() int { return l.size }

// Index returns the position of one count.
func (l *Layout) Index(question, answer, measure int) int {
	return l.offsets[question] + answer*len(l.Theme.Measures) + measure
}

// Cell is one count of a return, named in full.
type Cell struct {
	Question string `json:"question"`
	Category string `json:"category"`
	Measure  string `json:"measure"`
	Count    int64  `json:"count"`
}

// Cells names every count in layout order.
func (l *Layout) Cells(counts []int64) []Cell {
	cells := make([]Cell, 0, l.size)
	for qi, q := range l.Questions {
		for ai, a := range q.Answers() {
			for mi, m := range l.Theme.Measures {
				cells = append(cells, Cell{Question: q.Key, Category: a.Code, Measure: m.ID, Count: counts[l.Index(qi, ai, mi)]})
			}
		}
	}
	return cells
}

// MaxProblems is how many problems an aggregation reports in full; past it, it only counts them.
const MaxProblems = 10000

// Aggregator turns an organisation's record-level extract, row by row, into
// the counts of a return, so that records never need to leave the
// organisation. It keeps only the counts, whatever the size of the extract.
type Aggregator struct {
	layout   *Layout
	question []column       // one per layout question
	measure  []measureInput // one per theme measure
	counts   []int64
	records  int64
	rejected int64
	problems []hub.Problem
	more     int64 // problems past MaxProblems
}

type column struct {
	index   int
	heading string
	codes   map[string]int // local or standard code (trimmed, lower case) to answer index
	exact   map[string]int // the same keys as written in the mapping, for the fast path
	notKnow int
}

type measureInput struct {
	index   int // -1: every record counts
	heading string
}

// NewAggregator prepares to read an extract whose first row is header, with
// an organisation's mapping. Missing columns are named, with the headings the
// extract does have.
func NewAggregator(l *Layout, m Mapping, header []string) (*Aggregator, error) {
	a := &Aggregator{layout: l, counts: make([]int64, l.size)}
	at := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := at[h]; dup && h != "" {
			return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract's columns are not right", Problems: []hub.Problem{{Row: 1, Column: h, Message: "This column heading appears twice"}}}
		}
		at[h] = i
	}
	var missing []hub.Problem
	find := func(name string) int {
		h := strings.ToLower(strings.TrimSpace(m.Column(name)))
		i, ok := at[h]
		if !ok {
			missing = append(missing, hub.Problem{Row: 1, Column: h, Message: fmt.Sprintf("The extract has no column %q", h)})
			return -1
		}
		return i
	}
	for _, q := range l.Questions {
		c := column{index: find(q.Key), heading: m.Column(q.Key), codes: map[string]int{}, exact: map[string]int{}}
		answers := q.Answers()
		for ai, ans := range answers {
			c.codes[ans.Code] = ai
			c.exact[ans.Code] = ai
			if ans.Code == NotKnown {
				c.notKnow = ai
			}
		}
		for local, std := range m.Codes[q.Key] {
			for ai, ans := range answers {
				if ans.Code == std {
					c.codes[strings.ToLower(strings.TrimSpace(local))] = ai
					c.exact[local] = ai
				}
			}
		}
		a.question = append(a.question, c)
	}
	for _, ms := range l.Theme.Measures {
		in := measureInput{index: -1}
		if ms.Column != "" {
			in.index, in.heading = find(ms.Column), m.Column(ms.Column)
		}
		a.measure = append(a.measure, in)
	}
	if len(missing) > 0 {
		have := make([]string, 0, len(header))
		for _, h := range header {
			have = append(have, strings.TrimSpace(h))
		}
		return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract's columns are not right: it has " + strings.Join(have, ", "), Problems: missing}
	}
	return a, nil
}

// Add counts one record, or rejects it with each problem found. line is the
// record's line in the file, for the report.
func (a *Aggregator) Add(row []string, line int) bool {
	var answers [16]int
	ans := answers[:0]
	ok := true
	for _, c := range a.question {
		if c.index >= len(row) {
			a.problem(hub.Problem{Row: line, Column: c.heading, Message: "The row ends before this column"})
			ok = false
			continue
		}
		v := row[c.index]
		ai, found := c.exact[v]
		if !found {
			v = strings.TrimSpace(v)
			if v == "" {
				ai, found = c.notKnow, true
			} else {
				ai, found = c.codes[strings.ToLower(v)]
			}
		}
		if !found {
			a.problem(hub.Problem{Row: line, Column: c.heading, Message: fmt.Sprintf("%s is not a code in your mapping for this question", quote(v))})
			ok = false
		}
		ans = append(ans, ai)
	}
	var flags [16]bool
	fl := flags[:0]
	for _, m := range a.measure {
		if m.index < 0 {
			fl = append(fl, true)
			continue
		}
		if m.index >= len(row) {
			a.problem(hub.Problem{Row: line, Column: m.heading, Message: "The row ends before this column"})
			ok = false
			fl = append(fl, false)
			continue
		}
		b, good := parseFlag(row[m.index])
		if !good {
			a.problem(hub.Problem{Row: line, Column: m.heading, Message: fmt.Sprintf("%s is not yes or no: write Y, N, yes, no, 1 or 0", quote(row[m.index]))})
			ok = false
		}
		fl = append(fl, b)
	}
	if !ok {
		a.rejected++
		return false
	}
	a.records++
	for qi, ai := range ans {
		base := a.layout.offsets[qi] + ai*len(a.measure)
		for mi, f := range fl {
			if f {
				a.counts[base+mi]++
			}
		}
	}
	return true
}

func (a *Aggregator) problem(p hub.Problem) {
	if len(a.problems) < MaxProblems {
		a.problems = append(a.problems, p)
	} else {
		a.more++
	}
}

// Problems returns the problems found so far, and how many more were not kept.
func (a *Aggregator) Problems() ([]hub.Problem, int64) { return a.problems, a.more }

// Records returns how many records were counted and how many rejected.
func (a *Aggregator) Records() (counted, rejected int64) { return a.records, a.rejected }

// Counts returns the counts in layout order.
func (a *Aggregator) Counts() []int64 { return append([]int64(nil), a.counts...) }

func parseFlag(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "1", "true", "t":
		return true, true
	case "n", "no", "0", "false", "f":
		return false, true
	}
	return false, false
}

// quote shows a value from a file safely in a report: quoted, cut short, and
// with a leading formula character neutralised so that a spreadsheet opening
// the report does not run it.
func quote(v string) string {
	r := []rune(v)
	if len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%q", SafeCell(v))
}

// SafeCell prefixes text that a spreadsheet would read as a formula with an apostrophe.
func SafeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
