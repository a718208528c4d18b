package mongo

import (
	"context"

	"github.com/partnership/equalityhub/hub/framework"
)

var _ framework.Store = (*Store)(nil)

const (
	collFrameworks  = "frameworks"
	collAssessments = "framework_assessments"
)

// FindAssessments returns every self-assessment.
func (s *Store) FindAssessments(ctx context.Context) ([]framework.Assessment, error) {
	return findJSON[framework.Assessment](ctx, s.db.Collection(collAssessments))
}

// SaveAssessment creates or replaces the assessment of an organisation's theme in one write.
func (s *Store) SaveAssessment(ctx context.Context, a framework.Assessment) error {
	d, err := jsonOf(jsonDoc{ID: a.Key(), OrgID: a.OrgID}, a)
	if err != nil {
		return err
	}
	return s.replace(ctx, collAssessments, a.Key(), d, true)
}

// FindFrameworks returns every added framework; built-in ones are not stored.
func (s *Store) FindFrameworks(ctx context.Context) ([]framework.Framework, error) {
	return findJSON[framework.Framework](ctx, s.db.Collection(collFrameworks))
}

// SaveFramework creates or replaces a framework in one write.
func (s *Store) SaveFramework(ctx context.Context, f framework.Framework) error {
	d, err := jsonOf(jsonDoc{ID: f.ID}, f)
	if err != nil {
		return err
	}
	return s.replace(ctx, collFrameworks, f.ID, d, true)
}
