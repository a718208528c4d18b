package hub

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The longest a text typed by a person may be, in characters. A text over its
// limit is refused with a named problem, never cut short: what the person
// wrote is either kept whole or not kept at all.
const (
	MaxNameLength   = 200    // a title or a name: one line
	MaxReasonLength = 2000   // a reason, a comment, a note on a change
	MaxNoteLength   = 10_000 // a longer note, a description, an assessment's findings
)

// TextKind is a kind of text a person types: how long it may be and whether
// it may run over several lines.
type TextKind struct {
	Max   int  // the most characters it may have
	Lines bool // new lines and tabs are allowed
}

// The kinds of text.
var (
	NameText   = TextKind{Max: MaxNameLength}                // titles, names, labels, short codes
	ReasonText = TextKind{Max: MaxReasonLength, Lines: true} // reasons, comments, notes on a change
	NoteText   = TextKind{Max: MaxNoteLength, Lines: true}   // descriptions and longer notes
	LinkText   = TextKind{Max: MaxReasonLength}              // an address or a reference to a source: one line
)

// Text is one text to check: the field it came from and what was typed.
type Text struct {
	Field string // form or JSON field, e.g. "note"
	Label string // what the message calls it, e.g. "heading of a column"; from Field when empty
	Value string
	Kind  TextKind
}

// CheckTexts checks each text against its kind and returns a problem for each
// one that is too long or holds a character that cannot be shown safely.
func CheckTexts(texts ...Text) []Problem {
	var ps []Problem
	for _, t := range texts {
		label := t.Label
		if label == "" {
			label = fieldLabel(t.Field)
		}
		if msg := t.Kind.check(label, t.Value); msg != "" {
			ps = append(ps, Problem{Field: t.Field, Message: msg})
		}
	}
	return ps
}

// CheckText checks one text and returns its problem, or nil when it is fine.
func CheckText(field, value string, kind TextKind) []Problem {
	return CheckTexts(Text{Field: field, Value: value, Kind: kind})
}

// Check returns what is wrong with a text of this kind, in words that name the
// field, or "" when it is fine. Control characters (other than a new line,
// carriage return or tab in texts of several lines), bidirectional overrides
// and isolates and other invisible formatting characters are refused: they can
// make a text read differently from what it holds, break the lines of an
// export, or change a terminal that prints them.
func (k TextKind) Check(field, value string) string { return k.check(fieldLabel(field), value) }

func (k TextKind) check(what, value string) string {
	if !utf8.ValidString(value) {
		return fmt.Sprintf("The %s is not readable text: save it as UTF-8 and try again", what)
	}
	// A new line counts as one character however it is written: a form sends
	// a browser's new lines as a carriage return and a line feed.
	if n := utf8.RuneCountInString(value) - strings.Count(value, "\r\n"); n > k.Max {
		return fmt.Sprintf("The %s is longer than %s characters (it has %s): shorten it", what, Thousands(int64(k.Max)), Thousands(int64(n)))
	}
	at := 0
	for _, r := range value {
		at++
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if !k.Lines {
				return fmt.Sprintf("The %s contains a line break or tab (character %d): keep it on one line", what, at)
			}
		case unicode.IsControl(r):
			return fmt.Sprintf("The %s contains a control character (%U, character %d): remove it", what, r, at)
		case Invisible(r):
			return fmt.Sprintf("The %s contains an invisible formatting character (%U, character %d), such as one that reverses the direction of text: remove it", what, r, at)
		}
	}
	return ""
}

// Invisible reports whether r is a formatting character that shows nothing
// yet changes how text around it reads: the bidirectional overrides, embeddings
// and isolates (U+202A–U+202E, U+2066–U+2069), direction marks, zero-width
// spaces, the byte order mark and the line and paragraph separators. The
// zero-width joiner and non-joiner are allowed, as some languages (Persian,
// the scripts of India) need them to spell words correctly.
func Invisible(r rune) bool {
	switch {
	case r == '\u200C' || r == '\u200D':
		return false
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// Printable returns s with every control character (other than a new line and
// a tab), invisible formatting character and invalid byte replaced by U+FFFD,
// so that text from elsewhere can be printed to a terminal or a log line
// without changing it.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') || Invisible(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') || Invisible(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fieldLabel turns a field such as "issuers.0.lawful_basis" or
// "actions[0].text" into words: "lawful basis", "text".
func fieldLabel(field string) string {
	parts := strings.FieldsFunc(field, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	for i := len(parts) - 1; i >= 0; i-- {
		if strings.Trim(parts[i], "0123456789") == "" {
			continue
		}
		var b strings.Builder
		for j, r := range parts[i] {
			switch {
			case r == '_' || r == '-':
				b.WriteByte(' ')
			case unicode.IsUpper(r) && j > 0:
				b.WriteByte(' ')
				b.WriteRune(unicode.ToLower(r))
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return "text"
}

// MaxExcerpt is the most characters of a person's text a message repeats.
const MaxExcerpt = 40

// Excerpt quotes a value for a message as %q does, with control and
// invisible characters escaped: at most MaxExcerpt characters of it, with "…"
// when it was cut. A message never carries back more
// of what a person sent than that.
func Excerpt(s string) string { return strconv.Quote(Clip(s)) }

// Clip returns at most MaxExcerpt characters of s, with "…" when it was cut,
// unquoted: for a value a message or report repeats.
func Clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > MaxExcerpt {
		s = string([]rune(s)[:MaxExcerpt]) + "…"
	}
	return s
}

// Thousands writes a count as people read it, with commas between the
// thousands: 12,345.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
