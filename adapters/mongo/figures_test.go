package mongo_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub/figures"
)

func TestReleases(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	r := figures.Release{Slot: "hate-crime/2024-25", Key: "k1", Shown: map[string][]int64{"ethnicity|reported|northshire-police|group:black|year": {40}}, Cells: 12,
		Decided: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	if err := s.SaveRelease(ctx, r); err != nil {
		t.Fatal(err)
	}
	r.Key, r.Shown["ethnicity|reported|northshire-police|group:black|year"] = "k2", []int64{40, 47}
	if err := s.SaveRelease(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindReleases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], r) {
		t.Fatalf("got %+v, want %+v", got, r)
	}
}
