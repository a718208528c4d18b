package monitoring

import (
	"fmt"
	"maps"
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// maxTextProblems is the most problems with a mapping's texts named at once:
// enough to show what is wrong without burying the answer.
const maxTextProblems = 20

// textProblems checks every text of a mapping against the hub's limits: its
// note (a reason, on several lines) and each column heading, local code and
// date format (names, on one line). The longest export and page of a mapping
// is bounded by them.
func (m Mapping) textProblems() []hub.Problem {
	ps := hub.CheckText("note", m.Note, hub.ReasonText)
	names := func(field, key, value string, values map[string]string) {
		for _, k := range slices.Sorted(maps.Keys(values)) {
			ps = append(ps, hub.CheckTexts(hub.Text{Field: field, Label: key, Value: k, Kind: hub.NameText},
				hub.Text{Field: field, Label: value, Value: values[k], Kind: hub.NameText})...)
		}
	}
	names("columns", "name of a question or measure", "heading of a column", m.Columns)
	for _, q := range slices.Sorted(maps.Keys(m.Codes)) {
		names("codes."+hub.Clip(q), "local code", "standard code", m.Codes[q])
	}
	for _, theme := range slices.Sorted(maps.Keys(m.ThemeColumns)) {
		names("themecolumns."+hub.Clip(theme), "name of a question or measure", "heading of a column", m.ThemeColumns[theme])
	}
	for _, f := range m.DateFormats {
		ps = append(ps, hub.CheckTexts(hub.Text{Field: "dateformats", Label: "date format", Value: f, Kind: hub.NameText})...)
	}
	if len(ps) > maxTextProblems {
		ps = ps[:maxTextProblems]
	}
	return ps
}

// textProblems checks the texts of a standard: its version and title, and
// each question's label, wording and purpose and its groups' and categories'
// codes and labels.
func (s Standard) textProblems() []hub.Problem {
	ps := hub.CheckTexts(hub.Text{Field: "version", Value: s.Version, Kind: hub.NameText},
		hub.Text{Field: "title", Value: s.Title, Kind: hub.NameText})
	for i, q := range s.Questions {
		f := fmt.Sprintf("questions.%d", i)
		ps = append(ps, hub.CheckTexts(hub.Text{Field: f + ".key", Value: q.Key, Kind: hub.NameText},
			hub.Text{Field: f + ".label", Value: q.Label, Kind: hub.NameText},
			hub.Text{Field: f + ".wording", Value: q.Wording, Kind: hub.ReasonText},
			hub.Text{Field: f + ".purpose", Value: q.Purpose, Kind: hub.ReasonText})...)
		for _, g := range q.Groups {
			ps = append(ps, hub.CheckTexts(hub.Text{Field: f + ".groups", Label: "code of a group", Value: g.Code, Kind: hub.NameText},
				hub.Text{Field: f + ".groups", Label: "label of a group", Value: g.Label, Kind: hub.NameText})...)
		}
		for _, c := range q.Categories {
			ps = append(ps, hub.CheckTexts(hub.Text{Field: f + ".categories", Label: "code of a category", Value: c.Code, Kind: hub.NameText},
				hub.Text{Field: f + ".categories", Label: "label of a category", Value: c.Label, Kind: hub.NameText})...)
		}
	}
	if len(ps) > maxTextProblems {
		ps = ps[:maxTextProblems]
	}
	return ps
}

// textProblems checks the texts of a theme: its name, area and description,
// and each measure's short name, label and column.
func (t Theme) textProblems() []hub.Problem {
	ps := hub.CheckTexts(hub.Text{Field: "id", Value: t.ID, Kind: hub.NameText},
		hub.Text{Field: "name", Value: t.Name, Kind: hub.NameText},
		hub.Text{Field: "area", Value: t.Area, Kind: hub.NameText},
		hub.Text{Field: "description", Value: t.Description, Kind: hub.NoteText})
	for _, m := range t.Measures {
		ps = append(ps, hub.CheckTexts(hub.Text{Field: "measures", Label: "short name of a measure", Value: m.ID, Kind: hub.NameText},
			hub.Text{Field: "measures", Label: "label of a measure", Value: m.Label, Kind: hub.NameText},
			hub.Text{Field: "measures", Label: "column of a measure", Value: m.Column, Kind: hub.NameText})...)
	}
	if len(ps) > maxTextProblems {
		ps = ps[:maxTextProblems]
	}
	return ps
}
