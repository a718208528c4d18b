package mongo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

var _ audit.Store = (*Store)(nil)

// collCheckpoints holds the hub's signed checkpoints of the audit record.
const collCheckpoints = "audit_checkpoints"

// auditMonthName matches the name of a month of the audit record, such as
// audit_2026_11; names sort in time order.
var auditMonthName = regexp.MustCompile(`^audit_\d{4}_\d{2}$`)

// auditMonth returns the name of the collection that keeps entries dated t.
func auditMonth(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("audit_%04d_%02d", t.Year(), int(t.Month()))
}

// entryDoc is an audit entry; _id is its Seq, unique within its month.
type entryDoc struct {
	Seq      int64     `bson:"_id"`
	At       time.Time `bson:"at"`
	PersonID string    `bson:"person"`
	OrgID    string    `bson:"org"`
	Action   string    `bson:"action"`
	Object   string    `bson:"object"`
	Owner    string    `bson:"owner"`
	Protocol string    `bson:"protocol"`
	Detail   string    `bson:"detail"`
	Prev     string    `bson:"prev"`
	Hash     string    `bson:"hash"`
}

func (d entryDoc) entry() audit.Entry {
	e := audit.Entry(d)
	e.At = utc(d.At)
	return e
}

// checkpointDoc is a checkpoint; _id is the Seq it signs.
type checkpointDoc struct {
	Seq       int64     `bson:"_id"`
	Hash      string    `bson:"hash"`
	At        time.Time `bson:"at"`
	Signature string    `bson:"signature"`
	Key       string    `bson:"key"`
}

// auditMonths returns the names of the audit record's month collections, oldest first.
func (s *Store) auditMonths(ctx context.Context) ([]string, error) {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, translate(err, "listing the audit record's months")
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !auditMonthName.MatchString(n) })
	slices.Sort(names)
	return names, nil
}

// AppendEntry adds an entry to the collection of its month.
func (s *Store) AppendEntry(ctx context.Context, e audit.Entry) error {
	d := entryDoc(e)
	d.At = e.At.UTC()
	_, err := s.db.Collection(auditMonth(e.At)).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return &hub.Error{Code: hub.CodeConflict, Message: fmt.Sprintf("Audit entry %d is taken", e.Seq), Err: err}
	}
	return translate(err, "adding an audit entry")
}

// findEntries reads the entries of one month that match filter, by Seq, at most limit (0: all).
func (s *Store) findEntries(ctx context.Context, coll string, filter bson.D, limit int) ([]audit.Entry, error) {
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	c := s.db.Collection(coll)
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, translate(err, "reading "+coll)
	}
	defer cur.Close(ctx)
	var out []audit.Entry
	for cur.Next(ctx) {
		var d entryDoc
		if err := cur.Decode(&d); err != nil {
			return nil, translate(err, "decoding "+coll)
		}
		out = append(out, d.entry())
	}
	return out, translate(cur.Err(), "reading "+coll)
}

// FindEntriesAfter returns up to limit entries after seq, by Seq. It finds
// the month that holds entry seq, looking from the newest month back, and
// reads forward from there.
func (s *Store) FindEntriesAfter(ctx context.Context, seq int64, limit int) ([]audit.Entry, error) {
	months, err := s.auditMonths(ctx)
	if err != nil {
		return nil, err
	}
	from := 0
	if seq > 0 {
		for i := len(months) - 1; i >= 0; i-- {
			err := s.db.Collection(months[i]).FindOne(ctx, bson.D{{Key: "_id", Value: seq}},
				options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
			if err == nil {
				from = i
				break
			}
			if !errors.Is(err, mongo.ErrNoDocuments) {
				return nil, translate(err, "reading "+months[i])
			}
		}
	}
	var out []audit.Entry
	for _, m := range months[from:] {
		left := 0
		if limit > 0 {
			left = limit - len(out)
		}
		es, err := s.findEntries(ctx, m, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: seq}}}}, left)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}

// LastEntry returns the entry with the highest Seq, reading the newest
// month, or the one before when the newest holds none.
func (s *Store) LastEntry(ctx context.Context) (audit.Entry, error) {
	months, err := s.auditMonths(ctx)
	if err != nil {
		return audit.Entry{}, err
	}
	for i := len(months) - 1; i >= 0; i-- {
		var d entryDoc
		err := s.db.Collection(months[i]).FindOne(ctx, bson.D{}, options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return audit.Entry{}, translate(err, "reading "+months[i])
		}
		return d.entry(), nil
	}
	return audit.Entry{}, hub.Errorf(hub.CodeNotFound, "The audit record is empty")
}

// AppendCheckpoint adds a checkpoint.
func (s *Store) AppendCheckpoint(ctx context.Context, c audit.Checkpoint) error {
	d := checkpointDoc(c)
	d.At = c.At.UTC()
	_, err := s.db.Collection(collCheckpoints).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return &hub.Error{Code: hub.CodeConflict, Message: fmt.Sprintf("There is a checkpoint at audit entry %d already", c.Seq), Err: err}
	}
	return translate(err, "adding an audit checkpoint")
}

// FindCheckpoints returns every checkpoint, by Seq.
func (s *Store) FindCheckpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	cs, err := findAll(ctx, s.db.Collection(collCheckpoints), bson.D{}, func(d checkpointDoc) audit.Checkpoint {
		c := audit.Checkpoint(d)
		c.At = utc(d.At)
		return c
	})
	slices.SortFunc(cs, func(a, b audit.Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	return cs, err
}

// queryFilter is q as a filter of a month's entries.
func queryFilter(q audit.Query, withBefore bool) bson.D {
	at := bson.D{{Key: "$gte", Value: q.Since.UTC()}}
	if !q.Until.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: q.Until.UTC()})
	}
	f := bson.D{{Key: "at", Value: at}}
	if q.Person != "" {
		f = append(f, bson.E{Key: "person", Value: q.Person})
	}
	if withBefore && q.Before > 0 {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.Before}}})
	}
	if q.Org != "" {
		f = append(f, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "owner", Value: q.Org}}, bson.D{{Key: "org", Value: q.Org}}}})
	}
	switch {
	case len(q.Actions) > 0:
		f = append(f, bson.E{Key: "action", Value: bson.D{{Key: "$in", Value: q.Actions}}})
	case len(q.NotActions) > 0:
		f = append(f, bson.E{Key: "action", Value: bson.D{{Key: "$nin", Value: q.NotActions}}})
	}
	return f
}

// queryMonths returns the months q reads, newest first.
func (s *Store) queryMonths(ctx context.Context, q audit.Query) ([]string, error) {
	months, err := s.auditMonths(ctx)
	if err != nil {
		return nil, err
	}
	first := auditMonth(q.Since)
	var out []string
	for i := len(months) - 1; i >= 0 && months[i] >= first; i-- {
		out = append(out, months[i])
	}
	return out, nil
}

// FindEntriesBefore returns, newest first, up to q.Limit entries that match
// q, reading the months from the newest back to that of q.Since.
func (s *Store) FindEntriesBefore(ctx context.Context, q audit.Query) ([]audit.Entry, error) {
	months, err := s.queryMonths(ctx, q)
	if err != nil {
		return nil, err
	}
	filter := queryFilter(q, true)
	var out []audit.Entry
	for _, m := range months {
		left := q.Limit - len(out)
		if left <= 0 {
			break
		}
		cur, err := s.db.Collection(m).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(left)))
		if err != nil {
			return nil, translate(err, "reading "+m)
		}
		for cur.Next(ctx) {
			var d entryDoc
			if err := cur.Decode(&d); err != nil {
				cur.Close(ctx)
				return nil, translate(err, "decoding "+m)
			}
			out = append(out, d.entry())
		}
		err = cur.Err()
		cur.Close(ctx)
		if err != nil {
			return nil, translate(err, "reading "+m)
		}
	}
	return out, nil
}

// CountEntries returns how many entries match q, whatever its Before and Limit.
func (s *Store) CountEntries(ctx context.Context, q audit.Query) (int, error) {
	months, err := s.queryMonths(ctx, q)
	if err != nil {
		return 0, err
	}
	filter := queryFilter(q, false)
	n := int64(0)
	for _, m := range months {
		c, err := s.db.Collection(m).CountDocuments(ctx, filter)
		if err != nil {
			return 0, translate(err, "counting "+m)
		}
		n += c
	}
	return int(n), nil
}
