package mongo

import (
	"context"

	"github.com/partnership/equalityhub/hub/sharing"
)

var _ sharing.Store = (*Store)(nil)

const collProtocols = "protocols"

// FindProtocols returns every protocol.
func (s *Store) FindProtocols(ctx context.Context) ([]sharing.Protocol, error) {
	return findJSON[sharing.Protocol](ctx, s.db.Collection(collProtocols))
}

// SaveProtocol creates or replaces a protocol in one write.
func (s *Store) SaveProtocol(ctx context.Context, p sharing.Protocol) error {
	d, err := jsonOf(jsonDoc{ID: p.ID}, p)
	if err != nil {
		return err
	}
	return s.replace(ctx, collProtocols, p.ID, d, true)
}
