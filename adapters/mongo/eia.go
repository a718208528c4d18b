package mongo

import (
	"context"

	"github.com/partnership/equalityhub/hub/eia"
)

var _ eia.Store = (*Store)(nil)

const collEIAs = "eias"

// FindEIAs returns every impact assessment.
func (s *Store) FindEIAs(ctx context.Context) ([]eia.EIA, error) {
	return findJSON[eia.EIA](ctx, s.db.Collection(collEIAs))
}

// SaveEIA creates or replaces an impact assessment in one write.
func (s *Store) SaveEIA(ctx context.Context, e eia.EIA) error {
	d, err := jsonOf(jsonDoc{ID: e.ID, OrgID: e.LeadOrg, Version: e.Version}, e)
	if err != nil {
		return err
	}
	return s.replace(ctx, collEIAs, e.ID, d, true)
}
