package monitoring

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Format names the version of the return document format.
const Format = "equality-hub-return/1"

// Content is what an organisation says in a return: counts of records by
// standard answer categories, never the records.
type Content struct {
	OrgID    string
	Theme    string
	Period   Period
	Standard string
	Mapping  int   // the version of the organisation's mapping used; 0: standard codes as they are
	Records  int64 // records counted
	Rejected int64 // records left out because they could not be counted
	Counts   []int64
}

// document is the canonical form of a return, the bytes that are signed.
type document struct {
	Format   string `json:"format"`
	OrgID    string `json:"organisation"`
	Theme    string `json:"theme"`
	Period   string `json:"period"`
	Standard string `json:"standard"`
	Mapping  int    `json:"mapping"`
	Records  int64  `json:"records"`
	Rejected int64  `json:"rejected"`
	Cells    []Cell `json:"cells"`
}

// Encode writes the content's canonical document: the bytes an organisation
// signs and the hub keeps. The same content always gives the same bytes.
func (c Content) Encode(l *Layout) []byte {
	d := document{Format: Format, OrgID: c.OrgID, Theme: c.Theme, Period: string(c.Period), Standard: c.Standard,
		Mapping: c.Mapping, Records: c.Records, Rejected: c.Rejected, Cells: l.Cells(c.Counts)}
	b, _ := json.Marshal(d)
	return append(b, '\n')
}

// Catalogue finds the standards and themes a return may refer to.
type Catalogue interface {
	Standard(version string) (Standard, bool)
	Theme(id string) (Theme, bool)
}

// Decode reads and checks a return document against the catalogue: the format,
// a known theme, standard and period, every count present once, in order,
// whole and not negative, and no part larger than its whole. The document
// must be canonical, so that what was signed is exactly what is kept.
func Decode(body []byte, cat Catalogue) (Content, *Layout, error) {
	var d document
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var raw struct {
		document
		Cells []struct {
			Question string      `json:"question"`
			Category string      `json:"category"`
			Measure  string      `json:"measure"`
			Count    json.Number `json:"count"`
		} `json:"cells"`
	}
	if err := dec.Decode(&raw); err != nil {
		return Content{}, nil, hub.Errorf(hub.CodeInvalid, "The return is not a return document: %s", jsonMessage(err))
	}
	d = raw.document
	if d.Format != Format {
		return Content{}, nil, hub.Errorf(hub.CodeInvalid, "The return's format is %q; this hub reads %q: make it again with hubctl aggregate", d.Format, Format)
	}
	var ps []hub.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	std, ok := cat.Standard(d.Standard)
	if !ok {
		bad("standard", "There is no monitoring standard %q", d.Standard)
	}
	theme, ok := cat.Theme(d.Theme)
	if !ok {
		bad("theme", "There is no theme %q", d.Theme)
	}
	if len(ps) > 0 {
		return Content{}, nil, hub.Invalid("The return cannot be read", ps)
	}
	period, err := ParsePeriod(d.Period, theme.Frequency)
	if err != nil {
		bad("period", "%s", hub.ErrorMessage(err))
	}
	if d.Mapping < 0 {
		bad("mapping", "The mapping version cannot be negative")
	}
	if d.Records < 0 || d.Rejected < 0 {
		bad("records", "The numbers of records cannot be negative")
	}
	l, err := NewLayout(std, theme)
	if err != nil {
		return Content{}, nil, err
	}
	want := l.Cells(make([]int64, l.Size()))
	if len(raw.Cells) != len(want) {
		bad("cells", "The return has %d counts; a %s return under standard %s has %d", len(raw.Cells), theme.Name, std.Version, len(want))
	}
	counts := make([]int64, l.Size())
	for i := 0; i < len(raw.Cells) && i < len(want); i++ {
		c, w := raw.Cells[i], want[i]
		where := fmt.Sprintf("cells.%d", i)
		if c.Question != w.Question || c.Category != w.Category || c.Measure != w.Measure {
			bad(where, "Count %d should be %s / %s / %s, not %s / %s / %s", i+1, w.Question, w.Category, w.Measure, c.Question, c.Category, c.Measure)
			continue
		}
		n, err := c.Count.Int64()
		switch {
		case err != nil:
			bad(where, "The count of %s / %s / %s is %s: counts are whole numbers", c.Question, c.Category, c.Measure, c.Count)
		case n < 0:
			bad(where, "The count of %s / %s / %s is negative", c.Question, c.Category, c.Measure)
		case n > d.Records:
			bad(where, "The count of %s / %s / %s is more than the %d records counted", c.Question, c.Category, c.Measure, d.Records)
		}
		counts[i] = n
	}
	if len(ps) == 0 {
		ps = append(ps, checkParts(l, counts)...)
	}
	if len(ps) > 0 {
		return Content{}, nil, hub.Invalid("The return is not valid", ps)
	}
	content := Content{OrgID: d.OrgID, Theme: d.Theme, Period: period, Standard: d.Standard, Mapping: d.Mapping, Records: d.Records, Rejected: d.Rejected, Counts: counts}
	if !bytes.Equal(content.Encode(l), body) {
		return Content{}, nil, hub.Errorf(hub.CodeInvalid, "The return is not in the form hubctl writes (its spacing or order differs), so its signature could not be checked reliably: make and sign it with hubctl")
	}
	return content, l, nil
}

// checkParts checks that no part (e.g. arrests) exceeds its whole (searches) in any category.
func checkParts(l *Layout, counts []int64) []hub.Problem {
	var ps []hub.Problem
	for mi, m := range l.Theme.Measures {
		if m.Of == "" {
			continue
		}
		wi := -1
		for j, w := range l.Theme.Measures {
			if w.ID == m.Of {
				wi = j
			}
		}
		for qi, q := range l.Questions {
			for ai, a := range q.Answers() {
				part, whole := counts[l.Index(qi, ai, mi)], counts[l.Index(qi, ai, wi)]
				if part > whole {
					ps = append(ps, hub.Problem{Field: "cells", Message: fmt.Sprintf("%s: %s is %d but %s is only %d, and it is a part of it", q.Label+" / "+a.Label, m.Label, part, l.Theme.Measures[wi].Label, whole)})
				}
			}
		}
	}
	return ps
}

func jsonMessage(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("the field %q has a %s where a %s belongs", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// Return is one version of an organisation's monitoring return, signed and kept as sent.
type Return struct {
	ID string // hex SHA-256 of Body: the same signed return sent twice is one version
	Content
	Body       []byte // the canonical document, as signed
	Signature  string // armoured detached signature over Body
	Key        string // fingerprint of the key that made it
	SignedAt   time.Time
	Version    int    // 1 for the first return of an organisation, theme and period
	Supersedes string // the ID of the version it corrects
	Reason     string // why it corrects it
	Uploaded   time.Time
	UploadedBy string // person ID
}

// ReturnID is the identity of a return body.
func ReturnID(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}
