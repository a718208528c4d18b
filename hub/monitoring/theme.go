package monitoring

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Theme is what a monitoring return is about, e.g. stop and search or
// workforce recruitment, with the measures it carries. Themes are data: the
// equality forum can add one.
type Theme struct {
	ID          string // e.g. "stop-and-search"
	Name        string
	Area        string // "service", "community safety", "workforce" or "population"
	Description string
	Frequency   Frequency
	Questions   []string // question keys the theme is broken down by; empty means every question not Named
	// WhereInStandard names questions of Questions asked only under the
	// standard versions that have them, such as one added by a later version:
	// an earlier version's returns are broken down by the others.
	WhereInStandard []string  `json:",omitempty"`
	Measures        []Measure // at least one
	// AgeAt is the day a person's age is taken at when an extract gives dates
	// of birth: AgeAtRecordDate (the default), AgeAtPeriodStart or AgeAtPeriodEnd.
	AgeAt string `json:",omitempty"`
	// Select says which records of a staff extract the theme counts, by their
	// start and end dates: SelectJoined, SelectLeft or SelectInPost. Empty:
	// every record. An extract without the dates is counted whole, as an
	// extract of only the records the theme is about.
	Select string `json:",omitempty"`
	// Optional names the measures whose columns may be missing from an
	// extract: the return then counts none for them, and whoever makes it is
	// told so before signing.
	Optional []string `json:",omitempty"`
}

// IsOptional says whether an extract may leave out a measure's column.
func (t Theme) IsOptional(measure string) bool { return slices.Contains(t.Optional, measure) }

// The records a theme may select from a staff extract.
const (
	// SelectJoined counts the staff whose start date is in the period.
	SelectJoined = "joined"
	// SelectLeft counts the staff whose end date is in the period.
	SelectLeft = "left"
	// SelectInPost counts the staff in post on the period's last day.
	SelectInPost = "in-post"
)

// The days an age is taken at.
const (
	// AgeAtRecordDate is the record's own date (the day of the search, the
	// complaint), or the last day of its period when the extract has no dates.
	AgeAtRecordDate = ""
	// AgeAtPeriodStart is the first day of the period.
	AgeAtPeriodStart = "period-start"
	// AgeAtPeriodEnd is the last day of the period (staff in post on 31 March).
	AgeAtPeriodEnd = "period-end"
)

// Measure is one count a return carries for each answer category, e.g.
// "searched", or "arrested" over "searched".
type Measure struct {
	ID    string // e.g. "arrested"
	Label string // e.g. "Arrests following a search"
	// Column names the extract's yes/no column that marks the records this
	// measure counts; empty means every record counts (e.g. "searched").
	Column string
	// Of names the measure this one is a part of, for rates: "arrested" of "searched".
	Of string
}

// Frequency is how often a theme's returns are made.
type Frequency string

// The frequencies.
const (
	Annual    Frequency = "annual"
	Quarterly Frequency = "quarterly"
)

// SelectWords says which staff records the theme counts, for people.
func (t Theme) SelectWords() string {
	switch t.Select {
	case SelectJoined:
		return "staff who joined in the period"
	case SelectLeft:
		return "staff who left in the period"
	case SelectInPost:
		return "staff in post on the period's last day"
	}
	return "every record"
}

// Measure returns the theme's measure with that ID.
func (t Theme) Measure(id string) (Measure, bool) {
	for _, m := range t.Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// QuestionKeys returns the keys of the questions the theme is broken down by, under a standard.
func (t Theme) QuestionKeys(s Standard) []string {
	var keys []string
	if len(t.Questions) > 0 {
		for _, k := range t.Questions {
			if _, ok := s.Question(k); ok || !slices.Contains(t.WhereInStandard, k) {
				keys = append(keys, k)
			}
		}
		return keys
	}
	for _, q := range s.Questions {
		if !q.Named {
			keys = append(keys, q.Key)
		}
	}
	return keys
}

// Validate checks the theme against a standard.
func (t Theme) Validate(s Standard) error {
	ps := t.textProblems()
	bad := func(field, format string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !hub.ValidSlug(t.ID) {
		bad("id", "Give the theme a short name of lower-case letters, digits and hyphens")
	}
	if strings.TrimSpace(t.Name) == "" {
		bad("name", "Give the theme a name")
	}
	if t.Frequency != Annual && t.Frequency != Quarterly {
		bad("frequency", "Choose annual or quarterly")
	}
	for _, k := range t.Questions {
		if _, ok := s.Question(k); !ok && !slices.Contains(t.WhereInStandard, k) {
			bad("questions", "The standard %s has no question %q", s.Version, k)
		}
	}
	for _, k := range t.WhereInStandard {
		if !slices.Contains(t.Questions, k) || !hub.ValidSlug(k) {
			bad("whereinstandard", "The question %q, asked where the standard has it, must be one of the theme's questions", k)
		}
	}
	if len(t.Measures) == 0 {
		bad("measures", "Give the theme at least one measure")
	}
	if t.Select != "" && t.Select != SelectJoined && t.Select != SelectLeft && t.Select != SelectInPost {
		bad("select", "Say which staff records the theme counts: %s, %s or %s (or every record: leave it empty)", SelectJoined, SelectLeft, SelectInPost)
	}
	for _, id := range t.Optional {
		if m, ok := t.Measure(id); !ok || m.Column == "" {
			bad("optional", "The optional measure %q is not a measure of the theme read from a column", id)
		}
	}
	if t.AgeAt != AgeAtRecordDate && t.AgeAt != AgeAtPeriodStart && t.AgeAt != AgeAtPeriodEnd {
		bad("ageat", "Say when ages are taken: at the record's date (leave it empty), %s or %s", AgeAtPeriodStart, AgeAtPeriodEnd)
	}
	ids := map[string]bool{}
	for _, m := range t.Measures {
		if !hub.ValidSlug(m.ID) || ids[m.ID] {
			bad("measures", "The measure %q needs a unique short name", m.ID)
		}
		ids[m.ID] = true
		if strings.TrimSpace(m.Label) == "" {
			bad("measures", "The measure %q needs a label", m.ID)
		}
	}
	for _, m := range t.Measures {
		if m.Of != "" && (!ids[m.Of] || m.Of == m.ID) {
			bad("measures", "The measure %q is a part of %q, which is not another measure of the theme", m.ID, m.Of)
		}
	}
	return hub.Invalid("The theme is not valid", ps)
}

// periodPattern reads a period as people write it: "2025-26", "2025/26",
// "2025-26-Q1", "2025-26 Q1", "2025/26 q1".
var periodPattern = regexp.MustCompile(`^(\d{4})\s*[-/]\s*(\d{2})(?:\s*[-/ ]\s*[Qq]([1-4])|\s*[-/ ]\s*[Qq]\s*([1-4]))?$`)

// Period is a financial year such as "2025-26", or a quarter of one such as
// "2025-26-Q1". A financial year runs from 1 April to 31 March.
type Period string

// ParsePeriod checks a period against a frequency, accepting the common ways
// of writing one: "2025/26 Q1" is "2025-26-Q1".
func ParsePeriod(s string, f Frequency) (Period, error) {
	p, err := readPeriod(s)
	if err != nil {
		return "", err
	}
	switch {
	case f == Annual && p.Quarter() != 0:
		return "", hub.Errorf(hub.CodeInvalid, "This theme's returns are yearly: give the year alone, as in %s", p.YearPeriod())
	case f == Quarterly && p.Quarter() == 0:
		return "", hub.Errorf(hub.CodeInvalid, "This theme's returns are quarterly: give the quarter, as in %s-Q1", p)
	}
	return p, nil
}

// ParsePeriods reads one period or several, separated by commas, for a
// theme's frequency; for a quarterly theme, a year stands for its four
// quarters.
func ParsePeriods(s string, f Frequency) ([]Period, error) {
	var out []Period
	seen := map[Period]bool{}
	for _, item := range strings.Split(s, ",") {
		p, err := ParsePeriod(item, f)
		if err != nil && f == Quarterly {
			if y, yerr := ParsePeriod(item, Annual); yerr == nil {
				p, err = y, nil
			}
		}
		if err != nil {
			return nil, err
		}
		for _, q := range p.Quarters() {
			if f == Annual {
				q = p
			}
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
			if f == Annual {
				break
			}
		}
	}
	return out, nil
}

// readPeriod reads a year or a quarter in any of its spellings, whatever the frequency.
func readPeriod(s string) (Period, error) {
	m := periodPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", hub.Errorf(hub.CodeInvalid, "%s is not a period: write a financial year as 2025-26, or a quarter as 2025-26-Q1", quote(s))
	}
	start, _ := strconv.Atoi(m[1])
	end, _ := strconv.Atoi(m[2])
	if (start+1)%100 != end || start < 2000 || start > 2100 {
		return "", hub.Errorf(hub.CodeInvalid, "%s is not a financial year: the second year must follow the first, as in 2025-26", quote(s))
	}
	p := fmt.Sprintf("%s-%s", m[1], m[2])
	if q := m[3] + m[4]; q != "" {
		p += "-Q" + q
	}
	return Period(p), nil
}

// Year returns the first calendar year of the period's financial year.
func (p Period) Year() int {
	if len(p) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(string(p)[:4])
	return y
}

// Quarter returns the period's quarter, 1 to 4, or 0 for a whole year.
func (p Period) Quarter() int {
	if len(p) == 10 {
		return int(p[9] - '0')
	}
	return 0
}

// YearPeriod returns the financial year the period is in.
func (p Period) YearPeriod() Period {
	if len(p) > 7 {
		return p[:7]
	}
	return p
}

// Quarters returns the four quarters of a year, or the quarter itself.
func (p Period) Quarters() []Period {
	if p.Quarter() != 0 {
		return []Period{p}
	}
	return []Period{p + "-Q1", p + "-Q2", p + "-Q3", p + "-Q4"}
}

// begins returns the first day of the period (1 April, 1 July, 1 October or 1 January).
func (p Period) begins() time.Time {
	start := time.Date(p.Year(), time.April, 1, 0, 0, 0, 0, time.UTC)
	if q := p.Quarter(); q > 1 {
		start = start.AddDate(0, 3*(q-1), 0)
	}
	return start
}

// Bounds returns the first day of the period and the day after its last.
func (p Period) Bounds() (first, end time.Time) { return p.begins(), p.End() }

// End returns the day after the period's last day.
func (p Period) End() time.Time {
	if p.Quarter() != 0 {
		return p.begins().AddDate(0, 3, 0)
	}
	return p.begins().AddDate(1, 0, 0)
}

// Contains says whether a day falls in the period.
func (p Period) Contains(day time.Time) bool {
	return !day.Before(p.begins()) && day.Before(p.End())
}

// PeriodOf returns the year or quarter, by frequency, a day falls in.
func PeriodOf(day time.Time, f Frequency) Period {
	y, m := day.Year(), day.Month()
	if m < time.April {
		y--
	}
	p := Period(fmt.Sprintf("%d-%02d", y, (y+1)%100))
	if f == Quarterly {
		q := (int(m)-int(time.April)+12)%12/3 + 1
		p += Period(fmt.Sprintf("-Q%d", q))
	}
	return p
}
