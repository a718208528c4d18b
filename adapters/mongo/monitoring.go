package mongo

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

var _ monitoring.Store = (*Store)(nil)

const (
	collStandards = "standards"
	collThemes    = "themes"
	collMappings  = "mappings"
	collKeys      = "keys"
	collReturns   = "returns"
)

func (s *Store) createMonitoringIndexes(ctx context.Context) error {
	idx := []struct {
		coll  string
		model mongo.IndexModel
	}{
		{collMappings, mongo.IndexModel{Keys: bson.D{{Key: "org", Value: 1}, {Key: "version", Value: 1}}, Options: options.Index().SetUnique(true).SetName("org_version")}},
		{collReturns, mongo.IndexModel{Keys: bson.D{{Key: "org", Value: 1}, {Key: "theme", Value: 1}, {Key: "period", Value: 1}, {Key: "version", Value: 1}}, Options: options.Index().SetUnique(true).SetName("slot_version")}},
	}
	for _, i := range idx {
		if _, err := s.db.Collection(i.coll).Indexes().CreateOne(ctx, i.model); err != nil {
			return translate(err, "creating the index "+i.coll)
		}
	}
	return nil
}

// jsonDoc keeps a value of the domain, such as a standard, as JSON: these are
// read whole and never queried by their insides.
type jsonDoc struct {
	ID      string `bson:"_id"`
	OrgID   string `bson:"org,omitempty"`
	Version int    `bson:"version,omitempty"`
	JSON    string `bson:"json"`
}

func findJSON[T any](ctx context.Context, c *mongo.Collection) ([]T, error) {
	return findAllErr(ctx, c, bson.D{}, func(d jsonDoc) (T, error) {
		var v T
		err := json.Unmarshal([]byte(d.JSON), &v)
		return v, err
	})
}

// jsonOf puts v into d as JSON.
func jsonOf(d jsonDoc, v any) (jsonDoc, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return d, hub.Internal(err, "encoding a document")
	}
	d.JSON = string(b)
	return d, nil
}

func (s *Store) insertJSON(ctx context.Context, coll string, d jsonDoc, v any) error {
	d, err := jsonOf(d, v)
	if err != nil {
		return err
	}
	_, err = s.db.Collection(coll).InsertOne(ctx, d)
	return translate(err, "adding to "+coll)
}

// FindStandards returns every version of the standard.
func (s *Store) FindStandards(ctx context.Context) ([]monitoring.Standard, error) {
	return findJSON[monitoring.Standard](ctx, s.db.Collection(collStandards))
}

// CreateStandard adds a version of the standard.
func (s *Store) CreateStandard(ctx context.Context, st monitoring.Standard) error {
	return s.insertJSON(ctx, collStandards, jsonDoc{ID: st.Version}, st)
}

// UpdateStandard replaces a version of the standard, as one document: its
// approval or withdrawal.
func (s *Store) UpdateStandard(ctx context.Context, st monitoring.Standard) error {
	d, err := jsonOf(jsonDoc{ID: st.Version}, st)
	if err != nil {
		return err
	}
	return s.replace(ctx, collStandards, st.Version, d, false)
}

// FindThemes returns every theme.
func (s *Store) FindThemes(ctx context.Context) ([]monitoring.Theme, error) {
	return findJSON[monitoring.Theme](ctx, s.db.Collection(collThemes))
}

// CreateTheme adds a theme.
func (s *Store) CreateTheme(ctx context.Context, t monitoring.Theme) error {
	return s.insertJSON(ctx, collThemes, jsonDoc{ID: t.ID}, t)
}

// FindMappings returns every organisation's mappings.
func (s *Store) FindMappings(ctx context.Context) ([]monitoring.Mapping, error) {
	return findJSON[monitoring.Mapping](ctx, s.db.Collection(collMappings))
}

// CreateMapping adds a mapping version.
func (s *Store) CreateMapping(ctx context.Context, m monitoring.Mapping) error {
	return s.insertJSON(ctx, collMappings, jsonDoc{ID: fmt.Sprintf("%s/%d", m.OrgID, m.Version), OrgID: m.OrgID, Version: m.Version}, m)
}

type keyDoc struct {
	Fingerprint string    `bson:"_id"`
	OrgID       string    `bson:"org"`
	Armored     string    `bson:"armored"`
	UserIDs     []string  `bson:"user_ids"`
	Created     time.Time `bson:"created"`
	Expires     time.Time `bson:"expires"`
	Added       time.Time `bson:"added"`
	AddedBy     string    `bson:"added_by"`
	Revoked     time.Time `bson:"revoked"`
	RevokedBy   string    `bson:"revoked_by"`
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// FindKeys returns every registered key.
func (s *Store) FindKeys(ctx context.Context) ([]monitoring.Key, error) {
	return findAll(ctx, s.db.Collection(collKeys), bson.D{}, func(d keyDoc) monitoring.Key {
		k := monitoring.Key(d)
		k.Created, k.Expires, k.Added, k.Revoked = utc(d.Created), utc(d.Expires), utc(d.Added), utc(d.Revoked)
		return k
	})
}

// CreateKey registers a key.
func (s *Store) CreateKey(ctx context.Context, k monitoring.Key) error {
	_, err := s.db.Collection(collKeys).InsertOne(ctx, keyDoc(k))
	return translate(err, "adding a key")
}

// UpdateKey replaces a key.
func (s *Store) UpdateKey(ctx context.Context, k monitoring.Key) error {
	return s.replace(ctx, collKeys, k.Fingerprint, keyDoc(k), false)
}

// returnDoc is a return: its fields for loading, its counts packed into one
// binary field, and the signed document and signature as sent.
type returnDoc struct {
	ID         string    `bson:"_id"`
	OrgID      string    `bson:"org"`
	Theme      string    `bson:"theme"`
	Period     string    `bson:"period"`
	Standard   string    `bson:"standard"`
	Mapping    int       `bson:"mapping"`
	Records    int64     `bson:"records"`
	Rejected   int64     `bson:"rejected"`
	Counts     []byte    `bson:"counts"`
	Body       []byte    `bson:"body,omitempty"`
	Signature  string    `bson:"signature,omitempty"`
	Key        string    `bson:"key"`
	SignedAt   time.Time `bson:"signed_at"`
	Version    int       `bson:"version"`
	Supersedes string    `bson:"supersedes"`
	Reason     string    `bson:"reason"`
	Restores   int       `bson:"restores,omitempty"`
	Uploaded   time.Time `bson:"uploaded"`
	UploadedBy string    `bson:"uploaded_by"`
}

func packCounts(cs []int64) []byte {
	b := make([]byte, 8*len(cs))
	for i, c := range cs {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(c))
	}
	return b
}

func unpackCounts(b []byte) []int64 {
	cs := make([]int64, len(b)/8)
	for i := range cs {
		cs[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return cs
}

// FindReturns returns every return, with its body and signature when bodies is true.
func (s *Store) FindReturns(ctx context.Context, bodies bool) ([]monitoring.Return, error) {
	opts := options.Find()
	if !bodies {
		opts.SetProjection(bson.D{{Key: "body", Value: 0}, {Key: "signature", Value: 0}})
	}
	cur, err := s.db.Collection(collReturns).Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, translate(err, "reading returns")
	}
	defer cur.Close(ctx)
	var out []monitoring.Return
	for cur.Next(ctx) {
		var d returnDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decoding returns")
		}
		out = append(out, monitoring.Return{ID: d.ID, Content: monitoring.Content{OrgID: d.OrgID, Theme: d.Theme, Period: monitoring.Period(d.Period),
			Standard: d.Standard, Mapping: d.Mapping, Records: d.Records, Rejected: d.Rejected, Counts: unpackCounts(d.Counts)},
			Body: d.Body, Signature: d.Signature, Key: d.Key, SignedAt: utc(d.SignedAt), Version: d.Version, Supersedes: d.Supersedes, Reason: d.Reason,
			Restores: d.Restores, Uploaded: utc(d.Uploaded), UploadedBy: d.UploadedBy})
	}
	return out, translate(cur.Err(), "reading returns")
}

// CreateReturn adds a return in one write, so it is visible whole or not at all.
func (s *Store) CreateReturn(ctx context.Context, r monitoring.Return) error {
	d := returnDoc{ID: r.ID, OrgID: r.OrgID, Theme: r.Theme, Period: string(r.Period), Standard: r.Standard, Mapping: r.Mapping,
		Records: r.Records, Rejected: r.Rejected, Counts: packCounts(r.Counts), Body: r.Body, Signature: r.Signature, Key: r.Key,
		SignedAt: r.SignedAt, Version: r.Version, Supersedes: r.Supersedes, Reason: r.Reason, Restores: r.Restores, Uploaded: r.Uploaded, UploadedBy: r.UploadedBy}
	_, err := s.db.Collection(collReturns).InsertOne(ctx, d)
	return translate(err, "adding a return")
}

// FindReturnBodies returns the documents and signatures of returns, by ID:
// one by one for a few, in one query for more.
func (s *Store) FindReturnBodies(ctx context.Context, ids []string) (map[string]monitoring.SignedBody, error) {
	out := make(map[string]monitoring.SignedBody, len(ids))
	if len(ids) <= 100 {
		for _, id := range ids {
			body, sig, err := s.FindReturnBody(ctx, id)
			if hub.IsCode(err, hub.CodeNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[id] = monitoring.SignedBody{Body: body, Signature: sig}
		}
		return out, nil
	}
	cur, err := s.db.Collection(collReturns).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "body", Value: 1}, {Key: "signature", Value: 1}}))
	if err != nil {
		return nil, translate(err, "reading returns' documents")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID        string `bson:"_id"`
			Body      []byte `bson:"body"`
			Signature string `bson:"signature"`
		}
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decoding returns' documents")
		}
		out[d.ID] = monitoring.SignedBody{Body: d.Body, Signature: d.Signature}
	}
	return out, translate(cur.Err(), "reading returns' documents")
}

// FindReturnBody returns a return's document and signature.
func (s *Store) FindReturnBody(ctx context.Context, id string) ([]byte, string, error) {
	var d struct {
		Body      []byte `bson:"body"`
		Signature string `bson:"signature"`
	}
	err := s.db.Collection(collReturns).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if err != nil {
		return nil, "", translate(err, "reading a return")
	}
	return d.Body, d.Signature, nil
}
