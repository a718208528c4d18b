package hub_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// counter is a Reloader that counts its reloads.
type counter struct {
	n   atomic.Int32
	err error
}

func (c *counter) Reload(context.Context) error {
	c.n.Add(1)
	return c.err
}

func (c *counter) reloads() int { return int(c.n.Load()) }

func newReadSide(t *testing.T, interval time.Duration) (*hub.ReadSide, *hubtest.Store, *hub.FixedClock, *counter, *counter) {
	t.Helper()
	store := hubtest.NewStore()
	clock := hub.NewFixedClock(t0)
	rs := hub.NewReadSide(store, interval, clock)
	a, b := &counter{}, &counter{}
	rs.Register(a)
	rs.Register(b)
	if err := rs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 1 || b.reloads() != 1 {
		t.Fatalf("Load reloaded %d and %d times, want each once", a.reloads(), b.reloads())
	}
	return rs, store, clock, a, b
}

func TestSyncReloadsOnlyWhenGenerationChanged(t *testing.T) {
	ctx := context.Background()
	rs, store, _, a, b := newReadSide(t, 0)
	for range 3 {
		if err := rs.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if a.reloads() != 1 {
		t.Fatalf("Sync with an unchanged generation reloaded: %d reloads", a.reloads())
	}
	if _, err := store.BumpGeneration(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 2 || b.reloads() != 2 {
		t.Fatalf("Sync after another process wrote: %d and %d reloads, want 2 each", a.reloads(), b.reloads())
	}
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 2 {
		t.Fatal("Sync reloaded twice for one change")
	}
}

func TestSyncBeforeLoadReloads(t *testing.T) {
	store := hubtest.NewStore()
	rs := hub.NewReadSide(store, time.Hour, hub.NewFixedClock(t0))
	c := &counter{}
	rs.Register(c)
	if err := rs.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.reloads() != 1 {
		t.Fatalf("the first Sync reloaded %d times, want once even at generation 0", c.reloads())
	}
}

func TestSyncRespectsInterval(t *testing.T) {
	ctx := context.Background()
	rs, store, clock, a, _ := newReadSide(t, time.Minute)
	_, _ = store.BumpGeneration(ctx)
	clock.Advance(59 * time.Second)
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 1 {
		t.Fatal("Sync checked the store before the interval had passed")
	}
	store.FailWith("Generation", errors.New("the store must not be asked"))
	if err := rs.Sync(ctx); err != nil {
		t.Fatalf("Sync inside the interval asked the store: %v", err)
	}
	store.SetHook(nil)
	clock.Advance(time.Second)
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 2 {
		t.Fatalf("Sync after the interval: %d reloads, want 2", a.reloads())
	}
	_, _ = store.BumpGeneration(ctx)
	clock.Advance(30 * time.Second)
	_ = rs.Sync(ctx)
	if a.reloads() != 2 {
		t.Fatal("the interval was not restarted by the last check")
	}
	clock.Advance(30 * time.Second)
	_ = rs.Sync(ctx)
	if a.reloads() != 3 {
		t.Fatalf("%d reloads, want 3", a.reloads())
	}
}

func TestWroteKeepsMemoryWhenNoOtherWriter(t *testing.T) {
	ctx := context.Background()
	rs, store, clock, a, _ := newReadSide(t, time.Minute)
	for range 3 {
		if err := rs.Wrote(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if g, _ := store.Generation(ctx); g != 3 {
		t.Fatalf("Wrote did not bump the generation: %d", g)
	}
	clock.Advance(time.Hour)
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 1 {
		t.Fatalf("own writes caused a reload: %d reloads", a.reloads())
	}
}

func TestWroteAfterAnotherWriterForcesReload(t *testing.T) {
	ctx := context.Background()
	rs, store, _, a, _ := newReadSide(t, time.Hour)
	_, _ = store.BumpGeneration(ctx) // another process writes
	if err := rs.Wrote(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 2 {
		t.Fatalf("a write after another process's write: %d reloads, want the next Sync to reload despite the interval", a.reloads())
	}
	if err := rs.Wrote(ctx); err != nil {
		t.Fatal(err)
	}
	_ = rs.Sync(ctx)
	if a.reloads() != 2 {
		t.Fatal("after the reload, an own write caused another")
	}
}

func TestReadSideErrors(t *testing.T) {
	ctx := context.Background()
	rs, store, _, a, _ := newReadSide(t, 0)
	down := hub.Errorf(hub.CodeUnavailable, "the store is down")
	store.FailWith("BumpGeneration", down)
	if err := rs.Wrote(ctx); !errors.Is(err, down) {
		t.Fatalf("Wrote with the store down = %v", err)
	}
	store.FailWith("Generation", down)
	if err := rs.Sync(ctx); !errors.Is(err, down) {
		t.Fatalf("Sync with the store down = %v", err)
	}
	store.SetHook(nil)
	_, _ = store.BumpGeneration(ctx)
	broken := errors.New("reload failed")
	a.err = broken
	if err := rs.Sync(ctx); !errors.Is(err, broken) {
		t.Fatalf("Sync with a failing part = %v", err)
	}
	a.err = nil
	if err := rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a.reloads() != 3 {
		t.Fatalf("a failed reload was not retried: %d reloads", a.reloads())
	}
}
