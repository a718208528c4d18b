package monitoring

import (
	"bytes"
	"embed"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partnership/equalityhub/hub"
)

// builtIn holds the first monitoring standard and the built-in themes.
//
//go:embed data/*.json
var builtIn embed.FS

const (
	firstStandardFile = "data/standard-2026.1.json"
	builtInThemesFile = "data/themes.json"
)

// maxDataFile is the largest standard or themes file DecodeStandard and
// DecodeThemes read, far more than either needs.
const maxDataFile = 4 << 20

// themeAreas are the values a theme's Area may take.
var themeAreas = []string{"service", "community safety", "workforce", "population"}

// FirstStandard returns the partnership's first monitoring standard, version
// 2026.1, as shipped with the hub. Each call decodes it afresh, so the caller
// may change what it gets.
func FirstStandard() (Standard, error) {
	b, err := builtIn.ReadFile(firstStandardFile)
	if err != nil {
		return Standard{}, hub.Internal(err, "reading the built-in monitoring standard")
	}
	s, err := DecodeStandard(bytes.NewReader(b))
	if err != nil {
		return Standard{}, hub.Internal(err, "the built-in monitoring standard")
	}
	return s, nil
}

// BuiltInThemes returns the themes shipped with the hub, checked against the
// first standard. Each call decodes them afresh.
func BuiltInThemes() ([]Theme, error) {
	s, err := FirstStandard()
	if err != nil {
		return nil, err
	}
	b, err := builtIn.ReadFile(builtInThemesFile)
	if err != nil {
		return nil, hub.Internal(err, "reading the built-in themes")
	}
	ts, err := DecodeThemes(bytes.NewReader(b), s)
	if err != nil {
		return nil, hub.Internal(err, "the built-in themes")
	}
	return ts, nil
}

// DecodeStandard reads a monitoring standard written as JSON with the field
// names of Standard, Question, Group and Category ("Version", "Questions",
// "Key", ...), and validates it. A field it does not know, a value of the
// wrong kind or broken JSON is a CodeInvalid error whose problem names the
// line of the file and what is wrong there.
func DecodeStandard(r io.Reader) (Standard, error) {
	var s Standard
	if err := decodeStrict(r, &s, "monitoring standard", ""); err != nil {
		return Standard{}, err
	}
	if err := s.Validate(); err != nil {
		return Standard{}, err
	}
	return s, nil
}

// DecodeThemes reads a JSON list of themes written with the field names of
// Theme and Measure ("ID", "Measures", "Of", ...), refusing what
// DecodeStandard refuses, and validates each theme against the standard s.
// It also refuses a list with no themes, two themes with the same ID, an Area
// that is not "service", "community safety", "workforce" or "population", a
// measure Column that is also a question's key, and two measures of a theme
// reading the same Column.
func DecodeThemes(r io.Reader, s Standard) ([]Theme, error) {
	var ts []Theme
	if err := decodeStrict(r, &ts, "themes", "themes"); err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, hub.Errorf(hub.CodeInvalid, "The themes file has no themes: it should be a list of at least one theme")
	}
	var ps []hub.Problem
	ids := map[string]bool{}
	for i, t := range ts {
		field := fmt.Sprintf("themes.%d", i)
		name := fmt.Sprintf("Theme %q", t.ID)
		if t.ID == "" {
			name = fmt.Sprintf("Theme %d", i+1)
		}
		bad := func(f, format string, args ...any) {
			ps = append(ps, hub.Problem{Field: field + f, Message: name + ": " + fmt.Sprintf(format, args...)})
		}
		if err := t.Validate(s); err != nil {
			found := hub.ErrorProblems(err)
			if len(found) == 0 {
				bad("", "%s", hub.ErrorMessage(err))
			}
			for _, p := range found {
				bad("."+p.Field, "%s", p.Message)
			}
		}
		if t.ID != "" && ids[t.ID] {
			bad(".id", "Another theme has the same ID")
		}
		ids[t.ID] = true
		if !slices.Contains(themeAreas, t.Area) {
			bad(".area", "The area %q is not one of %s", t.Area, strings.Join(themeAreas, ", "))
		}
		columns := map[string]string{}
		for _, m := range t.Measures {
			if m.Column == "" {
				continue
			}
			if _, ok := s.Question(m.Column); ok {
				bad(".measures", "The measure %q reads the column %q, which is the column of the question %q", m.ID, m.Column, m.Column)
			}
			if other, ok := columns[m.Column]; ok {
				bad(".measures", "The measures %q and %q both read the column %q", other, m.ID, m.Column)
			}
			columns[m.Column] = m.ID
		}
	}
	if err := hub.Invalid("The themes are not valid", ps); err != nil {
		return nil, err
	}
	return ts, nil
}

// decodeStrict decodes one JSON value from r into v, refusing fields v does
// not have, and turns whatever goes wrong into a CodeInvalid error with the
// line it happened on. what names the file for messages, e.g. "themes"; root
// is the path problems give the whole value, e.g. "themes" for
// "themes.0.measures".
func decodeStrict(r io.Reader, v any, what, root string) error {
	data, err := io.ReadAll(io.LimitReader(r, maxDataFile+1))
	if err != nil {
		return &hub.Error{Code: hub.CodeInvalid, Message: fmt.Sprintf("The %s file could not be read", what), Err: err}
	}
	if len(data) > maxDataFile {
		return hub.Errorf(hub.CodeTooLarge, "The %s file is larger than the %d MB allowed", what, maxDataFile>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return hub.Errorf(hub.CodeInvalid, "The %s file is empty", what)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(data, err, reflect.TypeOf(v).Elem(), what, root)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		off := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		line, _ := position(data, off)
		return &hub.Error{Code: hub.CodeInvalid, Message: fmt.Sprintf("The %s file is not valid JSON", what),
			Problems: []hub.Problem{{Row: line, Message: fmt.Sprintf("Something follows the end of the %s: a file holds one JSON value, so remove what comes after it", what)}}}
	}
	return nil
}

// decodeError explains an error of encoding/json about data, which was meant
// for a value of type t.
func decodeError(data []byte, err error, t reflect.Type, what, root string) error {
	notJSON := fmt.Sprintf("The %s file is not valid JSON", what)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		return &hub.Error{Code: hub.CodeInvalid, Message: notJSON,
			Problems: []hub.Problem{{Row: line, Message: fmt.Sprintf("%s, at character %d of the line", capitalise(se.Error()), col)}}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, _ := position(data, int64(len(data)))
		return &hub.Error{Code: hub.CodeInvalid, Message: notJSON,
			Problems: []hub.Problem{{Row: line, Message: "The file ends before the JSON does: a closing ] or } or quotation mark is missing, or the file was cut short"}}}
	}
	if p, unknown, ok := locate(data, t, what, root); ok {
		msg := fmt.Sprintf("The %s file has a value of the wrong kind", what)
		if unknown {
			msg = fmt.Sprintf("The %s file has a field the hub does not know", what)
		}
		return &hub.Error{Code: hub.CodeInvalid, Message: msg, Problems: []hub.Problem{p}}
	}
	p := hub.Problem{Message: capitalise(strings.TrimPrefix(err.Error(), "json: "))}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p.Row, _ = position(data, te.Offset)
		p.Field = te.Field
		p.Message = fmt.Sprintf("%s should be %s, not %s", te.Field, describe(te.Type), te.Value)
	}
	return &hub.Error{Code: hub.CodeInvalid, Message: fmt.Sprintf("The %s file cannot be read", what), Problems: []hub.Problem{p}}
}

// position returns the 1-based line and character of the byte just before
// offset, where encoding/json places an error found after reading offset bytes.
func position(data []byte, offset int64) (line, char int) {
	i := int(min(max(offset-1, 0), int64(len(data))))
	before := data[:i]
	start := bytes.LastIndexByte(before, '\n') + 1
	return 1 + bytes.Count(before, []byte("\n")), utf8.RuneCount(before[start:]) + 1
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
)

// locate walks data token by token alongside the Go type t it was meant for
// and returns the first place that does not fit: a field t has no room for
// (unknown is true), or a value of the wrong kind or refused by its type. The
// problem carries the line and the field's path, such as
// "questions.2.categories.0.group" under the root path root. It handles
// structs, slices, arrays and maps with string keys, the shapes of Standard
// and Theme.
func locate(data []byte, t reflect.Type, what, root string) (p hub.Problem, unknown, ok bool) {
	w := walker{dec: json.NewDecoder(bytes.NewReader(data)), data: data, what: what, root: root}
	w.dec.UseNumber()
	found, err := w.value(t, root)
	if err != nil || found == nil {
		return hub.Problem{}, false, false
	}
	return *found, w.unknown, true
}

type walker struct {
	dec     *json.Decoder
	data    []byte
	what    string
	root    string
	unknown bool
}

// value reads one JSON value meant for a Go value of type t at path, and
// returns the first problem in it, or nil.
func (w *walker) value(t reflect.Type, path string) (*hub.Problem, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err
	}
	line, _ := position(w.data, w.dec.InputOffset())
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	custom := reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)
	switch {
	case tok == json.Delim('{') && !custom && t.Kind() == reflect.Struct:
		for w.dec.More() {
			key, err := w.dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := key.(string)
			f, ok := fieldNamed(t, name)
			if !ok {
				w.unknown = true
				line, _ := position(w.data, w.dec.InputOffset())
				return &hub.Problem{Row: line, Field: join(path, strings.ToLower(name)),
					Message: fmt.Sprintf("%q is not a field of %s: its fields are %s", name, w.where(path), fieldList(t))}, nil
			}
			if p, err := w.value(f.Type, join(path, strings.ToLower(f.Name))); p != nil || err != nil {
				return p, err
			}
		}
		_, err := w.dec.Token()
		return nil, err
	case tok == json.Delim('{') && !custom && t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		for w.dec.More() {
			key, err := w.dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := key.(string)
			if p, err := w.value(t.Elem(), join(path, name)); p != nil || err != nil {
				return p, err
			}
		}
		_, err := w.dec.Token()
		return nil, err
	case tok == json.Delim('[') && !custom && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; w.dec.More(); i++ {
			if p, err := w.value(t.Elem(), join(path, strconv.Itoa(i))); p != nil || err != nil {
				return p, err
			}
		}
		_, err := w.dec.Token()
		return nil, err
	case tok == json.Delim('{'):
		return w.misfit(line, path, t, "an object in { }"), nil
	case tok == json.Delim('['):
		return w.misfit(line, path, t, "a list in [ ]"), nil
	}
	raw, err := json.Marshal(tok)
	if err != nil {
		return nil, err
	}
	err = json.Unmarshal(raw, reflect.New(t).Interface())
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &te), t == timeType:
		return w.misfit(line, path, t, valueWords(tok)), nil
	case hub.ErrorCode(err) == hub.CodeInvalid:
		return &hub.Problem{Row: line, Field: path, Message: fmt.Sprintf("%s: %s", w.where(path), hub.ErrorMessage(err))}, nil
	}
	return &hub.Problem{Row: line, Field: path, Message: fmt.Sprintf("%s: %s", w.where(path), strings.TrimPrefix(err.Error(), "json: "))}, nil
}

func (w *walker) misfit(line int, path string, t reflect.Type, got string) *hub.Problem {
	return &hub.Problem{Row: line, Field: path, Message: fmt.Sprintf("%s should be %s, not %s", w.where(path), describe(t), got)}
}

// where names a path for people: the file itself at the root.
func (w *walker) where(path string) string {
	if path == w.root {
		return "the " + w.what + " file"
	}
	return path
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldNamed finds the field encoding/json would decode key into: the exact
// name first, then one that differs only in case.
func fieldNamed(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for _, f := range reflect.VisibleFields(t) {
		name, ok := jsonName(f)
		if !ok {
			continue
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			folded, found = f, true
		}
	}
	return folded, found
}

// jsonName is the name a field has in JSON, and false for a field encoding/json skips.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() || f.Anonymous {
		return "", false
	}
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch tag {
	case "-":
		return "", false
	case "":
		return f.Name, true
	}
	return tag, true
}

// fieldList names a struct's JSON fields for a message: "Code, Label and Group".
func fieldList(t reflect.Type) string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if name, ok := jsonName(f); ok {
			names = append(names, name)
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// describe says in words what JSON a Go type takes.
func describe(t reflect.Type) string {
	if t == timeType {
		return "a date and time such as \"2026-04-01T00:00:00Z\""
	}
	switch t.Kind() {
	case reflect.String:
		return "text in quotation marks"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list in [ ]"
	case reflect.Struct, reflect.Map:
		return "an object in { }"
	}
	return "a " + t.String()
}

// valueWords says in words what a JSON token is.
func valueWords(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		if utf8.RuneCountInString(v) > 40 {
			return "text"
		}
		return strconv.Quote(v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}
