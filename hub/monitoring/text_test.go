package monitoring_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// A mapping's note and a correction's reason are bounded and hold no control
// or invisible formatting characters: each is refused with its field named,
// and nothing is kept.
func TestNotesAndReasonsAreBounded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for note, want := range map[string]string{
		strings.Repeat("n", 20<<20): "longer than 2,000 characters",
		"checked \x1b[2J":           "control character",
		"checked \u202eby":          "invisible formatting character",
	} {
		_, err := f.svc.SaveMapping(ctx, f.police, monitoring.Mapping{Standard: "t.1", Note: note})
		if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != "note" || !strings.Contains(ps[0].Message, want) {
			t.Errorf("a note with %q: %v", want, err)
		}
	}
	// Column headings, local codes and date formats are names: one line, up to 200 characters.
	many := map[string]string{}
	for i := range 100 {
		many[strings.Repeat("c", 300)+string(rune('a'+i%26))+strings.Repeat("x", i)] = "white-british"
	}
	for name, m := range map[string]monitoring.Mapping{
		"a long column heading":  {Standard: "t.1", Columns: map[string]string{"ethnicity": strings.Repeat("h", 20<<20)}},
		"a code with an escape":  {Standard: "t.1", Codes: map[string]map[string]string{"ethnicity": {"A\x1b[2J": "white-british"}}},
		"a date format of lines": {Standard: "t.1", DateFormats: []string{"dd/mm\nyyyy"}},
		"a hundred long codes":   {Standard: "t.1", Codes: map[string]map[string]string{"ethnicity": many}},
	} {
		_, err := f.svc.SaveMapping(ctx, f.police, m)
		if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) == 0 || len(ps) > 20 || len(err.Error()) > 20_000 {
			t.Errorf("%s: %d problems, %.300v", name, len(ps), err)
		}
	}
	if len(f.store.mappings) != 0 {
		t.Fatalf("refused mappings were kept: %d", len(f.store.mappings))
	}
	if _, err := f.svc.SaveMapping(ctx, f.police, monitoring.Mapping{Standard: "t.1", Note: "Checked by the records team\nagainst the new system"}); err != nil {
		t.Fatalf("a note of two lines: %v", err)
	}

	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"+t0.Add(30*24*time.Hour).Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	doc := f.doc(t, "2025-26", 10)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatal(err)
	}
	fix := f.doc(t, "2025-26", 12)
	for _, reason := range []string{strings.Repeat("r", hub.MaxReasonLength+1), "late records\x00"} {
		_, _, err := f.svc.Upload(ctx, f.police, fix, sig("AAA", fix), reason)
		if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != "reason" {
			t.Errorf("a reason of %d bytes: %v", len(reason), err)
		}
	}
	if len(f.store.returns) != 1 {
		t.Fatalf("a refused correction was kept: %d returns", len(f.store.returns))
	}
}

// A standard's and a theme's texts are bounded: what the forum publishes is
// shown on every partner's pages and in every return.
func TestStandardAndThemeTextsAreBounded(t *testing.T) {
	st := testStandard()
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	st.Title = "Monitoring standard \u202e"
	st.Questions[0].Purpose = strings.Repeat("p", hub.MaxReasonLength+1)
	ps := hub.ErrorProblems(st.Validate())
	if len(ps) != 2 || ps[0].Field != "title" || ps[1].Field != "questions.0.purpose" {
		t.Errorf("a standard with a reversed title and a long purpose: %v", ps)
	}
	th := testTheme()
	if err := th.Validate(testStandard()); err != nil {
		t.Fatal(err)
	}
	th.Description = strings.Repeat("d", hub.MaxNoteLength+1)
	th.Measures[0].Label = "Searches\x1b[2J"
	ps = hub.ErrorProblems(th.Validate(testStandard()))
	if len(ps) != 2 || ps[0].Field != "description" || !strings.Contains(ps[1].Message, "label of a measure contains a control character") {
		t.Errorf("a theme with a long description and an escape: %v", ps)
	}
}

// A mapping's wrong codes are named with a short excerpt, never echoed whole.
func TestMappingProblemsQuoteShortly(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	m := monitoring.Mapping{Codes: map[string]map[string]string{"sex": {long: long}, long: {"1": "female"}}}
	err := m.Validate(testStandard())
	if err == nil {
		t.Fatal("a mapping to no category was accepted")
	}
	if n := len(err.Error()); n > 2000 {
		t.Errorf("the message is %d bytes long", n)
	}
	if !strings.Contains(err.Error(), `"xxxxxxxxxx`) || !strings.Contains(err.Error(), `…"`) {
		t.Errorf("the message does not quote the code shortly: %.300s", err.Error())
	}
}
