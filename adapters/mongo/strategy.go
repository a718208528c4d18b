package mongo

import (
	"context"
	"strconv"

	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/strategy"
)

var _ strategy.Store = (*Store)(nil)

const (
	collObjectives = "strategy_objectives"
	collReports    = "strategy_reports"
	collDuty       = "strategy_duty_publications"
	collAnnual     = "strategy_annual_reports"
)

// FindAnnualReports returns the annual reports published.
func (s *Store) FindAnnualReports(ctx context.Context) ([]strategy.AnnualReport, error) {
	return findJSON[strategy.AnnualReport](ctx, s.db.Collection(collAnnual))
}

// SaveAnnualReport keeps an annual report published, in one write.
func (s *Store) SaveAnnualReport(ctx context.Context, r strategy.AnnualReport) error {
	d, err := jsonOf(jsonDoc{ID: r.ID}, r)
	if err != nil {
		return err
	}
	return s.replace(ctx, collAnnual, r.ID, d, true)
}

// FindDutyRecords returns the publications recorded for the duty calendar.
func (s *Store) FindDutyRecords(ctx context.Context) ([]duty.Record, error) {
	return findJSON[duty.Record](ctx, s.db.Collection(collDuty))
}

// SaveDutyRecord keeps a publication recorded for the duty calendar in one write.
func (s *Store) SaveDutyRecord(ctx context.Context, r duty.Record) error {
	d, err := jsonOf(jsonDoc{ID: r.ID}, r)
	if err != nil {
		return err
	}
	return s.replace(ctx, collDuty, r.ID, d, true)
}

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

// SaveReport keeps a version of the report of a quarter in one write: the
// first version is keyed by the quarter (as reports were before versions
// were kept), each later one by the quarter and its version.
func (s *Store) SaveReport(ctx context.Context, r strategy.Report) error {
	id := reportID(r)
	d, err := jsonOf(jsonDoc{ID: id}, r)
	if err != nil {
		return err
	}
	return s.replace(ctx, collReports, id, d, true)
}

func reportID(r strategy.Report) string {
	if r.Version <= 1 {
		return r.Quarter
	}
	return r.Quarter + "/" + strconv.Itoa(r.Version)
}
