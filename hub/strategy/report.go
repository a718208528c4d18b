package strategy

import (
	"time"
)

// ActionStatus is where an action stood when a report was made.
type ActionStatus struct {
	ID       string
	Text     string
	OwnerOrg string
	Due      time.Time
	Status   Status // the status its owner last gave
	State    Status // where it stood when the report was made (Action.State)
	Overdue  bool   // its state was overdue
	Note     string // the action's note for the quarter, if any
	FromEIA  string
	DoneAt   time.Time
	DoneNote string
}

// Shown is where the action stood when the report was made; a report made
// before states were kept says what it said then.
func (a ActionStatus) Shown() Status {
	switch {
	case a.State != "":
		return a.State
	case a.Overdue:
		return Overdue
	}
	return a.Status
}

// MeasureReport is the progress of one measure in a report.
type MeasureReport struct {
	ID       string
	Label    string
	Progress Progress
}

// ObjectiveReport is one objective in a report.
type ObjectiveReport struct {
	ID        string
	Statement string
	Actions   []ActionStatus
	Measures  []MeasureReport
}

// Report is the quarterly progress report of the strategy. Making it again
// for a quarter makes a new version; the earlier ones are kept.
type Report struct {
	Quarter    string // e.g. "2026-27-Q1"
	Version    int    // 1 for the first made for the quarter
	Made       time.Time
	MadeBy     string
	Objectives []ObjectiveReport
}

// Measure returns the report of one measure of one objective.
func (r Report) Measure(objectiveID, measureID string) (MeasureReport, bool) {
	for _, o := range r.Objectives {
		if o.ID != objectiveID {
			continue
		}
		for _, m := range o.Measures {
			if m.ID == measureID {
				return m, true
			}
		}
	}
	return MeasureReport{}, false
}

// Change is how a measure moved between two reports.
type Change struct {
	ObjectiveID string
	MeasureID   string
	Label       string
	Before      Progress // in the earlier report; Status ProgressNoData when it was not there
	After       Progress
}

// Compare sets the measures of a later report beside those of an earlier one.
func Compare(earlier, later Report) []Change {
	var out []Change
	for _, o := range later.Objectives {
		for _, m := range o.Measures {
			before := Progress{Status: ProgressNoData}
			if e, ok := earlier.Measure(o.ID, m.ID); ok {
				before = e.Progress
			}
			out = append(out, Change{ObjectiveID: o.ID, MeasureID: m.ID, Label: m.Label, Before: before, After: m.Progress})
		}
	}
	return out
}

// report assembles the report of objectives for a quarter, each action's
// state as it stands at now.
func report(objectives []Objective, quarter string, v Values, now time.Time) []ObjectiveReport {
	out := make([]ObjectiveReport, 0, len(objectives))
	for _, o := range objectives {
		or := ObjectiveReport{ID: o.ID, Statement: o.Statement}
		for _, a := range o.Actions {
			st := a.State(now)
			as := ActionStatus{ID: a.ID, Text: a.Text, OwnerOrg: a.OwnerOrg, Due: a.Due, Status: a.Status, State: st, FromEIA: a.FromEIA,
				Overdue: st == Overdue, DoneAt: a.DoneAt, DoneNote: a.DoneNote}
			for _, n := range a.Notes {
				if n.Quarter == quarter {
					as.Note = n.Text
				}
			}
			or.Actions = append(or.Actions, as)
		}
		for _, m := range o.Measures {
			or.Measures = append(or.Measures, MeasureReport{ID: m.ID, Label: m.Label, Progress: m.Progress(v, m.Periods(quarter))})
		}
		out = append(out, or)
	}
	return out
}
