package audit_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// tickClock moves on by step every time it is read.
type tickClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *tickClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

var start = time.Date(2026, 11, 3, 9, 0, 0, 123456789, time.UTC)

func read(i int) audit.Entry {
	return audit.Entry{PersonID: fmt.Sprintf("p%d", i%3), OrgID: "police", Action: audit.ActionRead,
		Object: fmt.Sprintf("returns/r%d", i), Owner: []string{"council", "nhs"}[i%2], Protocol: "pr-1", Detail: "table by ethnicity"}
}

// chain records n entries with a checkpoint every 10, and returns the whole
// record and the hub's public key.
func chain(t *testing.T, n int) ([]audit.Entry, []audit.Checkpoint, []string) {
	t.Helper()
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	r := audit.NewRecorder(s, signer, &tickClock{t: start, step: time.Minute}, 10)
	for i := range n {
		if _, err := r.Record(ctx, read(i)); err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
	}
	es, cs, err := audit.ReadAll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return es, cs, []string{signer.PublicKey()}
}

// wantBroken fails unless the report names entry seq with a reason containing want.
func wantBroken(t *testing.T, rep audit.Report, seq int64, want string) {
	t.Helper()
	if rep.OK || rep.Seq != seq || !strings.Contains(rep.Reason, want) {
		t.Fatalf("report %+v, want broken at %d with %q", rep, seq, want)
	}
	if !strings.HasPrefix(rep.String(), fmt.Sprintf("The record is broken at entry %d: ", seq)) {
		t.Errorf("String() = %q", rep.String())
	}
}

func TestChainOf50Verifies(t *testing.T) {
	es, cs, keys := chain(t, 50)
	if len(es) != 50 || len(cs) != 5 {
		t.Fatalf("%d entries and %d checkpoints, want 50 and 5", len(es), len(cs))
	}
	for i, e := range es {
		if e.Seq != int64(i+1) || e.At.Nanosecond()%int(time.Millisecond) != 0 {
			t.Fatalf("entry %d: Seq %d, At %v", i, e.Seq, e.At)
		}
		if i > 0 && e.Prev != es[i-1].Hash {
			t.Fatalf("entry %d does not hold the hash of the one before", e.Seq)
		}
	}
	rep := audit.Verify(es, cs, keys, edVerifier{})
	if !rep.OK || rep.Entries != 50 || rep.LastCheckpoint != 50 {
		t.Fatalf("report %+v", rep)
	}
	if got := rep.String(); got != "The record is intact: 50 entries, last checkpoint at 50" {
		t.Errorf("String() = %q", got)
	}
}

func TestVerifyNamesTheChangedEntry(t *testing.T) {
	es, cs, keys := chain(t, 50)
	for name, change := range map[string]func(*audit.Entry){
		"person":   func(e *audit.Entry) { e.PersonID = "someone else" },
		"owner":    func(e *audit.Entry) { e.Owner = "fire" },
		"time":     func(e *audit.Entry) { e.At = e.At.Add(time.Second) },
		"detail":   func(e *audit.Entry) { e.Detail += "." },
		"protocol": func(e *audit.Entry) { e.Protocol = "" },
	} {
		t.Run(name, func(t *testing.T) {
			es := slices.Clone(es)
			change(&es[19])
			wantBroken(t, audit.Verify(es, cs, keys, edVerifier{}), 20, "entry 20 was changed: its hash does not match its content")
		})
	}
}

func TestVerifyNamesAReplacedEntry(t *testing.T) {
	es, cs, keys := chain(t, 50)
	// Entry 22 changed and its own hash recomputed: entry 23 no longer follows it.
	es1 := slices.Clone(es)
	es1[21].Owner = "fire"
	es1[21].Hash = es1[21].ComputeHash()
	wantBroken(t, audit.Verify(es1, cs, keys, edVerifier{}), 23, "entry 23 does not follow entry 22")

	// Entry 20, which a checkpoint signs, changed the same way: the checkpoint names it.
	es1 = slices.Clone(es)
	es1[19].Owner = "fire"
	es1[19].Hash = es1[19].ComputeHash()
	wantBroken(t, audit.Verify(es1, cs, keys, edVerifier{}), 20, "entry 20 does not match the hub's checkpoint at 20")

	// Entry 15 changed and every hash after it recomputed: the chain holds,
	// the checkpoint at 20 does not.
	es2 := slices.Clone(es)
	es2[14].Detail = "rewritten"
	for i := 14; i < len(es2); i++ {
		es2[i].Prev = es2[i-1].Hash
		es2[i].Hash = es2[i].ComputeHash()
	}
	wantBroken(t, audit.Verify(es2, cs, keys, edVerifier{}), 20, "between entries 11 and 20")
}

func TestVerifyNamesAGap(t *testing.T) {
	es, cs, keys := chain(t, 50)
	gap := slices.Delete(slices.Clone(es), 29, 30)
	wantBroken(t, audit.Verify(gap, cs, keys, edVerifier{}), 30, "entry 30 is missing")

	first := slices.Clone(es[1:])
	wantBroken(t, audit.Verify(first, cs, keys, edVerifier{}), 1, "entry 1 is missing")

	// The last entries removed: the checkpoint at 50 shows they existed.
	cut := slices.Clone(es[:45])
	wantBroken(t, audit.Verify(cut, cs, keys, edVerifier{}), 46, "checkpoint at 50")
}

func TestVerifyNamesReordering(t *testing.T) {
	es, cs, keys := chain(t, 50)
	swapped := slices.Clone(es)
	swapped[24], swapped[25] = swapped[25], swapped[24]
	wantBroken(t, audit.Verify(swapped, cs, keys, edVerifier{}), 25, "entry 25 is out of order")

	twice := slices.Insert(slices.Clone(es), 31, es[30])
	wantBroken(t, audit.Verify(twice, cs, keys, edVerifier{}), 31, "entry 31 appears twice")
}

func TestVerifyNamesAForgedCheckpoint(t *testing.T) {
	es, cs, keys := chain(t, 50)
	other := newSigner()

	forged := slices.Clone(cs)
	forged[2].Signature, _ = other.Sign(audit.CheckpointData(forged[2].Seq, forged[2].Hash))
	wantBroken(t, audit.Verify(es, forged, keys, edVerifier{}), 30, "checkpoint at 30 is not signed by the hub's key")

	// A checkpoint of a rewritten record, signed by another key.
	moved := slices.Clone(cs)
	moved[1].Hash = strings.Repeat("0", 64)
	moved[1].Signature, _ = other.Sign(audit.CheckpointData(moved[1].Seq, moved[1].Hash))
	wantBroken(t, audit.Verify(es, moved, keys, edVerifier{}), 20, "checkpoint at 20 is not signed by the hub's key")

	// A checkpoint's hash changed after signing.
	changed := slices.Clone(cs)
	changed[0].Hash = es[8].Hash
	wantBroken(t, audit.Verify(es, changed, keys, edVerifier{}), 10, "checkpoint at 10 is not signed by the hub's key")

	wantBroken(t, audit.Verify(es, cs, nil, edVerifier{}), 10, "no hub key")
}

func TestConcurrentRecordsMakeAGaplessChain(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	clock := &tickClock{t: start, step: time.Millisecond}
	// Two recorders on one store stand for two hub processes.
	recorders := []*audit.Recorder{audit.NewRecorder(s, signer, clock, 25), audit.NewRecorder(s, signer, clock, 25)}
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if _, err := recorders[g%2].Record(ctx, read(g*100+i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Record: %v", err)
	}
	es, cs, err := audit.ReadAll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 200 || es[199].Seq != 200 {
		t.Fatalf("%d entries, the last %d; want 200", len(es), es[len(es)-1].Seq)
	}
	if len(cs) != 8 {
		t.Errorf("%d checkpoints, want 8", len(cs))
	}
	if rep := audit.Verify(es, cs, []string{signer.PublicKey()}, edVerifier{}); !rep.OK {
		t.Fatalf("report %+v", rep)
	}
}

func TestMonthBoundaryAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	end := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	behind := hub.NewFixedClock(end)                     // a process whose clock is still in November
	ahead := hub.NewFixedClock(end.Add(2 * time.Second)) // one already in December
	a := audit.NewRecorder(s, signer, behind, 0)
	b := audit.NewRecorder(s, signer, ahead, 0)
	for i := range 3 {
		if _, err := a.Record(ctx, read(i)); err != nil {
			t.Fatal(err)
		}
	}
	// b closes November with entry 4, then records entry 5 in December.
	e, err := b.Record(ctx, read(3))
	if err != nil || e.Seq != 5 || e.At.Month() != time.December {
		t.Fatalf("b recorded %+v, %v; want entry 5 in December", e, err)
	}
	// a still believes entry 3 is the last: its entry 4 clashes with the
	// closing entry in November, and it goes on after entry 5.
	e, err = a.Record(ctx, read(4))
	if err != nil || e.Seq != 6 || e.At.Month() != time.December {
		t.Fatalf("a recorded %+v, %v; want entry 6 in December", e, err)
	}
	// A process idle since November, with the clock now in February,
	// closes December and January before it records.
	c := audit.NewRecorder(s, signer, hub.NewFixedClock(time.Date(2027, 2, 10, 8, 0, 0, 0, time.UTC)), 0)
	if e, err = c.Record(ctx, read(5)); err != nil || e.Seq != 9 || e.At.Month() != time.February {
		t.Fatalf("c recorded %+v, %v; want entry 9 in February", e, err)
	}
	if _, err := c.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	es, cs, err := audit.ReadAll(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.At.Format("Jan")+" "+e.Action)
	}
	want := []string{"Nov read", "Nov read", "Nov read", "Nov month.close", "Dec read", "Dec read", "Dec month.close", "Jan month.close", "Feb read"}
	if !slices.Equal(actions, want) {
		t.Errorf("record %q, want %q", actions, want)
	}
	if rep := audit.Verify(es, cs, []string{signer.PublicKey()}, edVerifier{}); !rep.OK || rep.LastCheckpoint != 9 {
		t.Fatalf("report %+v", rep)
	}
}

func TestCheckpointOnDemand(t *testing.T) {
	ctx := context.Background()
	s, signer := newMemStore(), newSigner()
	r := audit.NewRecorder(s, signer, &tickClock{t: start, step: time.Second}, 0)
	if _, err := r.Checkpoint(ctx); !hub.IsCode(err, hub.CodeNotFound) {
		t.Fatalf("checkpoint of an empty record: %v, want not found", err)
	}
	for i := range 3 {
		if _, err := r.Record(ctx, read(i)); err != nil {
			t.Fatal(err)
		}
	}
	c1, err := r.Checkpoint(ctx)
	if err != nil || c1.Seq != 3 || c1.Key != signer.Fingerprint() {
		t.Fatalf("checkpoint %+v, %v", c1, err)
	}
	c2, err := r.Checkpoint(ctx)
	if err != nil || c2 != c1 {
		t.Fatalf("second checkpoint %+v, %v; want the first again", c2, err)
	}
}

func TestRecordRefusesBadEntries(t *testing.T) {
	r := audit.NewRecorder(newMemStore(), newSigner(), &tickClock{t: start}, 0)
	for _, action := range []string{"", audit.ActionMonthClosed} {
		if _, err := r.Record(context.Background(), audit.Entry{Action: action}); !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("action %q: %v, want invalid", action, err)
		}
	}
}

// The record is read a page at a time, newest first, narrowed by organisation and kind.
func TestPages(t *testing.T) {
	ctx := context.Background()
	s := newMemStore()
	r := audit.NewRecorder(s, newSigner(), &tickClock{t: start, step: time.Hour}, 0)
	for i := range 10 {
		if _, err := r.Record(ctx, read(i)); err != nil {
			t.Fatal(err)
		}
	}
	got, n, err := r.Page(ctx, audit.Query{Org: "nhs", Limit: 3})
	if err != nil || n != 5 || len(got) != 3 || got[0].Seq != 10 || got[2].Seq != 6 {
		t.Fatalf("nhs's newest three: %+v, %d, %v", got, n, err)
	}
	got, _, _ = r.Page(ctx, audit.Query{Org: "nhs", Before: 6, Limit: 3})
	if len(got) != 2 || got[0].Seq != 4 || got[1].Seq != 2 {
		t.Fatalf("nhs's entries before 6: %+v", got)
	}
}

func TestExportRoundTrip(t *testing.T) {
	es, cs, keys := chain(t, 30)
	var buf bytes.Buffer
	if err := audit.Export(&buf, es, cs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1+30+3 {
		t.Errorf("%d lines, want 34", len(lines))
	}
	// Each checkpoint follows the entry it signs.
	if !strings.Contains(lines[11], `"checkpoint":{"seq":10,`) || !strings.Contains(lines[10], `"entry":{"seq":10,`) {
		t.Errorf("lines 11 and 12: %s\n%s", lines[10], lines[11])
	}
	es2, cs2, err := audit.ReadExport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(es2) != 30 || len(cs2) != 3 {
		t.Fatalf("read %d entries and %d checkpoints", len(es2), len(cs2))
	}
	for i := range es {
		if !es[i].At.Equal(es2[i].At) || es[i].Hash != es2[i].Hash || es[i].Detail != es2[i].Detail {
			t.Fatalf("entry %d differs: %+v, %+v", i+1, es[i], es2[i])
		}
	}
	if rep := audit.Verify(es2, cs2, keys, edVerifier{}); !rep.OK {
		t.Fatalf("report %+v", rep)
	}

	for name, text := range map[string]string{
		"empty":     "",
		"no header": `{"entry":{"seq":1}}`,
		"not json":  `{"format":"equalityhub-audit","version":1}` + "\nhello",
		"both":      `{"format":"equalityhub-audit","version":1}` + "\n" + `{"entry":{"seq":1},"checkpoint":{"seq":1}}`,
		"unknown":   `{"format":"equalityhub-audit","version":1}` + "\n" + `{"entry":{"seq":1,"colour":"red"}}`,
	} {
		if _, _, err := audit.ReadExport(strings.NewReader(text)); !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
