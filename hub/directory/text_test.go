package directory_test

import (
	"testing"
)

// What an identity provider calls a person is kept without control or
// invisible formatting characters: the person signs in, and their name
// cannot reverse or hide the text around it on any page.
func TestSignInNameLosesControlCharacters(t *testing.T) {
	f := newFixture(t)
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "An\u202en\x1b[2J \u200bSmith\n")
	if ann.Name != "Ann[2J Smith" {
		t.Fatalf("the name kept is %q", ann.Name)
	}
}
