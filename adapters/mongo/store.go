// Package mongo is the hub's store: MongoDB through the official driver,
// and the embedded database speaking the same protocol. It stores documents
// and loads them back; every rule and every sum is the domain's, in Go.
package mongo

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/hub"
)

// Store keeps the hub's documents in one database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	// secrets encrypts identity providers' client secrets at rest; nil keeps them as given.
	secrets cipher.AEAD
}

var _ hub.Store = (*Store)(nil)

// Collection names.
const (
	collMeta          = "meta"
	collPartnership   = "partnership"
	collOrganisations = "organisations"
	collPeople        = "people"
	collSessions      = "sessions"
	collTokens        = "api_tokens"
)

// Open connects to uri, uses database name, and creates the indexes.
func Open(ctx context.Context, uri, name string) (*Store, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	s := &Store{client: client, db: client.Database(name)}
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.createIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// Close disconnects from the database.
func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// Drop removes the whole database; for tests.
func (s *Store) Drop(ctx context.Context) error { return s.db.Drop(ctx) }

func (s *Store) createIndexes(ctx context.Context) error {
	idx := []struct {
		coll  string
		model mongo.IndexModel
	}{
		{collPeople, mongo.IndexModel{Keys: bson.D{{Key: "issuer", Value: 1}, {Key: "subject", Value: 1}}, Options: options.Index().SetUnique(true).SetName("identity")}},
		{collPeople, mongo.IndexModel{Keys: bson.D{{Key: "org", Value: 1}}, Options: options.Index().SetName("org")}},
		{collSessions, mongo.IndexModel{Keys: bson.D{{Key: "expires", Value: 1}}, Options: options.Index().SetName("expires")}},
		{collTokens, mongo.IndexModel{Keys: bson.D{{Key: "person", Value: 1}}, Options: options.Index().SetName("person")}},
	}
	for _, i := range idx {
		if _, err := s.db.Collection(i.coll).Indexes().CreateOne(ctx, i.model); err != nil {
			return translate(err, "creating the index "+i.coll)
		}
	}
	return s.createMonitoringIndexes(ctx)
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return &hub.Error{Code: hub.CodeUnavailable, Message: "The database cannot be reached", Err: err}
	}
	return nil
}

// translate turns a driver error into the hub's vocabulary.
func translate(err error, doing string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return &hub.Error{Code: hub.CodeNotFound, Message: "Not found", Err: err}
	case mongo.IsDuplicateKeyError(err):
		return &hub.Error{Code: hub.CodeConflict, Message: "It already exists", Err: err}
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return &hub.Error{Code: hub.CodeUnavailable, Message: "The database cannot be reached", Err: fmt.Errorf("%s: %w", doing, err)}
	}
	return hub.Internal(err, doing)
}

// findAll decodes every document of a collection that matches filter into T and maps it.
func findAll[D any, T any](ctx context.Context, c *mongo.Collection, filter any, from func(D) T) ([]T, error) {
	return findAllErr(ctx, c, filter, func(d D) (T, error) { return from(d), nil })
}

// findAllErr is findAll with a mapping that can fail.
func findAllErr[D any, T any](ctx context.Context, c *mongo.Collection, filter any, from func(D) (T, error)) ([]T, error) {
	cur, err := c.Find(ctx, filter)
	if err != nil {
		return nil, translate(err, "reading "+c.Name())
	}
	defer cur.Close(ctx)
	var out []T
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decoding "+c.Name())
		}
		v, err := from(d)
		if err != nil {
			return nil, hub.Internal(err, "decoding "+c.Name())
		}
		out = append(out, v)
	}
	return out, translate(cur.Err(), "reading "+c.Name())
}

func (s *Store) replace(ctx context.Context, coll string, id string, doc any, upsert bool) error {
	res, err := s.db.Collection(coll).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(upsert))
	if err != nil {
		return translate(err, "writing "+coll)
	}
	if !upsert && res.MatchedCount == 0 {
		return hub.Errorf(hub.CodeNotFound, "It does not exist")
	}
	return nil
}

// Generation returns the write counter.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(collMeta).FindOne(ctx, bson.D{{Key: "_id", Value: "generation"}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.N, translate(err, "reading the generation")
}

// BumpGeneration adds one to the write counter.
func (s *Store) BumpGeneration(ctx context.Context) (int64, error) {
	var d struct {
		N int64 `bson:"n"`
	}
	err := s.db.Collection(collMeta).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: "generation"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&d)
	return d.N, translate(err, "bumping the generation")
}
