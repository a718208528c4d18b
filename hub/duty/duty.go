// Package duty keeps the specific duties' calendar: each public body publishes
// equality information at least every year and sets equality objectives at
// least every four years, and the partnership is warned before either is due.
package duty

import (
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Warning is how long before a due date the calendar warns.
const Warning = 60 * 24 * time.Hour

// State says where an organisation stands against one duty.
type State string

// The states.
const (
	Never   State = "never"    // nothing on record
	Overdue State = "overdue"  // past its due date
	DueSoon State = "due-soon" // within the warning
	Met     State = "met"
)

// Line is one duty of one organisation.
type Line struct {
	Last  time.Time
	Due   time.Time
	State State
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

// Calendar builds the calendar for the public bodies among orgs from when each
// last published equality information and last set objectives.
func Calendar(orgs []hub.Organisation, published, objectives map[string]time.Time, now time.Time) []Entry {
	var out []Entry
	for _, o := range orgs {
		if !o.Kind.PublicBody() {
			continue
		}
		out = append(out, Entry{OrgID: o.ID, Name: o.Name,
			Information: line(published[o.ID], 365*24*time.Hour, now),
			Objectives:  line(objectives[o.ID], 4*365*24*time.Hour, now)})
	}
	return out
}
