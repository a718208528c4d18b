package monitoring_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// memStore is an in-memory monitoring.Store.
type memStore struct {
	mu        sync.Mutex
	standards []monitoring.Standard
	themes    []monitoring.Theme
	mappings  []monitoring.Mapping
	keys      map[string]monitoring.Key
	returns   map[string]monitoring.Return
}

func newMemStore() *memStore {
	return &memStore{keys: map[string]monitoring.Key{}, returns: map[string]monitoring.Return{}}
}

func (s *memStore) FindStandards(context.Context) ([]monitoring.Standard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]monitoring.Standard(nil), s.standards...), nil
}
func (s *memStore) CreateStandard(_ context.Context, st monitoring.Standard) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.standards = append(s.standards, st)
	return nil
}
func (s *memStore) UpdateStandard(_ context.Context, st monitoring.Standard) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.standards {
		if s.standards[i].Version == st.Version {
			s.standards[i] = st
			return nil
		}
	}
	return hub.Errorf(hub.CodeNotFound, "no such standard")
}
func (s *memStore) FindThemes(context.Context) ([]monitoring.Theme, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]monitoring.Theme(nil), s.themes...), nil
}
func (s *memStore) CreateTheme(_ context.Context, t monitoring.Theme) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.themes = append(s.themes, t)
	return nil
}
func (s *memStore) FindMappings(context.Context) ([]monitoring.Mapping, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]monitoring.Mapping(nil), s.mappings...), nil
}
func (s *memStore) CreateMapping(_ context.Context, m monitoring.Mapping) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mappings = append(s.mappings, m)
	return nil
}
func (s *memStore) FindKeys(context.Context) ([]monitoring.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []monitoring.Key
	for _, k := range s.keys {
		out = append(out, k)
	}
	return out, nil
}
func (s *memStore) CreateKey(_ context.Context, k monitoring.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[k.Fingerprint]; ok {
		return hub.Errorf(hub.CodeConflict, "exists")
	}
	s.keys[k.Fingerprint] = k
	return nil
}
func (s *memStore) UpdateKey(_ context.Context, k monitoring.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k.Fingerprint] = k
	return nil
}
func (s *memStore) FindReturns(_ context.Context, bodies bool) ([]monitoring.Return, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []monitoring.Return
	for _, r := range s.returns {
		if !bodies {
			r.Body, r.Signature = nil, ""
		}
		out = append(out, r)
	}
	return out, nil
}
func (s *memStore) CreateReturn(_ context.Context, r monitoring.Return) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.returns[r.ID]; ok {
		return hub.Errorf(hub.CodeConflict, "exists")
	}
	s.returns[r.ID] = r
	return nil
}
func (s *memStore) FindReturnBodies(_ context.Context, ids []string) (map[string]monitoring.SignedBody, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]monitoring.SignedBody{}
	for _, id := range ids {
		if r, ok := s.returns[id]; ok {
			out[id] = monitoring.SignedBody{Body: r.Body, Signature: r.Signature}
		}
	}
	return out, nil
}
func (s *memStore) FindReturnBody(_ context.Context, id string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.returns[id]
	if !ok {
		return nil, "", hub.Errorf(hub.CodeNotFound, "no such return")
	}
	return r.Body, r.Signature, nil
}

// fakeCrypto treats an armoured key as "KEY:<fingerprint>:<expiry RFC3339 or empty>"
// and a signature as "SIG:<fingerprint>:<the signed text>".
type fakeCrypto struct{ signedAt time.Time }

func (fakeCrypto) ReadKey(armored string) (monitoring.KeyInfo, error) {
	parts := strings.SplitN(armored, ":", 3)
	if len(parts) != 3 || parts[0] != "KEY" {
		return monitoring.KeyInfo{}, hub.Errorf(hub.CodeInvalid, "This is not an OpenPGP public key")
	}
	info := monitoring.KeyInfo{Fingerprint: parts[1]}
	if parts[2] != "" {
		info.Expires, _ = time.Parse(time.RFC3339, strings.TrimSpace(parts[2]))
	}
	return info, nil
}

func (f fakeCrypto) Verify(data []byte, signature string, keys []string) (monitoring.Signature, error) {
	parts := strings.SplitN(signature, ":", 3)
	if len(parts) != 3 || parts[2] != string(data) {
		return monitoring.Signature{}, hub.Errorf(hub.CodeInvalid, "The return does not match its signature")
	}
	for _, k := range keys {
		if strings.HasPrefix(k, "KEY:"+parts[1]+":") {
			return monitoring.Signature{Fingerprint: parts[1], SignedAt: f.signedAt}, nil
		}
	}
	return monitoring.Signature{}, hub.Errorf(hub.CodeInvalid, "The signature was not made by any key registered for your organisation")
}

type fixture struct {
	svc    *monitoring.Service
	store  *memStore
	clock  *hub.FixedClock
	police hub.Principal
}

var t0 = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) fixture {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	police := hub.Principal{PersonID: "owen", OrgID: "police", Roles: []hub.Role{hub.RoleMember, hub.RoleDataSteward}}
	if err := auth.SetRoleLines([]hub.RoleLine{{Subject: "owen", Role: hub.RoleMember, OrgID: "police"}, {Subject: "owen", Role: hub.RoleDataSteward, OrgID: "police"}}); err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	clock := hub.NewFixedClock(t0)
	rs := hub.NewReadSide(hubtest.NewStore(), 0, clock)
	svc := monitoring.NewService(store, auth, fakeCrypto{signedAt: t0}, rs, clock, monitoring.Limits{MaxReturnBytes: 1 << 20, MaxExtractBytes: 1 << 20})
	rs.Register(svc)
	if err := rs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := svc.Seed(context.Background(), testStandard(), []monitoring.Theme{testTheme()}); err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, store: store, clock: clock, police: police}
}

func (f fixture) doc(t *testing.T, period string, records int64) []byte {
	t.Helper()
	l := mustLayout(t)
	counts := make([]int64, l.Size())
	counts[l.Index(0, 0, 0)] = records
	counts[l.Index(1, 0, 0)] = records
	return monitoring.Content{OrgID: "police", Theme: "stop-and-search", Period: monitoring.Period(period), Standard: "t.1", Records: records, Counts: counts}.Encode(l)
}

func sig(fp string, doc []byte) string { return "SIG:" + fp + ":" + string(doc) }

func TestUploadVersionsAndKeys(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	doc := f.doc(t, "2025-26", 10)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), "registered no signing key") {
		t.Fatalf("an upload before any key: %v", err)
	}
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"+t0.Add(30*24*time.Hour).Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:OLD:"+t0.Add(-time.Hour).Format(time.RFC3339)); !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("registering an expired key: %v", err)
	}
	r, outcome, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
	if err != nil || outcome != monitoring.OutcomeNew || r.Version != 1 {
		t.Fatalf("first upload: %+v %v %v", r, outcome, err)
	}
	if again, outcome, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil || outcome != monitoring.OutcomeHeld || again.ID != r.ID {
		t.Fatalf("a replayed upload must be the same version: %v %v", outcome, err)
	}
	fix := f.doc(t, "2025-26", 12)
	if _, _, err := f.svc.Upload(ctx, f.police, fix, sig("AAA", fix), " "); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("a correction without a reason: %v", err)
	}
	r2, _, err := f.svc.Upload(ctx, f.police, fix, sig("AAA", fix), "late records")
	if err != nil || r2.Version != 2 || r2.Supersedes != r.ID {
		t.Fatalf("a correction: %+v %v", r2, err)
	}
	latest, _ := f.svc.Returns(f.police, monitoring.ReturnFilter{OrgID: "police", Latest: true})
	if len(latest) != 1 || latest[0].ID != r2.ID {
		t.Fatalf("the latest versions: %+v", latest)
	}

	// The key expires: nothing new is accepted with it, and what it signed stays.
	f.clock.Advance(31 * 24 * time.Hour)
	next := f.doc(t, "2026-27", 5)
	if _, _, err := f.svc.Upload(ctx, f.police, next, sig("AAA", next), ""); !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("an upload signed with an expired key: %v", err)
	}
	if all, _ := f.svc.Returns(f.police, monitoring.ReturnFilter{OrgID: "police"}); len(all) != 2 {
		t.Fatalf("the earlier returns: %d", len(all))
	}

	// Another organisation's return is refused, and nothing is kept.
	other := strings.Replace(string(f.doc(t, "2024-25", 3)), `"organisation":"police"`, `"organisation":"county"`, 1)
	if _, _, err := f.svc.Upload(ctx, f.police, []byte(other), sig("AAA", []byte(other)), ""); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("another organisation's return: %v", err)
	}
	if len(f.store.returns) != 2 {
		t.Fatalf("the store holds %d returns, want 2", len(f.store.returns))
	}
}

func TestOnlyStewardsUploadAndOnlyTheirOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	advisory := hub.Principal{PersonID: "jamal", OrgID: "advisory", Roles: []hub.Role{hub.RoleMember, hub.RoleAdvisoryMember}}
	doc := f.doc(t, "2025-26", 10)
	if _, _, err := f.svc.Upload(ctx, advisory, doc, sig("AAA", doc), ""); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an advisory member uploading: %v", err)
	}
	if _, err := f.svc.Returns(advisory, monitoring.ReturnFilter{OrgID: "police"}); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an advisory member reading the police's returns: %v", err)
	}
	if _, err := f.svc.RegisterKey(ctx, advisory, "KEY:BBB:"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("an advisory member registering a key: %v", err)
	}
}
