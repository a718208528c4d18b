package figures

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// ActionDecide is the record's action for a pattern decided for a theme
// and year.
const ActionDecide = "disclosure.decide"

// Release is what the patterns of a theme and year have shown of each
// partner's cells, kept in the store: a later pattern (after a correction,
// or a late return) must not let a shown count be set against an earlier
// one to give a small difference away, and the record says what changed.
type Release struct {
	Slot    string             // theme/year
	Key     string             // the returns and rules of the latest pattern
	Shown   map[string][]int64 // per cell: every value it has been shown with
	Cells   int                // cells of the latest pattern
	Decided time.Time
}

// Store keeps the releases. Errors: internal.
type Store interface {
	FindReleases(ctx context.Context) ([]Release, error)
	SaveRelease(ctx context.Context, r Release) error
}

// Reload reads the releases from the store.
func (g *Gate) Reload(ctx context.Context) error {
	if g.store == nil {
		return nil
	}
	rs, err := g.store.FindReleases(ctx)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.releases = map[string]Release{}
	for _, r := range rs {
		g.releases[r.Slot] = r
	}
	return nil
}

// name of a partner's cell in a release, stable as partners come and go.
func (p *protected) releaseKey(k cellKey) string {
	period := "year"
	if k.period != Year && len(p.periods) > 1 {
		period = string(p.periods[k.period])
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s", k.question, p.theme.Measures[k.measure].ID, p.partners[k.partner], k.answer, period)
}

// kept decides what to keep of a new pattern, and what the record says.
func (g *Gate) kept(ctx context.Context, p *protected, slot string) error {
	g.mu.Lock()
	old, had := g.releases[slot]
	g.mu.Unlock()
	if had && old.Key == p.key {
		return nil
	}
	r := Release{Slot: slot, Key: p.key, Shown: map[string][]int64{}, Cells: len(p.cells), Decided: g.clock.Now()}
	if had {
		for k, vs := range old.Shown {
			r.Shown[k] = slices.Clone(vs)
		}
	}
	newly, withdrawn := 0, 0
	for k, c := range p.cells {
		if k.partner == AllPartners {
			continue
		}
		name := p.releaseKey(k)
		_, before := old.Shown[name]
		if c.Status.Suppressed() {
			if before && had {
				withdrawn++
			}
			continue
		}
		v := p.raws[k]
		if !slices.Contains(r.Shown[name], v) {
			r.Shown[name] = append(r.Shown[name], v)
		}
		if !before {
			newly++
		}
	}
	detail := fmt.Sprintf("%s %s protected once for every recipient from %d returns: %d of %d cells shown", p.theme.Name, p.year, len(p.byID), p.released, len(p.cells))
	if had {
		detail += fmt.Sprintf("; since the last decision %d cells newly shown, %d withheld that were shown", newly, withdrawn)
	}
	if _, err := g.log.Record(ctx, audit.Entry{Action: ActionDecide, Object: "patterns/" + slot, Detail: detail}); err != nil {
		return hub.Internal(err, "recording a protected pattern")
	}
	if g.store != nil {
		if err := g.store.SaveRelease(ctx, r); err != nil {
			return err
		}
	}
	g.mu.Lock()
	g.releases[slot] = r
	g.mu.Unlock()
	return nil
}

// history returns, for a new pattern, whether showing a partner's cell
// with a count would set it against a value shown before by a small
// difference (a correction of a few people).
func history(old Release, threshold func(question string) int64) func(name, question string, v int64) bool {
	shown := maps.Clone(old.Shown)
	return func(name, question string, v int64) bool {
		for _, w := range shown[name] {
			if d := max(v-w, w-v); d > 0 && d < threshold(question) {
				return true
			}
		}
		return false
	}
}
