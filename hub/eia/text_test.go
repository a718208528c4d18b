package eia_test

import (
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
)

// Every text of an assessment is bounded and holds no control or invisible
// formatting characters: the title, summary and decision when it starts, the
// screening's reasons, the assessment's evidence and reasoning, actions, and
// the advisory group's comments and the team's responses. Nothing refused is kept.
func TestTextsAreBounded(t *testing.T) {
	f := setup(t)
	long := func(n int) string { return strings.Repeat("a", n+1) }
	d := draft()
	d.Title = long(hub.MaxNameLength)
	_, err := f.svc.Create(f.ctx, author, d)
	wantErr(t, err, hub.CodeInvalid, "title is longer than 200 characters")
	d = draft()
	d.Summary = "Shorter hours \u202e"
	_, err = f.svc.Create(f.ctx, author, d)
	wantErr(t, err, hub.CodeInvalid, "summary contains an invisible formatting character")
	if f.store.saves != 0 {
		t.Fatalf("refused assessments were saved %d times", f.store.saves)
	}

	e := f.ready(t)
	saves := f.store.saves
	sc := screening(true)
	sc.Relevance[hub.Age] = eia.Relevance{Relevant: true, Reason: long(hub.MaxReasonLength)}
	_, err = f.svc.UpdateScreening(f.ctx, author, e.ID, sc)
	wantErr(t, err, hub.CodeInvalid, "screening.age.reason", "longer than 2,000")
	a := assessment()
	a.Evidence[1].Link = "Survey\n2026"
	a.Impacts["age"] = eia.Impact{Effect: eia.Negative, Reasoning: long(hub.MaxNoteLength)}
	_, err = f.svc.UpdateAssessment(f.ctx, author, e.ID, a)
	wantErr(t, err, hub.CodeInvalid, "evidence[1].link", "keep it on one line", "impacts.age.reasoning", "longer than 10,000")
	_, err = f.svc.AddAction(f.ctx, author, e.ID, eia.Action{Text: "Run a mobile library\x1b[2J", OwnerOrg: "council", Due: decision, Status: eia.ActionOpen})
	wantErr(t, err, hub.CodeInvalid, "action contains a control character")
	if f.store.saves != saves {
		t.Fatalf("refused edits were saved %d times", f.store.saves-saves)
	}
	must(f.svc.OpenScrutiny(f.ctx, author, e.ID, start.AddDate(0, 0, 7)))
	saves = f.store.saves
	_, err = f.svc.Comment(f.ctx, advisor, e.ID, "impacts", long(hub.MaxReasonLength), true)
	wantErr(t, err, hub.CodeInvalid, "comment is longer than 2,000")
	c := must(f.svc.Comment(f.ctx, advisor, e.ID, "impacts", "Where is the evidence\nfrom disabled users?", true))
	err = f.svc.Respond(f.ctx, author, e.ID, c.ID, "See \u2066the survey")
	wantErr(t, err, hub.CodeInvalid, "invisible formatting character")
	if f.store.saves != saves+1 {
		t.Fatalf("refused texts were saved: %d saves, want %d", f.store.saves, saves+1)
	}
}
