// Package eia holds joint equality impact assessments: a policy, service,
// function or decision assessed by several partners together, before the
// decision. An assessment moves through screening, full assessment (when the
// screening says one is proportionate), actions, scrutiny by the advisory
// group and sign-off by a decision maker of each partner against the Brown
// principles, then publication and review. Each assessment is one document,
// written whole on every change, with its earlier signed versions inside it.
package eia

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// SubjectKind is what is assessed.
type SubjectKind string

// The kinds of subject.
const (
	SubjectPolicy      SubjectKind = "policy"
	SubjectService     SubjectKind = "service"
	SubjectFunction    SubjectKind = "function"
	SubjectBudget      SubjectKind = "budget"
	SubjectProcurement SubjectKind = "procurement"
	SubjectEmployment  SubjectKind = "employment"
)

// SubjectKinds lists the kinds of subject.
func SubjectKinds() []SubjectKind {
	return []SubjectKind{SubjectPolicy, SubjectService, SubjectFunction, SubjectBudget, SubjectProcurement, SubjectEmployment}
}

// Stage is where an assessment stands.
type Stage string

// The stages of an assessment, in order.
const (
	StageScreening  Stage = "screening"
	StageAssessment Stage = "assessment"
	StageScrutiny   Stage = "scrutiny"
	StageSignOff    Stage = "sign-off"
	StageSigned     Stage = "signed"
	StagePublished  Stage = "published"
)

// Stages lists the stages in order.
func Stages() []Stage {
	return []Stage{StageScreening, StageAssessment, StageScrutiny, StageSignOff, StageSigned, StagePublished}
}

// The conclusions of a screening.
const (
	NoFullAssessment = "no-full-assessment"
	FullAssessment   = "full-assessment"
)

// Effect is the impact of the subject on a group.
type Effect string

// The effects.
const (
	Positive Effect = "positive"
	Negative Effect = "negative"
	Neutral  Effect = "neutral"
	Unknown  Effect = "unknown"
)

// The conclusions of a full assessment.
const (
	NoMajorChange     = "no-major-change"
	Adjust            = "adjust"
	ContinueJustified = "continue-justified"
	StopRethink       = "stop-rethink"
)

// The kinds of evidence.
const (
	EvidenceHub      = "hub"      // the hub's own data; Link is a path such as /data/picture?...
	EvidenceExternal = "external" // anything else; Link names the source
)

// The statuses of an action.
const (
	ActionOpen    = "open"
	ActionDone    = "done"
	ActionDropped = "dropped"
)

// TeamMember is a person who works on an assessment.
type TeamMember struct {
	PersonID string
	Name     string
	OrgID    string
}

// Relevance says whether the subject is relevant to one characteristic, and why.
type Relevance struct {
	Relevant bool
	Reason   string
}

// Screening decides whether a full assessment is proportionate. It is short by design.
type Screening struct {
	Relevance  map[hub.Characteristic]Relevance
	Conclusion string // NoFullAssessment or FullAssessment
	Reason     string
}

// Evidence is one source an assessment relies on.
type Evidence struct {
	Kind    string // EvidenceHub or EvidenceExternal
	Title   string
	Link    string
	Date    time.Time
	Summary string
}

// OnHub reports whether the evidence is the hub's own data at a path of this
// hub, and so may be shown as a link.
func (ev Evidence) OnHub() bool { return ev.Kind == EvidenceHub && HubPath(ev.Link) }

// HubPath reports whether link is a path of this hub: a single leading slash,
// no scheme, host or backslash, and only printable ASCII without spaces.
// Browsers read "//host/…", "/\host/…" and a slash followed by a tab or a
// newline as the address of another site, so nothing else is taken as, or
// shown as, a link to the hub's own pages.
func HubPath(link string) bool {
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
		return false
	}
	for i := 0; i < len(link); i++ {
		if b := link[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	u, err := url.Parse(link)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}

// Impact is the effect on one characteristic or other group, with the reasoning and the evidence for it.
type Impact struct {
	Effect    Effect
	Reasoning string
	Evidence  []int // indexes into Assessment.Evidence
}

// Assessment is the full assessment.
type Assessment struct {
	Evidence         []Evidence
	Impacts          map[string]Impact // keyed by characteristic, or by another group such as "carers"
	Alternatives     string
	Conclusion       string // NoMajorChange, Adjust, ContinueJustified or StopRethink
	ConclusionReason string
}

// Action is a mitigation or improvement, with an owner, a due date and a status.
type Action struct {
	ID           string
	Text         string
	OwnerOrg     string
	OwnerPerson  string
	Due          time.Time
	Measure      string // optional: a hub indicator path
	Status       string // ActionOpen, ActionDone or ActionDropped
	StrategyLink string // optional: the ID of a strategy objective it serves
}

// Overdue reports whether the action is open past its due date.
func (a Action) Overdue(now time.Time) bool {
	return a.Status == ActionOpen && !a.Due.IsZero() && a.Due.Before(now)
}

// Response is the team's answer to a comment.
type Response struct {
	PersonID string
	Name     string
	Text     string
	At       time.Time
}

// Comment is a comment or a challenge by an advisory group member.
type Comment struct {
	ID             string
	PersonID       string
	Name           string
	Characteristic hub.Characteristic // the characteristic the member represents
	Section        string
	Text           string
	Challenge      bool
	At             time.Time
	Response       *Response
}

// Scrutiny is the advisory group's window for comment, and the comments made.
type Scrutiny struct {
	OpenFrom  time.Time
	OpenUntil time.Time
	Comments  []Comment
}

// OpenAt reports whether comments are taken at t.
func (s Scrutiny) OpenAt(t time.Time) bool {
	return !s.OpenFrom.IsZero() && !t.Before(s.OpenFrom) && !t.After(s.OpenUntil)
}

// OpenChallenges returns the challenges without a response.
func (s Scrutiny) OpenChallenges() []Comment {
	var out []Comment
	for _, c := range s.Comments {
		if c.Challenge && c.Response == nil {
			out = append(out, c)
		}
	}
	return out
}

// Brown is a decision maker's attestation of due regard, one field per Brown principle.
type Brown struct {
	Aware          bool // aware of the duty
	BeforeDecision bool // regard before and at the time of the decision
	Substance      bool // in substance, with rigour and an open mind
	Personal       bool // not delegated
	Continuing     bool // a continuing duty
	Recorded       bool // an adequate record is kept
}

// Principle is one Brown principle as a decision maker attests it: the
// form's field, the attestation in the first person, and its short name.
type Principle struct {
	Key, Attestation, Name string
	holds                  func(Brown) bool
}

// BrownPrinciples are the six principles in their usual order.
var BrownPrinciples = []Principle{
	{"aware", "I am aware of the duty to have due regard to equality.", "aware of the duty", func(b Brown) bool { return b.Aware }},
	{"before", "Regard was had before and at the time of the decision, not after.", "due regard before and at the time of the decision", func(b Brown) bool { return b.BeforeDecision }},
	{"substance", "It was exercised in substance, with rigour and an open mind.", "regard in substance, with rigour and an open mind", func(b Brown) bool { return b.Substance }},
	{"personal", "I have considered it personally; it was not delegated.", "regard not delegated", func(b Brown) bool { return b.Personal }},
	{"continuing", "Regard will continue as the decision is put into effect.", "regard is continuing", func(b Brown) bool { return b.Continuing }},
	{"recorded", "This assessment is an adequate record of it.", "an adequate record is kept", func(b Brown) bool { return b.Recorded }},
}

// Attested reads an attestation from the principles' keys, e.g. a form's
// ticked boxes.
func Attested(ticked func(key string) bool) Brown {
	return Brown{Aware: ticked("aware"), BeforeDecision: ticked("before"), Substance: ticked("substance"),
		Personal: ticked("personal"), Continuing: ticked("continuing"), Recorded: ticked("recorded")}
}

// Missing names each principle not attested, in order.
func (b Brown) Missing() []string {
	var out []string
	for _, p := range BrownPrinciples {
		if !p.holds(b) {
			out = append(out, p.Name)
		}
	}
	return out
}

// SignOff is one organisation's sign-off of one version.
type SignOff struct {
	OrgID         string
	PersonID      string
	Name          string
	At            time.Time
	Version       int
	Attestations  Brown
	Retrospective bool // signed after the decision date
}

// Snapshot is a frozen earlier version: what was signed, and by whom.
type Snapshot struct {
	Version    int
	At         time.Time // when the version was closed
	Stage      Stage
	Summary    string
	Screening  Screening
	Assessment Assessment
	Actions    []Action
	Scrutiny   Scrutiny
	SignOffs   []SignOff
}

// EIA is a joint equality impact assessment.
type EIA struct {
	ID             string
	Title          string
	Subject        SubjectKind
	Summary        string
	LeadOrg        string
	Participants   []string // organisation IDs
	Team           []TeamMember
	Decision       string // the decision it informs
	DecisionDate   time.Time
	DecisionMakers []string // organisation IDs whose decision maker must sign
	ReviewDate     time.Time
	Stage          Stage
	Screening      Screening
	Assessment     Assessment
	Actions        []Action
	Scrutiny       Scrutiny
	SignOffs       []SignOff
	Version        int
	History        []Snapshot
	Created        time.Time
	CreatedBy      string
	Updated        time.Time
	Entries        []int64 // the entries of the audit record whose changes made this assessment as it is
}

// Orgs returns the lead organisation and the participants.
func (e EIA) Orgs() []string {
	out := []string{e.LeadOrg}
	for _, o := range e.Participants {
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// OnTeam reports whether a person is on the team.
func (e EIA) OnTeam(personID string) bool {
	return personID != "" && slices.ContainsFunc(e.Team, func(m TeamMember) bool { return m.PersonID == personID })
}

// SignedBy reports whether an organisation has signed the current version.
func (e EIA) SignedBy(orgID string) bool {
	return slices.ContainsFunc(e.SignOffs, func(s SignOff) bool { return s.OrgID == orgID && s.Version == e.Version })
}

// Unsigned returns the decision makers' organisations that have not signed the current version.
func (e EIA) Unsigned() []string {
	var out []string
	for _, o := range e.DecisionMakers {
		if !e.SignedBy(o) {
			out = append(out, o)
		}
	}
	return out
}

// Frozen reports whether the content can no longer change within this
// version: someone has signed it.
func (e EIA) Frozen() bool {
	return len(e.SignOffs) > 0 || e.Stage == StageSigned || e.Stage == StagePublished
}

// TakesComments reports whether the advisory group may comment at t: the
// scrutiny window is open and no one has signed this version. Scrutiny closes
// at the first sign-off, so that what is signed is what was scrutinised.
func (e EIA) TakesComments(t time.Time) bool { return !e.Frozen() && e.Scrutiny.OpenAt(t) }

// Signed reports whether every decision maker has signed the current version.
func (e EIA) Signed() bool { return e.Stage == StageSigned || e.Stage == StagePublished }

// Retrospective reports whether any sign-off came after the decision date.
func (e EIA) Retrospective() bool {
	return slices.ContainsFunc(e.SignOffs, func(s SignOff) bool { return s.Retrospective })
}

// BeforeDecision reports whether the EIA is signed, every sign-off before the decision.
func (e EIA) BeforeDecision() bool { return e.Signed() && !e.Retrospective() }

// DueForReview reports whether a signed EIA has reached its review date.
func (e EIA) DueForReview(now time.Time) bool {
	return e.Signed() && !e.ReviewDate.IsZero() && !e.ReviewDate.After(now)
}

// FullAssessmentRequired reports whether the screening concluded that a full assessment is needed.
func (e EIA) FullAssessmentRequired() bool { return e.Screening.Conclusion == FullAssessment }

// afterDay reports whether t falls on a day after the decision day; a sign-off
// on the day of the decision is at the time of the decision.
func afterDay(t, day time.Time) bool {
	y1, m1, d1 := t.UTC().Date()
	y2, m2, d2 := day.UTC().Date()
	return time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC).After(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC))
}

// problems collects what is wrong, with where.
type problems []hub.Problem

func (ps *problems) add(field, msg string, args ...any) {
	*ps = append(*ps, hub.Problem{Field: field, Message: fmt.Sprintf(msg, args...)})
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// validateDetails checks what an EIA is about, who takes part and when it is decided.
func (e EIA) validateDetails() []hub.Problem {
	var ps problems
	if blank(e.Title) {
		ps.add("title", "Give the assessment a title")
	}
	if !slices.Contains(SubjectKinds(), e.Subject) {
		ps.add("subject", "Say what is assessed: a policy, service, function, budget, procurement or employment")
	}
	if blank(e.LeadOrg) {
		ps.add("lead_org", "Name the lead organisation")
	}
	for _, o := range e.Participants {
		if blank(o) || o == e.LeadOrg {
			ps.add("participants", "A participant must be an organisation other than the lead")
			break
		}
	}
	for _, m := range e.Team {
		if blank(m.PersonID) || blank(m.OrgID) {
			ps.add("team", "Each team member needs a person and an organisation")
			break
		}
	}
	for _, o := range e.DecisionMakers {
		if !slices.Contains(e.Orgs(), o) {
			ps.add("decision_makers", "%s is neither the lead nor a participant: only they sign the assessment off", o)
		}
	}
	if e.DecisionDate.IsZero() {
		ps.add("decision_date", "Give the date of the decision the assessment informs")
	}
	if e.ReviewDate.IsZero() || !e.ReviewDate.After(e.DecisionDate) {
		ps.add("review_date", "Give a review date after the decision date")
	}
	ps = append(ps, hub.CheckTexts(
		hub.Text{Field: "title", Value: e.Title, Kind: hub.NameText},
		hub.Text{Field: "summary", Value: e.Summary, Kind: hub.NoteText},
		hub.Text{Field: "decision", Value: e.Decision, Kind: hub.ReasonText},
	)...)
	for i, m := range e.Team {
		ps = append(ps, hub.CheckText(fmt.Sprintf("team[%d].name", i), m.Name, hub.NameText)...)
	}
	return ps
}

// validate checks the form of a screening; a draft may be incomplete, but a
// characteristic judged relevant or not relevant says why, or the judgement
// would be lost.
func (s Screening) validate() []hub.Problem {
	var ps problems
	for c := range s.Relevance {
		if _, err := hub.ParseCharacteristic(string(c)); err != nil {
			ps.add("relevance", "%s is not a protected characteristic", hub.Excerpt(string(c)))
		}
	}
	if s.Conclusion != "" && s.Conclusion != NoFullAssessment && s.Conclusion != FullAssessment {
		ps.add("conclusion", "Conclude whether a full assessment is needed or not")
	}
	for _, c := range hub.Characteristics() {
		r, ok := s.Relevance[c]
		switch {
		case !ok:
		case blank(r.Reason) && r.Relevant:
			ps.add("screening."+string(c)+".reason", "%s: say why it is relevant", c.Label())
		case blank(r.Reason):
			ps.add("screening."+string(c)+".reason", "%s: say why it is not relevant", c.Label())
		default:
			ps = append(ps, named(c.Label(), hub.CheckTexts(hub.Text{Field: "screening." + string(c) + ".reason", Label: "reason", Value: r.Reason, Kind: hub.ReasonText}))...)
		}
	}
	ps = append(ps, hub.CheckTexts(hub.Text{Field: "reason", Label: "reason for the conclusion", Value: s.Reason, Kind: hub.ReasonText})...)
	return ps
}

// Problems names what is wrong with a screening as a form would send it,
// without saving anything: for a page that has its own problems to add.
func (s Screening) Problems() []hub.Problem { return s.validate() }

// Incomplete names what the screening still lacks.
func (s Screening) Incomplete() []hub.Problem {
	var ps problems
	for _, c := range hub.Characteristics() {
		if blank(s.Relevance[c].Reason) {
			ps.add("screening."+string(c), "%s: say whether it is relevant, and why", c.Label())
		}
	}
	if s.Conclusion != NoFullAssessment && s.Conclusion != FullAssessment {
		ps.add("screening.conclusion", "Conclude whether a full assessment is needed")
	}
	if blank(s.Reason) {
		ps.add("screening.reason", "Give the reason for the screening's conclusion")
	}
	return ps
}

// validate checks the form of an assessment; a draft may be incomplete.
func (a Assessment) validate() []hub.Problem {
	var ps problems
	for i, ev := range a.Evidence {
		var eps problems
		switch ev.Kind {
		case EvidenceHub:
			if !HubPath(ev.Link) {
				eps.add(fmt.Sprintf("evidence[%d].link", i), "The link of evidence from the hub goes to a page of this hub: a path starting with a single /, such as /data/picture?theme=…, not the address of another site")
			}
		case EvidenceExternal:
			if blank(ev.Link) {
				eps.add(fmt.Sprintf("evidence[%d].link", i), "Name the source of the evidence")
			}
		default:
			eps.add(fmt.Sprintf("evidence[%d].kind", i), "Say whether the evidence is the hub's own data or from elsewhere")
		}
		if blank(ev.Title) {
			eps.add(fmt.Sprintf("evidence[%d].title", i), "Give the evidence a title")
		}
		eps = append(eps, hub.CheckTexts(
			hub.Text{Field: fmt.Sprintf("evidence[%d].title", i), Label: "title", Value: ev.Title, Kind: hub.NameText},
			hub.Text{Field: fmt.Sprintf("evidence[%d].link", i), Label: "link or source", Value: ev.Link, Kind: hub.LinkText},
			hub.Text{Field: fmt.Sprintf("evidence[%d].summary", i), Label: "summary of what it shows", Value: ev.Summary, Kind: hub.ReasonText},
		)...)
		ps = append(ps, named(fmt.Sprintf("Evidence %d", i+1), eps)...)
	}
	for _, k := range slices.Sorted(maps.Keys(a.Impacts)) {
		im := a.Impacts[k]
		if blank(k) {
			ps.add("impacts", "Name the characteristic or group of each impact")
		}
		var ips problems
		ips = append(ips, hub.CheckTexts(
			hub.Text{Field: "impacts.group", Label: "name of the group", Value: k, Kind: hub.NameText},
			hub.Text{Field: "impacts." + k + ".reasoning", Label: "reasoning", Value: im.Reasoning, Kind: hub.NoteText},
		)...)
		switch im.Effect {
		case Positive, Negative, Neutral, Unknown:
		default:
			ips.add("impacts."+k, "Choose whether the impact is positive, negative, neutral or not known")
		}
		for _, i := range im.Evidence {
			if i < 0 || i >= len(a.Evidence) {
				ips.add("impacts."+k, "Evidence %d is not in the list of evidence", i+1)
			}
		}
		ps = append(ps, named(GroupLabel(k), ips)...)
	}
	switch a.Conclusion {
	case "", NoMajorChange, Adjust, ContinueJustified, StopRethink:
	default:
		ps.add("conclusion", "Conclude no major change, adjust, continue (justified) or stop and rethink")
	}
	ps = append(ps, hub.CheckTexts(
		hub.Text{Field: "alternatives", Label: "alternatives considered", Value: a.Alternatives, Kind: hub.NoteText},
		hub.Text{Field: "conclusion_reason", Label: "reason for the conclusion", Value: a.ConclusionReason, Kind: hub.NoteText},
	)...)
	return ps
}

// Incomplete names what the full assessment still lacks, given the screening.
func (a Assessment) Incomplete(s Screening) []hub.Problem {
	var ps problems
	for _, c := range hub.Characteristics() {
		if !s.Relevance[c].Relevant {
			continue
		}
		switch im, ok := a.Impacts[string(c)]; {
		case !ok || im.Effect == "":
			ps.add("assessment.impacts."+string(c), "%s: choose the impact, with the reasoning: the screening found it relevant", c.Label())
		case blank(im.Reasoning):
			ps.add("assessment.impacts."+string(c)+".reasoning", "%s: give the reasoning for the impact: the screening found it relevant", c.Label())
		}
	}
	if a.Conclusion == "" {
		ps.add("assessment.conclusion", "Conclude the assessment")
	}
	if blank(a.ConclusionReason) {
		ps.add("assessment.conclusion_reason", "Give the reason for the assessment's conclusion")
	}
	return ps
}

// Incomplete names what a required section still lacks: the screening, and
// the full assessment when the screening requires one.
func (e EIA) Incomplete() []hub.Problem {
	ps := e.Screening.Incomplete()
	if e.FullAssessmentRequired() {
		ps = append(ps, e.Assessment.Incomplete(e.Screening)...)
	}
	return ps
}

// validate checks an action.
func (a Action) validate() []hub.Problem {
	var ps problems
	if blank(a.Text) {
		ps.add("text", "Say what the action is")
	}
	if blank(a.OwnerOrg) {
		ps.add("owner_org", "Name the organisation that owns the action")
	}
	if a.Due.IsZero() {
		ps.add("due", "Give the date the action is due")
	}
	switch a.Status {
	case ActionOpen, ActionDone, ActionDropped:
	default:
		ps.add("status", "Choose whether the action is open, done or dropped")
	}
	if a.Measure != "" && !HubPath(a.Measure) {
		ps.add("measure", "A measure is the address of one of the hub's indicators, starting with a single /")
	}
	ps = append(ps, hub.CheckTexts(
		hub.Text{Field: "text", Label: "action", Value: a.Text, Kind: hub.ReasonText},
		hub.Text{Field: "owner_person", Label: "owner", Value: a.OwnerPerson, Kind: hub.NameText},
		hub.Text{Field: "measure", Value: a.Measure, Kind: hub.LinkText},
		hub.Text{Field: "strategy_link", Label: "strategy objective", Value: a.StrategyLink, Kind: hub.NameText},
	)...)
	return ps
}

// clone returns a copy that shares no slice or map with e.
func (e EIA) clone() EIA {
	e.Participants = slices.Clone(e.Participants)
	e.Team = slices.Clone(e.Team)
	e.DecisionMakers = slices.Clone(e.DecisionMakers)
	e.Screening = e.Screening.clone()
	e.Assessment = e.Assessment.clone()
	e.Actions = slices.Clone(e.Actions)
	e.Scrutiny = e.Scrutiny.clone()
	e.SignOffs = slices.Clone(e.SignOffs)
	e.Entries = slices.Clone(e.Entries)
	if e.History != nil {
		h := make([]Snapshot, len(e.History))
		for i, s := range e.History {
			s.Screening, s.Assessment, s.Scrutiny = s.Screening.clone(), s.Assessment.clone(), s.Scrutiny.clone()
			s.Actions, s.SignOffs = slices.Clone(s.Actions), slices.Clone(s.SignOffs)
			h[i] = s
		}
		e.History = h
	}
	return e
}

func (s Screening) clone() Screening {
	s.Relevance = maps.Clone(s.Relevance)
	return s
}

func (a Assessment) clone() Assessment {
	a.Evidence = slices.Clone(a.Evidence)
	if a.Impacts != nil {
		m := make(map[string]Impact, len(a.Impacts))
		for k, im := range a.Impacts {
			im.Evidence = slices.Clone(im.Evidence)
			m[k] = im
		}
		a.Impacts = m
	}
	return a
}

func (s Scrutiny) clone() Scrutiny {
	if s.Comments != nil {
		cs := make([]Comment, len(s.Comments))
		for i, c := range s.Comments {
			if c.Response != nil {
				r := *c.Response
				c.Response = &r
			}
			cs[i] = c
		}
		s.Comments = cs
	}
	return s
}
