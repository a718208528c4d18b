package monitoring

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/partnership/equalityhub/hub"
)

// Mapping turns one organisation's own extract into the standard: which of its
// columns answers which question or marks which measure, and which of its
// codes means which standard category. It is versioned: a new mapping never
// changes a return already made with an old one.
type Mapping struct {
	OrgID    string
	Version  int    // 1, 2, …
	Standard string // the standard version it maps to
	Created  time.Time
	By       string // person ID
	Note     string // what changed, for people
	// Columns maps a question key or a measure's column name to the heading of
	// the organisation's own column. A question or measure not listed is read
	// from the column of its own name.
	Columns map[string]string
	// Codes maps, for each question key, the organisation's own codes to
	// standard category codes. A question not listed takes standard codes as
	// they are. Codes are compared without regard to case or surrounding space.
	Codes map[string]map[string]string
	// ThemeColumns names columns for one theme's extracts, by theme ID, over
	// Columns: the police's stop and search extract may read ethnicity from
	// self_defined_ethnicity while their other extracts read it from ethnicity.
	ThemeColumns map[string]map[string]string `json:",omitempty"`
	// DateFormats are the ways the organisation's extracts write dates besides
	// yyyy-mm-dd, e.g. "dd/mm/yyyy". A day-first date is read only when declared.
	DateFormats []string `json:",omitempty"`
}

// Column returns the heading of the organisation's column for a question key or measure column.
func (m Mapping) Column(name string) string {
	if c, ok := m.Columns[name]; ok && c != "" {
		return c
	}
	return name
}

// ColumnFor returns the heading of the organisation's column in one theme's extracts.
func (m Mapping) ColumnFor(theme, name string) string {
	if c, ok := m.ThemeColumns[theme][name]; ok && c != "" {
		return c
	}
	return m.Column(name)
}

// Validate checks the mapping against the standard it maps to.
func (m Mapping) Validate(s Standard) error {
	ps := m.textProblems()
	if m.Standard != s.Version {
		ps = append(ps, hub.Problem{Field: "standard", Message: fmt.Sprintf("The mapping is for standard %s, not %s", m.Standard, s.Version)})
	}
	for key, codes := range m.Codes {
		q, ok := s.Question(key)
		if !ok {
			ps = append(ps, hub.Problem{Field: "codes", Message: "The standard has no question " + hub.Excerpt(key)})
			continue
		}
		for local, code := range codes {
			if strings.TrimSpace(local) == "" && code != NotKnown {
				// An empty answer counts as not known, as the standard says: a
				// mapping may say so too, but cannot make it mean anything else.
				ps = append(ps, hub.Problem{Field: "codes." + key, Message: "An empty answer counts as not known, so it cannot mean " + hub.Excerpt(code)})
			}
			if _, ok := q.Category(code); !ok {
				ps = append(ps, hub.Problem{Field: "codes." + key, Message: fmt.Sprintf("Your code %s maps to %s, which is not a category of %s", hub.Excerpt(local), hub.Excerpt(code), q.Label)})
			}
		}
	}
	for _, f := range m.DateFormats {
		if _, err := newDateFormat(f); err != nil {
			ps = append(ps, hub.Problem{Field: "dateformats", Message: hub.ErrorMessage(err)})
		}
	}
	for theme, cols := range m.ThemeColumns {
		if !hub.ValidSlug(theme) {
			ps = append(ps, hub.Problem{Field: "themecolumns", Message: fmt.Sprintf("%s is not a theme's short name", quote(theme))})
		}
		for name, heading := range cols {
			if strings.TrimSpace(heading) == "" {
				ps = append(ps, hub.Problem{Field: "themecolumns." + theme, Message: fmt.Sprintf("The column for %s is empty", quote(name))})
			}
		}
	}
	return hub.Invalid("The mapping is not valid", ps)
}

// CodeRow is one line of a mapping's codes as a data steward edits them in
// a form: their own code and the standard category it means.
type CodeRow struct {
	Local    string
	Category string // a category's code; "" when none is chosen yet
}

// CodesFromRows reads a mapping's codes from the rows a data steward edited,
// question by question. A row left wholly empty is skipped. Each problem
// names its row as the field "codes.<question>.<row>", counting rows from 0,
// so that it can be shown beside the row: a code with no category, a
// category the question does not have, an empty code given anything but
// not known, and a code on two rows.
func CodesFromRows(s Standard, rows map[string][]CodeRow) (map[string]map[string]string, error) {
	codes := map[string]map[string]string{}
	var ps []hub.Problem
	for key, rs := range rows {
		q, ok := s.Question(key)
		if !ok {
			ps = append(ps, hub.Problem{Field: "codes." + key, Message: "The standard has no question " + hub.Excerpt(key)})
			continue
		}
		first := map[string]int{}
		for i, r := range rs {
			local, category := strings.TrimSpace(r.Local), strings.TrimSpace(r.Category)
			field := fmt.Sprintf("codes.%s.%d", key, i)
			bad := func(format string, args ...any) {
				ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
			}
			switch {
			case local == "" && category == "":
				continue
			case category == "":
				bad("Choose what your code %s means", quote(local))
				continue
			}
			if _, ok := q.Category(category); !ok {
				bad("%s is not a category of %s", quote(category), q.Label)
				continue
			}
			if local == "" {
				if category != NotKnown {
					bad("Enter your code: an empty answer counts as not known, so it cannot mean %s", q.LabelOf(category))
				}
				continue
			}
			low := strings.ToLower(local)
			if j, seen := first[low]; seen {
				bad("Your code %s is on row %d already", quote(local), j+1)
				continue
			}
			first[low] = i
			if codes[key] == nil {
				codes[key] = map[string]string{}
			}
			codes[key][local] = category
		}
	}
	if err := hub.Invalid("Some codes cannot be saved", ps); err != nil {
		return nil, err
	}
	return codes, nil
}

// SuggestCategory suggests the category a local code means, when the code
// is the category's code or its label, ignoring case, spaces and
// punctuation: "male" or "Prefer not to say". It suggests nothing when no
// category, or more than one, matches.
func SuggestCategory(q Question, local string) (string, bool) {
	want := plainWords(local)
	if want == "" {
		return "", false
	}
	found := ""
	for _, c := range q.Answers() {
		if plainWords(c.Code) == want || plainWords(c.Label) == want {
			if found != "" && found != c.Code {
				return "", false
			}
			found = c.Code
		}
	}
	return found, found != ""
}

// plainWords lowers s and keeps only its letters and digits.
func plainWords(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
