// Package monitoring holds the partnership's common equality monitoring
// standard, the themes and measures of monitoring returns, each partner's
// mapping from its own codes to the standard, the aggregation of record-level
// extracts into counts at source, and the signed monitoring returns
// themselves.
package monitoring

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Answers every question has besides its categories: counted, never guessed.
const (
	PreferNotToSay = "prefer-not-to-say"
	NotKnown       = "not-known"
)

// Standard is one version of the monitoring standard: the same questions and
// the same answer categories for every partner. A version never changes once
// published; a change is a new version, so an old return keeps its meaning.
//
// A new version is first a proposal of a forum member of one organisation,
// with the date it is to take effect; it takes effect on that date once a
// forum member of another organisation approves it, and it can be withdrawn
// until then. A version stored with no State was published before versions
// were approved: it is approved, in effect from its Published time.
type Standard struct {
	Version   string // e.g. "2026.1"
	Title     string
	Published time.Time // when it was proposed
	Questions []Question

	State       StandardState `json:",omitempty"`
	Effective   time.Time     `json:",omitzero"`  // the day it takes effect, at midnight UTC
	ProposedBy  string        `json:",omitempty"` // a person
	ProposedOrg string        `json:",omitempty"`
	ApprovedBy  string        `json:",omitempty"`
	ApprovedOrg string        `json:",omitempty"`
	Approved    time.Time     `json:",omitzero"`
	WithdrawnBy string        `json:",omitempty"`
	Withdrawn   time.Time     `json:",omitzero"`
}

// StandardState is where a version of the standard stands.
type StandardState string

// The states of a version: proposed, approved (in effect from its
// Effective day), or withdrawn before it took effect.
const (
	StateProposed  StandardState = "proposed"
	StateApproved  StandardState = "approved"
	StateWithdrawn StandardState = "withdrawn"
)

// Day returns the start of t's day, UTC: the standard's dates are days.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Approval returns where the version stands: a version stored with no
// State is approved.
func (s Standard) Approval() StandardState {
	if s.State == "" {
		return StateApproved
	}
	return s.State
}

// From returns when the version takes effect: its Effective day, or its
// Published time for a version stored with no State.
func (s Standard) From() time.Time {
	if s.State == "" && s.Effective.IsZero() {
		return s.Published
	}
	return s.Effective
}

// InEffectAt reports whether the version is approved and its day has come
// at t (a later version may have replaced it since).
func (s Standard) InEffectAt(t time.Time) bool {
	return s.Approval() == StateApproved && !t.Before(s.From())
}

// Pending reports whether the version is a proposal, or approved and not
// yet in effect, at t: it can still be withdrawn.
func (s Standard) Pending(t time.Time) bool {
	switch s.Approval() {
	case StateProposed:
		return true
	case StateApproved:
		return t.Before(s.From())
	}
	return false
}

// withoutLife returns the version as a proposer wrote it, with nothing of
// where it stands.
func (s Standard) withoutLife() Standard {
	s.State, s.ProposedBy, s.ProposedOrg, s.ApprovedBy, s.ApprovedOrg = "", "", "", "", ""
	s.Approved, s.WithdrawnBy, s.Withdrawn, s.Published = time.Time{}, "", time.Time{}, time.Time{}
	return s
}

// Question is one monitoring question, about one protected characteristic.
type Question struct {
	Key            string             // the question's name and default column heading, e.g. "ethnicity"
	Characteristic hub.Characteristic // the protected characteristic it is about
	Label          string             // e.g. "Ethnic group"
	Wording        string             // the question as asked
	Purpose        string             // why it is asked: "ask with purpose"
	Groups         []Group            // broad groups the categories roll up into, in order
	Categories     []Category         // detailed answers, in order; PreferNotToSay and NotKnown are added to every question
	Sensitive      bool               // small counts need a stricter threshold when shared (e.g. gender identity)
	// Named says a theme asks the question only by naming it, never as one
	// of every question: officer-observed ethnicity is in police records only.
	Named bool `json:",omitempty"`
}

// Group is a broad group of categories, e.g. "Asian or Asian British".
type Group struct {
	Code  string
	Label string
}

// Category is one detailed answer, e.g. "Indian", and the group it rolls up into.
type Category struct {
	Code  string
	Label string
	Group string // a Group code
}

// Answers returns the question's categories followed by PreferNotToSay and NotKnown.
func (q Question) Answers() []Category {
	out := append([]Category(nil), q.Categories...)
	return append(out,
		Category{Code: PreferNotToSay, Label: "Prefer not to say", Group: PreferNotToSay},
		Category{Code: NotKnown, Label: "Not known", Group: NotKnown})
}

// Category returns the answer with that code, PreferNotToSay and NotKnown included.
func (q Question) Category(code string) (Category, bool) {
	for _, c := range q.Answers() {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// LabelOf returns the label of an answer, or its code when there is no such answer.
func (q Question) LabelOf(code string) string {
	if c, ok := q.Category(code); ok {
		return c.Label
	}
	return code
}

// GroupOf returns the label of the broad group an answer rolls up into.
func (q Question) GroupOf(code string) string {
	c, ok := q.Category(code)
	if !ok {
		return ""
	}
	for _, g := range q.Groups {
		if g.Code == c.Group {
			return g.Label
		}
	}
	return c.Label
}

// Question returns the question with that key.
func (s Standard) Question(key string) (Question, bool) {
	for _, q := range s.Questions {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// Validate checks the standard is whole and consistent, naming each problem.
func (s Standard) Validate() error {
	ps := s.textProblems()
	bad := func(field, format string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(s.Version) == "" {
		bad("version", "Give the standard a version, such as 2026.1")
	}
	keys := map[string]bool{}
	for i, q := range s.Questions {
		f := fmt.Sprintf("questions.%d", i)
		if !hub.ValidSlug(q.Key) {
			bad(f+".key", "Question %d needs a key of lower-case letters, digits and hyphens", i+1)
		}
		if keys[q.Key] {
			bad(f+".key", "The key %q is used by two questions", q.Key)
		}
		keys[q.Key] = true
		if _, err := hub.ParseCharacteristic(string(q.Characteristic)); err != nil {
			bad(f+".characteristic", "Question %q: %s", q.Key, hub.ErrorMessage(err))
		}
		if strings.TrimSpace(q.Label) == "" || strings.TrimSpace(q.Wording) == "" || strings.TrimSpace(q.Purpose) == "" {
			bad(f, "Question %q needs a label, its wording and why it is asked", q.Key)
		}
		if len(q.Categories) == 0 {
			bad(f+".categories", "Question %q has no answer categories", q.Key)
		}
		groups := map[string]bool{}
		for _, g := range q.Groups {
			if !hub.ValidSlug(g.Code) || groups[g.Code] {
				bad(f+".groups", "Question %q: the group code %q is not valid or repeated", q.Key, g.Code)
			}
			groups[g.Code] = true
		}
		codes := map[string]bool{}
		for _, c := range q.Categories {
			switch {
			case !hub.ValidSlug(c.Code) || c.Code == PreferNotToSay || c.Code == NotKnown:
				bad(f+".categories", "Question %q: the category code %q is not valid or reserved", q.Key, c.Code)
			case codes[c.Code]:
				bad(f+".categories", "Question %q: the category code %q is repeated", q.Key, c.Code)
			case strings.TrimSpace(c.Label) == "":
				bad(f+".categories", "Question %q: the category %q has no label", q.Key, c.Code)
			case len(q.Groups) > 0 && !groups[c.Group]:
				bad(f+".categories", "Question %q: the category %q rolls up into an unknown group %q", q.Key, c.Code, c.Group)
			}
			codes[c.Code] = true
		}
	}
	if len(s.Questions) == 0 {
		bad("questions", "The standard has no questions")
	}
	return hub.Invalid("The monitoring standard is not valid", ps)
}

// BuiltInStandard returns a version of the monitoring standard shipped with
// the hub: 2026.1, which a new hub publishes, or a later one the equality
// forum may publish when the partnership agrees to it (2026.2 counts yes
// or no answers about disability and pregnancy as they are, and keeps
// officer-observed ethnicity as a question of its own).
func BuiltInStandard(version string) (Standard, error) {
	b, err := builtIn.ReadFile("data/standard-" + version + ".json")
	if err != nil {
		return Standard{}, hub.Errorf(hub.CodeNotFound, "The hub ships no monitoring standard %s", quote(version))
	}
	return DecodeStandard(bytes.NewReader(b))
}
