package sharing

import (
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// A protocol's title, purpose and lawful basis are bounded and hold no
// control or invisible formatting characters; each problem names its field.
func TestProtocolTextsAreBounded(t *testing.T) {
	good := Protocol{Title: "Workforce data for the board", Providers: []string{"northshire-police"}, Recipients: []Recipient{Board},
		Themes: []string{"workforce-strength"}, Level: Aggregate, Threshold: 5, Purpose: "To monitor the workforce\nagainst the census",
		LawfulBasis: "Equality Act 2010, section 149", Start: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field, want string
		change      func(p *Protocol)
	}{
		{"title", "longer than 200 characters", func(p *Protocol) { p.Title = strings.Repeat("t", hub.MaxNameLength+1) }},
		{"title", "line break", func(p *Protocol) { p.Title = "Workforce\ndata" }},
		{"purpose", "longer than 2,000 characters", func(p *Protocol) { p.Purpose = strings.Repeat("p", hub.MaxReasonLength+1) }},
		{"lawful_basis", "invisible formatting character (U+202E", func(p *Protocol) { p.LawfulBasis = "section 149 \u202e" }},
		{"purpose", "control character", func(p *Protocol) { p.Purpose = "monitor\x1b[2J" }},
	}
	for _, c := range cases {
		p := good
		c.change(&p)
		ps := hub.ErrorProblems(p.Validate())
		if len(ps) != 1 || ps[0].Field != c.field || !strings.Contains(ps[0].Message, c.want) {
			t.Errorf("%s with %q: %v", c.field, c.want, ps)
		}
	}
}
