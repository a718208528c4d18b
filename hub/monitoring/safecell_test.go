package monitoring

import "testing"

// Text a spreadsheet could run as a formula is written as text, and reads back as it was.
func TestSafeCell(t *testing.T) {
	for v, want := range map[string]string{
		"=HYPERLINK(\"https://evil.example\")": "'=HYPERLINK(\"https://evil.example\")",
		"+1":                                   "'+1",
		"-1":                                   "'-1",
		"@SUM(A1)":                             "'@SUM(A1)",
		"\tx":                                  "'\tx",
		"\r=x":                                 "'\r=x",
		"\n=x":                                 "'\n=x",
		" =cmd|' /C calc'!A0":                  "' =cmd|' /C calc'!A0",
		"\u00a0=1+1":                           "'\u00a0=1+1",
		"\u3000=1+1":                           "'\u3000=1+1",
		"\uff1dHYPERLINK(\"x\")":               "'\uff1dHYPERLINK(\"x\")",
		"\uff0b1":                              "'\uff0b1",
		"\uff0d1":                              "'\uff0d1",
		"\uff20SUM(A1)":                        "'\uff20SUM(A1)",
		"Northshire Police":                    "Northshire Police",
		"Prefer not to say":                    "Prefer not to say",
		"a=b":                                  "a=b",
		"":                                     "",
		"   ":                                  "   ",
	} {
		got := SafeCell(v)
		if got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", v, got, want)
		}
		if back := unsafeCell(got); back != v {
			t.Errorf("unsafeCell(SafeCell(%q)) = %q", v, back)
		}
	}
}
