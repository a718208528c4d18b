package monitoring_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// uploaded registers the police's key and uploads one return that adds up.
func uploaded(t *testing.T, f fixture, records int64) monitoring.Return {
	t.Helper()
	ctx := context.Background()
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"); err != nil && !hub.IsCode(err, hub.CodeConflict) {
		t.Fatal(err)
	}
	c, l := content(t, records)
	doc := c.Encode(l)
	r, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func reload(t *testing.T, f fixture) {
	t.Helper()
	if err := f.svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// memLog keeps the entries put on the record.
type memLog struct {
	mu      sync.Mutex
	entries []audit.Entry
}

func (l *memLog) Record(_ context.Context, e audit.Entry) (audit.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	return e, nil
}

func (l *memLog) damage(object string) []audit.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []audit.Entry
	for _, e := range l.entries {
		if e.Object == object && strings.Contains(e.Detail, "found damaged") {
			out = append(out, e)
		}
	}
	return out
}

// restarted is the fixture's service as a new hub process loads it from the
// store, putting what it does on log.
func restarted(t *testing.T, f fixture, log audit.Log) fixture {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	if err := auth.SetRoleLines([]hub.RoleLine{{Subject: "owen", Role: hub.RoleMember, OrgID: "police"}, {Subject: "owen", Role: hub.RoleDataSteward, OrgID: "police"}}); err != nil {
		t.Fatal(err)
	}
	rs := hub.NewReadSide(hubtest.NewStore(), 0, f.clock)
	f.svc = monitoring.NewService(f.store, auth, fakeCrypto{signedAt: t0}, rs, f.clock, f.svc.Limits)
	f.svc.RecordTo(log)
	rs.Register(f.svc)
	if err := rs.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// Figures come from signatures only: a return whose stored figures are
// changed behind the hub's back (4,488 records where 3,711 were signed) is
// found damaged when loaded, left out of what the gate reads and of the
// owner's own latest figures, and shown to its owner as damaged with the
// figures that were signed.
func TestStoredFiguresThatDifferFromTheSignedAreDamaged(t *testing.T) {
	f := newFixture(t)
	r := uploaded(t, f, 3711)
	reload(t, f)
	if got, ok := f.svc.Reader().Latest("police", "stop-and-search", "2025-26"); !ok || got.Damaged != "" || got.Records != 3711 {
		t.Fatalf("an untouched return after loading: %+v %v", got, ok)
	}

	f.store.mu.Lock()
	stored := f.store.returns[r.ID]
	stored.Records = 4488
	stored.Counts = append([]int64(nil), stored.Counts...)
	stored.Counts[0] += 777
	f.store.returns[r.ID] = stored
	f.store.mu.Unlock()
	log := &memLog{}
	for _, when := range []string{"reloaded", "restarted"} {
		if when == "reloaded" {
			reload(t, f)
		} else {
			f = restarted(t, f, log)
		}
		damagedAndWithheld(t, f, r, stored)
	}
	// Its owner and the administrators find it on the record, once for each process that finds it.
	reload(t, f)
	if es := log.damage("returns/" + r.ID); len(es) != 1 || es[0].Owner != "police" || !strings.Contains(es[0].Detail, "version 1 found damaged: The stored figures of this return do not match what was signed") {
		t.Fatalf("the record of the damage: %+v", es)
	}
}

func damagedAndWithheld(t *testing.T, f fixture, r, stored monitoring.Return) {
	t.Helper()
	if got, ok := f.svc.Reader().Latest("police", "stop-and-search", "2025-26"); ok {
		t.Fatalf("the gate reads a return whose figures are not what was signed: %d records", got.Records)
	}
	if _, ok := f.svc.OwnLatest(f.police, "stop-and-search", "2025-26"); ok {
		t.Fatal("the owner's latest figures include a damaged return")
	}
	if ps := f.svc.Periods("stop-and-search"); len(ps) != 0 {
		t.Fatalf("the periods held include one whose only return is damaged: %v", ps)
	}
	list, err := f.svc.Returns(f.police, monitoring.ReturnFilter{OrgID: "police"})
	if err != nil || len(list) != 1 || list[0].Damaged != monitoring.DamagedFigures || list[0].Records != 3711 {
		t.Fatalf("the owner's list: %+v %v", list, err)
	}
	one, err := f.svc.Return(context.Background(), f.police, r.ID)
	if err != nil || !strings.Contains(one.Damaged, "do not match what was signed") || one.Records != 3711 || one.Counts[0] == stored.Counts[0] {
		t.Fatalf("the return itself: %d records, damaged %q, %v", one.Records, one.Damaged, err)
	}
}

// A signed document or signature changed in the store is damaged too,
// whether found when loading or when the return is read.
func TestChangedDocumentsAndSignaturesAreDamaged(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *monitoring.Return)
		want string
	}{
		{"document", func(r *monitoring.Return) {
			r.Body = []byte(strings.Replace(string(r.Body), `"records":3711`, `"records":4488`, 1))
		}, monitoring.DamagedDocument},
		{"signature", func(r *monitoring.Return) { r.Signature = "SIG:AAA:something else" }, monitoring.DamagedSignature},
		{"key", func(r *monitoring.Return) { r.Key = "BBB" }, monitoring.DamagedFigures},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, when := range []string{"loading", "reading"} {
				f := newFixture(t)
				r := uploaded(t, f, 3711)
				f.store.mu.Lock()
				stored := f.store.returns[r.ID]
				tc.edit(&stored)
				f.store.returns[r.ID] = stored
				f.store.mu.Unlock()
				if when == "loading" {
					f = restarted(t, f, &memLog{})
				} else if tc.name == "key" {
					continue // only the document and signature are read again
				}
				one, err := f.svc.Return(context.Background(), f.police, r.ID)
				if err != nil || one.Damaged != tc.want {
					t.Fatalf("when %s: damaged %q, %v", when, one.Damaged, err)
				}
				if _, ok := f.svc.Reader().Latest("police", "stop-and-search", "2025-26"); ok {
					t.Fatalf("when %s: the gate still reads the return", when)
				}
			}
		})
	}
}

// A wrong correction can be undone: the earlier version sent again with a
// reason becomes a new version that says which it restores, current from
// then on, also after loading; sent again without a reason it is refused
// with what to do; and every upload says whether it was new, a correction,
// a restoration or held already.
func TestUndoingACorrection(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v1 := uploaded(t, f, 3711)
	c, l := content(t, 3800)
	fix := c.Encode(l)
	v2, outcome, err := f.svc.Upload(ctx, f.police, fix, sig("AAA", fix), "late records")
	if err != nil || outcome != monitoring.OutcomeCorrection || v2.Version != 2 {
		t.Fatalf("the correction: %v %v", outcome, err)
	}
	first, _ := content(t, 3711)
	doc := first.Encode(l)
	_, _, err = f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
	if !hub.IsCode(err, hub.CodeConflict) || !strings.Contains(err.Error(), "version 1") || !strings.Contains(err.Error(), "version 2 is current") {
		t.Fatalf("the first version again without a reason: %v", err)
	}
	v3, outcome, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "the late records were counted twice")
	if err != nil || outcome != monitoring.OutcomeRestored || v3.Version != 3 || v3.Restores != 1 || v3.Supersedes != v2.ID || v3.ID == v1.ID {
		t.Fatalf("restoring version 1: %+v %v %v", v3, outcome, err)
	}
	if want := "version 3 brings back the figures of version 1 and is now current"; !strings.Contains(outcome.Describe(v3), want) {
		t.Errorf("the outcome says %q, want %q", outcome.Describe(v3), want)
	}
	again, outcome, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "the late records were counted twice")
	if err != nil || outcome != monitoring.OutcomeHeld || again.Version != 3 || !strings.Contains(outcome.Describe(again), "already holds this signed return as version 3") {
		t.Fatalf("the restoration sent again: %+v %v %v", again, outcome, err)
	}
	for _, when := range []string{"uploaded", "loaded"} {
		if when == "loaded" {
			reload(t, f)
		}
		got, ok := f.svc.Reader().Latest("police", "stop-and-search", "2025-26")
		if !ok || got.ID != v3.ID || got.Records != 3711 || got.Restores != 1 {
			t.Fatalf("%s: the current version is %+v %v", when, got, ok)
		}
	}
	if len(f.store.returns) != 3 {
		t.Fatalf("the store holds %d versions, want 3", len(f.store.returns))
	}
}

// A damaged return is made whole by sending its signed document again with a
// reason: a new version that restores it, current and read by the gate.
func TestADamagedReturnIsSentAgain(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := uploaded(t, f, 3711)
	f.store.mu.Lock()
	stored := f.store.returns[r.ID]
	stored.Records = 4488
	f.store.returns[r.ID] = stored
	f.store.mu.Unlock()
	f = restarted(t, f, &memLog{})
	c, l := content(t, 3711)
	doc := c.Encode(l)
	_, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
	if !hub.IsCode(err, hub.CodeConflict) || !strings.Contains(err.Error(), "which the hub holds as damaged: to store it afresh, as version 2, send it again with a reason") {
		t.Fatalf("the damaged return sent again without a reason: %v", err)
	}
	again, outcome, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "the database was edited")
	if err != nil || outcome != monitoring.OutcomeRestored || again.Version != 2 || again.Restores != 1 {
		t.Fatalf("the damaged return sent again with a reason: %+v %v %v", again, outcome, err)
	}
	f = restarted(t, f, &memLog{})
	if got, ok := f.svc.Reader().Latest("police", "stop-and-search", "2025-26"); !ok || got.Version != 2 || got.Records != 3711 {
		t.Fatalf("the gate reads %+v %v", got, ok)
	}
}
