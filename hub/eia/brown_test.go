package eia

import (
	"slices"
	"testing"
)

// The principles are attested and named in their usual order, one per
// field of the attestation, each read back from its own key.
func TestBrownPrinciplesInOrder(t *testing.T) {
	var keys, names []string
	for _, p := range BrownPrinciples {
		keys = append(keys, p.Key)
		names = append(names, p.Name)
	}
	if want := []string{"aware", "before", "substance", "personal", "continuing", "recorded"}; !slices.Equal(keys, want) {
		t.Fatalf("principles in the order %v, want %v", keys, want)
	}
	if got := (Brown{}).Missing(); !slices.Equal(got, names) {
		t.Fatalf("nothing attested names %v, want every principle in order", got)
	}
	for i, p := range BrownPrinciples {
		b := Attested(func(key string) bool { return key == p.Key })
		if got := b.Missing(); len(got) != len(names)-1 || slices.Contains(got, names[i]) {
			t.Errorf("ticking %q alone leaves %v missing", p.Key, got)
		}
	}
}
