package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/strategy"
)

// fifty is a strategy.Values with 50 for every indicator in every period.
type fifty struct{}

func (fifty) Value(strategy.IndicatorRef, string) (float64, bool) { return 50, true }

func TestStrategy(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	now := time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC)
	os, err := strategy.DemoObjectives(now, fifty{})
	if err != nil {
		t.Fatal(err)
	}
	o := os[0]
	o.Actions[0].Notes = []strategy.Note{{Quarter: "2026-27-Q2", Text: "Survey under way", By: "pat", At: now}}
	o.Created, o.CreatedBy, o.Updated = now, "fay", now
	for _, x := range []strategy.Objective{o, os[1]} {
		if err := s.SaveObjective(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	first := o
	o.Statement = "To provide a fair service to all our communities"
	o.Version, o.Earlier = 2, []strategy.Objective{first}
	o.Actions[0].Status, o.Actions[0].DoneAt, o.Actions[0].DoneBy, o.Actions[0].DoneByName, o.Actions[0].DoneNote = strategy.Done, now, "pat", "Pat", "Survey done"
	o.Retired, o.RetiredBy, o.RetiredWhy = now, "fay", "Met early"
	if err := s.SaveObjective(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindObjectives(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]strategy.Objective{}
	for _, g := range got {
		byID[g.ID] = g
	}
	if len(got) != 2 || !reflect.DeepEqual(byID[o.ID], o) || !reflect.DeepEqual(byID[os[1].ID], os[1]) {
		t.Fatalf("loaded back:\n%+v\nwant\n%+v", byID[o.ID], o)
	}

	r := strategy.Report{Quarter: "2026-27-Q2", Made: now, MadeBy: "fay", Objectives: []strategy.ObjectiveReport{{
		ID: o.ID, Statement: o.Statement,
		Actions: []strategy.ActionStatus{{ID: "a1", Text: "t", OwnerOrg: "northshire-police", Due: now, Status: strategy.Delayed, Overdue: true, Note: "n", FromEIA: "e1"}},
		Measures: []strategy.MeasureReport{{ID: "m1", Label: "l", Progress: strategy.Progress{Latest: 71.5, LatestPeriod: "2026-27",
			Expected: 71, Status: strategy.ProgressOnTrack, Points: []strategy.Point{{Period: "2025-26", Value: 68}, {Period: "2026-27", Value: 71.5}}}}},
	}}}
	if err := s.SaveReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	// Making it again keeps a second version beside the first.
	r.Version = 1
	r2 := r
	r2.Version, r2.Made = 2, now.Add(time.Hour)
	if err := s.SaveReport(ctx, r2); err != nil {
		t.Fatal(err)
	}
	reports, err := s.FindReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byVersion := map[int]strategy.Report{}
	for _, x := range reports {
		if x.Version == 0 {
			x.Version = 1
		}
		byVersion[x.Version] = x
	}
	if len(reports) != 2 || !reflect.DeepEqual(byVersion[1], r) || !reflect.DeepEqual(byVersion[2], r2) {
		t.Fatalf("reports loaded back:\n%+v\nwant\n%+v\n%+v", reports, r, r2)
	}
}

func TestDutyRecords(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	at := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	r := duty.Record{ID: "publication-1", OrgID: "northshire-county", Kind: duty.Information, Date: at, Title: "Equality information 2026",
		URL: "https://www.northshire.gov.uk/equality", RecordedBy: "fay", RecordedByName: "Fay", RecordedAt: at.Add(time.Hour)}
	if err := s.SaveDutyRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindDutyRecords(ctx)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], r) {
		t.Fatalf("loaded back: %+v, %v", got, err)
	}
}

func TestAnnualReports(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	r := strategy.AnnualReport{ID: "annual-1", Year: "2025-26", Characteristics: []string{"Ethnic group"}, Published: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC),
		PublishedBy: "fay", PublishedByName: "Fay", Sections: []strategy.AnnualSection{{Heading: "Ethnic group",
			Tables: []strategy.AnnualTable{{Caption: "Residents by ethnic group", Header: []string{"Ethnic group", "Northshire"}, Rows: [][]string{{"White", "1,000"}}}},
			Notes:  []string{"n"}, Links: []strategy.AnnualLink{{Title: "t", URL: "/published/x"}}}},
		Objectives: []strategy.AnnualObjective{{Statement: "s", Measures: []string{"m: on track"}}}, Summary: []string{"p"}}
	if err := s.SaveAnnualReport(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindAnnualReports(ctx)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], r) {
		t.Fatalf("loaded back: %+v, %v", got, err)
	}
}
