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
	"crypto/sha256"
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
	// Withdrawn says when, by whom and why the publisher withdrew the table;
	// nil while it is published. A withdrawn table's figures are not offered.
	Withdrawn *Withdrawal
}

// Withdrawal is the publisher's withdrawal of a table, itself public.
type Withdrawal struct {
	At       time.Time `json:"at"`
	ByOrg    string    `json:"by_org"`
	ByPerson string    `json:"by_person"`
	Name     string    `json:"name"`
	Reason   string    `json:"reason"`
}

// Notice says a withdrawal in words for the public: "Withdrawn on 3 March
// 2026: the figures double-counted transfers".
func (w Withdrawal) Notice() string {
	return "Withdrawn on " + w.At.Format("2 January 2006") + ": " + w.Reason
}

// Signer signs what the hub publishes.
type Signer interface {
	Sign(data []byte) (string, error)
	Fingerprint() string
}

// Store keeps published tables, each written whole once, and their withdrawal.
type Store interface {
	FindPublications(ctx context.Context) ([]Published, error)
	CreatePublication(ctx context.Context, p Published) error
	// WithdrawPublication puts the withdrawal on a published table in one
	// write; CodeConflict when it is withdrawn already, CodeNotFound when
	// there is no such table.
	WithdrawPublication(ctx context.Context, id string, w Withdrawal) error
}

// The audit actions of publication other than audit.ActionPublish.
const ActionWithdraw = "publication.withdraw"

// Service publishes tables.
type Service struct {
	store  Store
	auth   hub.Authorizer
	mon    *monitoring.Service
	signer Signer
	rs     *hub.ReadSide
	clock  hub.Clock
	log    audit.Log

	writeMu sync.Mutex // one withdrawal at a time

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

// Standing returns the published tables not withdrawn, newest first.
func (s *Service) Standing() []Published {
	var out []Published
	for _, p := range s.List() {
		if p.Withdrawn == nil {
			out = append(out, p)
		}
	}
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

// Preview returns exactly the table that Publish would publish now, without
// publishing it, and its digest, which Publish is given back so that what
// is published is what the person saw.
func (s *Service) Preview(actor hub.Principal, orgName string, req Request) (Table, string, error) {
	if err := hub.Authorize(s.auth, actor, PermPublish, actor.OrgID); err != nil {
		return Table{}, "", err
	}
	tab, _, err := s.table(actor, orgName, req)
	if err != nil {
		return Table{}, "", err
	}
	return tab, Digest(tab), nil
}

// Digest fingerprints what a table says, leaving out its ID and the moment
// of publication, which only publishing gives it.
func Digest(t Table) string {
	t.ID, t.Published = "", time.Time{}
	b, _ := json.Marshal(t)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Publish publishes a table of the actor's organisation's own current return
// under the public disclosure rules (7 and under withheld, the rest rounded to
// the nearest 5; 10 for sensitive questions), with its provenance, signed by
// the hub. digest is that of the preview the person confirmed: when the table
// would now differ from it (a new return came in meanwhile), nothing is
// published and the error is CodeConflict.
func (s *Service) Publish(ctx context.Context, actor hub.Principal, orgName string, req Request, digest string) (Published, error) {
	if err := hub.Authorize(s.auth, actor, PermPublish, actor.OrgID); err != nil {
		return Published{}, err
	}
	tab, what, err := s.table(actor, orgName, req)
	if err != nil {
		return Published{}, err
	}
	if Digest(tab) != digest {
		return Published{}, hub.Errorf(hub.CodeConflict, "The table is not the one you previewed: the return behind it has changed since. Check the new preview and publish it if it is right")
	}
	// A confirmation sent twice publishes the table once.
	for _, p := range s.List() {
		if p.Table.Publisher == actor.OrgID && p.Withdrawn == nil && Digest(p.Table) == digest {
			return p, nil
		}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	tab.ID, tab.Published = hex.EncodeToString(b), s.clock.Now()
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
		Detail: fmt.Sprintf("%s: %s, %s", tab.Title, what, tab.Period)}, func(int64) error { return s.store.CreatePublication(ctx, p) }); err != nil {
		return Published{}, err
	}
	s.mu.Lock()
	s.pubs[tab.ID] = p
	s.mu.Unlock()
	return p, s.rs.Wrote(ctx)
}

// table makes the table a request would publish, protected under the public
// rules, with its ID and time of publication left empty, and what it counts
// in words ("Satisfied by Ethnic group").
func (s *Service) table(actor hub.Principal, orgName string, req Request) (Table, string, error) {
	var ps []hub.Problem
	if strings.TrimSpace(req.Title) == "" {
		ps = append(ps, hub.Problem{Field: "title", Message: "Give the table a title the public will understand"})
	}
	ps = append(ps, hub.CheckText("title", req.Title, hub.NameText)...)
	theme, ok := s.mon.Theme(req.Theme)
	if !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: "Choose a theme"})
		return Table{}, "", hub.Invalid("The table cannot be published", ps)
	}
	mi := slices.IndexFunc(theme.Measures, func(m monitoring.Measure) bool { return m.ID == req.Measure })
	if mi < 0 {
		var ids []string
		for _, m := range theme.Measures {
			ids = append(ids, m.ID)
		}
		ps = append(ps, hub.Problem{Field: "measure", Message: "Give one of the measures of " + strings.ToLower(theme.Name) + ": " + strings.Join(ids, ", ")})
	}
	var ret monitoring.Return
	period, err := monitoring.ParsePeriod(req.Period, theme.Frequency)
	if err == nil {
		err = monitoring.CheckStarted(period, theme.Frequency, s.clock.Now())
	}
	if err != nil {
		msg := hub.ErrorMessage(err)
		if ps := hub.ErrorProblems(err); len(ps) > 0 {
			msg = ps[0].Message
		}
		ps = append(ps, hub.Problem{Field: "period", Message: msg})
	} else if r, found := s.mon.OwnLatest(actor, theme.ID, period); !found {
		ps = append(ps, hub.Problem{Field: "period", Message: "Your organisation has no " + strings.ToLower(theme.Name) + " return for " + string(period)})
	} else {
		ret = r
	}
	if ret.ID == "" {
		return Table{}, "", hub.Invalid("The table cannot be published", ps)
	}
	l, err := s.mon.Layout(theme.ID, ret.Standard)
	if err != nil {
		return Table{}, "", err
	}
	qi := slices.IndexFunc(l.Questions, func(q monitoring.Question) bool { return q.Key == req.Question })
	if qi < 0 {
		var keys []string
		for _, q := range l.Questions {
			keys = append(keys, q.Key)
		}
		ps = append(ps, hub.Problem{Field: "question", Message: "Give one of the characteristics of the return: " + strings.Join(keys, ", ")})
	}
	if err := hub.Invalid("The table cannot be published", ps); err != nil {
		return Table{}, "", err
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
		return Table{}, "", err
	}
	tab := Table{Title: strings.TrimSpace(req.Title), Publisher: actor.OrgID, PublisherName: orgName, Theme: theme.ID,
		Measure: m.ID, Question: q.Key, Period: string(period), Licence: Licence, Rules: prot.Statement,
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
			return Table{}, "", hub.Errorf(hub.CodeInvalid, "The table would release a count below the public threshold: it is not published")
		}
	}
	return tab, m.Label + " by " + q.Label, nil
}

// Withdraw withdraws a published table, with a reason the public reads.
// Only its publisher withdraws it, by a person who may publish for it. The
// signed document is kept, as is the record of its publication, but its
// figures are no longer offered: the table's page and the list say when and
// why it was withdrawn.
func (s *Service) Withdraw(ctx context.Context, actor hub.Principal, id, reason string) (Published, error) {
	p, err := s.Get(id)
	if err != nil {
		return Published{}, err
	}
	if err := hub.Authorize(s.auth, actor, PermPublish, p.Table.Publisher); err != nil {
		return Published{}, err
	}
	if actor.OrgID != p.Table.Publisher {
		return Published{}, hub.Errorf(hub.CodeForbidden, "Only %s withdraws its tables", p.Table.PublisherName)
	}
	reason = strings.TrimSpace(reason)
	var ps []hub.Problem
	if reason == "" {
		ps = append(ps, hub.Problem{Field: "reason", Message: "Say why the table is withdrawn: the public will read it"})
	}
	ps = append(ps, hub.CheckText("reason", reason, hub.ReasonText)...)
	if err := hub.Invalid("The table cannot be withdrawn", ps); err != nil {
		return Published{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if p, err = s.Get(id); err != nil {
		return Published{}, err
	}
	if p.Withdrawn != nil {
		return Published{}, hub.Errorf(hub.CodeConflict, "The table was withdrawn already: %s", p.Withdrawn.Notice())
	}
	w := Withdrawal{At: s.clock.Now(), ByOrg: actor.OrgID, ByPerson: actor.PersonID, Name: actor.Name, Reason: reason}
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: ActionWithdraw, Object: "publications/" + id, Owner: p.Table.Publisher,
		Detail: fmt.Sprintf("%s withdrawn: %s", p.Table.Title, reason)}, func(int64) error { return s.store.WithdrawPublication(ctx, id, w) }); err != nil {
		return Published{}, err
	}
	p.Withdrawn = &w
	s.mu.Lock()
	s.pubs[id] = p
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
