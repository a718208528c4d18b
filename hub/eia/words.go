package eia

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnership/equalityhub/hub"
)

// Label says the stage for people.
func (s Stage) Label() string {
	if l, ok := map[Stage]string{StageScreening: "Screening", StageAssessment: "Full assessment", StageScrutiny: "Scrutiny",
		StageSignOff: "Sign-off", StageSigned: "Signed off", StagePublished: "Published"}[s]; ok {
		return l
	}
	return string(s)
}

// Label says the kind of subject for people.
func (k SubjectKind) Label() string {
	if l, ok := map[SubjectKind]string{SubjectPolicy: "A policy", SubjectService: "A service", SubjectFunction: "A function",
		SubjectBudget: "A budget decision", SubjectProcurement: "A procurement", SubjectEmployment: "An employment decision"}[k]; ok {
		return l
	}
	return string(k)
}

// Label says the effect for people.
func (e Effect) Label() string {
	if l, ok := map[Effect]string{Positive: "Positive", Negative: "Negative", Neutral: "Neutral", Unknown: "Not known"}[e]; ok {
		return l
	}
	return string(e)
}

// Effects lists the effects in the order a form offers them.
func Effects() []Effect { return []Effect{Positive, Negative, Neutral, Unknown} }

// Conclusions lists a full assessment's conclusions in the order a form offers them.
func Conclusions() []string { return []string{NoMajorChange, Adjust, ContinueJustified, StopRethink} }

// ConclusionLabel says a screening's or a full assessment's conclusion for people.
func ConclusionLabel(c string) string {
	if l, ok := map[string]string{
		NoFullAssessment:  "No full assessment is needed",
		FullAssessment:    "A full assessment is needed",
		NoMajorChange:     "No major change is needed",
		Adjust:            "Adjust the proposal",
		ContinueJustified: "Continue: the adverse impact is justified",
		StopRethink:       "Stop and rethink",
	}[c]; ok {
		return l
	}
	return c
}

// StatusLabel says an action's status for people.
func StatusLabel(status string) string {
	if l, ok := map[string]string{ActionOpen: "Open", ActionDone: "Done", ActionDropped: "Dropped"}[status]; ok {
		return l
	}
	return status
}

// Sections lists the sections an advisory group member comments on.
func Sections() []string { return []string{"screening", "assessment", "actions", "evidence"} }

// SectionLabel says a section of an assessment for people.
func SectionLabel(section string) string {
	if l, ok := map[string]string{"screening": "The screening", "assessment": "The full assessment", "impacts": "The impacts",
		"actions": "The actions", "evidence": "The evidence"}[section]; ok {
		return l
	}
	return section
}

// GroupLabel says the group of an impact for people: a protected
// characteristic by its label, another group as it was written.
func GroupLabel(group string) string {
	if c, err := hub.ParseCharacteristic(group); err == nil {
		return c.Label()
	}
	return group
}

// named puts what a message is about before it, in the way a person reads
// it: "Evidence 1: the link …", "Age: say why it is not relevant".
func named(about string, ps []hub.Problem) []hub.Problem {
	for i, p := range ps {
		m := p.Message
		if r, n := utf8.DecodeRuneInString(m); n > 0 && !strings.HasPrefix(m, "I ") {
			m = string(unicode.ToLower(r)) + m[n:]
		}
		ps[i].Message = about + ": " + m
	}
	return ps
}
