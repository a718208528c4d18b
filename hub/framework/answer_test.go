package framework_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/framework"
)

// The challenged organisation answers a challenge once: who answered, when
// and what are kept with the challenge, a second answer is refused rather
// than written over the first, and nobody else answers for it.
func TestAnswerChallenge(t *testing.T) {
	f := setup(t)
	if _, err := f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "excellent", nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Where is the evidence?"); err != nil {
		t.Fatal(err)
	}
	// The same challenge sent again while it waits is made once.
	if err := f.svc.Challenge(f.ctx, policeForum, "northshire-county", "eflg", "leadership", "Where is the evidence?"); err != nil {
		t.Fatalf("the same challenge again: %v", err)
	}
	f.clock.Advance(48 * time.Hour)
	for name, c := range map[string]struct {
		actor hub.Principal
		n     int
		text  string
		code  hub.Code
	}{
		"the challenger":  {policeForum, 1, "We answer ourselves", hub.CodeForbidden},
		"the advisory":    {advisor, 1, "An answer", hub.CodeForbidden},
		"no role":         {analyst, 1, "An answer", hub.CodeForbidden},
		"no such":         {countyForum, 2, "An answer", hub.CodeNotFound},
		"nothing written": {countyForum, 1, "  ", hub.CodeInvalid},
		"a hidden text":   {countyForum, 1, "Fine \u202e", hub.CodeInvalid},
	} {
		if err := f.svc.Answer(f.ctx, c.actor, "northshire-county", "eflg", "leadership", c.n, c.text); !hub.IsCode(err, c.code) {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	if err := f.svc.Answer(f.ctx, countyForum, "northshire-county", "eflg", "leadership", 1, "The board minutes of May, item 4"); err != nil {
		t.Fatal(err)
	}
	// The same answer sent again is given once, quietly.
	if err := f.svc.Answer(f.ctx, countyForum, "northshire-county", "eflg", "leadership", 1, "The board minutes of May, item 4"); err != nil {
		t.Fatalf("the same answer again: %v", err)
	}
	if a, _ := f.svc.Assessment("northshire-county", "eflg", "leadership"); len(a.Challenges) != 1 || len(f.log.Entries()) != 3 {
		t.Fatalf("sent twice, made twice: %d challenges, %d entries", len(a.Challenges), len(f.log.Entries()))
	}
	err := f.svc.Answer(f.ctx, countyForum, "northshire-county", "eflg", "leadership", 1, "Something else")
	if !hub.IsCode(err, hub.CodeConflict) || !strings.Contains(err.Error(), "12 January 2027") {
		t.Fatalf("a second answer: %v", err)
	}
	a, _ := f.svc.Assessment("northshire-county", "eflg", "leadership")
	ans := a.Challenges[0].Answer
	if ans == nil || ans.Text != "The board minutes of May, item 4" || ans.ByOrg != "northshire-county" || ans.ByPerson != "cf" || !ans.At.Equal(start.Add(48*time.Hour)) {
		t.Fatalf("answer %+v", ans)
	}
	if a.Challenges[0].Level != "excellent" {
		t.Errorf("the challenge does not say the level it challenged: %+v", a.Challenges[0])
	}
	// The answer stays with the challenge when the level is recorded again.
	a, err = f.svc.Record(f.ctx, countyForum, "northshire-county", "eflg", "leadership", "achieving", nil, "")
	if err != nil || a.Challenges[0].Answer == nil || a.Challenges[0].Answer.Text != ans.Text {
		t.Fatalf("after re-record: %v %+v", err, a.Challenges)
	}
	es := f.log.Entries()
	last := es[len(es)-2]
	if last.Action != framework.ActionAnswer || last.Owner != "northshire-county" || !strings.Contains(last.Detail, "Leadership") || !strings.Contains(last.Detail, "answered") {
		t.Errorf("the answer's entry %+v", last)
	}
	th := f.svc.Threads("eflg", []string{"northshire-police", "northshire-county"})
	if len(th) != 1 || th[0].OrgID != "northshire-county" || th[0].Theme.ID != "leadership" || th[0].Level.Label != "Achieving" || len(th[0].Challenges) != 1 {
		t.Fatalf("threads %+v", th)
	}
	if c := f.svc.Grid("eflg", []string{"northshire-county"}).Cells; c[indexOf(t, f, "leadership")][0].Unanswered != 0 {
		t.Errorf("an answered challenge is counted as unanswered")
	}
}

func indexOf(t *testing.T, f *fixture, theme string) int {
	for i, th := range mustBuiltIn(t)[0].Themes() {
		if th.ID == theme {
			return i
		}
	}
	t.Fatalf("no theme %s", theme)
	return -1
}

// A challenge says everything wrong with it at once, each beside its field.
func TestChallengeProblemsAtOnce(t *testing.T) {
	f := setup(t)
	err := f.svc.Challenge(f.ctx, countyForum, "northshire-county", "eflg", "nope", "")
	var fields []string
	for _, p := range hub.ErrorProblems(err) {
		fields = append(fields, p.Field)
	}
	if !hub.IsCode(err, hub.CodeForbidden) || strings.Join(fields, " ") != "org theme text" {
		t.Fatalf("got %v with fields %v", err, fields)
	}
}

// The record says in words what a level record did: the theme, and from
// which level to which, or that the level was confirmed.
func TestLevelChangesInWords(t *testing.T) {
	f := setup(t)
	for _, lvl := range []string{"developing", "achieving", "achieving"} {
		if _, err := f.svc.Record(f.ctx, policeForum, "northshire-police", "eflg", "leadership", lvl, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, e := range f.log.Entries() {
		got = append(got, e.Detail)
	}
	want := []string{"Leadership: recorded at Developing", "Leadership: from Developing to Achieving", "Leadership: confirmed at Achieving"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("entries say %q, want %q", got, want)
	}
}
