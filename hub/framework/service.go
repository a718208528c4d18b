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

// Challenge is another partner questioning a self-assessed level. A
// challenge's number is its place among the theme's challenges, from 1:
// challenges are only ever added, so it does not change.
type Challenge struct {
	ByOrg    string    `json:"by_org"`
	ByPerson string    `json:"by_person"`
	Name     string    `json:"name"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
	// Level is the level challenged, as recorded when the challenge was made.
	Level string `json:"level,omitempty"`
	// Answer is the challenged organisation's answer; once given it is kept as given.
	Answer *Answer `json:"answer,omitempty"`
}

// Answer is the challenged organisation's reply to a challenge.
type Answer struct {
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
	// PermAnswer answers the challenges to one's organisation's levels: whoever
	// records the levels answers for them.
	PermAnswer = PermAssess
)

// The audit actions of frameworks.
const (
	ActionFrameworkAdd = "framework.add"
	ActionAssess       = "framework.assess"
	ActionChallenge    = "framework.challenge"
	ActionAnswer       = "framework.answer"
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
	teller      hub.Teller
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
	prev, had := s.Assessment(orgID, frameworkID, themeID)
	if had {
		a.Challenges = prev.Challenges
		old := prev
		old.History, old.Challenges = nil, nil
		a.History = append(slices.Clone(prev.History), old)
	}
	if err := s.save(ctx, actor, a, ActionAssess, LevelChange(f, themeID, prev.Level, level)); err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// LevelChange says in words what a record of a level did to a theme's
// self-assessment: "Leadership: from Developing to Achieving", "confirmed at
// Achieving" when the level stays, "recorded at Developing" the first time.
// from is the earlier level's code, empty when there was none.
func LevelChange(f Framework, themeID, from, to string) string {
	theme := themeID
	if t, ok := f.Theme(themeID); ok {
		theme = t.Name
	}
	switch {
	case from == "":
		return fmt.Sprintf("%s: recorded at %s", theme, f.LevelLabel(to))
	case from == to:
		return fmt.Sprintf("%s: confirmed at %s", theme, f.LevelLabel(to))
	}
	return fmt.Sprintf("%s: from %s to %s", theme, f.LevelLabel(from), f.LevelLabel(to))
}

// LevelLabel returns a level's label, or its code when the framework has no such level.
func (f Framework) LevelLabel(code string) string {
	if l, ok := f.Level(code); ok {
		return l.Label
	}
	return code
}

// ThemeName returns a theme's name, or its ID when the framework has no such theme.
func (f Framework) ThemeName(id string) string {
	if t, ok := f.Theme(id); ok {
		return t.Name
	}
	return id
}

// Challenge questions another organisation's recorded level on a theme.
// Everything wrong with the challenge is said at once, each beside its field:
// "org", "theme" and "text".
func (s *Service) Challenge(ctx context.Context, actor hub.Principal, orgID, frameworkID, themeID, text string) error {
	if err := hub.Authorize(s.auth, actor, PermChallenge, orgID); err != nil {
		return err
	}
	f, err := s.Framework(frameworkID)
	if err != nil {
		return err
	}
	var ps []hub.Problem
	own := orgID == actor.OrgID
	if own {
		ps = append(ps, hub.Problem{Field: "org", Message: ownChallenge})
	}
	if _, ok := f.Theme(themeID); !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: "Choose a theme of " + f.Name})
	} else if _, ok := s.Assessment(orgID, frameworkID, themeID); !ok {
		ps = append(ps, hub.Problem{Field: "theme", Message: "The partner has not recorded a level for " + f.ThemeName(themeID) + " yet: there is nothing to challenge"})
	}
	text = strings.TrimSpace(text)
	if text == "" {
		ps = append(ps, hub.Problem{Field: "text", Message: "Say what you question about the level"})
	}
	ps = append(ps, hub.CheckText("text", text, hub.ReasonText)...)
	if own {
		// A refusal, said beside the partner chosen, with whatever else is wrong.
		return &hub.Error{Code: hub.CodeForbidden, Message: ownChallenge, Problems: ps}
	}
	if err := hub.Invalid("The challenge cannot be recorded", ps); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	a, ok := s.Assessment(orgID, frameworkID, themeID)
	if !ok {
		return hub.Invalid("The challenge cannot be recorded", []hub.Problem{{Field: "theme", Message: "The partner has not recorded a level for " + f.ThemeName(themeID) + " yet: there is nothing to challenge"}})
	}
	for _, c := range a.Challenges {
		if c.ByPerson == actor.PersonID && c.ByOrg == actor.OrgID && c.Text == text && c.Level == a.Level && c.Answer == nil {
			return nil // the same challenge sent again, while it waits for its answer, is made once
		}
	}
	a.Challenges = append(slices.Clone(a.Challenges), Challenge{ByOrg: actor.OrgID, ByPerson: actor.PersonID, Name: actor.Name, Text: text, At: s.clock.Now(), Level: a.Level})
	if err := s.save(ctx, actor, a, ActionChallenge, fmt.Sprintf("%s: challenged at %s", f.ThemeName(themeID), f.LevelLabel(a.Level))); err != nil {
		return err
	}
	s.tellChallenge(ctx, f, a, len(a.Challenges))
	return nil
}

const ownChallenge = "You cannot challenge your own organisation's level: challenges come from other partners"

// Answer gives the challenged organisation's answer to challenge number n
// (from 1) of a theme. Only that organisation answers, through whoever
// records its levels; a challenge has one answer, kept as given: a second
// is refused.
func (s *Service) Answer(ctx context.Context, actor hub.Principal, orgID, frameworkID, themeID string, n int, text string) error {
	if err := hub.Authorize(s.auth, actor, PermAnswer, orgID); err != nil {
		return err
	}
	if orgID != actor.OrgID {
		return hub.Errorf(hub.CodeForbidden, "You can answer the challenges to your own organisation's levels only")
	}
	f, err := s.Framework(frameworkID)
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	var ps []hub.Problem
	if text == "" {
		ps = append(ps, hub.Problem{Field: "answer", Message: "Write your answer to the challenge"})
	}
	ps = append(ps, hub.CheckText("answer", text, hub.ReasonText)...)
	if err := hub.Invalid("The answer cannot be recorded", ps); err != nil {
		return err
	}
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	a, ok := s.Assessment(orgID, frameworkID, themeID)
	if !ok || n < 1 || n > len(a.Challenges) {
		return hub.Errorf(hub.CodeNotFound, "There is no such challenge")
	}
	c := a.Challenges[n-1]
	if c.Answer != nil && c.Answer.ByOrg == actor.OrgID && c.Answer.Text == text {
		return nil // the same answer sent again is given once
	}
	if c.Answer != nil {
		return hub.Errorf(hub.CodeConflict, "This challenge was answered on %s by %s: an answer is kept as it was given", c.Answer.At.Format("2 January 2006"), c.Answer.Name)
	}
	c.Answer = &Answer{ByOrg: actor.OrgID, ByPerson: actor.PersonID, Name: actor.Name, Text: text, At: s.clock.Now()}
	a.Challenges = slices.Clone(a.Challenges)
	a.Challenges[n-1] = c
	who := c.Name
	if who == "" {
		who = "another partner"
	}
	return s.save(ctx, actor, a, ActionAnswer, fmt.Sprintf("%s: answered the challenge made by %s on %s", f.ThemeName(themeID), who, c.At.Format("2 January 2006")))
}

// Thread is the challenges to one organisation's level on one theme.
type Thread struct {
	OrgID string
	Theme Theme
	Level Level // the level recorded now
	// Challenges are oldest first; a challenge's number is its place, from 1.
	Challenges []Challenge
}

// Threads returns the challenges to the organisations' levels on a
// framework, organisation by organisation in the order given, theme by
// theme in the framework's order.
func (s *Service) Threads(frameworkID string, orgs []string) []Thread {
	f, err := s.Framework(frameworkID)
	if err != nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Thread
	for _, org := range orgs {
		for _, t := range f.Themes() {
			a, ok := s.assessments[key(org, frameworkID, t.ID)]
			if !ok || len(a.Challenges) == 0 {
				continue
			}
			l, _ := f.Level(a.Level)
			out = append(out, Thread{OrgID: org, Theme: t, Level: l, Challenges: slices.Clone(a.Challenges)})
		}
	}
	return out
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
	Unanswered int // challenges not answered yet
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
			for _, c := range a.Challenges {
				if c.Answer == nil {
					row[j].Unanswered++
				}
			}
		}
		g.Cells = append(g.Cells, row)
	}
	return g
}
