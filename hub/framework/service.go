package framework

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// Assessment is an organisation's self-assessed level on one theme of a
// framework, keyed by (OrgID, FrameworkID, Theme).
type Assessment struct {
	OrgID       string         `json:"org_id"`
	FrameworkID string         `json:"framework_id"`
	Theme       string         `json:"theme"`
	Level       string         `json:"level"`
	Evidence    []EvidenceLink `json:"evidence,omitempty"`
	Note        string         `json:"note,omitempty"`
	By          string         `json:"by"`
	At          time.Time      `json:"at"`
	Challenges  []Challenge    `json:"challenges,omitempty"`
	// History holds the earlier records, oldest first, so the board sees how the level changed.
	History []Assessment `json:"history,omitempty"`
}

// Key returns the assessment's key, "org/framework/theme".
func (a Assessment) Key() string { return key(a.OrgID, a.FrameworkID, a.Theme) }

func key(org, fw, theme string) string { return org + "/" + fw + "/" + theme }

// EvidenceLink points to something that backs a level.
type EvidenceLink struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Link  string `json:"link,omitempty"`
}

// Challenge is another partner questioning a self-assessed level.
type Challenge struct {
	ByOrg    string    `json:"by_org"`
	ByPerson string    `json:"by_person"`
	Name     string    `json:"name"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
}

// Store keeps added frameworks and assessments, each as one document written whole.
type Store interface {
	FindAssessments(ctx context.Context) ([]Assessment, error)
	// SaveAssessment creates or replaces the assessment of its key.
	SaveAssessment(ctx context.Context, a Assessment) error
	FindFrameworks(ctx context.Context) ([]Framework, error)
	// SaveFramework creates or replaces a framework.
	SaveFramework(ctx context.Context, f Framework) error
}

// The permissions of frameworks; reading is hub.PermFrameworkRead.
var (
	PermManage    = hub.Permission{Object: "framework", Action: "manage"}    // add frameworks for the partnership
	PermAssess    = hub.Permission{Object: "framework", Action: "assess"}    // record one's organisation's levels
	PermChallenge = hub.Permission{Object: "framework", Action: "challenge"} // challenge another partner's level
)

// The audit actions of frameworks.
const (
	ActionFrameworkAdd = "framework.add"
	ActionAssess       = "framework.assess"
	ActionChallenge    = "framework.challenge"
)

// Service holds the frameworks and every self-assessment in memory.
type Service struct {
	store   Store
	auth    hub.Authorizer
	rs      *hub.ReadSide
	clock   hub.Clock
	log     audit.Log
	builtIn []Framework

	writeMu sync.Mutex

	mu          sync.RWMutex
	frameworks  []Framework // built-in first, then added ones by ID
	assessments map[string]Assessment
}

// NewService returns the service with the built-in frameworks. Call Reload
// (through the read side) before use.
func NewService(store Store, auth hub.Authorizer, rs *hub.ReadSide, clock hub.Clock, log audit.Log, frameworks []Framework) *Service {
	return &Service{store: store, auth: auth, rs: rs, clock: clock, log: log, builtIn: slices.Clone(frameworks),
		frameworks: slices.Clone(frameworks), assessments: map[string]Assessment{}}
}

// Reload reads the added frameworks and the assessments.
func (s *Service) Reload(ctx context.Context) error {
	fs, err := s.store.FindFrameworks(ctx)
	if err != nil {
		return err
	}
	as, err := s.store.FindAssessments(ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(fs, func(a, b Framework) int { return cmp.Compare(a.ID, b.ID) })
	all := slices.Clone(s.builtIn)
	for _, f := range fs {
		if !slices.ContainsFunc(all, func(g Framework) bool { return g.ID == f.ID }) {
			all = append(all, f)
		}
	}
	m := make(map[string]Assessment, len(as))
	for _, a := range as {
		m[a.Key()] = a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frameworks, s.assessments = all, m
	return nil
}

// Frameworks returns every framework, built-in ones first.
func (s *Service) Frameworks() []Framework {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.frameworks)
}

// Framework returns one framework.
func (s *Service) Framework(id string) (Framework, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.frameworks {
		if f.ID == id {
			return f, nil
		}
	}
	return Framework{}, hub.Errorf(hub.CodeNotFound, "There is no such framework")
}

// Assessment returns an organisation's assessment of a theme.
func (s *Service) Assessment(orgID, frameworkID, themeID string) (Assessment, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.assessments[key(orgID, frameworkID, themeID)]
	return a, ok
}

// Add adds a framework for the partnership. Its ID must be new.
func (s *Service) Add(ctx context.Context, actor hub.Principal, f Framework) error {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.Framework(f.ID); err == nil {
		return hub.Errorf(hub.CodeConflict, "There is a framework with the ID %s already", hub.Excerpt(f.ID))
	}
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: ActionFrameworkAdd, Object: "frameworks/" + f.ID, Owner: hub.DomainPartnership, Detail: "added " + f.Name},
		func(int64) error { return s.store.SaveFramework(ctx, f) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.frameworks = append(slices.Clone(s.frameworks), f)
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// Record sets the actor's organisation's level on a theme. The earlier record,
// if any, moves into History; challenges stay with the theme.
func (s *Service) Record(ctx context.Context, actor hub.Principal, orgID, frameworkID, themeID, level string, evidence []EvidenceLink, note string) (Assessment, error) {
	if err := hub.Authorize(s.auth, actor, PermAssess, orgID); err != nil {
		return Assessment{}, err
	}
	if orgID != actor.OrgID {
		return Assessment{}, hub.Errorf(hub.CodeForbidden, "You can record levels for your own organisation only")
	}
	f, err := s.Framework(frameworkID)
	if err != nil {
		return Assessment{}, err
	}
	var ps []hub.Problem
	if _, ok := f.Theme(themeID); !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: fmt.Sprintf("%s has no theme %s", f.Name, hub.Excerpt(themeID))})
	}
	if _, ok := f.Level(level); !ok {
		ps = append(ps, hub.Problem{Field: "level", Message: fmt.Sprintf("%s has no level %s", f.Name, hub.Excerpt(level))})
	}
	for i, e := range evidence {
		if strings.TrimSpace(e.Title) == "" {
			ps = append(ps, hub.Problem{Field: fmt.Sprintf("evidence[%d]", i), Message: "Give the evidence a title"})
		}
		ps = append(ps, hub.CheckTexts(hub.Text{Field: fmt.Sprintf("evidence[%d].kind", i), Value: e.Kind, Kind: hub.NameText},
			hub.Text{Field: fmt.Sprintf("evidence[%d].title", i), Value: e.Title, Kind: hub.NameText},
			hub.Text{Field: fmt.Sprintf("evidence[%d].link", i), Value: e.Link, Kind: hub.LinkText})...)
	}
	ps = append(ps, hub.CheckText("note", note, hub.ReasonText)...)
	if err := hub.Invalid("The assessment cannot be recorded", ps); err != nil {
		return Assessment{}, err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	a := Assessment{OrgID: orgID, FrameworkID: frameworkID, Theme: themeID, Level: level, Evidence: slices.Clone(evidence),
		Note: strings.TrimSpace(note), By: actor.PersonID, At: s.clock.Now()}
	detail := "recorded " + level
	if prev, ok := s.Assessment(orgID, frameworkID, themeID); ok {
		a.Challenges = prev.Challenges
		old := prev
		old.History, old.Challenges = nil, nil
		a.History = append(slices.Clone(prev.History), old)
		detail = "moved from " + prev.Level + " to " + level
	}
	if err := s.save(ctx, actor, a, ActionAssess, detail); err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// Challenge questions another organisation's recorded level on a theme.
func (s *Service) Challenge(ctx context.Context, actor hub.Principal, orgID, frameworkID, themeID, text string) error {
	if err := hub.Authorize(s.auth, actor, PermChallenge, orgID); err != nil {
		return err
	}
	if orgID == actor.OrgID {
		return hub.Errorf(hub.CodeForbidden, "You cannot challenge your own organisation's level: challenges come from other partners")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return hub.Invalid("The challenge cannot be recorded", []hub.Problem{{Field: "text", Message: "Say what you question about the level"}})
	}
	if err := hub.Invalid("The challenge cannot be recorded", hub.CheckText("text", text, hub.ReasonText)); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	a, ok := s.Assessment(orgID, frameworkID, themeID)
	if !ok {
		return hub.Errorf(hub.CodeNotFound, "The organisation has not recorded a level for this theme")
	}
	a.Challenges = append(slices.Clone(a.Challenges), Challenge{ByOrg: actor.OrgID, ByPerson: actor.PersonID, Name: actor.Name, Text: text, At: s.clock.Now()})
	return s.save(ctx, actor, a, ActionChallenge, "challenged "+a.Level)
}

// save writes an assessment whole, then applies it to memory and records it.
func (s *Service) save(ctx context.Context, actor hub.Principal, a Assessment, action, detail string) error {
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: action, Object: "assessments/" + a.Key(), Owner: a.OrgID, Detail: detail},
		func(int64) error { return s.store.SaveAssessment(ctx, a) }); err != nil {
		return err
	}
	s.mu.Lock()
	s.assessments[a.Key()] = a
	s.mu.Unlock()
	return s.rs.Wrote(ctx)
}

// Grid is the board's view: a row per theme, a column per organisation.
type Grid struct {
	Themes []Theme
	Orgs   []string
	Cells  [][]Cell // Cells[theme][org]
}

// Cell is one organisation's level on one theme; empty when none is recorded.
type Cell struct {
	Level      string
	Label      string
	Rank       int
	Changed    bool // the level moved since the previous record
	Challenges int
}

// Grid returns the levels of the organisations on every theme of a
// framework; it is empty when there is no such framework.
func (s *Service) Grid(frameworkID string, orgs []string) Grid {
	f, err := s.Framework(frameworkID)
	if err != nil {
		return Grid{Orgs: slices.Clone(orgs)}
	}
	g := Grid{Themes: f.Themes(), Orgs: slices.Clone(orgs)}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range g.Themes {
		row := make([]Cell, len(orgs))
		for j, org := range orgs {
			a, ok := s.assessments[key(org, frameworkID, t.ID)]
			if !ok {
				continue
			}
			l, _ := f.Level(a.Level)
			row[j] = Cell{Level: l.Code, Label: l.Label, Rank: l.Rank, Challenges: len(a.Challenges),
				Changed: len(a.History) > 0 && a.History[len(a.History)-1].Level != a.Level}
		}
		g.Cells = append(g.Cells, row)
	}
	return g
}
