package hub

import (
	"context"
	"sync"
	"time"
)

// Reloader rebuilds what a service holds in memory from the store.
type Reloader interface {
	Reload(ctx context.Context) error
}

// ReadSide keeps the in-memory copies of every service in step with the store.
// Request paths read memory only; every write bumps the store's generation
// counter, and Sync reloads when another hub process has written since.
type ReadSide struct {
	store    GenerationStore
	interval time.Duration
	clock    Clock

	// writes is held shared by each local write (store, then memory, then Wrote)
	// and alone by a reload, so that a reload never lays what it read from the
	// store over a write applied to memory after that read.
	writes sync.RWMutex

	mu      sync.Mutex
	parts   []Reloader
	seen    int64 // the generation memory reflects
	checked time.Time
}

// NewReadSide returns a read side that checks the generation at most once per interval (0: on every Sync).
func NewReadSide(store GenerationStore, interval time.Duration, clock Clock) *ReadSide {
	return &ReadSide{store: store, interval: interval, clock: clock, seen: -1}
}

// Register adds a service whose memory the read side keeps current.
func (r *ReadSide) Register(parts ...Reloader) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parts = append(r.parts, parts...)
}

// BeginWrite marks a local write in progress and returns the function that
// ends it. A service calls it once, in the outermost method that writes, and
// holds it until after Wrote.
func (r *ReadSide) BeginWrite() (end func()) {
	r.writes.RLock()
	return r.writes.RUnlock
}

// Load reloads every registered service now.
func (r *ReadSide) Load(ctx context.Context) error {
	r.writes.Lock()
	defer r.writes.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reloadLocked(ctx)
}

func (r *ReadSide) reloadLocked(ctx context.Context) error {
	gen, err := r.store.Generation(ctx)
	if err != nil {
		return err
	}
	for _, p := range r.parts {
		if err := p.Reload(ctx); err != nil {
			return err
		}
	}
	r.seen, r.checked = gen, r.clock.Now()
	return nil
}

// Sync reloads when the store has changed since memory was loaded, checking at most once per interval.
func (r *ReadSide) Sync(ctx context.Context) error {
	r.mu.Lock()
	now := r.clock.Now()
	if r.seen >= 0 && r.interval > 0 && now.Sub(r.checked) < r.interval {
		r.mu.Unlock()
		return nil
	}
	gen, err := r.store.Generation(ctx)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	r.checked = now
	stale := gen != r.seen
	r.mu.Unlock()
	if !stale {
		return nil
	}
	// Reloads wait for local writes in progress, then take the read side alone.
	r.writes.Lock()
	defer r.writes.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen, err := r.store.Generation(ctx); err == nil && gen == r.seen {
		return nil // another request reloaded meanwhile
	}
	return r.reloadLocked(ctx)
}

// Wrote records a write this process has made and already applied to memory,
// between BeginWrite and its end.
// When no other process wrote in between, memory stays as it is; otherwise the
// next Sync reloads.
func (r *ReadSide) Wrote(ctx context.Context) error {
	gen, err := r.store.BumpGeneration(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen == r.seen+1 {
		r.seen = gen
	} else {
		r.checked = time.Time{}
	}
	return nil
}
