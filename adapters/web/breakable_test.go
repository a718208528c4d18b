package web

import "testing"

func TestBreakable(t *testing.T) {
	for in, want := range map[string]string{
		"monthly upload":            "monthly upload",
		"hr_upload_script_v2":       "hr_upload_<wbr>script_v2",
		"a <b>":                     "a &lt;b&gt;",
		"abcdefghijklmnopqrstuvwxy": "abcdefghij<wbr>klmnopqrst<wbr>uvwxy",
	} {
		if got := string(breakable(in)); got != want {
			t.Errorf("breakable(%q) = %q, want %q", in, got, want)
		}
	}
}
