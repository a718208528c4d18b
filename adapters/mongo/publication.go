package mongo

import (
	"context"
	"encoding/json"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/publication"
)

var _ publication.Store = (*Store)(nil)

const collPublications = "publications"

type publicationDoc struct {
	ID        string         `bson:"_id"`
	Document  []byte         `bson:"document"`
	Signature string         `bson:"signature"`
	Key       string         `bson:"key"`
	Withdrawn *withdrawalDoc `bson:"withdrawn,omitempty"`
}

type withdrawalDoc struct {
	At       time.Time `bson:"at"`
	ByOrg    string    `bson:"by_org"`
	ByPerson string    `bson:"by_person"`
	Name     string    `bson:"name"`
	Reason   string    `bson:"reason"`
}

// FindPublications returns every published table.
func (s *Store) FindPublications(ctx context.Context) ([]publication.Published, error) {
	return findAllErr(ctx, s.db.Collection(collPublications), bson.D{}, func(d publicationDoc) (publication.Published, error) {
		p := publication.Published{Document: d.Document, Signature: d.Signature, Key: d.Key}
		if w := d.Withdrawn; w != nil {
			p.Withdrawn = &publication.Withdrawal{At: w.At.UTC(), ByOrg: w.ByOrg, ByPerson: w.ByPerson, Name: w.Name, Reason: w.Reason}
		}
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

// WithdrawPublication puts the withdrawal on a published table in one write,
// unless it is withdrawn already.
func (s *Store) WithdrawPublication(ctx context.Context, id string, w publication.Withdrawal) error {
	c := s.db.Collection(collPublications)
	doc := withdrawalDoc{At: w.At, ByOrg: w.ByOrg, ByPerson: w.ByPerson, Name: w.Name, Reason: w.Reason}
	res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "withdrawn", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "withdrawn", Value: doc}}}})
	if err != nil {
		return translate(err, "withdrawing a publication")
	}
	if res.MatchedCount == 1 {
		return nil
	}
	if n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return translate(err, "withdrawing a publication")
	} else if n == 0 {
		return hub.Errorf(hub.CodeNotFound, "There is no such published table")
	}
	return hub.Errorf(hub.CodeConflict, "The table was withdrawn already")
}
