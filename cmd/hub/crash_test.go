package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo"
	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// hubProcess is the hub run as its own process, so that it can be killed.
type hubProcess struct {
	t   *testing.T
	bin string
	env []string
	cmd *exec.Cmd
}

func (p *hubProcess) start() {
	p.t.Helper()
	cmd := exec.Command(p.bin)
	cmd.Env = append(os.Environ(), p.env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is running: open") {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			p.t.Fatal("the hub stopped before it was ready")
		}
	case <-time.After(60 * time.Second):
		p.t.Fatal("the hub did not start in a minute")
	}
	p.cmd = cmd
}

// kill stops the hub at once, as kill -9 does.
func (p *hubProcess) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// acked is a change the hub acknowledged, named as the record names it.
type acked struct {
	mu      sync.Mutex
	objects []string
}

func (a *acked) add(object string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.objects = append(a.objects, object)
}

var protocolOrEIA = regexp.MustCompile(`^/(protocols|impact-assessments)/([0-9a-z-]+)$`)

// Killed at random moments of a burst of writes (returns, mappings,
// protocols, impact assessments), the hub loses no entry: every change it
// acknowledged is on the record, every change stored is on the record, and
// an export of the record verifies intact.
func TestKillNineKeepsEveryChangeOnTheRecord(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "hub")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the hub: %v\n%s", err, out)
	}
	hubctl := mustBuildHubctl(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := fmt.Sprintf("hubtest_kill_%d", time.Now().UnixNano())
	p := &hubProcess{t: t, bin: bin, env: []string{"HUB_LISTEN=" + addr, "HUB_BASE_URL=http://" + addr, "HUB_MONGO_URI=" + mongotest.URI(t),
		"HUB_DATABASE=" + db, "HUB_DATA_DIR=" + filepath.Join(dir, "data"), "HUB_DEMO_RETURNS=false", "HUB_SYNC_INTERVAL=0s", "HUB_LOG_LEVEL=error"}}
	p.start()
	defer func() { p.kill() }()
	h := &testHub{URL: "http://" + addr}

	police := h.visitor(t)
	police.signIn(policeSteward.org, policeSteward.subject)
	_, body, _ := police.post("/profile/tokens", url.Values{"name": {"burst"}, "days": {"1"}, "scope": {"upload"}})
	token := tokenPattern.FindString(body)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)

	// The police's signing key, and one signed return for each of their themes and quarters.
	priv, pub, _, err := pgp.GenerateKey("Police returns", "", []byte("pass"))
	if err != nil {
		t.Fatal(err)
	}
	api := func(method, path string, v any) (int, []byte, error) {
		b, _ := json.Marshal(v)
		req, _ := http.NewRequest(method, h.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out, nil
	}
	if status, out, err := api(http.MethodPost, "/api/v1/keys", map[string]string{"key": pub}); err != nil || status != http.StatusCreated {
		t.Fatalf("registering the key: %d %v %s", status, err, out)
	}
	std, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	type signed struct{ doc, sig string }
	var returns []signed
	for _, th := range themes {
		if !strings.Contains(strings.Join(demo.Themes(policeSteward.org), " "), th.ID) {
			continue
		}
		l, err := monitoring.NewLayout(std, th)
		if err != nil {
			t.Fatal(err)
		}
		for _, period := range demo.Periods(th) {
			c, err := demo.Content(l, monitoring.Mapping{}, policeSteward.org, period)
			if err != nil {
				continue
			}
			doc := c.Encode(l)
			sig, err := pgp.Sign(doc, priv, []byte("pass"))
			if err != nil {
				t.Fatal(err)
			}
			returns = append(returns, signed{string(doc), sig})
		}
	}
	if len(returns) < 30 {
		t.Fatalf("only %d returns to send", len(returns))
	}

	var ok acked
	// Each kind of write in its own goroutine, until the hub stops answering.
	burst := func(stop <-chan struct{}) {
		var wg sync.WaitGroup
		run := func(write func() bool) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if !write() {
						return
					}
				}
			}()
		}
		run(func() bool {
			if len(returns) == 0 {
				return false
			}
			r := returns[0]
			returns = returns[1:]
			status, out, err := api(http.MethodPost, "/api/v1/returns", map[string]string{"document": r.doc, "signature": r.sig})
			if err != nil {
				return false
			}
			if status == http.StatusCreated || status == http.StatusOK {
				var got struct{ ID string }
				json.Unmarshal(out, &got)
				ok.add("returns/" + got.ID)
			}
			return true
		})
		run(func() bool {
			status, out, err := api(http.MethodGet, "/api/v1/mapping", nil)
			if err != nil || status != 200 {
				return false
			}
			var m map[string]any
			json.Unmarshal(out, &m)
			m["note"] = fmt.Sprintf("burst %d", rand.Int())
			status, out, err = api(http.MethodPut, "/api/v1/mapping", m)
			if err != nil {
				return false
			}
			if status == http.StatusCreated {
				var got monitoring.Mapping
				json.Unmarshal(out, &got)
				ok.add(monitoring.MappingObject(got.OrgID, got.Version))
			}
			return true
		})
		form := func(c *client, path string, f url.Values, kind string) func() bool {
			return func() bool {
				f := url.Values(f)
				f.Set("csrf", c.csrf())
				req, _ := http.NewRequest(http.MethodPost, h.URL+path, strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := c.http.Do(req)
				if err != nil {
					return false
				}
				resp.Body.Close()
				if m := protocolOrEIA.FindStringSubmatch(resp.Header.Get("Location")); resp.StatusCode == http.StatusSeeOther && m != nil {
					ok.add(kind + "/" + m[2])
				}
				return true
			}
		}
		run(form(forum, "/protocols", url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"}, "recipients": {"org:northshire-county"},
			"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
			"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}, "protocols"))
		decision := time.Now().AddDate(0, 1, 0)
		run(form(forum, "/impact-assessments", url.Values{"title": {"Library service redesign"}, "summary": {"Moving library services to community hubs"},
			"subject": {"service"}, "decision": {"Cabinet decision on the library service"}, "participants": {"northam-city"},
			"decision_date": {decision.Format(time.DateOnly)}, "review_date": {decision.AddDate(1, 0, 0).Format(time.DateOnly)}}, "eias"))
		wg.Wait()
	}

	for round := range 3 {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { burst(stop); close(done) }()
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		p.kill()
		close(stop)
		<-done
		t.Logf("round %d: %d changes acknowledged so far", round+1, len(ok.objects))
		p.start()
	}
	if len(ok.objects) < 12 {
		t.Fatalf("only %d changes were acknowledged: the burst did not run", len(ok.objects))
	}

	// What the store holds and what the record says.
	ctx := context.Background()
	store, err := mongo.Open(ctx, mongotest.URI(t), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	entries, _, err := audit.ReadAll(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	onRecord := map[string]bool{}
	bySeq := map[int64]audit.Entry{}
	for _, e := range entries {
		onRecord[e.Object] = true
		bySeq[e.Seq] = e
	}
	for _, o := range ok.objects {
		if !onRecord[o] {
			t.Errorf("%s was acknowledged but is not on the record", o)
		}
	}
	rs, _ := store.FindReturns(ctx, false)
	ms, _ := store.FindMappings(ctx)
	ps, _ := store.FindProtocols(ctx)
	es, _ := store.FindEIAs(ctx)
	for _, r := range rs {
		if !onRecord["returns/"+r.ID] {
			t.Errorf("return %s is stored but not on the record", r.ID)
		}
	}
	for _, m := range ms {
		if !onRecord[monitoring.MappingObject(m.OrgID, m.Version)] {
			t.Errorf("mapping %s version %d is stored but not on the record", m.OrgID, m.Version)
		}
	}
	for _, pr := range ps {
		for _, seq := range pr.Entries {
			if bySeq[seq].Object != "protocols/"+pr.ID {
				t.Errorf("protocol %s names entry %d, which is %+v", pr.ID, seq, bySeq[seq])
			}
		}
		if len(pr.Entries) == 0 && !strings.HasPrefix(pr.ID, "demo") && !onRecord["protocols/"+pr.ID] {
			t.Errorf("protocol %s is stored but not on the record", pr.ID)
		}
	}
	for _, e := range es {
		if len(e.Entries) == 0 || bySeq[e.Entries[0]].Object != "eias/"+e.ID {
			t.Errorf("impact assessment %s is stored without its entry: %v", e.ID, e.Entries)
		}
	}
	t.Logf("%d entries; %d returns, %d mappings, %d protocols, %d impact assessments stored", len(entries), len(rs), len(ms), len(ps), len(es))

	// An export verifies intact.
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, export := board.get("/api/v1/audit/export")
	_, key := board.get("/hub-key.asc")
	os.WriteFile(filepath.Join(dir, "record.jsonl"), []byte(export), 0o644)
	os.WriteFile(filepath.Join(dir, "hub.asc"), []byte(key), 0o644)
	out, err := steward{t: t, bin: hubctl, dir: dir}.run("", "audit", "verify", "record.jsonl", "--hub-key", "hub.asc")
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("verifying the record after the kills: %v\n%s", err, out)
	}
}
