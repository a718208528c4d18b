package eia_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub/eia"
)

// Only a path of this hub is a link to the hub's own data: whatever a
// browser would read as another site's address is not.
func TestHubPath(t *testing.T) {
	for link, want := range map[string]bool{
		"/data/picture?theme=workforce&question=ethnicity": true,
		"/strategy":             true,
		"/data/picture#table":   true,
		"//evil.example/phish":  false,
		"/\\evil.example/phish": false,
		"/data\\..\\phish":      false,
		"\\\\evil.example":      false,
		"/\t/evil.example":      false,
		"/\n/evil.example":      false,
		"/ /evil.example":       false,
		"https://evil.example":  false,
		"https:/evil.example":   false,
		"https:":                false,
		"javascript:alert(1)":   false,
		"data/picture":          false,
		"":                      false,
		"/donn\u00e9es":         false,
		"/data/picture\u202e":   false,
		"///evil.example":       false,
	} {
		if got := eia.HubPath(link); got != want {
			t.Errorf("HubPath(%q) = %v, want %v", link, got, want)
		}
	}
}
