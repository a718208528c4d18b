package mongo

import (
	"context"

	"github.com/partnership/equalityhub/hub/figures"
)

var _ figures.Store = (*Store)(nil)

const collReleases = "disclosure_releases"

// FindReleases returns what the protected patterns of each theme and year have shown.
func (s *Store) FindReleases(ctx context.Context) ([]figures.Release, error) {
	return findJSON[figures.Release](ctx, s.db.Collection(collReleases))
}

// SaveRelease creates or replaces a theme and year's release in one write.
func (s *Store) SaveRelease(ctx context.Context, r figures.Release) error {
	d, err := jsonOf(jsonDoc{ID: r.Slot}, r)
	if err != nil {
		return err
	}
	return s.replace(ctx, collReleases, r.Slot, d, true)
}
