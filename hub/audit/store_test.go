package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// memStore keeps the record in memory, one map per month, and like a store
// with one collection per month it refuses a Seq only within a month.
type memStore struct {
	mu          sync.Mutex
	months      map[string]map[int64]audit.Entry
	checkpoints map[int64]audit.Checkpoint
}

func newMemStore() *memStore {
	return &memStore{months: map[string]map[int64]audit.Entry{}, checkpoints: map[int64]audit.Checkpoint{}}
}

func month(t time.Time) string { return t.UTC().Format("2006_01") }

func (s *memStore) AppendEntry(_ context.Context, e audit.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.months[month(e.At)]
	if m == nil {
		m = map[int64]audit.Entry{}
		s.months[month(e.At)] = m
	}
	if _, ok := m[e.Seq]; ok {
		return hub.Errorf(hub.CodeConflict, "taken")
	}
	m[e.Seq] = e
	return nil
}

func (s *memStore) all() []audit.Entry {
	var out []audit.Entry
	for _, m := range s.months {
		for _, e := range m {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b audit.Entry) int { return int(a.Seq - b.Seq) })
	return out
}

func (s *memStore) FindEntriesAfter(_ context.Context, seq int64, limit int) ([]audit.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []audit.Entry
	for _, e := range s.all() {
		if e.Seq > seq && (limit == 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	return out, nil
}

// LastEntry reads the newest month only, as the MongoDB store does.
func (s *memStore) LastEntry(context.Context) (audit.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var newest string
	for k := range s.months {
		newest = max(newest, k)
	}
	var last audit.Entry
	for _, e := range s.months[newest] {
		if e.Seq > last.Seq {
			last = e
		}
	}
	if last.Seq == 0 {
		return audit.Entry{}, hub.Errorf(hub.CodeNotFound, "empty")
	}
	return last, nil
}

func (s *memStore) AppendCheckpoint(_ context.Context, c audit.Checkpoint) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.checkpoints[c.Seq]; ok {
		return hub.Errorf(hub.CodeConflict, "taken")
	}
	s.checkpoints[c.Seq] = c
	return nil
}

func (s *memStore) FindCheckpoints(context.Context) ([]audit.Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []audit.Checkpoint
	for _, c := range s.checkpoints {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b audit.Checkpoint) int { return int(a.Seq - b.Seq) })
	return out, nil
}

// edSigner signs with an Ed25519 key; its public key is the hex of the key.
type edSigner struct{ priv ed25519.PrivateKey }

func newSigner() edSigner {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return edSigner{priv}
}

func (s edSigner) Sign(data []byte) (string, error) {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.priv, data)), nil
}

func (s edSigner) Fingerprint() string { return s.PublicKey() }

func (s edSigner) PublicKey() string {
	return hex.EncodeToString(s.priv.Public().(ed25519.PublicKey))
}

// edVerifier checks signatures made by edSigner.
type edVerifier struct{}

func (edVerifier) Verify(data []byte, signature string, keys []string) (string, error) {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		pub, err := hex.DecodeString(k)
		if err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, data, sig) {
			return k, nil
		}
	}
	return "", errors.New("not signed by any of the keys")
}

// edit changes the entry at seq in place, or removes it when change is nil,
// as someone with access to the database might.
func (s *memStore) edit(seq int64, change func(*audit.Entry)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.months {
		if e, ok := m[seq]; ok {
			if change == nil {
				delete(m, seq)
				return
			}
			change(&e)
			m[seq] = e
		}
	}
}

func (s *memStore) FindEntriesBefore(_ context.Context, q audit.Query) ([]audit.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.all()
	var out []audit.Entry
	for i := len(all) - 1; i >= 0 && len(out) < q.Limit; i-- {
		if e := all[i]; (q.Before == 0 || e.Seq < q.Before) && q.Matches(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *memStore) CountEntries(_ context.Context, q audit.Query) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.all() {
		if q.Matches(e) {
			n++
		}
	}
	return n, nil
}
