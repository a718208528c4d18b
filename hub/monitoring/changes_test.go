package monitoring

import (
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// A proposal says in words what it changes, so that whoever approves it
// knows what they approve.
func TestChangesFromSaysWhatChanges(t *testing.T) {
	old := Standard{Version: "1", Questions: []Question{
		{Key: "sex", Label: "Sex", Wording: "What is your sex?", Characteristic: hub.Sex, Categories: []Category{{Code: "female", Label: "Female"}, {Code: "male", Label: "Male"}}},
		{Key: "religion", Label: "Religion", Wording: "What is your religion?", Categories: []Category{{Code: "none", Label: "No religion"}}},
	}}
	same := old
	if got := same.ChangesFrom(old); len(got) != 0 {
		t.Fatalf("the same standard changes %v", got)
	}
	next := Standard{Version: "2", Questions: []Question{
		{Key: "sex", Label: "Sex", Wording: "What is your sex?", Characteristic: hub.Sex, Categories: []Category{{Code: "female", Label: "Female"}, {Code: "male", Label: "Male"}, {Code: "intersex", Label: "Intersex"}}},
		{Key: "carer", Label: "Caring", Wording: "Do you look after someone?", Categories: []Category{{Code: "yes", Label: "Yes"}, {Code: "no", Label: "No"}}},
	}}
	got := strings.Join(next.ChangesFrom(old), "\n")
	for _, want := range []string{"Sex: “Intersex” added", "A new question: Caring (2 answers)", "No longer asked: Religion"} {
		if !strings.Contains(got, want) {
			t.Errorf("the changes do not say %q:\n%s", want, got)
		}
	}
}
