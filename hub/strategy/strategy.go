// Package strategy holds the partnership equality strategy: objectives, each
// with how it will be achieved (actions with an owner partner and dates, some
// flowing from equality impact assessments: the golden thread) and how its
// success is measured (measures linked to the hub's indicators, with a
// baseline, a target and a direction). Progress is computed from the data the
// partners return, never typed in, and reported quarterly.
package strategy

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Aim is one of the three aims of the public sector equality duty.
type Aim string

// The aims of the general equality duty.
const (
	EliminateDiscrimination Aim = "eliminate-discrimination"
	AdvanceEquality         Aim = "advance-equality"
	FosterGoodRelations     Aim = "foster-good-relations"
)

// Aims returns every aim, in the order of the Act.
func Aims() []Aim { return []Aim{EliminateDiscrimination, AdvanceEquality, FosterGoodRelations} }

// Label says the aim for people.
func (a Aim) Label() string {
	return map[Aim]string{
		EliminateDiscrimination: "Eliminate discrimination, harassment and victimisation",
		AdvanceEquality:         "Advance equality of opportunity",
		FosterGoodRelations:     "Foster good relations",
	}[a]
}

// Status is where an action stands.
type Status string

// The statuses of an action.
const (
	NotStarted Status = "not-started"
	OnTrack    Status = "on-track"
	Delayed    Status = "delayed"
	Done       Status = "done"
)

// Overdue is the state of an action past its due date and not done. It is
// never set by hand: State works it out from the date and the clock.
const Overdue Status = "overdue"

// Statuses returns every action status a person may set.
func Statuses() []Status { return []Status{NotStarted, OnTrack, Delayed, Done} }

// Direction is the way a measure should move.
type Direction string

// The directions of a measure.
const (
	Up   Direction = "up"
	Down Direction = "down"
)

// The kinds of indicator a measure follows.
const (
	KindShare = "share" // a measure of a whole, in per cent
	KindCount = "count" // a number of people or events
)

// MaxLength is the longest an objective may last.
const MaxLength = 4 // years

// Note is a quarter's word on an action's progress.
type Note struct {
	Quarter string // e.g. "2026-27-Q1"
	Text    string
	By      string // person ID
	At      time.Time
}

// Action is one step by which an objective will be achieved.
type Action struct {
	ID          string
	Text        string
	OwnerOrg    string // the organisation that owns the action
	OwnerPerson string // the person who leads it, by name or role
	Start       time.Time
	Due         time.Time
	Status      Status
	Notes       []Note
	FromEIA     string // the equality impact assessment the action flows from, if any: the golden thread
	// When it was marked done, by whom and with what note.
	DoneAt     time.Time
	DoneBy     string // person ID
	DoneByName string
	DoneNote   string
}

// State is where the action stands on a day: done once marked done;
// overdue when its due date has passed (a due date is a whole day: an
// action due today is not yet overdue) and it is not done; otherwise the
// status its owner last gave. Every page says an action's state through
// this rule, with the hub's clock.
func (a Action) State(now time.Time) Status {
	if a.Status == Done {
		return Done
	}
	if !a.Due.IsZero() {
		y, m, d := now.Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
		dy, dm, dd := a.Due.Date()
		if time.Date(dy, dm, dd, 0, 0, 0, 0, now.Location()).Before(today) {
			return Overdue
		}
	}
	if a.Status == "" {
		return NotStarted
	}
	return a.Status
}

// IndicatorRef names one indicator of the hub's returns.
type IndicatorRef struct {
	Theme    string // e.g. "customer-satisfaction"
	Measure  string // e.g. "satisfied"
	Question string // the monitoring question, e.g. "ethnicity"
	Group    string // a broad group code, e.g. "black"
	OrgID    string // the organisation whose returns are followed; "" for the partnership as a whole
	Kind     string // KindShare or KindCount
}

// Measure is how the success of an objective is measured.
type Measure struct {
	ID             string
	Label          string
	Indicator      IndicatorRef
	Baseline       float64
	BaselinePeriod string // a financial year, e.g. "2025-26", or a quarter, e.g. "2025-26-Q3"
	Target         float64
	TargetPeriod   string
	Direction      Direction
}

// Objective is an equality objective of the partnership.
type Objective struct {
	ID              string
	Statement       string
	Aims            []Aim
	Characteristics []hub.Characteristic
	Owners          []string // organisation IDs
	Start, End      time.Time
	Actions         []Action
	Measures        []Measure
	Created         time.Time
	CreatedBy       string
	Updated         time.Time
	UpdatedBy       string    // who made this version
	Since           time.Time // when this version was made; zero for one kept before versions were
	// Version counts the objective's versions: 1 when set, one more each
	// time it is changed. Earlier holds the versions before this one,
	// oldest first, each as it stood; they are never changed.
	Version int
	Earlier []Objective `json:",omitempty"`
	// A retired objective is kept, with when, by whom and why, but no
	// longer reported on.
	Retired    time.Time
	RetiredBy  string
	RetiredWhy string
}

// IsRetired reports whether the objective has been retired.
func (o Objective) IsRetired() bool { return !o.Retired.IsZero() }

// VersionOf returns one version of the objective: the current one or an earlier one.
func (o Objective) VersionOf(n int) (Objective, bool) {
	if n == o.Version {
		return o, true
	}
	for _, e := range o.Earlier {
		if e.Version == n {
			return e.clone(), true
		}
	}
	return Objective{}, false
}

// Action returns one action of the objective.
func (o Objective) Action(id string) (Action, bool) {
	i := slices.IndexFunc(o.Actions, func(a Action) bool { return a.ID == id })
	if i < 0 {
		return Action{}, false
	}
	return o.Actions[i], true
}

// clone copies the objective so that changing the copy leaves the original alone.
func (o Objective) clone() Objective {
	o.Aims = slices.Clone(o.Aims)
	o.Characteristics = slices.Clone(o.Characteristics)
	o.Owners = slices.Clone(o.Owners)
	o.Measures = slices.Clone(o.Measures)
	o.Actions = slices.Clone(o.Actions)
	for i := range o.Actions {
		o.Actions[i].Notes = slices.Clone(o.Actions[i].Notes)
	}
	o.Earlier = slices.Clone(o.Earlier)
	for i := range o.Earlier {
		o.Earlier[i] = o.Earlier[i].clone()
	}
	return o
}

// problems collects what is wrong, with where.
type problems []hub.Problem

func (ps *problems) add(field, msg string, args ...any) {
	*ps = append(*ps, hub.Problem{Field: field, Message: fmt.Sprintf(msg, args...)})
}

// Validate reports every problem with the objective as a CodeInvalid error.
func (o Objective) Validate() error {
	var ps problems
	if strings.TrimSpace(o.Statement) == "" {
		ps.add("statement", "Say what the objective is")
	}
	ps = append(ps, hub.CheckText("statement", o.Statement, hub.ReasonText)...)
	if len(o.Aims) == 0 {
		ps.add("aims", "Choose at least one aim of the equality duty")
	}
	for i, a := range o.Aims {
		if !slices.Contains(Aims(), a) {
			ps.add(fmt.Sprintf("aims[%d]", i), "%s is not an aim of the equality duty", hub.Excerpt(string(a)))
		}
	}
	for i, c := range o.Characteristics {
		if _, err := hub.ParseCharacteristic(string(c)); err != nil {
			ps.add(fmt.Sprintf("characteristics[%d]", i), "%s is not a protected characteristic", hub.Excerpt(string(c)))
		}
	}
	if len(o.Owners) == 0 {
		ps.add("owners", "Name at least one partner that owns the objective")
	}
	switch {
	case o.Start.IsZero():
		ps.add("start", "Give the date the objective starts")
	case o.End.IsZero():
		ps.add("end", "Give the date the objective ends")
	case !o.End.After(o.Start):
		ps.add("end", "The objective must end after it starts")
	case o.End.After(o.Start.AddDate(MaxLength, 0, 0)):
		ps.add("end", "An objective lasts at most four years: end it by %s", o.Start.AddDate(MaxLength, 0, 0).Format("2 January 2006"))
	}
	ids := map[string]bool{}
	for i, a := range o.Actions {
		a.validate(fmt.Sprintf("actions[%d]", i), &ps)
		if a.ID != "" && ids["a:"+a.ID] {
			ps.add(fmt.Sprintf("actions[%d].id", i), "Two actions share the ID %s", hub.Excerpt(a.ID))
		}
		ids["a:"+a.ID] = true
	}
	for i, m := range o.Measures {
		m.validate(fmt.Sprintf("measures[%d]", i), &ps)
		if m.ID != "" && ids["m:"+m.ID] {
			ps.add(fmt.Sprintf("measures[%d].id", i), "Two measures share the ID %s", hub.Excerpt(m.ID))
		}
		ids["m:"+m.ID] = true
	}
	if len(ps) > 0 {
		return hub.Invalid("The objective is not complete: "+ps[0].Message, ps)
	}
	return nil
}

func (a Action) validate(at string, ps *problems) {
	if strings.TrimSpace(a.Text) == "" {
		ps.add(at+".text", "Say what the action is")
	}
	*ps = append(*ps, hub.CheckTexts(hub.Text{Field: at + ".text", Value: a.Text, Kind: hub.ReasonText},
		hub.Text{Field: at + ".ownerPerson", Value: a.OwnerPerson, Kind: hub.NameText})...)
	if a.OwnerOrg == "" {
		ps.add(at+".ownerOrg", "Name the partner that owns the action")
	}
	if !slices.Contains(Statuses(), a.Status) {
		ps.add(at+".status", "%s is not a status of an action", hub.Excerpt(string(a.Status)))
	}
	if a.Due.IsZero() {
		ps.add(at+".due", "Give the date the action is due")
	} else if !a.Start.IsZero() && a.Due.Before(a.Start) {
		ps.add(at+".due", "The action is due before it starts")
	}
	for j, n := range a.Notes {
		if _, err := ParseQuarter(n.Quarter); err != nil {
			ps.add(fmt.Sprintf("%s.notes[%d].quarter", at, j), "%s", hub.ErrorMessage(err))
		}
		*ps = append(*ps, hub.CheckText(fmt.Sprintf("%s.notes[%d].text", at, j), n.Text, hub.ReasonText)...)
	}
}

func (m Measure) validate(at string, ps *problems) {
	if strings.TrimSpace(m.Label) == "" {
		ps.add(at+".label", "Say what the measure is")
	}
	*ps = append(*ps, hub.CheckText(at+".label", m.Label, hub.NameText)...)
	// A baseline or target that is not a finite number can be neither compared,
	// stored nor shown: it is named rather than let through.
	finite := true
	for _, n := range []struct {
		field string
		v     float64
	}{{"baseline", m.Baseline}, {"target", m.Target}} {
		if math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			ps.add(at+"."+n.field, "Give the %s as a number, such as 12.5", n.field)
			finite = false
		}
	}
	if m.Indicator.Theme == "" || m.Indicator.Measure == "" {
		ps.add(at+".indicator", "Link the measure to an indicator of the hub: a theme and a measure")
	}
	if m.Indicator.Kind != KindShare && m.Indicator.Kind != KindCount {
		ps.add(at+".indicator.kind", "The indicator is either a share (%%) or a count")
	}
	if finite && m.Indicator.Kind == KindShare && (m.Target < 0 || m.Target > 100 || m.Baseline < 0 || m.Baseline > 100) {
		ps.add(at+".target", "A share is between 0 and 100 per cent")
	}
	b, errB := Ordinal(m.BaselinePeriod)
	if errB != nil {
		ps.add(at+".baselinePeriod", "%s", hub.ErrorMessage(errB))
	}
	t, errT := Ordinal(m.TargetPeriod)
	if errT != nil {
		ps.add(at+".targetPeriod", "%s", hub.ErrorMessage(errT))
	}
	if errB == nil && errT == nil && t <= b {
		ps.add(at+".targetPeriod", "The target period must come after the baseline period")
	}
	switch m.Direction {
	case Up:
		if finite && m.Target < m.Baseline {
			ps.add(at+".target", "the target is below the baseline but the measure should go up")
		}
	case Down:
		if finite && m.Target > m.Baseline {
			ps.add(at+".target", "the target is above the baseline but the measure should go down")
		}
	default:
		ps.add(at+".direction", "Say whether the measure should go up or down")
	}
}

// Ordinal places a period on a scale of years: a financial year "2025-26" is
// 2025, a quarter "2025-26-Q3" is 2025.5 (Q1 is 0, Q2 0.25, Q3 0.5, Q4 0.75).
func Ordinal(period string) (float64, error) {
	year, q, err := parsePeriod(period)
	if err != nil {
		return 0, err
	}
	if q > 0 {
		return float64(year) + float64(q-1)/4, nil
	}
	return float64(year), nil
}

// ParseQuarter checks a quarter such as "2026-27-Q1" and returns its ordinal.
func ParseQuarter(quarter string) (float64, error) {
	_, q, err := parsePeriod(quarter)
	if err == nil && q == 0 {
		err = hub.Errorf(hub.CodeInvalid, "Give a quarter such as 2026-27-Q1, not a year")
	}
	if err != nil {
		return 0, err
	}
	return Ordinal(quarter)
}

// parsePeriod splits a period into the year its financial year starts and its
// quarter, 0 for a whole year.
func parsePeriod(period string) (year, quarter int, err error) {
	bad := hub.Errorf(hub.CodeInvalid, "%s is not a period: give a financial year such as 2025-26 or a quarter such as 2025-26-Q3", hub.Excerpt(period))
	parts := strings.Split(period, "-")
	if len(parts) < 2 || len(parts) > 3 || len(parts[0]) != 4 || len(parts[1]) != 2 {
		return 0, 0, bad
	}
	y, err1 := strconv.Atoi(parts[0])
	next, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || y < 1900 || next != (y+1)%100 {
		return 0, 0, bad
	}
	if len(parts) == 3 {
		switch parts[2] {
		case "Q1", "Q2", "Q3", "Q4":
			quarter = int(parts[2][1] - '0')
		default:
			return 0, 0, bad
		}
	}
	return y, quarter, nil
}

// FinancialYear names the financial year that starts in April of year, e.g. "2025-26".
func FinancialYear(year int) string { return fmt.Sprintf("%04d-%02d", year, (year+1)%100) }

// QuarterOf returns the financial quarter a moment falls in, e.g. "2026-27-Q1" for May 2026.
func QuarterOf(t time.Time) string {
	y, m := t.Year(), int(t.Month())
	if m < 4 {
		y--
	}
	q := ((m+8)%12)/3 + 1
	return fmt.Sprintf("%s-Q%d", FinancialYear(y), q)
}

// PeriodLabel says a period in words: "2025-26" is "2025-26 (April 2025 to
// March 2026)", "2025-26-Q3" is "2025-26 quarter 3 (October to December
// 2025)". Anything else is given back as it is.
func PeriodLabel(period string) string {
	y, q, err := parsePeriod(period)
	if err != nil {
		return period
	}
	if q == 0 {
		return fmt.Sprintf("%s (April %d to March %d)", FinancialYear(y), y, y+1)
	}
	from := time.Date(y, time.April+time.Month(3*(q-1)), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 2, 0)
	return fmt.Sprintf("%s quarter %d (%s to %s %d)", FinancialYear(y), q, from.Month(), to.Month(), to.Year())
}

// PeriodsAround returns the financial years from back years before the one
// now falls in to ahead years after it, each followed by its quarters: the
// periods a measure's baseline and target are chosen from.
func PeriodsAround(now time.Time, back, ahead int) []string {
	y := now.Year()
	if now.Month() < time.April {
		y--
	}
	var out []string
	for x := y - back; x <= y+ahead; x++ {
		out = append(out, FinancialYear(x))
		for q := 1; q <= 4; q++ {
			out = append(out, fmt.Sprintf("%s-Q%d", FinancialYear(x), q))
		}
	}
	return out
}
