package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collTokenFailures holds the wrong secrets sent for API token IDs, one small
// document a wrong secret, whose _id names the token ID, the bucket and the
// place in it, and one document a refused token ID ("lock:" and the ID).
// Every write is one insert, or one update, by _id: the embedded database
// has no transactions, and an update there reads and writes back in two
// steps, so a count kept with $inc loses some of the wrong secrets sent to
// several processes at once; an insert of a taken _id is refused, whoever
// tries it.
const collTokenFailures = "api_token_failures"

// tokenFailureDoc is one wrong secret, or a refusal.
type tokenFailureDoc struct {
	ID    string    `bson:"_id"`
	At    time.Time `bson:"at,omitempty"`    // when the wrong secret was sent
	Until time.Time `bson:"until,omitempty"` // a refusal: until when
}

func failurePlace(id string, bucket int64, k int) string {
	return fmt.Sprintf("%s:%d:%d", id, bucket, k)
}

const lockPrefix = "lock:"

// AddTokenFailure keeps a wrong secret in the first free place of a token
// ID's bucket, trying the places in order.
func (s *Store) AddTokenFailure(ctx context.Context, id string, bucket int64, max int, at time.Time) (int, error) {
	c := s.db.Collection(collTokenFailures)
	for k := 1; k <= max; k++ {
		_, err := c.InsertOne(ctx, tokenFailureDoc{ID: failurePlace(id, bucket, k), At: at})
		if err == nil {
			return k, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, translate(err, "counting a wrong token secret")
		}
	}
	return max + 1, nil
}

// TokenFailures returns when the wrong secrets kept in a token ID's bucket
// were sent, finding each place by _id.
func (s *Store) TokenFailures(ctx context.Context, id string, bucket int64, max int) ([]time.Time, error) {
	c := s.db.Collection(collTokenFailures)
	var out []time.Time
	for k := 1; k <= max; k++ {
		var d tokenFailureDoc
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: failurePlace(id, bucket, k)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, translate(err, "reading wrong token secrets")
		}
		out = append(out, d.At.UTC())
	}
	return out, nil
}

// LockToken keeps that a token ID is refused until until, unless a refusal
// in force at from is kept already.
func (s *Store) LockToken(ctx context.Context, id string, from, until time.Time) (time.Time, bool, error) {
	c := s.db.Collection(collTokenFailures)
	var d tokenFailureDoc
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: lockPrefix + id}}).Decode(&d)
	switch {
	case err == nil && from.Before(d.Until):
		return d.Until.UTC(), false, nil
	case err != nil && !errors.Is(err, mongo.ErrNoDocuments):
		return time.Time{}, false, translate(err, "reading a token's refusal")
	}
	_, err = c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: lockPrefix + id}}, tokenFailureDoc{ID: lockPrefix + id, Until: until}, options.Replace().SetUpsert(true))
	if err != nil {
		return time.Time{}, false, translate(err, "refusing a token")
	}
	return until, true, nil
}

// FindTokenLocks returns until when each refused token ID is refused.
func (s *Store) FindTokenLocks(ctx context.Context) (map[string]time.Time, error) {
	ds, err := findAll(ctx, s.db.Collection(collTokenFailures), bson.D{}, func(d tokenFailureDoc) tokenFailureDoc { return d })
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, d := range ds {
		if id, ok := strings.CutPrefix(d.ID, lockPrefix); ok {
			out[id] = d.Until.UTC()
		}
	}
	return out, nil
}

// DeleteTokenFailuresBefore forgets wrong secrets sent, and refusals ended, before t.
func (s *Store) DeleteTokenFailuresBefore(ctx context.Context, t time.Time) error {
	_, err := s.db.Collection(collTokenFailures).DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: t}}}},
		bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: t}}}},
	}}})
	return translate(err, "forgetting wrong token secrets")
}
