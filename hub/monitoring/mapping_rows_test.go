package monitoring_test

import (
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Codes edited in a form become a mapping's codes; each problem names its row.
func TestCodesFromRows(t *testing.T) {
	st := testStandard()
	codes, err := monitoring.CodesFromRows(st, map[string][]monitoring.CodeRow{
		"sex":       {{Local: " F ", Category: "female"}, {}, {Local: "M", Category: "male"}, {Local: "", Category: monitoring.NotKnown}},
		"ethnicity": {{Local: "W1", Category: "white-british"}},
	})
	if err != nil || codes["sex"]["F"] != "female" || codes["sex"]["M"] != "male" || len(codes["sex"]) != 2 || codes["ethnicity"]["W1"] != "white-british" {
		t.Fatalf("codes %v, %v", codes, err)
	}
	_, err = monitoring.CodesFromRows(st, map[string][]monitoring.CodeRow{
		"sex": {{Local: "F", Category: "female"}, {Local: "X"}, {Local: "f", Category: "male"}, {Local: "", Category: "male"}, {Local: "Z", Category: "nonsense"}},
	})
	want := map[string]string{
		"codes.sex.1": `Choose what your code "X" means`,
		"codes.sex.2": `Your code "f" is on row 1 already`,
		"codes.sex.3": "an empty answer counts as not known",
		"codes.sex.4": `"nonsense" is not a category of`,
	}
	got := map[string]string{}
	for _, p := range hub.ErrorProblems(err) {
		got[p.Field] = p.Message
	}
	for f, w := range want {
		if !strings.Contains(got[f], w) {
			t.Errorf("%s: %q, want it to say %q", f, got[f], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems %v", got)
	}
}

// A code that is a category's name, or its code, is suggested as that category.
func TestSuggestCategory(t *testing.T) {
	q, _ := testStandard().Question("sex")
	for local, want := range map[string]string{"Female": "female", " MALE ": "male", "prefer not to say": monitoring.PreferNotToSay, "F": "", "": ""} {
		if got, _ := monitoring.SuggestCategory(q, local); got != want {
			t.Errorf("%q suggests %q, want %q", local, got, want)
		}
	}
}
