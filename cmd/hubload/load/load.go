// Package load puts a hub on this machine under the load of slow and idle
// clients and oversized posts, and measures whether it keeps answering other
// people's pages in its usual time and its memory where it was. It is the
// work of the hubload command, and of a test that runs it against a test hub.
package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what load to put on which hub.
type Config struct {
	Hub          string        // the hub's address, e.g. http://127.0.0.1:8080; loopback only
	Metrics      string        // where its metrics are; empty: Hub + /metrics
	Token        string        // an API token for the posts and the slow bodies; empty: they are sent anonymously
	SlowClients  int           // connections held open: half trickle a body, half send nothing
	Posts        int           // oversized JSON returns sent at once: the first chunked, the next saying its length, and so on
	PostBytes    int64         // the size of each
	Pages        []string      // the pages timed, e.g. / and /published
	Interval     time.Duration // how often the pages are timed
	Baseline     time.Duration // how long the pages are timed before the load
	Hold         time.Duration // how long the load lasts
	Settle       time.Duration // the longest to wait after the load for memory to come back
	MaxSlowdown  float64       // the pages' p95 under load may be at most this times the baseline's...
	Slack        time.Duration // ...plus this
	MaxGrowth    int64         // the resident memory after the load may be at most this above where it started
	ReturnsRoute string        // where JSON returns are posted; empty: /api/v1/returns
	// PostsFrom is the loopback address the posts are sent from, so that the
	// hub sees them as another client than the slow ones; empty: 127.0.0.2
	// for a hub on 127.0.0.1 (or localhost), else the system's choice.
	PostsFrom string
}

// Defaults are the load the hubload command puts on a hub unless told otherwise.
func Defaults() Config {
	return Config{SlowClients: 200, Posts: 4, PostBytes: 55 << 20, Pages: []string{"/", "/published"}, Interval: 200 * time.Millisecond,
		Baseline: 5 * time.Second, Hold: 20 * time.Second, Settle: 30 * time.Second, MaxSlowdown: 3, Slack: 50 * time.Millisecond, MaxGrowth: 50 << 20}
}

// Timings are the times pages took in one phase.
type Timings struct {
	N, Failed int
	P50, P95  time.Duration
	Failures  []string // the first few
}

// Memory is one reading of the hub's memory, in bytes.
type Memory struct {
	Resident, HeapInUse int64
}

// Post is what became of one oversized post.
type Post struct {
	Chunked bool // sent without saying its length
	Status  int  // 0: no answer
	Err     string
	Sent    int64 // bytes of the body sent before the answer
	Took    time.Duration
}

// Slow is what became of the slow clients of one kind.
type Slow struct {
	Held     int             // still open when the load ended
	Answered map[int]int     // answered, by status
	Closed   int             // closed by the hub without an answer
	Failed   int             // could not connect
	ClosedAt []time.Duration // when the hub closed them (answered or not), from their start
}

// Report is what the load found.
type Report struct {
	Config                    Config
	Before, Under             Timings
	Trickling, Idle           Slow
	Posts                     []Post
	MemBefore, Peak, MemAfter Memory
	Settled                   time.Duration // how long after the load memory was read for the last time
	Problems                  []string      // why the hub did not pass; none: it did
}

// OK says whether the hub passed.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// CheckLoopback refuses any hub address that is not on this machine: the
// load is for one's own hub, never someone else's.
func CheckLoopback(hub string) (*url.URL, error) {
	u, err := url.Parse(hub)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http address such as http://127.0.0.1:8080", hub)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s is not a loopback address (127.0.0.1, ::1 or localhost): the load is only put on a hub on this machine", host)
	}
	return u, nil
}

// Run puts the load on the hub and reports what it found. It fails only when
// the load could not be put at all (a wrong address, a hub not answering).
func Run(ctx context.Context, cfg Config) (Report, error) {
	u, err := CheckLoopback(cfg.Hub)
	if err != nil {
		return Report{}, err
	}
	metricsURL := cfg.Metrics
	if metricsURL == "" {
		metricsURL = strings.TrimRight(cfg.Hub, "/") + "/metrics"
	}
	if _, err := CheckLoopback(metricsURL); err != nil {
		return Report{}, err
	}
	if cfg.ReturnsRoute == "" {
		cfg.ReturnsRoute = "/api/v1/returns"
	}
	if cfg.PostsFrom == "" {
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && ip.To4() != nil) {
			cfg.PostsFrom = "127.0.0.2"
		}
	}
	r := Report{Config: cfg}
	base := strings.TrimRight(cfg.Hub, "/")
	pages := &http.Client{Timeout: 10 * time.Second}
	mc := &http.Client{Timeout: 10 * time.Second}

	// Warm up, and read where memory starts.
	for _, p := range cfg.Pages {
		if _, err := timePage(pages, base+p); err != nil {
			return r, fmt.Errorf("the hub does not answer %s: %w", p, err)
		}
	}
	if r.MemBefore, err = readMemory(mc, metricsURL); err != nil {
		return r, err
	}
	r.Peak = r.MemBefore

	// The pages before the load.
	r.Before = timePages(ctx, pages, base, cfg.Pages, cfg.Interval, cfg.Baseline)

	// The load: slow clients, oversized posts, and meanwhile the pages and memory.
	lctx, stop := context.WithTimeout(ctx, cfg.Hold)
	defer stop()
	var wg sync.WaitGroup
	var mu sync.Mutex
	slowStart := time.Now()
	trickling, idle := newSlow(), newSlow()
	for i := range cfg.SlowClients {
		kind, into := "trickle", trickling
		if i%2 == 1 {
			kind, into = "idle", idle
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := slowClient(lctx, u.Host, kind, cfg.Token, cfg.ReturnsRoute)
			mu.Lock()
			into.add(o, slowStart)
			mu.Unlock()
		}()
	}
	posts := make([]Post, cfg.Posts)
	for i := range cfg.Posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			posts[i] = post(lctx, base+cfg.ReturnsRoute, cfg.Token, cfg.PostBytes, i%2 == 0, cfg.PostsFrom)
		}()
	}
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
			if m, err := readMemory(mc, metricsURL); err == nil {
				mu.Lock()
				r.Peak = Memory{max(r.Peak.Resident, m.Resident), max(r.Peak.HeapInUse, m.HeapInUse)}
				mu.Unlock()
			}
		}
	}()
	r.Under = timePages(lctx, pages, base, cfg.Pages, cfg.Interval, cfg.Hold)
	stop()
	wg.Wait()
	<-memDone
	r.Trickling, r.Idle, r.Posts = *trickling, *idle, posts

	// After the load: wait for memory to come back, as long as Settle allows.
	ended := time.Now()
	for {
		m, err := readMemory(mc, metricsURL)
		if err == nil {
			r.MemAfter = m
			r.Peak = Memory{max(r.Peak.Resident, m.Resident), max(r.Peak.HeapInUse, m.HeapInUse)}
		}
		r.Settled = time.Since(ended)
		if err == nil && m.Resident-r.MemBefore.Resident <= cfg.MaxGrowth {
			break
		}
		if r.Settled >= cfg.Settle || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Second)
	}

	limit := r.Limit()
	if r.Under.P95 > limit {
		r.Problems = append(r.Problems, fmt.Sprintf("the pages' p95 under load, %s, is more than %s (%.0f times the p95 before, %s, plus %s)",
			ms(r.Under.P95), ms(limit), cfg.MaxSlowdown, ms(r.Before.P95), ms(cfg.Slack)))
	}
	if r.Under.Failed > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d of %d page requests under load failed: %s", r.Under.Failed, r.Under.N, strings.Join(r.Under.Failures, "; ")))
	}
	if r.Before.Failed > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d of %d page requests before the load failed: %s", r.Before.Failed, r.Before.N, strings.Join(r.Before.Failures, "; ")))
	}
	if g := r.MemAfter.Resident - r.MemBefore.Resident; g > cfg.MaxGrowth {
		r.Problems = append(r.Problems, fmt.Sprintf("the hub's resident memory grew by %s and had not come back %s after the load (at most %s)",
			mb(g), r.Settled.Round(time.Second), mb(cfg.MaxGrowth)))
	}
	return r, nil
}

// Limit is the p95 that pages under load may take.
func (r Report) Limit() time.Duration {
	return time.Duration(float64(r.Before.P95)*r.Config.MaxSlowdown) + r.Config.Slack
}

func newSlow() *Slow { return &Slow{Answered: map[int]int{}} }

// outcome is what became of one slow client.
type outcome struct {
	status int // answered with this status
	closed bool
	failed bool
	at     time.Time
}

func (s *Slow) add(o outcome, start time.Time) {
	switch {
	case o.failed:
		s.Failed++
		return
	case o.status != 0:
		s.Answered[o.status]++
	case o.closed:
		s.Closed++
	default:
		s.Held++
		return
	}
	s.ClosedAt = append(s.ClosedAt, o.at.Sub(start))
}

// slowClient holds one connection open until ctx ends: trickling a body a
// byte a second, or sending nothing at all. It says whether the hub answered
// or closed it first.
func slowClient(ctx context.Context, host, kind, token, route string) outcome {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return outcome{failed: true}
	}
	defer conn.Close()
	answer := make(chan outcome, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answer <- outcome{closed: true, at: time.Now()}
			return
		}
		resp.Body.Close()
		answer <- outcome{status: resp.StatusCode, at: time.Now()}
	}()
	if kind == "trickle" {
		head := "POST " + route + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n"
		if token != "" {
			head += "Authorization: Bearer " + token + "\r\n"
		}
		if _, err := io.WriteString(conn, head+"\r\n{"); err != nil {
			return outcome{closed: true, at: time.Now()}
		}
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case o := <-answer:
			if ctx.Err() != nil {
				// Closed by this end when the load ended.
				return outcome{}
			}
			return o
		case <-ctx.Done():
			return outcome{}
		case <-t.C:
			if kind == "trickle" {
				if _, err := io.WriteString(conn, "x"); err != nil {
					select {
					case o := <-answer:
						return o
					case <-time.After(time.Second):
						return outcome{closed: true, at: time.Now()}
					}
				}
			}
		}
	}
}

// body is an oversized JSON return, made as it is read: a document of x's.
type body struct {
	left int64
	sent int64
	head bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.left))
	i := 0
	if !b.head {
		i = copy(p[:n], `{"document": "`)
		b.head = true
	}
	for ; i < n; i++ {
		p[i] = 'x'
	}
	b.left -= int64(n)
	b.sent += int64(n)
	return n, nil
}

// post sends one oversized JSON return, saying its length or not, from a
// loopback address of its own when from is set.
func post(ctx context.Context, u, token string, size int64, chunked bool, from string) Post {
	b := &body{left: size}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, b)
	if err != nil {
		return Post{Err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.ContentLength = size
	if chunked {
		req.ContentLength = -1
	}
	start := time.Now()
	tr := &http.Transport{}
	if from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		tr.DialContext = func(ctx context.Context, _, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp4", addr) }
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Timeout: 2 * time.Minute, Transport: tr}).Do(req)
	p := Post{Chunked: chunked, Took: time.Since(start), Sent: b.sent}
	if err != nil {
		p.Err = err.Error()
		return p
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	p.Status = resp.StatusCode
	return p
}

// timePages times the pages every interval for as long as d, or until ctx ends.
func timePages(ctx context.Context, c *http.Client, base string, pages []string, every, d time.Duration) Timings {
	var took []time.Duration
	var t Timings
	end := time.Now().Add(d)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for time.Now().Before(end) {
		for _, p := range pages {
			dt, err := timePage(c, base+p)
			if ctx.Err() != nil {
				break
			}
			t.N++
			if err != nil {
				t.Failed++
				if len(t.Failures) < 3 {
					t.Failures = append(t.Failures, p+": "+err.Error())
				}
				continue
			}
			took = append(took, dt)
		}
		select {
		case <-ctx.Done():
			end = time.Now()
		case <-tick.C:
		}
	}
	t.P50, t.P95 = percentile(took, 0.5), percentile(took, 0.95)
	return t
}

func timePage(c *http.Client, u string) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("answered %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// readMemory reads the hub's resident memory and heap in use from its metrics.
func readMemory(c *http.Client, u string) (Memory, error) {
	resp, err := c.Get(u)
	if err != nil {
		return Memory{}, fmt.Errorf("reading the hub's metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Memory{}, fmt.Errorf("reading the hub's metrics at %s: answered %d", u, resp.StatusCode)
	}
	var m Memory
	found := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var into *int64
		switch name {
		case "process_resident_memory_bytes":
			into = &m.Resident
		case "go_memstats_heap_inuse_bytes":
			into = &m.HeapInUse
		default:
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		*into = int64(v)
		found++
	}
	if found < 2 {
		return m, errors.New("the hub's metrics have no process_resident_memory_bytes or go_memstats_heap_inuse_bytes")
	}
	return m, nil
}

// Print writes the report in plain words.
func (r Report) Print(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "Load on %s: %d slow clients (%d trickling a body to %s, %d sending nothing), %d posts of %s to %s, for %s; pages %s timed every %s\n",
		c.Hub, c.SlowClients, (c.SlowClients+1)/2, c.ReturnsRoute, c.SlowClients/2, c.Posts, mb(c.PostBytes), c.ReturnsRoute, c.Hold, strings.Join(c.Pages, " "), c.Interval)
	if c.PostsFrom != "" {
		fmt.Fprintf(w, "  (the posts come from %s, another client than the slow ones)\n", c.PostsFrom)
	}
	if c.Token == "" {
		fmt.Fprintln(w, "  (anonymously: give -token to send them as a signed-in data steward)")
	}
	fmt.Fprintf(w, "Pages before the load: %d requests, p50 %s, p95 %s, %d failed\n", r.Before.N, ms(r.Before.P50), ms(r.Before.P95), r.Before.Failed)
	fmt.Fprintf(w, "Pages under the load:  %d requests, p50 %s, p95 %s (at most %s), %d failed\n", r.Under.N, ms(r.Under.P50), ms(r.Under.P95), ms(r.Limit()), r.Under.Failed)
	for _, k := range []struct {
		name string
		s    Slow
	}{{"trickling a body", r.Trickling}, {"sending nothing", r.Idle}} {
		fmt.Fprintf(w, "Slow clients %s: %d still open at the end", k.name, k.s.Held)
		statuses := slices.Sorted(maps.Keys(k.s.Answered))
		for _, st := range statuses {
			fmt.Fprintf(w, ", %d answered %d", k.s.Answered[st], st)
		}
		if k.s.Closed > 0 {
			fmt.Fprintf(w, ", %d closed by the hub without an answer", k.s.Closed)
		}
		if len(k.s.ClosedAt) > 0 {
			fmt.Fprintf(w, " (median after %s)", percentile(k.s.ClosedAt, 0.5).Round(100*time.Millisecond))
		}
		if k.s.Failed > 0 {
			fmt.Fprintf(w, ", %d could not connect", k.s.Failed)
		}
		fmt.Fprintln(w)
	}
	for i, p := range r.Posts {
		how := "with its length"
		if p.Chunked {
			how = "chunked"
		}
		answer := fmt.Sprintf("answered %d", p.Status)
		if p.Status == 0 {
			answer = "no answer: " + p.Err
		}
		fmt.Fprintf(w, "Post %d (%s, %s): %s after %s, %s of it sent\n", i+1, how, mb(c.PostBytes), answer, p.Took.Round(time.Millisecond), mb(p.Sent))
	}
	fmt.Fprintf(w, "Resident memory: before %s, peak %s, after %s (%+.1f MB, at most +%s, read %s after the load)\n",
		mb(r.MemBefore.Resident), mb(r.Peak.Resident), mb(r.MemAfter.Resident), float64(r.MemAfter.Resident-r.MemBefore.Resident)/(1<<20), mb(c.MaxGrowth), r.Settled.Round(time.Second))
	fmt.Fprintf(w, "Heap in use:     before %s, peak %s, after %s\n", mb(r.MemBefore.HeapInUse), mb(r.Peak.HeapInUse), mb(r.MemAfter.HeapInUse))
	if r.OK() {
		fmt.Fprintln(w, "PASSED: the hub kept answering pages in its usual time, and its memory stayed within the limit.")
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "FAILED: "+p)
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func mb(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}
