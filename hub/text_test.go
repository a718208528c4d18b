package hub

import (
	"strings"
	"testing"
)

// Texts over their limit, with control characters or with invisible
// formatting characters are refused with a problem naming the field; texts in
// any language, emoji sequences and new lines where allowed go in.
func TestCheckText(t *testing.T) {
	cases := []struct {
		name  string
		field string
		value string
		kind  TextKind
		want  string // "" when the text is fine
	}{
		{"a plain title", "title", "Workforce data for the board", NameText, ""},
		{"a title at its limit", "title", strings.Repeat("é", MaxNameLength), NameText, ""},
		{"a title one over", "title", strings.Repeat("é", MaxNameLength+1), NameText, "The title is longer than 200 characters (it has 201)"},
		{"a 20 MB note", "note", strings.Repeat("x", 20<<20), ReasonText, "The note is longer than 2,000 characters (it has 20,971,520): shorten it"},
		{"a long description", "description", strings.Repeat("word ", 2000), NoteText, ""},
		{"a long description over", "description", strings.Repeat("word ", 2001), NoteText, "longer than 10,000 characters"},
		{"a note of lines", "note", "First line\r\nSecond\tline", ReasonText, ""},
		{"a note at its limit from a form", "note", strings.Repeat("line\r\n", MaxReasonLength/5), ReasonText, ""},
		{"a note over its limit from a form", "note", strings.Repeat("line\r\n", MaxReasonLength/5) + "x", ReasonText, "(it has 2,001)"},
		{"a name over two lines", "name", "Northshire\nPolice", NameText, "contains a line break or tab (character 11): keep it on one line"},
		{"an escape", "reason", "ok \x1b[2J", ReasonText, "contains a control character (U+001B, character 4)"},
		{"a NUL", "name", "a\x00b", NameText, "control character (U+0000"},
		{"a right-to-left override", "lawful_basis", "Section 149 \u202Eevil", NameText, "The lawful basis contains an invisible formatting character (U+202E"},
		{"an isolate", "actions[0].text", "x\u2066y", ReasonText, "The text contains an invisible formatting character (U+2066"},
		{"a zero-width space", "summary", "a\u200Bb", NoteText, "(U+200B"},
		{"a line separator", "note", "a\u2028b", ReasonText, "(U+2028"},
		{"a byte order mark", "title", "\uFEFFTitle", NameText, "(U+FEFF"},
		{"bad UTF-8", "statement", "caf\xe9", NameText, "The statement is not readable text"},
		{"Persian with a non-joiner", "name", "می\u200Cخواهم", NameText, ""},
		{"an emoji family", "text", "👩\u200D👩\u200D👧", ReasonText, ""},
		{"Arabic and Welsh", "name", "مجلس Cyngor Sir Ddinbych", NameText, ""},
		{"a camel-case field", "measures[0].baselinePeriod", "x\x07", NameText, "The baseline period contains"},
	}
	for _, c := range cases {
		ps := CheckText(c.field, c.value, c.kind)
		if c.want == "" {
			if len(ps) != 0 {
				t.Errorf("%s: refused: %v", c.name, ps)
			}
			continue
		}
		if len(ps) != 1 || ps[0].Field != c.field || !strings.Contains(ps[0].Message, c.want) {
			t.Errorf("%s: got %v, want one problem on %s with %q", c.name, ps, c.field, c.want)
			continue
		}
		if len(ps[0].Message) > 300 {
			t.Errorf("%s: the message echoes the text: %.100s…", c.name, ps[0].Message)
		}
	}
}

// The limits grow from names to notes, and the kinds say them.
func TestTextLimits(t *testing.T) {
	if !(MaxNameLength < MaxReasonLength && MaxReasonLength < MaxNoteLength) {
		t.Fatal("the limits are out of order")
	}
	if NameText.Max != MaxNameLength || ReasonText.Max != MaxReasonLength || NoteText.Max != MaxNoteLength || NameText.Lines || !ReasonText.Lines || !NoteText.Lines {
		t.Fatal("the kinds of text do not follow the limits")
	}
}

// Printable replaces what a terminal would act on, and leaves the rest alone.
func TestPrintable(t *testing.T) {
	cases := map[string]string{
		"plain":                         "plain",
		"two\nlines\tand a tab":         "two\nlines\tand a tab",
		"clear\x1b[2J screen":           "clear\uFFFD[2J screen",
		"back\rspace\b":                 "back\uFFFDspace\uFFFD",
		"abc\u202Efed":                  "abc\uFFFDfed",
		"bad \xff byte":                 "bad \uFFFD byte",
		"\u009b31m C1 CSI":              "\uFFFD31m C1 CSI",
		"Cyngor Sir Ddinbych مجلس":      "Cyngor Sir Ddinbych مجلس",
		"osc \x1b]0;title\x07 sequence": "osc \uFFFD]0;title\uFFFD sequence",
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// A message quotes at most a short, printable excerpt of what was sent.
func TestExcerpt(t *testing.T) {
	cases := map[string]string{
		"2025-27":                  `"2025-27"`,
		strings.Repeat("a", 1<<20): `"` + strings.Repeat("a", MaxExcerpt) + `…"`,
		"be-nice\x1b[2J":           `"be-nice\x1b[2J"`,
		"x\u202ey":                 `"x\u202ey"`,
		strings.Repeat("é", 41):    `"` + strings.Repeat("é", 40) + `…"`,
		"caf\xe9":                  `"caf�"`,
	}
	for in, want := range cases {
		if got := Excerpt(in); got != want {
			t.Errorf("Excerpt(%.50q) = %.80s, want %.80s", in, got, want)
		}
	}
}

// A count is written as people read it, whatever its sign.
func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 706900: "706,900", -123: "-123", -1234567: "-1,234,567"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
