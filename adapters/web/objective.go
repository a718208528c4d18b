package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/strategy"
)

// objectiveForm is the form for setting or changing an objective: its
// words, aims, owners and dates, one new action, and its measures.
type objectiveForm struct {
	Editing                          bool
	ID, Version                      string // of the objective changed
	Statement, Start, End            string
	Aims, Owners                     []string
	ActionText, ActionOrg, ActionDue string
	Actions                          []strategy.Action // the objective's actions, kept as they are
	Measures                         []measureForm
	AllAims                          []strategy.Aim
	Orgs                             []hub.Organisation
	OrgNames                         map[string]string
	Problems                         []hub.Problem
}

// measureForm is one measure's inputs. The first measure's inputs are
// named as they always were ("measure_label", "theme"…); the others' end
// in "_2", "_3"….
type measureForm struct {
	N                                                              int
	Suffix                                                         string
	ID                                                             string // the measure kept when changed
	Remove                                                         bool
	Label, Theme, Measure, Question, Group, OrgID, Kind, Direction string
	Baseline, BaselinePeriod, Target, TargetPeriod                 string
	Themes, Questions, BaselinePeriods, TargetPeriods              []choice
	MeasureChoices, Groups                                         []choiceGroup
	E                                                              map[string]*fieldProblem // each input's problem, by its name without the suffix
	blank                                                          bool
}

// choice is one option of a select list.
type choice struct {
	Value, Label string
	Selected     bool
}

// choiceGroup is a labelled group of options of a select list.
type choiceGroup struct {
	Label   string
	Choices []choice
}

func suffix(n int) string {
	if n <= 1 {
		return ""
	}
	return "_" + strconv.Itoa(n)
}

// measureInputs are the inputs of a measure: the name sent and the id of
// the element, without the suffix.
var measureInputs = map[string]string{
	"label": "measure_label", "theme": "mtheme", "measure": "mmeasure", "question": "mquestion", "group": "mgroup", "org": "morg", "kind": "kind",
	"baseline": "baseline", "baselinePeriod": "baseline_period", "target": "target", "targetPeriod": "target_period", "direction": "direction",
}

// withChoices fills in the form's select lists of themes, measures,
// questions, groups and periods for each measure, with the form's own
// values selected, and each input's problem. A value that is none of the
// choices is kept as a choice of its own, so that it is shown as sent.
func (s *server) withChoices(f objectiveForm) objectiveForm {
	f.AllAims, f.Orgs, f.OrgNames = strategy.Aims(), s.Directory.Organisations(), s.orgNames()
	periods := strategy.PeriodsAround(s.Clock.Now(), 6, 6)
	for i := range f.Measures {
		m := &f.Measures[i]
		m.N, m.Suffix = i+1, suffix(i+1)
		m.fillChoices(s, periods)
		m.E = map[string]*fieldProblem{}
		for _, id := range measureInputs {
			for _, p := range f.Problems {
				if p.Field == id+m.Suffix {
					if e := m.E[id]; e != nil {
						e.Message += ". " + p.Message
					} else {
						m.E[id] = &fieldProblem{ID: id + m.Suffix + "-error", Message: p.Message}
					}
				}
			}
		}
	}
	return f
}

func (m *measureForm) fillChoices(s *server, periods []string) {
	m.Themes, m.MeasureChoices, m.Questions, m.Groups = nil, nil, nil, nil
	themeFound, measureFound := false, false
	measureLabel, groupLabel := m.Measure, m.Group // said in words when another theme or question has them
	for _, t := range s.Monitoring.Themes() {
		for _, x := range t.Measures {
			if x.ID == m.Measure {
				measureLabel = x.Label + " (a measure of " + t.Name + ")"
			}
		}
		m.Themes = append(m.Themes, choice{t.ID, t.Name, t.ID == m.Theme})
		themeFound = themeFound || t.ID == m.Theme
		g := choiceGroup{Label: t.Name}
		for _, x := range t.Measures {
			sel := t.ID == m.Theme && x.ID == m.Measure
			measureFound = measureFound || sel
			g.Choices = append(g.Choices, choice{x.ID, x.Label, sel})
		}
		m.MeasureChoices = append(m.MeasureChoices, g)
	}
	if !themeFound && m.Theme != "" {
		m.Themes = append(m.Themes, choice{m.Theme, m.Theme, true})
	}
	if !measureFound && m.Measure != "" {
		m.MeasureChoices = append(m.MeasureChoices, choiceGroup{Label: "Not a measure of the theme", Choices: []choice{{m.Measure, measureLabel, true}}})
	}
	groupFound := m.Group == ""
	m.Groups = []choiceGroup{{Choices: []choice{{"", "Everyone: the total of all groups", m.Group == ""}}}}
	questionFound := false
	if st, err := s.Monitoring.CurrentStandard(); err == nil {
		for _, q := range st.Questions {
			m.Questions = append(m.Questions, choice{q.Key, q.Label, q.Key == m.Question})
			questionFound = questionFound || q.Key == m.Question
			g := choiceGroup{Label: q.Label}
			for _, grp := range q.Groups {
				if grp.Code == m.Group {
					groupLabel = grp.Label + " (a group of " + strings.ToLower(q.Label) + ")"
				}
				sel := q.Key == m.Question && grp.Code == m.Group
				groupFound = groupFound || sel
				g.Choices = append(g.Choices, choice{grp.Code, grp.Label, sel})
			}
			if len(g.Choices) > 0 {
				m.Groups = append(m.Groups, g)
			}
		}
	}
	if !questionFound && m.Question != "" {
		m.Questions = append(m.Questions, choice{m.Question, m.Question, true})
	}
	if !groupFound {
		m.Groups = append(m.Groups, choiceGroup{Label: "Not a group of the question", Choices: []choice{{m.Group, groupLabel, true}}})
	}
	periodChoices := func(sel string) []choice {
		out := []choice{{"", "Choose a period", sel == ""}}
		found := sel == ""
		for _, p := range periods {
			out = append(out, choice{p, strategy.PeriodLabel(p), p == sel})
			found = found || p == sel
		}
		if !found {
			out = append(out, choice{sel, sel, true})
		}
		return out
	}
	m.BaselinePeriods, m.TargetPeriods = periodChoices(m.BaselinePeriod), periodChoices(m.TargetPeriod)
}

// onObjectiveForm places the hub's problems with an objective on the form:
// each names the input it is about, and a problem of an action or a measure
// says which one ("Action 1: the text is longer…"). blockOf gives the form's
// measure (1, 2…) of each of the objective's measures, and newAction the
// index of the action the form adds.
func onObjectiveForm(ps []hub.Problem, f objectiveForm, blockOf []int, newAction int) []hub.Problem {
	out := make([]hub.Problem, 0, len(ps))
	for _, p := range ps {
		field, msg := p.Field, p.Message
		if strings.HasPrefix(field, "aims[") {
			field = "aims"
		}
		if rest, ok := strings.CutPrefix(field, "actions["); ok {
			n, sub, _ := strings.Cut(rest, "]")
			i, _ := strconv.Atoi(n)
			msg = "Action " + strconv.Itoa(i+1) + ": " + lowerFirst(msg)
			field = "action_text"
			if i == newAction {
				switch strings.TrimPrefix(sub, ".") {
				case "ownerOrg":
					field = "action_org"
				case "due":
					field = "action_due"
				}
			} else {
				field = "" // an action kept as it was: said in the summary
			}
		}
		if rest, ok := strings.CutPrefix(field, "measures["); ok {
			n, sub, _ := strings.Cut(rest, "]")
			i, _ := strconv.Atoi(n)
			block := i + 1
			if i < len(blockOf) {
				block = blockOf[i]
			}
			label := ""
			if block-1 < len(f.Measures) {
				label = f.Measures[block-1].Label
			}
			msg = "Measure " + strconv.Itoa(block) + ": " + lowerFirst(strings.TrimPrefix(msg, label+": "))
			sub = strings.TrimPrefix(strings.TrimPrefix(sub, "."), "indicator.")
			switch sub {
			case "", "indicator":
				sub = "theme"
				if p.Field == "measures["+n+"]" {
					sub = "label"
				}
			}
			id, ok := measureInputs[sub]
			if !ok {
				id = measureInputs["label"]
			}
			field = id + suffix(block)
		}
		out = append(out, hub.Problem{Field: field, Row: p.Row, Column: p.Column, Message: msg})
	}
	return out
}

// lowerFirst puts a message's first letter in lower case to follow a colon,
// unless it begins a word in capitals, such as "UTF-8".
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// dayWords writes a day as the form shows it, such as "1 April 2026".
func dayWords(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// parseDay reads a day written as "1 April 2026", "1 Apr 2026" or "2026-04-01".
func parseDay(v, field, label string, ps *[]hub.Problem) time.Time {
	v = strings.Join(strings.Fields(v), " ")
	for _, layout := range []string{"2 January 2006", "2 Jan 2006", time.DateOnly, "2/1/2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	*ps = append(*ps, hub.Problem{Field: field, Message: "Give the " + label + " as a day, month and year, such as 1 April 2026"})
	return time.Time{}
}

// newObjective shows the form for setting an objective.
func (s *server) newObjective(c echo.Context) error {
	now := s.Clock.Now()
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return s.ok(c, "objective-form", "Set an objective", s.withChoices(objectiveForm{
		Start: dayWords(start), End: dayWords(start.AddDate(3, 0, 0)),
		Measures: []measureForm{{Kind: strategy.KindShare, Direction: string(strategy.Up), Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity"}}}))
}

// editObjective shows the form for changing an objective, with its measures
// and room for one more measure and one more action.
func (s *server) editObjective(c echo.Context) error {
	o, err := s.Strategy.Objective(c.Param("id"))
	if err != nil {
		return err
	}
	if o.IsRetired() {
		return hub.Errorf(hub.CodeConflict, "The objective was retired on %s: it is kept as it was, and cannot be changed", dayWords(o.Retired))
	}
	f := objectiveForm{Editing: true, ID: o.ID, Version: strconv.Itoa(o.Version), Statement: o.Statement, Start: dayWords(o.Start), End: dayWords(o.End),
		Owners: o.Owners, Actions: o.Actions}
	for _, a := range o.Aims {
		f.Aims = append(f.Aims, string(a))
	}
	for _, m := range o.Measures {
		f.Measures = append(f.Measures, measureForm{ID: m.ID, Label: m.Label, Theme: m.Indicator.Theme, Measure: m.Indicator.Measure, Question: m.Indicator.Question,
			Group: m.Indicator.Group, OrgID: m.Indicator.OrgID, Kind: m.Indicator.Kind, Direction: string(m.Direction),
			Baseline: strconv.FormatFloat(m.Baseline, 'f', -1, 64), BaselinePeriod: m.BaselinePeriod,
			Target: strconv.FormatFloat(m.Target, 'f', -1, 64), TargetPeriod: m.TargetPeriod})
	}
	f.Measures = append(f.Measures, measureForm{Kind: strategy.KindShare, Direction: string(strategy.Up), blank: true})
	return s.ok(c, "objective-form", "Change the objective", s.withChoices(f))
}

// readObjectiveForm reads the form sent, and the objective it describes.
// blockOf gives the form's measure of each of the objective's measures.
func (s *server) readObjectiveForm(c echo.Context, o strategy.Objective) (f objectiveForm, _ strategy.Objective, blockOf []int, ps []hub.Problem) {
	form, _ := c.FormParams()
	v := func(k string) string { return c.FormValue(k) }
	f = objectiveForm{ID: o.ID, Version: v("version"), Statement: v("statement"), Start: v("start"), End: v("end"), Aims: form["aims"], Owners: form["owners"],
		ActionText: v("action_text"), ActionOrg: v("action_org"), ActionDue: v("action_due"), Actions: o.Actions}
	o.Statement, o.Owners, o.Aims = f.Statement, f.Owners, nil
	o.Start, o.End = parseDay(f.Start, "start", "start date", &ps), parseDay(f.End, "end", "end date", &ps)
	for _, a := range f.Aims {
		o.Aims = append(o.Aims, strategy.Aim(a))
	}
	if strings.TrimSpace(f.ActionText) != "" {
		o.Actions = append(slices.Clone(o.Actions), strategy.Action{Text: f.ActionText, OwnerOrg: f.ActionOrg, Start: o.Start,
			Due: parseDay(f.ActionDue, "action_due", "action's due date", &ps), Status: strategy.NotStarted})
	}
	count, err := strconv.Atoi(v("measure_count"))
	if err != nil || count < 1 {
		count = 1
	}
	count = min(count, 50)
	kept := map[string]strategy.Measure{}
	for _, m := range o.Measures {
		kept[m.ID] = m
	}
	o.Measures = nil
	for n := 1; n <= count; n++ {
		sfx := suffix(n)
		in := func(k string) string { return c.FormValue(k + sfx) }
		m := measureForm{ID: in("measure_id"), Remove: in("measure_remove") != "", Label: in("measure_label"), Theme: in("theme"), Measure: in("measure"),
			Question: in("question"), Group: in("group"), OrgID: in("org"), Kind: in("kind"), Direction: in("direction"),
			Baseline: in("baseline"), BaselinePeriod: in("baseline_period"), Target: in("target"), TargetPeriod: in("target_period")}
		if _, ok := kept[m.ID]; !ok {
			m.ID = "" // only the objective's own measures are kept by their ID
		}
		f.Measures = append(f.Measures, m)
		if m.Remove || (m.ID == "" && strings.TrimSpace(m.Label) == "") {
			continue
		}
		num := func(x, field, what string) float64 {
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				ps = append(ps, hub.Problem{Field: field + sfx, Message: "Measure " + strconv.Itoa(len(f.Measures)) + ": give the " + what + " as a number, such as 12.5"})
			}
			return n
		}
		o.Measures = append(o.Measures, strategy.Measure{ID: m.ID, Label: m.Label,
			Indicator: strategy.IndicatorRef{Theme: m.Theme, Measure: m.Measure, Question: m.Question, Group: m.Group, OrgID: m.OrgID, Kind: m.Kind},
			Baseline:  num(m.Baseline, "baseline", "baseline"), BaselinePeriod: m.BaselinePeriod,
			Target: num(m.Target, "target", "target"), TargetPeriod: m.TargetPeriod, Direction: strategy.Direction(m.Direction)})
		blockOf = append(blockOf, n)
	}
	return f, o, blockOf, ps
}

// createObjective sets an objective, or shows the form again with what is wrong.
func (s *server) createObjective(c echo.Context) error {
	f, o, blockOf, ps := s.readObjectiveForm(c, strategy.Objective{})
	return s.saveObjective(c, f, o, blockOf, ps, 0, func() (strategy.Objective, error) {
		return s.Strategy.CreateObjective(c.Request().Context(), principal(c), o)
	})
}

// updateObjective changes an objective (a new version), or shows the form again with what is wrong.
func (s *server) updateObjective(c echo.Context) error {
	old, err := s.Strategy.Objective(c.Param("id"))
	if err != nil {
		return err
	}
	f, o, blockOf, ps := s.readObjectiveForm(c, old)
	f.Editing = true
	o.Version, _ = strconv.Atoi(f.Version)
	if o.Version == 0 {
		o.Version = -1 // a version not sent is not the current one
	}
	return s.saveObjective(c, f, o, blockOf, ps, len(old.Actions), func() (strategy.Objective, error) {
		return s.Strategy.UpdateObjective(c.Request().Context(), principal(c), o)
	})
}

// saveObjective saves an objective read from the form, or shows the form
// again with everything typed and every problem at once, each beside its input.
func (s *server) saveObjective(c echo.Context, f objectiveForm, o strategy.Objective, blockOf []int, ps []hub.Problem, newAction int, save func() (strategy.Objective, error)) error {
	if len(ps) > 0 {
		// Everything else wrong is said at the same time, once for each field.
		said := map[string]bool{}
		for _, p := range ps {
			said[p.Field] = true
		}
		for _, p := range onObjectiveForm(hub.ErrorProblems(s.Strategy.ValidateObjective(o)), f, blockOf, newAction) {
			if !said[p.Field] {
				ps = append(ps, p)
			}
		}
	} else {
		saved, err := save()
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/strategy/objectives/"+saved.ID)
		}
		switch hub.ErrorCode(err) {
		case hub.CodeInvalid, hub.CodeForbidden, hub.CodeConflict:
			ps = onObjectiveForm(hub.ErrorProblems(err), f, blockOf, newAction)
			// The message of an invalid objective repeats its first problem:
			// it is said only when there is no problem to say instead.
			if len(ps) == 0 || !hub.IsCode(err, hub.CodeInvalid) {
				ps = append([]hub.Problem{{Message: hub.ErrorMessage(err)}}, ps...)
			}
		default:
			return err
		}
	}
	f.Problems = ps
	title := "Error: Set an objective"
	if f.Editing {
		title = "Error: Change the objective"
	}
	return s.render(c, http.StatusUnprocessableEntity, "objective-form", title, s.withChoices(f))
}
