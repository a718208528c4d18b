package eia_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
)

// A characteristic judged relevant or not relevant without a reason is
// refused, named, rather than dropped.
func TestScreeningJudgementNeedsItsReason(t *testing.T) {
	f := setup(t)
	e := must(f.svc.Create(f.ctx, author, draft()))
	sc := screening(false)
	sc.Relevance[hub.Age] = eia.Relevance{}
	sc.Relevance[hub.Race] = eia.Relevance{Relevant: true}
	_, err := f.svc.UpdateScreening(f.ctx, author, e.ID, sc)
	wantErr(t, err, hub.CodeInvalid, "Age: say why it is not relevant", "Race: say why it is relevant")
	for _, p := range hub.ErrorProblems(err) {
		if p.Field != "screening.age.reason" && p.Field != "screening.race.reason" {
			t.Errorf("a problem about %s: %s", p.Field, p.Message)
		}
	}
}

// Every reason not to sign is said at once: what is incomplete, each open
// challenge by who made it, and each principle not attested.
func TestSignOffSaysEverythingAtOnce(t *testing.T) {
	f := setup(t)
	e := must(f.svc.Create(f.ctx, author, draft()))
	_, err := f.svc.SignOff(f.ctx, councilDM, e.ID, 1, eia.Brown{Aware: true})
	wantErr(t, err, hub.CodeInvalid, "Age: say whether it is relevant", "Attest due regard before", "Attest an adequate record")
	var brown int
	for _, p := range hub.ErrorProblems(err) {
		if strings.HasPrefix(p.Field, "brown.") {
			brown++
		}
	}
	if brown != 5 {
		t.Errorf("%d principles named, want 5: %v", brown, err)
	}
}

// The details change until the first sign-off, on the record; the partners
// who sign follow the partners; after a sign-off a change needs a new version.
func TestDetailsChangeUntilSignOff(t *testing.T) {
	f := setup(t)
	e := f.ready(t)
	d := eia.DetailsOf(e)
	d.Title, d.DecisionDate, d.ReviewDate, d.Participants = "Library hours and mobile library", decision.AddDate(0, 1, 0), decision.AddDate(1, 1, 0), nil
	got := must(f.svc.UpdateDetails(f.ctx, author, e.ID, d))
	if got.Title != d.Title || !got.DecisionDate.Equal(d.DecisionDate) || len(got.Participants) != 0 || !slices.Equal(got.DecisionMakers, []string{"council"}) {
		t.Fatalf("changed: %+v", got)
	}
	if es := f.log.Entries(); !strings.Contains(es[len(es)-1].Detail, "title") || !strings.Contains(es[len(es)-1].Detail, "decision date") {
		t.Errorf("the record says %q", es[len(es)-1].Detail)
	}
	bad := d
	bad.Title, bad.ReviewDate = "", d.DecisionDate
	_, err := f.svc.UpdateDetails(f.ctx, author, e.ID, bad)
	wantErr(t, err, hub.CodeInvalid, "title", "review date after the decision date")
	_, err = f.svc.UpdateDetails(f.ctx, analyst, e.ID, d)
	wantErr(t, err, hub.CodeForbidden)
	must(f.svc.SignOff(f.ctx, councilDM, e.ID, 1, allBrown))
	_, err = f.svc.UpdateDetails(f.ctx, author, e.ID, d)
	wantErr(t, err, hub.CodeConflict, "new version")
}
