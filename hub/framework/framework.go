// Package framework keeps equality frameworks, such as the Equality Framework
// for Local Government, as data, and each partner's self-assessment against
// them: a level per theme, with the evidence behind it and the challenges of
// other partners.
package framework

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// The kinds of hub evidence a theme may point to.
const (
	EvidenceEIA          = "eia"          // signed equality impact assessments
	EvidenceReturns      = "returns"      // monitoring returns uploaded
	EvidenceProtocols    = "protocols"    // data sharing protocols signed
	EvidenceObjectives   = "objectives"   // equality objectives set
	EvidencePublications = "publications" // reports published
)

// Framework is an equality framework: its levels of achievement, lowest
// first, and its themes grouped in modules.
type Framework struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Levels  []Level  `json:"levels"`
	Modules []Module `json:"modules"`
}

// Level is a level of achievement; a higher Rank is a higher level.
type Level struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Rank  int    `json:"rank"`
}

// Module groups themes.
type Module struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Themes []Theme `json:"themes"`
}

// Theme is what a partner assesses itself against.
type Theme struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Evidence lists the kinds of hub evidence that suggest this theme, e.g. "eia".
	Evidence []string `json:"evidence,omitempty"`
}

// Themes returns every theme of the framework, module by module.
func (f Framework) Themes() []Theme {
	var ts []Theme
	for _, m := range f.Modules {
		ts = append(ts, m.Themes...)
	}
	return ts
}

// Theme returns a theme by ID.
func (f Framework) Theme(id string) (Theme, bool) {
	for _, m := range f.Modules {
		for _, t := range m.Themes {
			if t.ID == id {
				return t, true
			}
		}
	}
	return Theme{}, false
}

// Level returns a level by code.
func (f Framework) Level(code string) (Level, bool) {
	for _, l := range f.Levels {
		if l.Code == code {
			return l, true
		}
	}
	return Level{}, false
}

// Validate checks that IDs are present and unique, that there is at least one
// level and one theme, and that ranks increase from the first level to the last.
func (f Framework) Validate() error {
	var ps []hub.Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(f.ID) == "" {
		add("id", "Give the framework an ID")
	}
	if strings.TrimSpace(f.Name) == "" {
		add("name", "Give the framework a name")
	}
	idProblems := hub.CheckText("id", f.ID, hub.NameText)
	ps = append(ps, idProblems...)
	ps = append(ps, hub.CheckText("name", f.Name, hub.NameText)...)
	if len(f.Levels) == 0 {
		add("levels", "Give the framework at least one level")
	}
	codes := map[string]bool{}
	for i, l := range f.Levels {
		field := fmt.Sprintf("levels[%d]", i)
		switch {
		case strings.TrimSpace(l.Code) == "":
			add(field, "Give the level a code")
		case codes[l.Code]:
			add(field, "The level code %s is used twice", hub.Excerpt(l.Code))
		}
		codes[l.Code] = true
		if strings.TrimSpace(l.Label) == "" {
			add(field, "Give the level %s a label", hub.Excerpt(l.Code))
		}
		ps = append(ps, hub.CheckTexts(hub.Text{Field: field + ".code", Value: l.Code, Kind: hub.NameText},
			hub.Text{Field: field + ".label", Value: l.Label, Kind: hub.NameText})...)
		if i > 0 && l.Rank <= f.Levels[i-1].Rank {
			add(field, "The level %s must rank above %s", hub.Excerpt(l.Code), hub.Excerpt(f.Levels[i-1].Code))
		}
	}
	modules, themes := map[string]bool{}, map[string]bool{}
	for i, m := range f.Modules {
		field := fmt.Sprintf("modules[%d]", i)
		switch {
		case strings.TrimSpace(m.ID) == "":
			add(field, "Give the module an ID")
		case modules[m.ID]:
			add(field, "The module ID %s is used twice", hub.Excerpt(m.ID))
		}
		modules[m.ID] = true
		if strings.TrimSpace(m.Name) == "" {
			add(field, "Give the module %s a name", hub.Excerpt(m.ID))
		}
		ps = append(ps, hub.CheckTexts(hub.Text{Field: field + ".id", Value: m.ID, Kind: hub.NameText},
			hub.Text{Field: field + ".name", Value: m.Name, Kind: hub.NameText})...)
		for j, t := range m.Themes {
			field := fmt.Sprintf("modules[%d].themes[%d]", i, j)
			switch {
			case strings.TrimSpace(t.ID) == "":
				add(field, "Give the theme an ID")
			case themes[t.ID]:
				add(field, "The theme ID %s is used twice", hub.Excerpt(t.ID))
			}
			themes[t.ID] = true
			if strings.TrimSpace(t.Name) == "" {
				add(field, "Give the theme %s a name", hub.Excerpt(t.ID))
			}
			ps = append(ps, hub.CheckTexts(hub.Text{Field: field + ".id", Value: t.ID, Kind: hub.NameText},
				hub.Text{Field: field + ".name", Value: t.Name, Kind: hub.NameText},
				hub.Text{Field: field + ".description", Value: t.Description, Kind: hub.NoteText})...)
		}
	}
	if len(themes) == 0 {
		add("modules", "Give the framework at least one theme")
	}
	if len(idProblems) > 0 {
		return hub.Invalid("The framework is not valid", ps)
	}
	return hub.Invalid(fmt.Sprintf("The framework %q is not valid", f.ID), ps)
}

// Decode reads a framework from JSON, refusing unknown fields, trailing data
// and a framework that does not validate. Errors are CodeInvalid and say
// where the problem is.
func Decode(r io.Reader) (Framework, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Framework{}, hub.Errorf(hub.CodeInvalid, "The framework file could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f Framework
	if err := dec.Decode(&f); err != nil {
		return Framework{}, decodeError(b, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Framework{}, invalidAt(b, dec.InputOffset(), "There is more after the framework: a file holds one framework")
	}
	if err := f.Validate(); err != nil {
		return Framework{}, err
	}
	return f, nil
}

// decodeError turns a JSON error into a CodeInvalid error naming the line.
func decodeError(b []byte, dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return invalidAt(b, syn.Offset, "The file is not valid JSON: "+syn.Error())
	case errors.As(err, &typ):
		return invalidAt(b, typ.Offset, fmt.Sprintf("The field %q should be a %s, not a %s", typ.Field, typ.Type, typ.Value))
	case errors.Is(err, io.EOF):
		return hub.Errorf(hub.CodeInvalid, "The framework file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidAt(b, int64(len(b)), "The file ends before the framework does")
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		// The decoder has read past the field: point at its first appearance.
		at := dec.InputOffset()
		if i := bytes.Index(b, []byte(f)); i >= 0 {
			at = int64(i)
		}
		return invalidAt(b, at, "The field "+f+" is not part of a framework")
	}
	return invalidAt(b, dec.InputOffset(), "The file is not a valid framework: "+strings.TrimPrefix(msg, "json: "))
}

// invalidAt returns a CodeInvalid error about the line holding offset.
func invalidAt(b []byte, offset int64, message string) error {
	offset = min(max(offset, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:offset], []byte("\n"))
	return hub.Invalid("The framework file is not valid", []hub.Problem{{Row: line, Message: message}})
}

//go:embed data/*.json
var data embed.FS

// BuiltIn returns the frameworks shipped with the hub, which are never stored.
func BuiltIn() ([]Framework, error) {
	entries, err := data.ReadDir("data")
	if err != nil {
		return nil, err
	}
	var fs []Framework
	for _, e := range entries {
		b, err := data.ReadFile(path.Join("data", e.Name()))
		if err != nil {
			return nil, err
		}
		f, err := Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		fs = append(fs, f)
	}
	return fs, nil
}
