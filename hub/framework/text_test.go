package framework_test

import (
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/framework"
)

// A level's note and evidence, a challenge and a framework's own names are
// bounded and hold no control or invisible formatting characters; a
// framework whose ID is too long is refused without the ID echoed back.
func TestTextsAreBounded(t *testing.T) {
	f := setup(t)
	for name, c := range map[string]struct {
		evidence []framework.EvidenceLink
		note     string
		field    string
	}{
		"a long note":        {nil, strings.Repeat("n", hub.MaxReasonLength+1), "note"},
		"a note with escape": {nil, "done\x1b]0;pwned\x07", "note"},
		"a long title":       {[]framework.EvidenceLink{{Kind: "eia", Title: strings.Repeat("t", hub.MaxNameLength+1)}}, "", "evidence[0].title"},
		"a link of lines":    {[]framework.EvidenceLink{{Kind: "eia", Title: "EIA", Link: "/eia/1\n/eia/2"}}, "", "evidence[0].link"},
	} {
		_, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "achieving", c.evidence, c.note)
		if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "achieving", nil, "Reviewed by the board\nin March"); err != nil {
		t.Fatal(err)
	}
	err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Really \u202e?")
	if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != "text" {
		t.Errorf("a reversed challenge: %v", err)
	}
	err = f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", strings.Repeat("c", hub.MaxReasonLength+1))
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), "longer than 2,000") {
		t.Errorf("a long challenge: %v", err)
	}
	if len(f.log.Entries()) != 1 {
		t.Fatalf("refused texts were recorded: %d entries", len(f.log.Entries()))
	}

	fw := mustBuiltIn(t)[0]
	fw.ID = strings.Repeat("x", 100_000)
	fw.Modules[0].Themes[0].Description = "Leadership \u2067"
	err = fw.Validate()
	if !hub.IsCode(err, hub.CodeInvalid) || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "The id is longer than 200") || !strings.Contains(err.Error(), "description contains an invisible") {
		t.Errorf("a framework with a long ID: %.500v", err)
	}
}
