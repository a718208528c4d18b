package monitoring

import (
	"strings"
	"testing"
)

// A date that is no date whichever way it is read is not called ambiguous.
func TestADateThatIsNoDateIsNotCalledAmbiguous(t *testing.T) {
	r := newDateReader(Mapping{})
	for v, want := range map[string]string{
		"31/02/2023": `"31/02/2023" is not a date: write it as yyyy-mm-dd`,
		"03/04/2025": "could be day first or month first",
		"13/04/2025": "could be day first or month first",
	} {
		if _, got := r.read(v); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", v, got, want)
		}
	}
}
