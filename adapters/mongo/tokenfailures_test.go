package mongo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
)

// Wrong token secrets sent to several processes at once each take a place
// of their own, none lost; past the last place they are said to be too
// many; a refusal is kept, and a later one does not shorten it; old wrong
// secrets and ended refusals are forgotten.
func TestTokenFailures(t *testing.T) {
	s, ctx := mongotest.MustStore(t), context.Background()
	var wg sync.WaitGroup
	places := make(chan int, 7)
	for i := range 7 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := s.AddTokenFailure(ctx, "tok-1", 100, 5, t0.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Error(err)
			}
			places <- k
		}()
	}
	wg.Wait()
	close(places)
	seen := map[int]int{}
	for k := range places {
		seen[k]++
	}
	for k := 1; k <= 5; k++ {
		if seen[k] != 1 {
			t.Errorf("place %d was given %d times: %v", k, seen[k], seen)
		}
	}
	if seen[6] != 2 {
		t.Errorf("%d wrong secrets past the last place, want 2: %v", seen[6], seen)
	}
	if ats, err := s.TokenFailures(ctx, "tok-1", 100, 5); err != nil || len(ats) != 5 {
		t.Fatalf("the bucket's wrong secrets: %v, %v", ats, err)
	}
	if ats, err := s.TokenFailures(ctx, "tok-1", 99, 5); err != nil || len(ats) != 0 {
		t.Fatalf("an empty bucket: %v, %v", ats, err)
	}
	until := t0.Add(15 * time.Minute)
	if kept, made, err := s.LockToken(ctx, "tok-1", t0, until); err != nil || !made || !kept.Equal(until) {
		t.Fatalf("refusing a token: %v, %v, %v", kept, made, err)
	}
	if kept, made, err := s.LockToken(ctx, "tok-1", t0.Add(time.Minute), until.Add(time.Minute)); err != nil || made || !kept.Equal(until) {
		t.Fatalf("a second refusal while the first is in force: %v, %v, %v", kept, made, err)
	}
	if locks, err := s.FindTokenLocks(ctx); err != nil || len(locks) != 1 || !locks["tok-1"].Equal(until) {
		t.Fatalf("the refusals: %v, %v", locks, err)
	}
	if err := s.DeleteTokenFailuresBefore(ctx, t0.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	ats, err := s.TokenFailures(ctx, "tok-1", 100, 5)
	if err != nil || len(ats) == 0 {
		t.Fatalf("after forgetting the old: %v, %v", ats, err)
	}
	for _, at := range ats {
		if at.Before(t0.Add(3 * time.Second)) {
			t.Fatalf("old wrong secrets kept: %v", ats)
		}
	}
	if err := s.DeleteTokenFailuresBefore(ctx, until.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if locks, err := s.FindTokenLocks(ctx); err != nil || len(locks) != 0 {
		t.Fatalf("an ended refusal kept: %v, %v", locks, err)
	}
}
