package monitoring

import (
	"fmt"
	"strings"
	"time"

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
