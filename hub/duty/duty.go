// Package duty keeps the specific duties' calendar: each public body publishes
// equality information at least every year and sets equality objectives at
// least every four years, and the partnership is warned before either is due.
//
// The rule: a body's yearly information duty is met only by a publication
// recorded as that body's equality information (made in the hub or
// elsewhere, with its date, title and web address); a table or an impact
// assessment published in the hub is equality information in part, not the
// yearly publication, and does not meet the duty. The four-yearly duty is
// met by equality objectives the body owns in the partnership strategy, or
// by a recorded publication of its equality objectives.
package duty

import (
	"net/url"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Warning is how long before a due date the calendar warns.
const Warning = 60 * 24 * time.Hour

// PermRecord lets a person record a publication made for their
// organisation: whoever may publish for the organisation.
var PermRecord = hub.Permission{Object: "publication", Action: "publish"}

// State says where an organisation stands against one duty.
type State string

// The states.
const (
	Never   State = "never"    // nothing on record
	Overdue State = "overdue"  // past its due date
	DueSoon State = "due-soon" // within the warning
	Met     State = "met"
)

// Kind is what a publication is, for the duties.
type Kind string

// The kinds of publication.
const (
	Information Kind = "information" // the organisation's equality information, published yearly
	Objectives  Kind = "objectives"  // the organisation's equality objectives, set every four years
)

// Kinds returns every kind of publication.
func Kinds() []Kind { return []Kind{Information, Objectives} }

// Label says the kind in words.
func (k Kind) Label() string {
	return map[Kind]string{Information: "Equality information", Objectives: "Equality objectives"}[k]
}

// Record is a publication an organisation made, in the hub or elsewhere,
// recorded so that the calendar knows the duty is met.
type Record struct {
	ID             string
	OrgID          string
	Kind           Kind
	Date           time.Time // the day it was published
	Title          string
	URL            string // where the public reads it
	RecordedBy     string // person ID
	RecordedByName string
	RecordedAt     time.Time
}

// Validate says everything wrong with a record, each problem beside its field.
func (r Record) Validate(now time.Time) error {
	var ps []hub.Problem
	if r.Kind != Information && r.Kind != Objectives {
		ps = append(ps, hub.Problem{Field: "kind", Message: "Choose what was published: equality information or equality objectives"})
	}
	if r.Date.IsZero() {
		ps = append(ps, hub.Problem{Field: "date", Message: "Give the date it was published"})
	} else if r.Date.After(now) {
		ps = append(ps, hub.Problem{Field: "date", Message: "The date it was published must be today or in the past"})
	}
	if strings.TrimSpace(r.Title) == "" {
		ps = append(ps, hub.Problem{Field: "title", Message: "Give the title of the publication"})
	}
	ps = append(ps, hub.CheckText("title", r.Title, hub.NameText)...)
	if u, err := url.Parse(strings.TrimSpace(r.URL)); strings.TrimSpace(r.URL) == "" {
		ps = append(ps, hub.Problem{Field: "url", Message: "Give the web address where the public can read it"})
	} else if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		ps = append(ps, hub.Problem{Field: "url", Message: "Give the web address in full, starting with https://"})
	} else {
		ps = append(ps, hub.CheckText("url", r.URL, hub.NameText)...)
	}
	if len(ps) == 0 {
		return nil
	}
	return hub.Invalid("The publication cannot be recorded: "+ps[0].Message, ps)
}

// Line is one duty of one organisation.
type Line struct {
	Last  time.Time
	Due   time.Time
	State State
	// The publication that last met it, when one is recorded; empty when
	// the objectives were set in the partnership strategy.
	Title, URL string
}

// Entry is one public body's line of the calendar.
type Entry struct {
	OrgID       string
	Name        string
	Information Line // equality information published, at least yearly
	Objectives  Line // equality objectives set, at least every four years
}

func line(last time.Time, every time.Duration, now time.Time) Line {
	if last.IsZero() {
		return Line{State: Never}
	}
	l := Line{Last: last, Due: last.Add(every)}
	switch {
	case now.After(l.Due):
		l.State = Overdue
	case l.Due.Sub(now) <= Warning:
		l.State = DueSoon
	default:
		l.State = Met
	}
	return l
}

// Calendar builds the calendar for the public bodies among orgs from the
// publications recorded and the day each body's latest objectives in the
// partnership strategy started.
func Calendar(orgs []hub.Organisation, records []Record, objectives map[string]time.Time, now time.Time) []Entry {
	latest := func(org string, k Kind) (Record, bool) {
		var best Record
		found := false
		for _, r := range records {
			if r.OrgID == org && r.Kind == k && (!found || r.Date.After(best.Date)) {
				best, found = r, true
			}
		}
		return best, found
	}
	var out []Entry
	for _, o := range orgs {
		if !o.Kind.PublicBody() {
			continue
		}
		e := Entry{OrgID: o.ID, Name: o.Name}
		if r, ok := latest(o.ID, Information); ok {
			e.Information = line(r.Date, 365*24*time.Hour, now)
			e.Information.Title, e.Information.URL = r.Title, r.URL
		} else {
			e.Information = line(time.Time{}, 0, now)
		}
		set := objectives[o.ID]
		r, ok := latest(o.ID, Objectives)
		if ok && !r.Date.Before(set) {
			e.Objectives = line(r.Date, 4*365*24*time.Hour, now)
			e.Objectives.Title, e.Objectives.URL = r.Title, r.URL
		} else {
			e.Objectives = line(set, 4*365*24*time.Hour, now)
		}
		out = append(out, e)
	}
	return out
}
