package hub_test

import (
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

func TestFixedWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var w hub.FixedWindow
	if !w.Ended(t0, time.Minute) {
		t.Fatal("a window that never began has not ended")
	}
	for i := range 3 {
		if n := w.Count(t0.Add(time.Duration(i)*20*time.Second), time.Minute); n != i+1 {
			t.Fatalf("event %d counted as %d", i+1, n)
		}
	}
	if w.Start != t0 || w.Ended(t0.Add(59*time.Second), time.Minute) || !w.Ended(t0.Add(time.Minute), time.Minute) {
		t.Fatalf("the window %+v does not last a minute from its first event", w)
	}
	if n := w.Count(t0.Add(61*time.Second), time.Minute); n != 1 || w.Start != t0.Add(61*time.Second) {
		t.Fatalf("an event after the window ended: %d, %+v", n, w)
	}
}
