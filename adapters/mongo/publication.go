package mongo

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/publication"
)

var _ publication.Store = (*Store)(nil)

const collPublications = "publications"

type publicationDoc struct {
	ID        string `bson:"_id"`
	Document  []byte `bson:"document"`
	Signature string `bson:"signature"`
	Key       string `bson:"key"`
}

// FindPublications returns every published table.
func (s *Store) FindPublications(ctx context.Context) ([]publication.Published, error) {
	return findAllErr(ctx, s.db.Collection(collPublications), bson.D{}, func(d publicationDoc) (publication.Published, error) {
		p := publication.Published{Document: d.Document, Signature: d.Signature, Key: d.Key}
		return p, json.Unmarshal(d.Document, &p.Table)
	})
}

// CreatePublication adds a published table in one write.
func (s *Store) CreatePublication(ctx context.Context, p publication.Published) error {
	if p.Table.ID == "" {
		return hub.Errorf(hub.CodeInvalid, "A published table needs an ID")
	}
	_, err := s.db.Collection(collPublications).InsertOne(ctx, publicationDoc{ID: p.Table.ID, Document: p.Document, Signature: p.Signature, Key: p.Key})
	return translate(err, "adding a publication")
}
