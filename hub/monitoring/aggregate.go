package monitoring

import (
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// The columns an extract may have besides its questions and measures, by
// their standard names; a mapping may give them other headings. Each is
// optional: without it, what it checks is not checked.
const (
	// RecordIDColumn holds each record's own reference: a reference that
	// appears twice is refused, so that no record is counted twice.
	RecordIDColumn = "record_id"
	// PeriodColumn holds the period each record is for, e.g. 2025-26-Q1; a
	// record for a period other than the return's is refused, and an extract
	// of several periods can be split into a return for each.
	PeriodColumn = "period"
	// DateColumn holds the day of what the record is about (the search, the
	// complaint, the survey answer): it must be a real day, not in the future,
	// and within the record's period.
	DateColumn = "date"
	// StartDateColumn and EndDateColumn hold the days a member of staff
	// started and left (blank: still in post), from which a theme that
	// selects joiners, leavers or staff in post picks its records.
	StartDateColumn = "start_date"
	EndDateColumn   = "end_date"
)

// Scope is what an extract is read for.
type Scope struct {
	// Periods are the periods of the returns to make; a record for another
	// period is refused with its line. With several, each record's period is
	// read from the extract's period column, or else from its date. Empty: the
	// records are not checked against a period.
	Periods []Period
	// Now is the time of reading, to refuse dates in the future; zero means the system clock.
	Now time.Time
}

// Aggregator turns an organisation's record-level extract, row by row, into
// the counts of a return, so that records never need to leave the
// organisation. It keeps the counts, and when the extract has a record ID
// column a short fingerprint of each ID to find repeats, whatever the size of
// the extract.
type Aggregator struct {
	layout   *Layout
	width    int            // the header's number of columns
	question []column       // one per layout question
	measure  []measureInput // one per theme measure
	parts    []part         // one per period asked, or one
	records  int64
	rejected int64
	problems []hub.Problem
	more     int64 // problems past MaxProblems

	id, period, date                   int // special columns, -1 when absent
	start, end                         int // a staff extract's start and end date columns, -1 when absent
	startHead, endHead                 string
	skipped                            int64 // records the theme does not count (staff who did not leave, for leavers)
	notCounted                         []NotCounted
	idHeading, periodHeading, dateHead string
	ids                                idSet
	pending                            []pendingRecord // records read whose IDs are not checked yet
	dupes                              []dupe          // records whose IDs are repeats, to name once reading is over
	sortProblems                       bool            // problems were found out of line order
	seed                               maphash.Seed
	periodOf                           map[string]periodCell // a period column's values, read once each
	dates                              dateReader
	today                              time.Time
	frequency                          Frequency
}

// part is what is counted for one period.
type part struct {
	period   Period
	counts   []int64
	records  int64
	rejected int64
}

// Part is the count of one period of an extract.
type Part struct {
	Period   Period
	Records  int64
	Rejected int64 // records of the period left out because they could not be counted
	Counts   []int64
}

type periodCell struct {
	part    int    // index in parts, or -1
	problem string // why the value cannot be used
}

type column struct {
	index   int
	heading string
	codes   map[string]int // local or standard code (trimmed, lower case) to answer index
	exact   map[string]int // the same keys as written in the mapping, for the fast path
	notKnow int
	bands   []band // for a question answered in bands of years (age): each answer's band
	dob     int    // the date of birth column, for age when the age column is absent or blank; -1 if none
	dobHead string
}

// band is a range of whole years, e.g. 25 to 34, or 85 and over (to MaxAge).
type band struct{ from, to int }

// MaxAge is the greatest age read as a number of years.
const MaxAge = 130

// DateOfBirthColumn holds each person's date of birth, from which their age
// is banded when the extract has no age column, or a blank age.
const DateOfBirthColumn = "date_of_birth"

// bandsOf returns the bands of years of a question's categories, or nil when
// its categories are not all bands (such as 25-34, or 85-and-over).
func bandsOf(q Question) []band {
	var bs []band
	for _, c := range q.Categories {
		from, to, ok := strings.Cut(c.Code, "-")
		lo, good := digits(from)
		if !ok || !good || len(from) > 3 {
			return nil
		}
		hi := MaxAge
		if to != "and-over" {
			if hi, good = digits(to); !good || hi < lo {
				return nil
			}
		}
		bs = append(bs, band{lo, hi})
	}
	return bs
}

type measureInput struct {
	index   int // -1: every record counts; absent: an optional column the extract does not have, so none
	heading string
}

// absent marks an optional measure's column that an extract does not have.
const absent = -2

// NotCounted is an optional measure an extract could not count, for want of its column.
type NotCounted struct {
	Measure Measure
	Column  string // the heading looked for
}

// NewAggregator prepares to read an extract whose first row is header, with
// an organisation's mapping, for the periods of scope. Missing columns are
// named, with the headings the extract does have.
func NewAggregator(l *Layout, m Mapping, header []string, scope Scope) (*Aggregator, error) {
	a := &Aggregator{layout: l, width: len(header), id: -1, period: -1, date: -1, seed: maphash.MakeSeed(),
		dates: newDateReader(m), today: scope.Now, frequency: l.Theme.Frequency}
	if a.today.IsZero() {
		a.today = time.Now()
	}
	if len(scope.Periods) == 0 {
		a.parts = []part{{counts: make([]int64, l.size)}}
	}
	for _, p := range scope.Periods {
		a.parts = append(a.parts, part{period: p, counts: make([]int64, l.size)})
	}
	at := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := at[h]; dup && h != "" {
			return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract's columns are not right", Problems: []hub.Problem{{Row: 1, Column: hub.Clip(h), Message: "This column heading appears twice"}}}
		}
		at[h] = i
	}
	var missing []hub.Problem
	heading := func(name string) string { return m.ColumnFor(l.Theme.ID, name) }
	find := func(name string) int {
		h := strings.ToLower(strings.TrimSpace(heading(name)))
		i, ok := at[h]
		if !ok {
			missing = append(missing, hub.Problem{Row: 1, Column: hub.Clip(h), Message: fmt.Sprintf("The extract has no column %s", quote(h))})
			return -1
		}
		return i
	}
	optional := func(name string) (int, string) {
		if i, ok := at[strings.ToLower(strings.TrimSpace(heading(name)))]; ok {
			return i, hub.Clip(heading(name))
		}
		return -1, ""
	}
	for _, q := range l.Questions {
		c := column{index: find(q.Key), heading: hub.Clip(heading(q.Key)), codes: map[string]int{}, exact: map[string]int{}}
		answers := q.Answers()
		for ai, ans := range answers {
			c.codes[ans.Code] = ai
			c.exact[ans.Code] = ai
			if ans.Code == NotKnown {
				c.notKnow = ai
			}
		}
		c.dob = -1
		if c.bands = bandsOf(q); c.bands != nil {
			if i, ok := at[strings.ToLower(strings.TrimSpace(heading(DateOfBirthColumn)))]; ok {
				c.dob, c.dobHead = i, hub.Clip(heading(DateOfBirthColumn))
				if _, has := at[strings.ToLower(strings.TrimSpace(heading(q.Key)))]; !has {
					c.index, missing = -1, missing[:len(missing)-1]
				}
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
		switch {
		case ms.Column != "" && l.Theme.IsOptional(ms.ID):
			if in.index, in.heading = optional(ms.Column); in.index < 0 {
				in.index = absent
				a.notCounted = append(a.notCounted, NotCounted{Measure: ms, Column: heading(ms.Column)})
			}
		case ms.Column != "":
			in.index, in.heading = find(ms.Column), hub.Clip(heading(ms.Column))
		}
		a.measure = append(a.measure, in)
	}
	a.id, a.idHeading = optional(RecordIDColumn)
	if a.id >= 0 {
		a.pending = make([]pendingRecord, 0, 512)
	}
	if len(l.Questions) > 16 || len(l.Theme.Measures) > 16 {
		return nil, hub.Errorf(hub.CodeInvalid, "The theme %s has more than 16 questions or measures, more than an extract can be read for", l.Theme.Name)
	}
	a.period, a.periodHeading = optional(PeriodColumn)
	a.start, a.startHead = optional(StartDateColumn)
	a.end, a.endHead = optional(EndDateColumn)
	switch l.Theme.Select {
	case SelectJoined, SelectLeft:
	case SelectInPost:
		if len(a.parts) > 1 && (a.start >= 0 || a.end >= 0) {
			return nil, hub.Errorf(hub.CodeInvalid, "Staff in post are counted on the last day of one period: make one return at a time")
		}
	default:
		a.start, a.end = -1, -1
	}
	a.date, a.dateHead = optional(DateColumn)
	if a.period >= 0 {
		a.periodOf = map[string]periodCell{}
	}
	if len(missing) > 0 {
		have := make([]string, 0, min(len(header), 20))
		for _, h := range header[:min(len(header), 20)] {
			have = append(have, hub.Clip(strings.TrimSpace(h)))
		}
		if len(header) > 20 {
			have = append(have, fmt.Sprintf("and %d more", len(header)-20))
		}
		return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract's columns are not right: it has " + strings.Join(have, ", "), Problems: missing}
	}
	if len(a.parts) > 1 && a.period < 0 && a.date < 0 && a.start < 0 && a.end < 0 {
		return nil, &hub.Error{Code: hub.CodeInvalid, Message: "The extract cannot be split into periods", Problems: []hub.Problem{{Row: 1, Message: fmt.Sprintf(
			"To make a return for each of %d periods from one extract, it needs a column %s or %s saying each record's period or date", len(a.parts), quote(heading(PeriodColumn)), quote(heading(DateColumn)))}}}
	}
	return a, nil
}

// Add counts one record, or rejects it with each problem found. line is the
// record's line in the file, for the report.
func (a *Aggregator) Add(row []string, line int) bool {
	if len(row) > a.width {
		a.problem(hub.Problem{Row: line, Message: fmt.Sprintf("This row has %d cells, more than the %d columns the header names: a cell holding a comma may not be quoted, or cells are out of place", len(row), a.width)})
		a.rejected++
		return false
	}
	pi, day := 0, time.Time{}
	if a.period >= 0 || a.date >= 0 {
		pi, day = a.periodOfRow(row, line)
	}
	if a.start >= 0 || a.end >= 0 {
		var counts bool
		if pi, counts = a.selectStaff(row, line, pi); !counts {
			if pi == -2 {
				a.skipped++
				return false
			}
			a.rejected++
			return false
		}
	}
	var answers [16]int
	ans := answers[:0]
	ok := true
	for _, c := range a.question {
		if c.bands != nil && (c.index < 0 || c.dob >= 0) {
			ai, good := a.age(c, row, line, pi, day)
			ok = ok && good
			ans = append(ans, ai)
			continue
		}
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
		if _, number := digits(v); !found && number && c.bands != nil {
			ai, found = a.years(c, v, line)
			if !found {
				ok = false
				ans = append(ans, ai)
				continue
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
			fl = append(fl, m.index != absent)
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
	var id string
	if a.id >= 0 {
		if id, ok = a.readID(row, line, ok); id != "" {
			// Whether the ID was seen before is found for a batch of records
			// at a time, which is much faster than one at a time; the record
			// is counted, or not, then.
			r := pendingRecord{id: id, hash: maphash.String(a.seed, id), line: int32(min(line, math.MaxInt32)), part: int32(pi), ok: ok, answers: len(ans)}
			for i, ai := range ans {
				r.ans[i] = uint16(ai)
			}
			for i, f := range fl {
				if f {
					r.flags |= 1 << i
				}
			}
			a.pending = append(a.pending, r)
			if len(a.pending) == cap(a.pending) {
				a.flush()
			}
			return ok
		}
	}
	a.count(pi, ok, ans, fl)
	return ok && pi >= 0
}

// count counts a record of part pi, or rejects it.
func (a *Aggregator) count(pi int, ok bool, ans []int, fl []bool) {
	if pi < 0 || !ok {
		a.rejected++
		if pi >= 0 {
			a.parts[pi].rejected++
		}
		return
	}
	a.records++
	p := &a.parts[pi]
	p.records++
	for qi, ai := range ans {
		base := a.layout.offsets[qi] + ai*len(a.measure)
		for mi, f := range fl {
			if f {
				p.counts[base+mi]++
			}
		}
	}
}

// pendingRecord is a record read but not yet counted, until its ID is checked.
type pendingRecord struct {
	id      string
	hash    uint64
	line    int32
	part    int32 // -1: refused for its period or date
	ok      bool  // no other problem
	answers int
	ans     [16]uint16
	flags   uint16
}

// finish counts what is pending and names the repeated IDs found, with the line each was first on.
func (a *Aggregator) finish() {
	a.flush()
	if len(a.dupes) == 0 {
		return
	}
	first := a.ids.firstLines(a.dupes)
	for _, d := range a.dupes {
		h := d.hash
		if h == 0 {
			h = 1
		}
		a.problem(hub.Problem{Row: int(d.line), Column: a.idHeading, Message: fmt.Sprintf("The record ID %s is also on line %d: a record is counted once, so remove the repeat", quote(d.id), first[h])})
	}
	a.dupes, a.sortProblems = nil, true
}

// flush checks the IDs of the records read since the last flush, and counts them.
func (a *Aggregator) flush() {
	if len(a.pending) == 0 {
		return
	}
	a.ids.reserve(len(a.pending))
	a.ids.touch(a.pending)
	for i := range a.pending {
		r := &a.pending[i]
		ok := r.ok
		if !a.ids.add(r.hash, r.line) {
			// The line the ID was first on is found once reading is over.
			if len(a.dupes) < MaxProblems {
				a.dupes = append(a.dupes, dupe{hash: r.hash, line: r.line, id: strings.Clone(hub.Clip(r.id))})
			} else {
				a.more++
			}
			ok = false
		}
		if !ok || r.part < 0 {
			a.count(int(r.part), false, nil, nil)
			continue
		}
		a.records++
		p := &a.parts[r.part]
		p.records++
		for qi := 0; qi < r.answers; qi++ {
			base := a.layout.offsets[qi] + int(r.ans[qi])*len(a.measure)
			for mi := range a.measure {
				if r.flags&(1<<mi) != 0 {
					p.counts[base+mi]++
				}
			}
		}
	}
	a.pending = a.pending[:0]
}

// readID reads a record's ID, or says it has none.
func (a *Aggregator) readID(row []string, line int, ok bool) (string, bool) {
	if a.id >= len(row) {
		a.problem(hub.Problem{Row: line, Column: a.idHeading, Message: "The row ends before this column"})
		return "", false
	}
	v := strings.TrimSpace(row[a.id])
	if v == "" {
		a.problem(hub.Problem{Row: line, Column: a.idHeading, Message: "The record has no ID: each record needs its own, so that none is counted twice"})
		return "", false
	}
	return v, ok
}

// periodOfRow returns the index of the part a record counts in, reading its
// period and date, or -1 with the problems found; and its date, if it has one.
func (a *Aggregator) periodOfRow(row []string, line int) (int, time.Time) {
	pi := -1
	if len(a.parts) == 1 {
		pi = 0
	}
	if a.period >= 0 {
		if a.period >= len(row) {
			a.problem(hub.Problem{Row: line, Column: a.periodHeading, Message: "The row ends before this column"})
			return -1, time.Time{}
		}
		v := row[a.period]
		c, seen := a.periodOf[v]
		if !seen {
			c = a.readPeriodCell(v)
			if len(a.periodOf) < 1000 {
				a.periodOf[v] = c
			}
		}
		if c.problem != "" {
			a.problem(hub.Problem{Row: line, Column: a.periodHeading, Message: c.problem})
			return -1, time.Time{}
		}
		pi = c.part
	}
	if a.date < 0 {
		return pi, time.Time{}
	}
	if a.date >= len(row) {
		a.problem(hub.Problem{Row: line, Column: a.dateHead, Message: "The row ends before this column"})
		return -1, time.Time{}
	}
	d, problem := a.dates.read(row[a.date])
	switch {
	case problem != "":
	case d.After(a.today):
		problem = fmt.Sprintf("%s is after today: a record cannot be dated in the future", a.shown(row[a.date], d))
	case pi < 0 && a.period < 0:
		for i, p := range a.parts {
			if p.period.Contains(d) {
				pi = i
			}
		}
		if pi < 0 {
			problem = fmt.Sprintf("%s is outside the periods asked for (%s)", a.shown(row[a.date], d), a.asked())
		}
	case pi >= 0 && a.parts[pi].period != "" && !a.parts[pi].period.Contains(d):
		p := a.parts[pi].period
		problem = fmt.Sprintf("%s is outside %s (%s to %s), the period of the record", a.shown(row[a.date], d), p, dayWords(p.begins()), dayWords(p.End().AddDate(0, 0, -1)))
	}
	if problem != "" {
		a.problem(hub.Problem{Row: line, Column: a.dateHead, Message: problem})
		return -1, time.Time{}
	}
	return pi, d
}

// readPeriodCell reads a value of the period column.
func (a *Aggregator) readPeriodCell(v string) periodCell {
	p, err := readPeriod(v)
	if err != nil {
		return periodCell{part: -1, problem: hub.ErrorMessage(err)}
	}
	switch {
	case a.frequency == Quarterly && p.Quarter() == 0:
		return periodCell{part: -1, problem: fmt.Sprintf("%s is a whole year, but this theme's returns are quarterly: give each record's quarter, as in %s-Q1", p, p)}
	case a.frequency == Annual && p.Quarter() != 0:
		// A quarter of a yearly return's year is that year.
		p = p.YearPeriod()
	}
	if len(a.parts) == 1 && a.parts[0].period == "" {
		return periodCell{part: 0}
	}
	for i, x := range a.parts {
		if x.period == p {
			return periodCell{part: i}
		}
	}
	return periodCell{part: -1, problem: fmt.Sprintf("This record is for %s, which is not the period asked for (%s): leave it out of this extract, or ask for its period too", p, a.asked())}
}

// asked names the periods asked for.
func (a *Aggregator) asked() string {
	names := make([]string, 0, len(a.parts))
	for _, p := range a.parts {
		names = append(names, string(p.period))
	}
	if len(names) > 6 {
		return names[0] + " to " + names[len(names)-1]
	}
	return strings.Join(names, ", ")
}

func (a *Aggregator) problem(p hub.Problem) {
	if len(a.problems) < MaxProblems {
		a.problems = append(a.problems, p)
	} else {
		a.more++
	}
}

// Problems returns the problems found, in line order, and how many more were not kept.
func (a *Aggregator) Problems() ([]hub.Problem, int64) {
	a.finish()
	if a.sortProblems {
		sort.SliceStable(a.problems, func(i, j int) bool { return a.problems[i].Row < a.problems[j].Row })
		a.sortProblems = false
	}
	return a.problems, a.more
}

// NotCounted returns the optional measures the extract has no column for:
// the return counts none for them, which its maker should know before signing.
func (a *Aggregator) NotCounted() []NotCounted { return a.notCounted }

// Skipped returns how many records the theme does not count: in a staff
// extract, those who did not join or leave in the period, or were not in
// post on its last day.
func (a *Aggregator) Skipped() int64 {
	a.finish()
	return a.skipped
}

// Records returns how many records were counted and how many rejected.
func (a *Aggregator) Records() (counted, rejected int64) {
	a.finish()
	return a.records, a.rejected
}

// Counts returns the counts in layout order, of every period together.
func (a *Aggregator) Counts() []int64 {
	a.finish()
	if len(a.parts) == 1 {
		return append([]int64(nil), a.parts[0].counts...)
	}
	out := make([]int64, a.layout.size)
	for _, p := range a.parts {
		for i, c := range p.counts {
			out[i] += c
		}
	}
	return out
}

// Parts returns the counts of each period asked for, in the order asked.
// With several periods, records rejected before their period was known are
// left out of every part's Rejected.
func (a *Aggregator) Parts() []Part {
	a.finish()
	out := make([]Part, len(a.parts))
	for i, p := range a.parts {
		out[i] = Part{Period: p.period, Records: p.records, Rejected: p.rejected, Counts: append([]int64(nil), p.counts...)}
	}
	if len(out) == 1 {
		out[0].Rejected = a.rejected // whatever was wrong with them, every record left out was for the one period
	}
	return out
}

// idSet holds fingerprints of record IDs, and in the order first seen each
// fingerprint with its line, to name where a repeated ID was first.
type idSet struct {
	keys    []uint64
	n       int
	sink    uint64
	logHash []uint64
	logLine []int32
}

// dupe is a record whose ID an earlier record has.
type dupe struct {
	hash uint64
	line int32
	id   string
}

// reserve makes room for n more IDs.
func (s *idSet) reserve(n int) {
	for 2*(s.n+n) > len(s.keys) {
		s.grow()
	}
}

// touch reads the slots the records' IDs go to, all at once, so that the
// processor fetches them from memory together rather than one after another.
func (s *idSet) touch(rs []pendingRecord) {
	mask := uint64(len(s.keys) - 1)
	var sum uint64
	for i := range rs {
		sum += s.keys[rs[i].hash&mask]
	}
	s.sink = sum
}

// add records an ID's fingerprint, and says whether it is new.
func (s *idSet) add(h uint64, line int32) bool {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.keys) {
		s.grow()
	}
	mask := uint64(len(s.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.keys[i] {
		case 0:
			s.keys[i] = h
			s.n++
			s.logHash = append(s.logHash, h)
			s.logLine = append(s.logLine, line)
			return true
		case h:
			return false
		}
	}
}

// firstLines returns the line each of the fingerprints was first seen on.
func (s *idSet) firstLines(dupes []dupe) map[uint64]int32 {
	first := make(map[uint64]int32, len(dupes))
	for _, d := range dupes {
		h := d.hash
		if h == 0 {
			h = 1
		}
		first[h] = 0
	}
	for i, h := range s.logHash {
		if l, ok := first[h]; ok && l == 0 {
			first[h] = s.logLine[i]
		}
	}
	return first
}

func (s *idSet) grow() {
	old := s.keys
	// Large sets grow fourfold, so that fewer IDs are placed again.
	size := max(1<<14, 2*len(old))
	if len(old) >= 1<<17 {
		size = 4 * len(old)
	}
	s.keys = make([]uint64, size)
	mask := uint64(len(s.keys) - 1)
	for _, k := range old {
		if k == 0 {
			continue
		}
		i := k & mask
		for s.keys[i] != 0 {
			i = (i + 1) & mask
		}
		s.keys[i] = k
	}
}
func parseFlag(s string) (bool, bool) {
	switch s { // the usual spellings, without making a lower-case copy
	case "Y", "y", "1", "Yes", "yes", "YES":
		return true, true
	case "N", "n", "0", "No", "no", "NO":
		return false, true
	}
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
	return fmt.Sprintf("%q", SafeCell(hub.Clip(v)))
}

// SafeCell prefixes text that a spreadsheet would read as a formula with an apostrophe.
func SafeCell(v string) string {
	if formulaLead(v) {
		return "'" + v
	}
	return v
}

// formulaLead reports whether a spreadsheet could read v as a formula: its
// first character, after any spaces (which spreadsheets skip), is =, +, -, @,
// a tab, a carriage return or a line feed, or the full-width =, +, - or @ that
// some spreadsheets take for the same.
func formulaLead(v string) bool {
	t := strings.TrimLeftFunc(v, func(r rune) bool { return unicode.IsSpace(r) && r != '\t' && r != '\r' && r != '\n' })
	r, _ := utf8.DecodeRuneInString(t)
	return t != "" && strings.ContainsRune("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20", r)
}

// years answers a question in bands of years from a whole number of years,
// v, or reports why it cannot.
func (a *Aggregator) years(c column, v string, line int) (int, bool) {
	n, _ := digits(v)
	if n > MaxAge || len(v) > 3 {
		a.problem(hub.Problem{Row: line, Column: c.heading, Message: fmt.Sprintf("%s is not an age: write a whole number of years from 0 to %d, or a code of your mapping", quote(v), MaxAge)})
		return 0, false
	}
	for i, b := range c.bands {
		if n >= b.from && n <= b.to {
			return i, true
		}
	}
	a.problem(hub.Problem{Row: line, Column: c.heading, Message: fmt.Sprintf("An age of %d is in none of the standard's bands", n)})
	return 0, false
}

// age answers a question in bands of years from a date of birth, when the
// age column is absent or blank, at the day the theme takes ages at.
func (a *Aggregator) age(c column, row []string, line, pi int, day time.Time) (int, bool) {
	if c.index >= 0 && c.index < len(row) && strings.TrimSpace(row[c.index]) != "" {
		// An age given is read as it is written.
		v := strings.TrimSpace(row[c.index])
		if ai, ok := c.exact[row[c.index]]; ok {
			return ai, true
		}
		if ai, ok := c.codes[strings.ToLower(v)]; ok {
			return ai, true
		}
		if _, number := digits(v); number {
			return a.years(c, v, line)
		}
		a.problem(hub.Problem{Row: line, Column: c.heading, Message: fmt.Sprintf("%s is not a code in your mapping for this question, nor a number of years", quote(v))})
		return 0, false
	}
	if c.dob >= len(row) {
		a.problem(hub.Problem{Row: line, Column: c.dobHead, Message: "The row ends before this column"})
		return 0, false
	}
	v := row[c.dob]
	if strings.TrimSpace(v) == "" {
		return c.notKnow, true
	}
	born, problem := a.dates.read(v)
	if problem != "" {
		a.problem(hub.Problem{Row: line, Column: c.dobHead, Message: problem})
		return 0, false
	}
	at, words := a.ageDay(pi, day)
	if born.After(at) {
		a.problem(hub.Problem{Row: line, Column: c.dobHead, Message: fmt.Sprintf("%s is after %s, the day ages are taken at", a.shown(v, born), words)})
		return 0, false
	}
	years := at.Year() - born.Year()
	if at.Month() < born.Month() || (at.Month() == born.Month() && at.Day() < born.Day()) {
		years--
	}
	for i, b := range c.bands {
		if years >= b.from && years <= b.to {
			return i, true
		}
	}
	a.problem(hub.Problem{Row: line, Column: c.dobHead, Message: fmt.Sprintf("%s gives an age of %d on %s, in none of the standard's bands", quote(v), years, words)})
	return 0, false
}

// ageDay returns the day a record's age is taken at, as its theme states:
// the record's own date, or the first or last day of its period, or today
// when the period is not known.
func (a *Aggregator) ageDay(pi int, day time.Time) (time.Time, string) {
	var p Period
	if pi >= 0 {
		p = a.parts[pi].period
	}
	switch {
	case a.layout.Theme.AgeAt == AgeAtRecordDate && !day.IsZero():
		return day, "the record's date"
	case p != "" && a.layout.Theme.AgeAt == AgeAtPeriodStart:
		return p.begins(), dayWords(p.begins())
	case p != "":
		last := p.End().AddDate(0, 0, -1)
		if last.After(a.today) {
			last = a.today
		}
		return last, dayWords(last)
	}
	return a.today, "today"
}

// selectStaff picks the staff records a joiners', leavers' or staff in post
// theme counts, by their start and end dates. It returns the part the
// record counts in and true; or -2 and false for a record the theme does
// not count; or -1 and false with the problems found.
func (a *Aggregator) selectStaff(row []string, line, pi int) (int, bool) {
	read := func(i int, head string) (time.Time, bool) {
		if i < 0 {
			return time.Time{}, true
		}
		if i >= len(row) {
			a.problem(hub.Problem{Row: line, Column: head, Message: "The row ends before this column"})
			return time.Time{}, false
		}
		if strings.TrimSpace(row[i]) == "" {
			return time.Time{}, true
		}
		d, problem := a.dates.read(row[i])
		if problem != "" {
			a.problem(hub.Problem{Row: line, Column: head, Message: problem})
			return time.Time{}, false
		}
		return d, true
	}
	started, good1 := read(a.start, a.startHead)
	ended, good2 := read(a.end, a.endHead)
	if !good1 || !good2 {
		return -1, false
	}
	if !started.IsZero() && !ended.IsZero() && ended.Before(started) {
		a.problem(hub.Problem{Row: line, Column: a.endHead, Message: fmt.Sprintf("%s is before the start date, %s", a.shown(row[a.end], ended), dayWords(started))})
		return -1, false
	}
	if pi < 0 {
		return -1, false
	}
	if a.layout.Theme.Select == SelectInPost {
		p := a.parts[pi].period
		if p == "" {
			return pi, true
		}
		last := p.End().AddDate(0, 0, -1)
		if (!started.IsZero() && started.After(last)) || (!ended.IsZero() && ended.Before(last)) {
			return -2, false
		}
		return pi, true
	}
	day, head := started, a.startHead
	if a.layout.Theme.Select == SelectLeft {
		day, head = ended, a.endHead
	}
	if day.IsZero() {
		if a.layout.Theme.Select == SelectJoined {
			a.problem(hub.Problem{Row: line, Column: head, Message: "The start date is missing: joiners are counted by the day they started"})
			return -1, false
		}
		return -2, false // still in post: not a leaver
	}
	if a.parts[pi].period != "" && len(a.parts) > 1 && a.period < 0 && a.date < 0 {
		// The extract is split into periods by these dates.
		for i, p := range a.parts {
			if p.period.Contains(day) {
				return i, true
			}
		}
		return -2, false
	}
	if p := a.parts[pi].period; p != "" && !p.Contains(day) {
		return -2, false
	}
	return pi, true
}

// shown quotes a date from a file for a message: as written, or, for a
// workbook's date kept as a number of days, as the day it is.
func (a *Aggregator) shown(raw string, d time.Time) string {
	if whole, _, _ := strings.Cut(strings.TrimSpace(raw), "."); a.dates.serial {
		if _, ok := digits5(whole); ok {
			return dayWords(d)
		}
	}
	return quote(raw)
}
