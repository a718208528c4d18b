package monitoring

import (
	"maps"
	"slices"
	"strings"

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
		names("codes."+clipField(q), "local code", "standard code", m.Codes[q])
	}
	for _, theme := range slices.Sorted(maps.Keys(m.ThemeColumns)) {
		names("themecolumns."+clipField(theme), "name of a question or measure", "heading of a column", m.ThemeColumns[theme])
	}
	for _, f := range m.DateFormats {
		ps = append(ps, hub.CheckTexts(hub.Text{Field: "dateformats", Label: "date format", Value: f, Kind: hub.NameText})...)
	}
	if len(ps) > maxTextProblems {
		ps = ps[:maxTextProblems]
	}
	return ps
}

// clipField keeps a key used in a field's name short, so that a problem never
// carries a long text back.
func clipField(key string) string {
	if r := []rune(key); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return strings.ToValidUTF8(key, "�")
}
