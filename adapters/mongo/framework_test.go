package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub/framework"
)

func TestFrameworkStore(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	at := time.Date(2027, 4, 1, 9, 30, 0, 0, time.UTC)
	fw := framework.Framework{ID: "local", Name: "Local charter",
		Levels:  []framework.Level{{Code: "bronze", Label: "Bronze", Rank: 1}, {Code: "gold", Label: "Gold", Rank: 2}},
		Modules: []framework.Module{{ID: "m", Name: "Module", Themes: []framework.Theme{{ID: "t", Name: "Theme", Description: "d", Evidence: []string{"eia"}}}}}}
	if err := s.SaveFramework(ctx, fw); err != nil {
		t.Fatal(err)
	}
	fs, err := s.FindFrameworks(ctx)
	if err != nil || len(fs) != 1 || !reflect.DeepEqual(fs[0], fw) {
		t.Fatalf("frameworks %+v %v", fs, err)
	}

	a := framework.Assessment{OrgID: "council", FrameworkID: "eflg", Theme: "leadership", Level: "achieving",
		Evidence: []framework.EvidenceLink{{Kind: "eia", Title: "Library EIA", Link: "/eia/1"}}, Note: "n", By: "p1", At: at,
		Challenges: []framework.Challenge{{ByOrg: "police", ByPerson: "p2", Name: "Pat", Text: "why?", At: at.Add(time.Hour)}},
		History:    []framework.Assessment{{OrgID: "council", FrameworkID: "eflg", Theme: "leadership", Level: "developing", By: "p1", At: at.AddDate(-1, 0, 0)}}}
	for range 2 { // the second save replaces the first
		if err := s.SaveAssessment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	other := a
	other.Theme, other.History, other.Challenges = "service-delivery", nil, nil
	if err := s.SaveAssessment(ctx, other); err != nil {
		t.Fatal(err)
	}
	as, err := s.FindAssessments(ctx)
	if err != nil || len(as) != 2 {
		t.Fatalf("assessments %+v %v", as, err)
	}
	got := map[string]framework.Assessment{}
	for _, x := range as {
		got[x.Key()] = x
	}
	if !reflect.DeepEqual(got[a.Key()], a) || !reflect.DeepEqual(got[other.Key()], other) {
		t.Fatalf("loaded back:\n%+v\nwant\n%+v and %+v", got, a, other)
	}
}
