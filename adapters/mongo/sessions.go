package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/partnership/equalityhub/hub"
)

type sessionDoc struct {
	ID       string    `bson:"_id"`
	PersonID string    `bson:"person"`
	Created  time.Time `bson:"created"`
	Expires  time.Time `bson:"expires"`
}

type tokenDoc struct {
	ID       string    `bson:"_id"`
	Hash     string    `bson:"hash"`
	PersonID string    `bson:"person"`
	OrgID    string    `bson:"org"`
	Name     string    `bson:"name"`
	Created  time.Time `bson:"created"`
	Expires  time.Time `bson:"expires"`
	Revoked  time.Time `bson:"revoked"`
	// Scope is absent from tokens made before scopes.
	Scope hub.TokenScope `bson:"scope,omitempty"`
}

func fromSessionDoc(d sessionDoc) hub.Session {
	return hub.Session{ID: d.ID, PersonID: d.PersonID, Created: d.Created.UTC(), Expires: d.Expires.UTC()}
}

func fromTokenDoc(d tokenDoc) hub.APIToken {
	t := hub.APIToken(d)
	t.Created, t.Expires = d.Created.UTC(), d.Expires.UTC()
	if !d.Revoked.IsZero() {
		t.Revoked = d.Revoked.UTC()
	}
	return t
}

// FindSessions returns every session.
func (s *Store) FindSessions(ctx context.Context) ([]hub.Session, error) {
	return findAll(ctx, s.db.Collection(collSessions), bson.D{}, fromSessionDoc)
}

// CreateSession adds a session.
func (s *Store) CreateSession(ctx context.Context, x hub.Session) error {
	_, err := s.db.Collection(collSessions).InsertOne(ctx, sessionDoc(x))
	return translate(err, "adding a session")
}

// DeleteSession removes a session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.Collection(collSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "removing a session")
}

// DeleteSessionsExpiredBefore removes sessions that expired before t.
func (s *Store) DeleteSessionsExpiredBefore(ctx context.Context, t time.Time) (int, error) {
	res, err := s.db.Collection(collSessions).DeleteMany(ctx, bson.D{{Key: "expires", Value: bson.D{{Key: "$lte", Value: t}}}})
	if err != nil {
		return 0, translate(err, "removing expired sessions")
	}
	return int(res.DeletedCount), nil
}

// FindAPITokens returns every API token.
func (s *Store) FindAPITokens(ctx context.Context) ([]hub.APIToken, error) {
	return findAll(ctx, s.db.Collection(collTokens), bson.D{}, fromTokenDoc)
}

// SaveAPIToken creates or replaces a token.
func (s *Store) SaveAPIToken(ctx context.Context, t hub.APIToken) error {
	return s.replace(ctx, collTokens, t.ID, tokenDoc(t), true)
}

// secretKeyDoc is a secret key of the hub, kept once in the meta collection.
type secretKeyDoc struct {
	ID  string `bson:"_id"`
	Key []byte `bson:"key"`
}

// SecretKey returns the key kept under name, first keeping fresh under it
// when there is none. Two processes starting at once both try to insert; the
// second is refused by the unique _id, and both then read the same key.
func (s *Store) SecretKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	id := "key:" + name
	_, err := s.db.Collection(collMeta).InsertOne(ctx, secretKeyDoc{ID: id, Key: fresh})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return nil, translate(err, "keeping the hub's key")
	}
	var d secretKeyDoc
	if err := s.db.Collection(collMeta).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, translate(err, "reading the hub's key")
	}
	return d.Key, nil
}
