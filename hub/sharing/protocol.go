// Package sharing holds the data-sharing protocols by which partners share
// monitoring data with each other, with the partnership's bodies or with the
// public: who shares which themes with whom, at what level, under which
// disclosure rules, for what purpose and on which lawful basis, from when
// until when, signed by every party. Only an active protocol lets data flow,
// and any provider can suspend one at once.
package sharing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// State is where a protocol stands.
type State string

// The states of a protocol.
const (
	Draft     State = "draft"
	Awaiting  State = "awaiting-signatures"
	Active    State = "active"
	Suspended State = "suspended"
	Expired   State = "expired"
	NotYet    State = "not-yet-in-force"
)

// Label says the state for people.
func (s State) Label() string {
	return map[State]string{Draft: "Draft", Awaiting: "Awaiting signatures", Active: "Active", Suspended: "Suspended", Expired: "Expired", NotYet: "Signed, not yet in force"}[s]
}

// Level is how far shared data goes.
type Level string

// The levels of sharing.
const (
	Aggregate Level = "aggregate" // anonymised tables for the recipients named
	Published Level = "published" // for publication to the public
)

// Recipient is who receives data under a protocol: an organisation, a body of
// the partnership, or the public.
type Recipient string

// Recipients that are not organisations.
const (
	Board         Recipient = "body:board"
	Forum         Recipient = "body:forum"
	AdvisoryGroup Recipient = "body:advisory-group"
	Public        Recipient = "public"
)

// OrgRecipient names an organisation as a recipient.
func OrgRecipient(orgID string) Recipient { return Recipient("org:" + orgID) }

// OrgID returns the organisation a recipient names, if it names one.
func (r Recipient) OrgID() (string, bool) { return strings.CutPrefix(string(r), "org:") }

// Signature is a party's signature of a protocol, by an authorised person.
type Signature struct {
	OrgID    string
	PersonID string
	Name     string
	At       time.Time
}

// Protocol is a data-sharing protocol.
type Protocol struct {
	ID          string
	Title       string
	Providers   []string // organisation IDs whose data is shared
	Recipients  []Recipient
	Themes      []string
	Level       Level
	Threshold   int // counts from 1 to Threshold-1 are suppressed
	Round       int // released counts rounded to the nearest Round; 0: not rounded
	Purpose     string
	LawfulBasis string
	Start, End  time.Time // dates, inclusive
	Submitted   bool      // the draft was sent for signature and can no longer be changed
	Signatures  []Signature
	Suspended   time.Time
	SuspendedBy string
	Reason      string // why it was suspended
	// Resumed is when a suspended protocol was resumed, and by whom; every
	// party then signs again before data flows. EarlierSignatures are the
	// signatures given before it was resumed, kept.
	Resumed           time.Time   `json:",omitempty"`
	ResumedBy         string      `json:",omitempty"`
	EarlierSignatures []Signature `json:",omitempty"`
	// Renews is the protocol this one renews, if it renews one.
	Renews    string `json:",omitempty"`
	Created   time.Time
	CreatedBy string
	Entries   []int64 // the entries of the audit record whose changes made this protocol as it is
}

// Parties returns the organisations that must sign: every provider and every recipient organisation.
func (p Protocol) Parties() []string {
	parties := slices.Clone(p.Providers)
	for _, r := range p.Recipients {
		if org, ok := r.OrgID(); ok && !slices.Contains(parties, org) {
			parties = append(parties, org)
		}
	}
	slices.Sort(parties)
	return parties
}

// SignedBy reports whether an organisation has signed.
func (p Protocol) SignedBy(orgID string) bool {
	return slices.ContainsFunc(p.Signatures, func(s Signature) bool { return s.OrgID == orgID })
}

// Unsigned returns the parties that have not signed.
func (p Protocol) Unsigned() []string {
	var out []string
	for _, o := range p.Parties() {
		if !p.SignedBy(o) {
			out = append(out, o)
		}
	}
	return out
}

// StateAt says where the protocol stands on a day.
func (p Protocol) StateAt(t time.Time) State {
	day := t.UTC().Truncate(24 * time.Hour)
	switch {
	case !p.Submitted:
		return Draft
	case len(p.Unsigned()) > 0:
		return Awaiting
	case !p.Suspended.IsZero():
		return Suspended
	case day.After(p.End):
		return Expired
	case day.Before(p.Start):
		return NotYet
	}
	return Active
}

// Validate checks a draft protocol, naming each problem.
func (p Protocol) Validate() error {
	var ps []hub.Problem
	bad := func(field, msg string, args ...any) {
		ps = append(ps, hub.Problem{Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	if strings.TrimSpace(p.Title) == "" {
		bad("title", "Give the protocol a title")
	}
	if len(p.Providers) == 0 {
		bad("providers", "Choose at least one organisation whose data is shared")
	}
	if len(p.Recipients) == 0 {
		bad("recipients", "Choose who receives the data")
	}
	for _, r := range p.Recipients {
		if org, ok := r.OrgID(); ok && org != "" || slices.Contains([]Recipient{Board, Forum, AdvisoryGroup, Public}, r) {
			continue
		}
		bad("recipients", "%s is not a recipient: choose organisations, bodies of the partnership or the public from the list", hub.Excerpt(string(r)))
	}
	if len(p.Themes) == 0 {
		bad("themes", "Choose at least one theme")
	}
	switch p.Level {
	case Aggregate:
		if p.Threshold < 3 {
			bad("threshold", "Partners' tables suppress counts below at least 3; the partnership's default is 5")
		}
	case Published:
		if p.Threshold < 8 || p.Round < 5 {
			bad("threshold", "Published tables suppress counts of 7 and under and round the rest to the nearest 5, at least")
		}
	default:
		bad("level", "Choose aggregate (for the recipients named) or published")
	}
	if strings.TrimSpace(p.Purpose) == "" {
		bad("purpose", "Say what the data is shared for: sharing needs a purpose")
	}
	if strings.TrimSpace(p.LawfulBasis) == "" {
		bad("lawful_basis", "Give the lawful basis, e.g. the public sector equality duty (Equality Act 2010, section 149)")
	}
	ps = append(ps, hub.CheckTexts(
		hub.Text{Field: "title", Value: p.Title, Kind: hub.NameText},
		hub.Text{Field: "purpose", Value: p.Purpose, Kind: hub.ReasonText},
		hub.Text{Field: "lawful_basis", Value: p.LawfulBasis, Kind: hub.ReasonText},
	)...)
	switch {
	case p.Start.IsZero() || p.End.IsZero():
		bad("start", "Give the dates the protocol runs from and to")
	case !p.End.After(p.Start):
		bad("end", "The end date must be after the start date")
	case p.End.Sub(p.Start) > 4*366*24*time.Hour:
		bad("end", "A protocol runs for at most four years: review it and sign a new one")
	}
	return hub.Invalid("The protocol is not valid", ps)
}
