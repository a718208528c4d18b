package hub

import "time"

// FixedWindow counts events in a window of fixed length that begins at the
// first event after the previous window ended: what the hub limits by, such
// as wrong secrets for one API token or refusals put on the record for one
// person.
type FixedWindow struct {
	Start time.Time // when the window began; zero before the first event
	N     int       // events counted in it
}

// Ended reports whether a window of length that began at Start has ended at
// now, or never began.
func (w FixedWindow) Ended(now time.Time, length time.Duration) bool {
	return w.Start.IsZero() || now.Sub(w.Start) >= length
}

// Count counts an event at now, first beginning a new window at now when the
// current one has ended, and returns the events counted in the window.
func (w *FixedWindow) Count(now time.Time, length time.Duration) int {
	if w.Ended(now, length) {
		*w = FixedWindow{Start: now}
	}
	w.N++
	return w.N
}
