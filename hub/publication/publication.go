// Package publication holds what an organisation publishes for the public:
// tables of its monitoring data under the public disclosure rules, each with
// its provenance (the returns it came from, their signatures, the rules
// applied) and signed by the hub's own key, so that anyone can check a
// download; and open data for catalogues.
package publication

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// PermPublish lets a person publish their organisation's tables.
var PermPublish = hub.Permission{Object: "publication", Action: "publish"}

// Licence is the licence published data is offered under.
const Licence = "Open Government Licence v3.0"

// LicenceURL is where the licence is.
const LicenceURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

// Table is a published table: the document that is signed and offered for download.
type Table struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Publisher     string     `json:"publisher"` // organisation ID
	PublisherName string     `json:"publisher_name"`
	Theme         string     `json:"theme"`
	Measure       string     `json:"measure"`
	Question      string     `json:"question"`
	Period        string     `json:"period"`
	Published     time.Time  `json:"published"`
	Licence       string     `json:"licence"`
	Rules         string     `json:"rules"`
	Columns       []Column   `json:"columns"` // the data dictionary
	Rows          []Row      `json:"rows"`
	Provenance    Provenance `json:"provenance"`
}

// Column describes one column of the table, for the data dictionary.
type Column struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Row is one answer's released count.
type Row struct {
	Answer string `json:"answer"`
	Group  string `json:"group"`
	Count  *int64 `json:"count"` // null when withheld
	Status string `json:"status"`
	Text   string `json:"text"` // what to show: the number, or words such as "7 or fewer"
}

// Provenance says where the figures came from.
type Provenance struct {
	Return     string    `json:"return"` // the return's ID: SHA-256 of the signed document
	Version    int       `json:"version"`
	SignedBy   string    `json:"signed_by"` // fingerprint of the organisation's key
	SignedAt   time.Time `json:"signed_at"`
	Standard   string    `json:"standard"`
	Disclosure string    `json:"disclosure"` // the rules applied, in words
}

// Published is a table as kept: its signed document and the hub's signature.
type Published struct {
	Table     Table
	Document  []byte // the canonical JSON, exactly as signed
	Signature string
	Key       string // the hub key's fingerprint
}

// Signer signs what the hub publishes.
type Signer interface {
	Sign(data []byte) (string, error)
	Fingerprint() string
}

// Store keeps published tables, each written whole once.
type Store interface {
	FindPublications(ctx context.Context) ([]Published, error)
	CreatePublication(ctx context.Context, p Published) error
}

// Service publishes tables.
type Service struct {
	store  Store
	auth   hub.Authorizer
	mon    *monitoring.Service
	signer Signer
	rs     *hub.ReadSide
	clock  hub.Clock
	log    audit.Log

	mu   sync.RWMutex
	pubs map[string]Published
}

// NewService returns the service. Call Reload (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, mon *monitoring.Service, signer Signer, rs *hub.ReadSide, clock hub.Clock, log audit.Log) *Service {
	return &Service{store: store, auth: auth, mon: mon, signer: signer, rs: rs, clock: clock, log: log, pubs: map[string]Published{}}
}

// Reload reads the published tables.
func (s *Service) Reload(ctx context.Context) error {
	ps, err := s.store.FindPublications(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pubs = map[string]Published{}
	for _, p := range ps {
		s.pubs[p.Table.ID] = p
	}
	return nil
}

// List returns every published table, newest first.
func (s *Service) List() []Published {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Published, 0, len(s.pubs))
	for _, p := range s.pubs {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Published) int {
		return cmp.Or(b.Table.Published.Compare(a.Table.Published), cmp.Compare(a.Table.ID, b.Table.ID))
	})
	return out
}

// Get returns one published table.
func (s *Service) Get(id string) (Published, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.pubs[id]
	if !ok {
		return Published{}, hub.Errorf(hub.CodeNotFound, "There is no such published table")
	}
	return p, nil
}

// Request is what an organisation publishes: one of its returns, by one characteristic.
type Request struct {
	Title    string
	Theme    string
	Measure  string
	Question string
	Period   string
}

// Publish publishes a table of the actor's organisation's own current return
// under the public disclosure rules (7 and under withheld, the rest rounded to
// the nearest 5; 10 for sensitive questions), with its provenance, signed by
// the hub.
func (s *Service) Publish(ctx context.Context, actor hub.Principal, orgName string, req Request) (Published, error) {
	if err := hub.Authorize(s.auth, actor, PermPublish, actor.OrgID); err != nil {
		return Published{}, err
	}
	var ps []hub.Problem
	if strings.TrimSpace(req.Title) == "" {
		ps = append(ps, hub.Problem{Field: "title", Message: "Give the table a title the public will understand"})
	}
	ps = append(ps, hub.CheckText("title", req.Title, hub.NameText)...)
	theme, ok := s.mon.Theme(req.Theme)
	if !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: "Choose a theme"})
	}
	if len(ps) > 0 {
		return Published{}, hub.Invalid("The table cannot be published", ps)
	}
	period, err := monitoring.ParsePeriod(req.Period, theme.Frequency)
	if err == nil {
		err = monitoring.CheckStarted(period, theme.Frequency, s.clock.Now())
	}
	if err != nil {
		msg := hub.ErrorMessage(err)
		if ps := hub.ErrorProblems(err); len(ps) > 0 {
			msg = ps[0].Message
		}
		return Published{}, hub.Invalid("The table cannot be published", []hub.Problem{{Field: "period", Message: msg}})
	}
	ret, found := s.mon.OwnLatest(actor, theme.ID, period)
	if !found {
		return Published{}, hub.Invalid("The table cannot be published", []hub.Problem{{Field: "period", Message: "Your organisation has no " + strings.ToLower(theme.Name) + " return for " + string(period)}})
	}
	l, err := s.mon.Layout(theme.ID, ret.Standard)
	if err != nil {
		return Published{}, err
	}
	qi, mi := -1, -1
	for i, q := range l.Questions {
		if q.Key == req.Question {
			qi = i
		}
	}
	for i, m := range theme.Measures {
		if m.ID == req.Measure {
			mi = i
		}
	}
	if qi < 0 || mi < 0 {
		return Published{}, hub.Invalid("The table cannot be published", []hub.Problem{{Field: "question", Message: "Choose a characteristic and a measure of the theme"}})
	}
	q, m := l.Questions[qi], theme.Measures[mi]
	rules := disclosure.PublicRules()
	if q.Sensitive && rules.Threshold < 11 {
		rules.Threshold = 11
	}
	answers := q.Answers()
	t := disclosure.Table{Cols: []string{orgName}}
	for ai, a := range answers {
		t.Rows = append(t.Rows, a.Label)
		t.Counts = append(t.Counts, []int64{ret.Counts[l.Index(qi, ai, mi)]})
	}
	prot, err := disclosure.Protect(t, rules)
	if err != nil {
		return Published{}, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	tab := Table{ID: hex.EncodeToString(b), Title: strings.TrimSpace(req.Title), Publisher: actor.OrgID, PublisherName: orgName, Theme: theme.ID,
		Measure: m.ID, Question: q.Key, Period: string(period), Published: s.clock.Now(), Licence: Licence, Rules: prot.Statement,
		Columns: []Column{{"answer", q.Label + ": the answer given to \"" + q.Wording + "\""}, {"group", "The broad group the answer belongs to"},
			{"count", m.Label + ": the number of records, or empty when withheld to protect people"}, {"status", "released, rounded, zero, suppressed-primary or suppressed-secondary"},
			{"text", "What to show: the number, or why it is withheld, in words"}},
		Provenance: Provenance{Return: ret.ID, Version: ret.Version, SignedBy: ret.Key, SignedAt: ret.SignedAt, Standard: ret.Standard, Disclosure: prot.Statement}}
	for ai, a := range answers {
		c := prot.Cells[ai][0]
		r := Row{Answer: a.Label, Group: q.GroupOf(a.Code), Status: string(c.Status), Text: c.Text}
		if !c.Status.Suppressed() {
			v := c.Value
			r.Count = &v
		}
		tab.Rows = append(tab.Rows, r)
	}
	for _, r := range tab.Rows {
		if r.Count != nil && *r.Count > 0 && *r.Count < int64(rules.Threshold) {
			return Published{}, hub.Errorf(hub.CodeInvalid, "The table would release a count below the public threshold: it is not published")
		}
	}
	doc, err := json.MarshalIndent(tab, "", "  ")
	if err != nil {
		return Published{}, hub.Internal(err, "encoding a published table")
	}
	doc = append(doc, '\n')
	sig, err := s.signer.Sign(doc)
	if err != nil {
		return Published{}, hub.Internal(err, "signing a published table")
	}
	p := Published{Table: tab, Document: doc, Signature: sig, Key: s.signer.Fingerprint()}
	defer s.rs.BeginWrite()()
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: audit.ActionPublish, Object: "publications/" + tab.ID, Owner: actor.OrgID,
		Detail: fmt.Sprintf("%s: %s by %s, %s", tab.Title, m.Label, q.Label, period)}, func(int64) error { return s.store.CreatePublication(ctx, p) }); err != nil {
		return Published{}, err
	}
	s.mu.Lock()
	s.pubs[tab.ID] = p
	s.mu.Unlock()
	return p, s.rs.Wrote(ctx)
}

// DCAT returns catalogue metadata (DCAT, as JSON-LD) for a published table, at baseURL.
func DCAT(p Published, baseURL string) map[string]any {
	u := baseURL + "/published/" + p.Table.ID
	return map[string]any{
		"@context":        map[string]string{"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
		"@type":           "dcat:Dataset",
		"@id":             u,
		"dct:title":       p.Table.Title,
		"dct:publisher":   p.Table.PublisherName,
		"dct:issued":      p.Table.Published.Format(time.RFC3339),
		"dct:license":     LicenceURL,
		"dct:temporal":    p.Table.Period,
		"dcat:keyword":    []string{"equality", p.Table.Theme, p.Table.Question},
		"dct:description": p.Table.Rules,
		"dcat:distribution": []map[string]string{
			{"@type": "dcat:Distribution", "dcat:downloadURL": u + "/table.csv", "dcat:mediaType": "text/csv"},
			{"@type": "dcat:Distribution", "dcat:downloadURL": u + "/table.json", "dcat:mediaType": "application/json"},
			{"@type": "dcat:Distribution", "dcat:downloadURL": u + "/table.json.asc", "dcat:mediaType": "application/pgp-signature"},
		},
	}
}
