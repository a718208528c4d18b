package monitoring

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
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

// MaxCount is the most a return may count in any of its cells, and as its
// numbers of records counted and left out: far more than any partner holds,
// and small enough that adding counts up never overflows.
const MaxCount = 100_000_000

// rawDocument is a return document as sent, its numbers still as written, so
// that a number written wrongly is named rather than reported in the terms of
// the JSON decoder.
type rawDocument struct {
	Format   string          `json:"format"`
	OrgID    string          `json:"organisation"`
	Theme    string          `json:"theme"`
	Period   string          `json:"period"`
	Standard string          `json:"standard"`
	Mapping  json.RawMessage `json:"mapping"`
	Records  json.RawMessage `json:"records"`
	Rejected json.RawMessage `json:"rejected"`
	Cells    []rawCell       `json:"cells"`
}

type rawCell struct {
	Question string          `json:"question"`
	Category string          `json:"category"`
	Measure  string          `json:"measure"`
	Count    json.RawMessage `json:"count"`
}

// Decode reads and checks a return document against the catalogue: the format,
// a known theme, standard and period, every count present once, in order,
// whole, not negative and no more than MaxCount, and counts that add up as
// CheckCounts says. The document must be canonical, so that what was signed
// is exactly what is kept.
func Decode(body []byte, cat Catalogue) (Content, *Layout, error) {
	var d rawDocument
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Content{}, nil, notDocument(body, err)
	}
	if d.Format != Format {
		return Content{}, nil, hub.Errorf(hub.CodeInvalid, "The return's format is %s; this hub reads %q: make it again with hubctl aggregate", hub.Clip(strconv.Quote(d.Format)), Format)
	}
	var ps []hub.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	std, ok := cat.Standard(d.Standard)
	if !ok {
		bad("standard", "There is no monitoring standard %s", hub.Clip(strconv.Quote(d.Standard)))
	}
	theme, ok := cat.Theme(d.Theme)
	if !ok {
		bad("theme", "There is no theme %s", hub.Clip(strconv.Quote(d.Theme)))
	}
	if len(ps) > 0 {
		return Content{}, nil, hub.Invalid("The return cannot be read", ps)
	}
	period, err := ParsePeriod(d.Period, theme.Frequency)
	if err != nil {
		bad("period", "%s", hub.ErrorMessage(err))
	}
	mapping, msg := readNumber(d.Mapping, 1<<30)
	if msg != "" {
		bad("mapping", "The mapping version %s", msg)
	}
	records, msg := readNumber(d.Records, MaxCount)
	if msg != "" {
		bad("records", "The number of records counted %s", msg)
	}
	rejected, msg := readNumber(d.Rejected, MaxCount)
	if msg != "" {
		bad("rejected", "The number of records left out %s", msg)
	}
	l, err := NewLayout(std, theme)
	if err != nil {
		return Content{}, nil, err
	}
	want := l.Cells(make([]int64, l.Size()))
	if len(d.Cells) != len(want) {
		bad("cells", "The return has %d counts; a %s return under standard %s has %d", len(d.Cells), theme.Name, std.Version, len(want))
	}
	counts := make([]int64, l.Size())
	for i := 0; i < len(d.Cells) && i < len(want); i++ {
		c, w := d.Cells[i], want[i]
		where := fmt.Sprintf("cells.%d", i)
		if c.Question != w.Question || c.Category != w.Category || c.Measure != w.Measure {
			bad(where, "Count %d should be %s / %s / %s, not %s / %s / %s", i+1, w.Question, w.Category, w.Measure,
				hub.Clip(c.Question), hub.Clip(c.Category), hub.Clip(c.Measure))
			continue
		}
		n, msg := readNumber(c.Count, MaxCount)
		if msg != "" {
			bad(where, "The count of %s %s", l.cellName(i), msg)
			continue
		}
		counts[i] = n
	}
	if len(ps) == 0 {
		ps = append(ps, CheckCounts(l, records, counts)...)
	}
	if len(ps) > 0 {
		return Content{}, nil, hub.Invalid("The return is not valid", ps)
	}
	content := Content{OrgID: d.OrgID, Theme: d.Theme, Period: period, Standard: d.Standard, Mapping: int(mapping), Records: records, Rejected: rejected, Counts: counts}
	if !bytes.Equal(content.Encode(l), body) {
		return Content{}, nil, hub.Errorf(hub.CodeInvalid, "The return is not in the form hubctl writes (its spacing or order differs), so its signature could not be checked reliably: make and sign it with hubctl")
	}
	return content, l, nil
}

// CheckCounts checks that a return's counts add up: under every question,
// each measure that counts every record (such as searches) adds up to the
// records counted, since each record has one answer to each question, "not
// known" when it has none; each other measure (such as arrests) adds up to
// the same total under every question, no more than the records; and no part
// (arrests) is larger than its whole (searches) for any answer. A question
// the theme does not ask has no counts, so it needs none. The counts must be
// in the layout's order, each from 0 to MaxCount.
func CheckCounts(l *Layout, records int64, counts []int64) []hub.Problem {
	var ps []hub.Problem
	if len(counts) != l.Size() || len(l.Questions) == 0 {
		return []hub.Problem{{Field: "cells", Message: fmt.Sprintf("The return has %d counts; a %s return has %d", len(counts), l.Theme.Name, l.Size())}}
	}
	for i, n := range counts {
		if n > records {
			ps = append(ps, hub.Problem{Field: fmt.Sprintf("cells.%d", i), Message: fmt.Sprintf("The count of %s is %s, more than the %s records counted", l.cellName(i), hub.Thousands(n), hub.Thousands(records))})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	for mi, m := range l.Theme.Measures {
		var first int64
		for qi, q := range l.Questions {
			var total int64
			for ai := range q.Answers() {
				total += counts[l.Index(qi, ai, mi)]
			}
			switch {
			case m.Column == "" && total != records:
				ps = append(ps, hub.Problem{Field: "cells", Message: fmt.Sprintf(
					"%s: the counts of %s add up to %s, but the return counts %s records: every record is counted once under each question (as not known when its answer is missing)",
					q.Label, strings.ToLower(m.Label), hub.Thousands(total), hub.Thousands(records))})
			case m.Column != "" && total > records:
				ps = append(ps, hub.Problem{Field: "cells", Message: fmt.Sprintf(
					"%s: the counts of %s add up to %s, more than the %s records the return counts",
					q.Label, strings.ToLower(m.Label), hub.Thousands(total), hub.Thousands(records))})
			case m.Column != "" && qi > 0 && total != first:
				ps = append(ps, hub.Problem{Field: "cells", Message: fmt.Sprintf(
					"%s: the counts of %s add up to %s, but under %s they add up to %s: each record is counted once under each question",
					q.Label, strings.ToLower(m.Label), hub.Thousands(total), l.Questions[0].Label, hub.Thousands(first))})
			}
			if qi == 0 {
				first = total
			}
		}
	}
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
		if wi < 0 {
			continue
		}
		for qi, q := range l.Questions {
			for ai, a := range q.Answers() {
				part, whole := counts[l.Index(qi, ai, mi)], counts[l.Index(qi, ai, wi)]
				if part > whole {
					ps = append(ps, hub.Problem{Field: "cells", Message: fmt.Sprintf("%s / %s: %s is %s but %s is only %s, and it is a part of it",
						q.Label, a.Label, m.Label, hub.Thousands(part), l.Theme.Measures[wi].Label, hub.Thousands(whole))})
				}
			}
		}
	}
	return ps
}

// cellName names the i-th count of the layout for a message, e.g.
// "Sex / Female / Searches".
func (l *Layout) cellName(i int) string {
	n := 0
	for _, q := range l.Questions {
		for _, a := range q.Answers() {
			for _, m := range l.Theme.Measures {
				if n == i {
					return q.Label + " / " + a.Label + " / " + m.Label
				}
				n++
			}
		}
	}
	return fmt.Sprintf("count %d", i+1)
}

// readNumber reads a whole number of a return, from 0 to most; otherwise it
// says in words what is wrong with it, to follow the number's name, as in
// "is negative (-1)".
func readNumber(raw json.RawMessage, most int64) (int64, string) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, "is missing: write 0 where there is none"
	}
	if strings.HasPrefix(s, `"`) {
		var text string
		_ = json.Unmarshal(raw, &text)
		if strings.TrimSpace(text) == "" {
			return 0, `is empty (""): write 0 where there is none, as a plain number without quotation marks`
		}
		return 0, fmt.Sprintf("is written as text, %s: write it as a plain whole number, such as 1234, without commas or quotation marks", hub.Clip(strconv.Quote(text)))
	}
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "true" || s == "false" {
		return 0, "is not a number: write a plain whole number, such as 1234"
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		switch {
		case ferr == nil && f > float64(most):
			return 0, fmt.Sprintf("is %s, more than the %s a return may hold: check the figure", hub.Clip(s), hub.Thousands(most))
		case ferr == nil && f < 0:
			return 0, fmt.Sprintf("is negative (%s)", hub.Clip(s))
		}
		return 0, fmt.Sprintf("is %s: counts are whole numbers written in digits, such as 1234", hub.Clip(s))
	}
	switch {
	case n < 0:
		return 0, fmt.Sprintf("is negative (%d)", n)
	case n > most:
		return 0, fmt.Sprintf("is %s, more than the %s a return may hold: check the figure", hub.Thousands(n), hub.Thousands(most))
	}
	return n, ""
}

// cellPattern finds where a cell of a return document begins, to say which
// count a syntax error is in.
var cellPattern = regexp.MustCompile(`"question":"([^"]{0,60})","category":"([^"]{0,60})","measure":"([^"]{0,60})"`)

// notDocument explains why a return document could not be decoded, with
// where in the document and, within the counts, which count.
func notDocument(body []byte, err error) error {
	if what := notJSONObject(body); what != "" {
		return hub.Errorf(hub.CodeInvalid, "This file is not a return: a return is a JSON document made by hubctl aggregate or by counting an extract on the Data page%s", what)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var msg string
	var offset int64
	switch {
	case errors.As(err, &se):
		msg, offset = capitalise(se.Error()), se.Offset
	case errors.As(err, &te):
		got := map[string]string{"number": "a number", "string": "text", "array": "a list", "object": "an object in { }", "bool": "true or false"}[te.Value]
		if got == "" {
			got = "something else"
		}
		msg, offset = fmt.Sprintf("The field %q should be %s, not %s", te.Field, describe(te.Type), got), te.Offset
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return hub.Errorf(hub.CodeInvalid, "The return is not a return document: it ends before the document does, so it may have been cut short")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return hub.Errorf(hub.CodeInvalid, "The return is not a return document: it has an unknown field %s; a return has only the fields hubctl writes",
			hub.Clip(strings.TrimPrefix(err.Error(), "json: unknown field ")))
	default:
		return hub.Errorf(hub.CodeInvalid, "The return is not a return document: %s", hub.Clip(capitalise(strings.TrimPrefix(err.Error(), "json: "))))
	}
	if offset > 0 && offset <= int64(len(body)) {
		if ms := cellPattern.FindAllSubmatch(body[:offset], -1); len(ms) > 0 {
			m := ms[len(ms)-1]
			return hub.Invalid("The return is not a return document", []hub.Problem{{Field: "cells", Message: fmt.Sprintf(
				"The document cannot be read at character %d, in the count of %s / %s / %s: counts are plain whole numbers, such as 1234, without commas or quotation marks",
				offset, m[1], m[2], m[3])}})
		}
	}
	return hub.Invalid("The return is not a return document", []hub.Problem{{Message: fmt.Sprintf("%s (at character %d)", msg, offset)}})
}

// notJSONObject says, when a file sent as a return does not begin as a JSON
// object, what it looks like instead, after a colon; "" when it does.
func notJSONObject(body []byte) string {
	head := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	switch {
	case len(head) == 0 || head[0] == '{':
		return ""
	case bytes.HasPrefix(head, []byte("-----BEGIN PGP")):
		return ". This is a signature: choose it as the signature, and the .json file as the return"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return ". This looks like an Excel workbook: if it is an extract, count it first (step 1), then sign and upload the return it makes"
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Contains(line, []byte(",")) || bytes.Contains(line, []byte("\t")) {
		return ". This looks like an extract (CSV): count it first (step 1), then sign and upload the return it makes"
	}
	return ""
}

// Return is one version of an organisation's monitoring return, signed and kept as sent.
type Return struct {
	ID string // hex SHA-256 of Body (see ReturnID): the same signed return sent twice is one version
	Content
	Body       []byte // the canonical document, as signed
	Signature  string // armoured detached signature over Body
	Key        string // fingerprint of the key that made it
	SignedAt   time.Time
	Version    int    // 1 for the first return of an organisation, theme and period
	Supersedes string // the ID of the version it corrects
	Reason     string // why it corrects it
	Restores   int    // the earlier version this one brings back, undoing the corrections since; 0 for a new document
	Uploaded   time.Time
	UploadedBy string // person ID
	// Damaged says, when it is not empty, why the return as stored cannot be
	// trusted to be what its organisation signed: the hub leaves it out of
	// every table and shows its owner why.
	Damaged string
}

// Outcome is what became of a return sent to the hub.
type Outcome string

// The outcomes of an upload.
const (
	OutcomeNew        Outcome = "new"        // the first return of its theme and period
	OutcomeCorrection Outcome = "correction" // a new version correcting the current one
	OutcomeRestored   Outcome = "restored"   // an earlier version brought back as a new version
	OutcomeHeld       Outcome = "held"       // the hub holds this signed return already as the current version
)

// Describe says in a sentence what became of a return sent to the hub.
func (o Outcome) Describe(r Return) string {
	switch o {
	case OutcomeCorrection:
		return fmt.Sprintf("Accepted as a correction: version %d, correcting version %d.", r.Version, r.Version-1)
	case OutcomeRestored:
		return fmt.Sprintf("Accepted: version %d brings back the figures of version %d and is now current.", r.Version, r.Restores)
	case OutcomeHeld:
		return fmt.Sprintf("The hub already holds this signed return as version %d: nothing has changed.", r.Version)
	}
	return fmt.Sprintf("Accepted: version %d, a new return.", r.Version)
}

// DescribeFor says what became of a return as Describe does, for its own
// organisation: naming the theme (by its name), the period and the records.
func (o Outcome) DescribeFor(r Return, themeName string) string {
	of := fmt.Sprintf("your %s return for %s", themeName, r.Period)
	records := fmt.Sprintf("%s record", hub.Thousands(r.Records))
	if r.Records != 1 {
		records += "s"
	}
	switch o {
	case OutcomeCorrection:
		return fmt.Sprintf("Accepted as a correction: version %d of %s (%s), correcting version %d.", r.Version, of, records, r.Version-1)
	case OutcomeRestored:
		return fmt.Sprintf("Accepted: version %d of %s (%s) brings back the figures of version %d and is now current.", r.Version, of, records, r.Restores)
	case OutcomeHeld:
		return fmt.Sprintf("The hub already holds this signed return as version %d of %s (%s): nothing has changed.", r.Version, of, records)
	}
	return fmt.Sprintf("Accepted: version %d of %s (%s), a new return.", r.Version, of, records)
}

// ReturnID is the identity of a return body.
func ReturnID(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// RestoreID is the identity of a version that brings back an earlier
// document: it holds the same body as the version it restores, so it cannot
// share its identity.
func RestoreID(body []byte, version int) string {
	h := sha256.New()
	h.Write(body)
	fmt.Fprintf(h, "\nrestored as version %d", version)
	return hex.EncodeToString(h.Sum(nil))
}

// wantID is the identity a return with this body must have.
func (r Return) wantID(body []byte) string {
	if r.Restores > 0 {
		return RestoreID(body, r.Version)
	}
	return ReturnID(body)
}
