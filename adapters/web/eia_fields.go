package web

import (
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// eiaInput is one input of the impact assessment page's forms, as the
// page shows it: what was typed, its hint and what is wrong with it.
type eiaInput struct {
	ID, Name, Label, Value, Hint, Width string
	Kind                                string // the kind of text, for its longest length; "" for a date
	Err                                 *fieldProblem
	Options                             []choice // for a select
}

// DescribedBy lists the ids the input's aria-describedby names.
func (in eiaInput) DescribedBy() string {
	var ids []string
	if in.Hint != "" {
		ids = append(ids, in.ID+"-hint")
	}
	if in.Err != nil {
		ids = append(ids, in.Err.ID)
	}
	return strings.Join(ids, " ")
}

// Problem is what is wrong with the input of the page with that id, or nil.
func (p eiaPage) Problem(id string) *fieldProblem {
	var ms []string
	for _, pr := range p.Problems {
		if pr.Field == id {
			ms = append(ms, pr.Message)
		}
	}
	if len(ms) == 0 {
		return nil
	}
	return &fieldProblem{ID: id + "-error", Message: strings.Join(ms, ". ")}
}

// Input is a text input of one of the page's forms: kind is the kind of
// text ("name", "reason", "note", "link"), or "date".
func (p eiaPage) Input(form, id, name, label, kind, dflt string) eiaInput {
	in := eiaInput{ID: id, Name: name, Label: label, Value: p.Val(form, name, dflt), Err: p.Problem(id)}
	if kind == "date" {
		in.Hint, in.Width = "Year-month-day, such as 2026-12-01", " govuk-input--width-10"
	} else {
		in.Kind = kind
		in.Hint = "Up to " + hub.Thousands(int64(textKind(kind).Max)) + " characters"
	}
	return in
}

// Select is a select list of one of the page's forms: options are value,
// label pairs; the one sent, or else dflt, is chosen.
func (p eiaPage) Select(form, id, name, label, dflt string, options ...string) eiaInput {
	in := eiaInput{ID: id, Name: name, Label: label, Value: p.Val(form, name, dflt), Err: p.Problem(id)}
	for i := 0; i+1 < len(options); i += 2 {
		in.Options = append(in.Options, choice{options[i], options[i+1], options[i] == in.Value})
	}
	return in
}
