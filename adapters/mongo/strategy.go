package mongo

import (
	"context"

	"github.com/partnership/equalityhub/hub/strategy"
)

var _ strategy.Store = (*Store)(nil)

const (
	collObjectives = "strategy_objectives"
	collReports    = "strategy_reports"
)

// FindObjectives returns every objective of the equality strategy.
func (s *Store) FindObjectives(ctx context.Context) ([]strategy.Objective, error) {
	return findJSON[strategy.Objective](ctx, s.db.Collection(collObjectives))
}

// SaveObjective creates or replaces an objective in one write.
func (s *Store) SaveObjective(ctx context.Context, o strategy.Objective) error {
	d, err := jsonOf(jsonDoc{ID: o.ID}, o)
	if err != nil {
		return err
	}
	return s.replace(ctx, collObjectives, o.ID, d, true)
}

// FindReports returns every quarterly report of the equality strategy.
func (s *Store) FindReports(ctx context.Context) ([]strategy.Report, error) {
	return findJSON[strategy.Report](ctx, s.db.Collection(collReports))
}

// SaveReport creates or replaces the report of a quarter in one write, keyed by the quarter.
func (s *Store) SaveReport(ctx context.Context, r strategy.Report) error {
	d, err := jsonOf(jsonDoc{ID: r.Quarter}, r)
	if err != nil {
		return err
	}
	return s.replace(ctx, collReports, r.Quarter, d, true)
}
