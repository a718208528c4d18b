package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
)

func sampleEIA() eia.EIA {
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	return eia.EIA{
		ID: "e1", Title: "Library opening hours", Subject: eia.SubjectService, Summary: "Shorter hours",
		LeadOrg: "council", Participants: []string{"nhs"},
		Team:     []eia.TeamMember{{PersonID: "p1", Name: "Priya", OrgID: "council"}},
		Decision: "Cabinet, March", DecisionDate: day, DecisionMakers: []string{"council", "nhs"},
		ReviewDate: day.AddDate(1, 0, 0), Stage: eia.StageSigned,
		Screening: eia.Screening{Relevance: map[hub.Characteristic]eia.Relevance{hub.Age: {Relevant: true, Reason: "older readers"}},
			Conclusion: eia.FullAssessment, Reason: "age and disability"},
		Assessment: eia.Assessment{
			Evidence:   []eia.Evidence{{Kind: eia.EvidenceHub, Title: "Users by age", Link: "/data/picture?theme=libraries", Date: day, Summary: "s"}},
			Impacts:    map[string]eia.Impact{"age": {Effect: eia.Negative, Reasoning: "r", Evidence: []int{0}}},
			Conclusion: eia.Adjust, ConclusionReason: "mobile library",
		},
		Actions: []eia.Action{{ID: "a1", Text: "Mobile library", OwnerOrg: "council", Due: day, Status: eia.ActionOpen}},
		Scrutiny: eia.Scrutiny{OpenFrom: t0, OpenUntil: t0.AddDate(0, 0, 14), Comments: []eia.Comment{{ID: "c1", PersonID: "adv", Name: "Ann",
			Characteristic: hub.Age, Section: "impacts", Text: "why?", Challenge: true, At: t0,
			Response: &eia.Response{PersonID: "p1", Name: "Priya", Text: "because", At: t0.Add(time.Hour)}}}},
		SignOffs: []eia.SignOff{{OrgID: "council", PersonID: "d1", Name: "Dee", At: t0, Version: 2,
			Attestations: eia.Brown{Aware: true, BeforeDecision: true, Substance: true, Personal: true, Continuing: true, Recorded: true}}},
		Version: 2,
		History: []eia.Snapshot{{Version: 1, At: t0, Stage: eia.StageSigned, Summary: "first",
			SignOffs: []eia.SignOff{{OrgID: "nhs", PersonID: "d2", At: t0, Version: 1}}}},
		Created: t0, CreatedBy: "p1", Updated: t0,
	}
}

func TestEIAs(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	e := sampleEIA()
	if err := s.SaveEIA(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindEIAs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Fatalf("loaded back:\n%+v\nwant\n%+v", got, e)
	}
	e.Stage, e.Version, e.Title = eia.StagePublished, 3, "Library hours"
	if err := s.SaveEIA(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err = s.FindEIAs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Fatalf("after replace: %+v, want %+v", got, e)
	}
}
