// Package audit keeps the hub's tamper-evident record: every read, upload,
// signature and change is an Entry, chained to the one before it by a
// SHA-256 hash, and the hub signs a Checkpoint of the chain at intervals, so
// that an entry changed, removed or reordered afterwards is found by Verify.
//
// Entries are numbered from 1 without gaps. A store may keep them in one
// collection per month: the Recorder dates entries so that every entry's
// month follows from the entry before it (see Recorder), which lets a store
// that refuses a second entry with the same Seq within a month refuse it
// across the whole record.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Actions recorded by the hub. Other actions may be recorded too; only
// ActionMonthClosed is reserved for the Recorder.
const (
	ActionRead           = "read"
	ActionUpload         = "upload"
	ActionSign           = "sign"
	ActionProtocolChange = "protocol.change"
	ActionPublish        = "publish"
	ActionDenied         = "denied"
	ActionExport         = "audit.export"
	// ActionMonthClosed marks the last entry of a month: the entry after it
	// is dated in the next month. The Recorder writes it.
	ActionMonthClosed = "month.close"
)

// Entry is one event on the record.
type Entry struct {
	Seq      int64     // position on the record, from 1, without gaps
	At       time.Time // when, in UTC, to the millisecond
	PersonID string    // who acted; empty for the hub itself
	OrgID    string    // the organisation the person acted for
	Action   string    // what they did, e.g. ActionRead
	Object   string    // what they did it to, e.g. "returns/abc"
	Owner    string    // the organisation whose data it is
	Protocol string    // the sharing protocol it happened under; may be empty
	Detail   string    // anything else worth keeping, in words
	Prev     string    // hex SHA-256 of the previous entry's canonical bytes; empty for entry 1
	Hash     string    // hex SHA-256 of this entry's canonical bytes
}

// timeLayout is how At appears in canonical bytes: UTC, always three decimals.
const timeLayout = "2006-01-02T15:04:05.000Z"

// canonicalEntry fixes the order and names of the fields that are hashed.
type canonicalEntry struct {
	V        int    `json:"v"`
	Seq      int64  `json:"seq"`
	At       string `json:"at"`
	PersonID string `json:"person"`
	OrgID    string `json:"org"`
	Action   string `json:"action"`
	Object   string `json:"object"`
	Owner    string `json:"owner"`
	Protocol string `json:"protocol"`
	Detail   string `json:"detail"`
	Prev     string `json:"prev"`
}

// Canonical returns the bytes that Hash is computed over: a JSON object of
// every field except Hash, in a fixed order, with At in UTC to the
// millisecond. Equal entries give equal bytes.
func (e Entry) Canonical() []byte {
	b, err := json.Marshal(canonicalEntry{
		V: 1, Seq: e.Seq, At: e.At.UTC().Format(timeLayout),
		PersonID: e.PersonID, OrgID: e.OrgID, Action: e.Action, Object: e.Object,
		Owner: e.Owner, Protocol: e.Protocol, Detail: e.Detail, Prev: e.Prev,
	})
	if err != nil {
		// Marshalling a struct of strings and integers cannot fail.
		panic(fmt.Sprintf("audit: encoding an entry: %v", err))
	}
	return b
}

// ComputeHash returns the hex SHA-256 of the entry's canonical bytes.
func (e Entry) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// Checkpoint is the hub's signature over the record up to an entry.
type Checkpoint struct {
	Seq       int64     // the entry signed
	Hash      string    // that entry's Hash
	At        time.Time // when the hub signed
	Signature string    // the hub's signature over CheckpointData(Seq, Hash)
	Key       string    // fingerprint of the key that signed
}

// CheckpointData returns the bytes a checkpoint's signature covers: "seq:hash".
func CheckpointData(seq int64, hash string) []byte {
	return fmt.Appendf(nil, "%d:%s", seq, hash)
}

// Store keeps the record. Entries are only ever added. Methods return
// hub.CodeConflict, hub.CodeNotFound or hub.CodeUnavailable errors as each
// says, and hub.CodeInternal for anything else.
//
// A store may partition entries by the month of At: the Recorder guarantees
// that an entry's month follows from the entry before it, so two writers
// that both try to add entry N try to add it to the same month.
type Store interface {
	// AppendEntry adds an entry in one write; hub.CodeConflict when its Seq is taken.
	AppendEntry(ctx context.Context, e Entry) error
	// FindEntriesAfter returns up to limit entries with Seq greater than seq,
	// by Seq; limit 0 means no limit.
	FindEntriesAfter(ctx context.Context, seq int64, limit int) ([]Entry, error)
	// LastEntry returns the entry with the highest Seq; hub.CodeNotFound when there is none.
	LastEntry(ctx context.Context) (Entry, error)
	// AppendCheckpoint adds a checkpoint; hub.CodeConflict when there is one at its Seq already.
	AppendCheckpoint(ctx context.Context, c Checkpoint) error
	// FindCheckpoints returns every checkpoint, by Seq.
	FindCheckpoints(ctx context.Context) ([]Checkpoint, error)
	// FindEntriesBefore returns, newest first, up to q.Limit entries that
	// match q, reading only the partitions from q.Since on.
	FindEntriesBefore(ctx context.Context, q Query) ([]Entry, error)
	// CountEntries returns how many entries match q, whatever its Before and Limit.
	CountEntries(ctx context.Context, q Query) (int, error)
}

// Query selects entries for reading a page at a time, newest first.
type Query struct {
	Since      time.Time // entries dated at or after it
	Until      time.Time // entries dated before it; zero: up to now
	Before     int64     // entries before this one; 0: from the newest
	Org        string    // entries an organisation acted in or whose data it is; "": every entry
	Person     string    // entries of what one person did; "": everyone's
	Actions    []string  // only these actions; none: every action
	NotActions []string  // none of these actions
	Limit      int
}

// Matches says whether e is one of q's entries, leaving Before and Limit aside.
func (q Query) Matches(e Entry) bool {
	return !e.At.Before(q.Since) && (q.Until.IsZero() || e.At.Before(q.Until)) && (q.Person == "" || e.PersonID == q.Person) &&
		(q.Org == "" || e.Owner == q.Org || e.OrgID == q.Org) &&
		(len(q.Actions) == 0 || slices.Contains(q.Actions, e.Action)) && !slices.Contains(q.NotActions, e.Action)
}

// Signer signs with the hub's own key.
type Signer interface {
	// Sign returns a detached signature over data.
	Sign(data []byte) (string, error)
	// Fingerprint identifies the key.
	Fingerprint() string
}

// Verifier checks signatures.
type Verifier interface {
	// Verify checks signature over data against each of keys, and returns
	// the fingerprint of the key that made it, or an error when none did.
	Verify(data []byte, signature string, keys []string) (fingerprint string, err error)
}

// Log is where services put what they did on the record.
type Log interface {
	Record(ctx context.Context, e Entry) (Entry, error)
}

// Discard is a Log that keeps nothing, for services used without a record.
type Discard struct{}

// Record does nothing.
func (Discard) Record(_ context.Context, e Entry) (Entry, error) { return e, nil }

// The actions of administration.
const (
	ActionRolesChange   = "roles.change"
	ActionOrgChange     = "organisation.change"
	ActionKeyChange     = "key.change"
	ActionMappingChange = "mapping.change"
)
