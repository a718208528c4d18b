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
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/strategy"
)

type strategyPage struct {
	Objectives []objectiveView
	Report     *strategy.Report
	Reports    []strategy.Report
	Quarter    string
	CanReport  bool
	CanAnnual  bool // may open the annual equality information report
	Names      map[string]string
}

type objectiveView struct {
	strategy.Objective
	Progress []strategy.Progress // one per measure
	Why      []string            // per measure: why the viewer sees no value, in words
	BaseWhy  []string            // per measure: why the viewer may not see its baseline (and so its target)
}

// withheldWhy says why the viewer sees no value of a measure (see figures.Gate.Withheld).
func (s *server) withheldWhy(c echo.Context, m strategy.Measure, periods []string) string {
	return s.Figures.Withheld(c.Request().Context(), principal(c), m, periods)
}

// forViewer is a stored report as the viewer may read it (see figures.Gate.Report).
func (s *server) forViewer(c echo.Context, r strategy.Report) strategy.Report {
	return s.Figures.Report(c.Request().Context(), principal(c), r, s.Strategy.Objectives())
}

// strategyPage shows the partnership strategy with each measure's progress computed from the data.
func (s *server) strategyPage(c echo.Context) error {
	v := s.Figures.Values(c.Request().Context(), principal(c))
	q := strategy.QuarterOf(s.Clock.Now())
	pg := strategyPage{Quarter: q, Reports: s.Strategy.Reports(), Names: s.orgNames(), CanReport: s.allowed(c, hub.Permission{Object: "strategy", Action: "manage"}, hub.DomainPartnership),
		CanAnnual: s.allowed(c, picture.PermRead, principal(c).OrgID)}
	for _, o := range s.Strategy.Objectives() {
		ov := objectiveView{Objective: o}
		for _, m := range o.Measures {
			p := m.Progress(v, m.Periods(q))
			why := ""
			if p.LatestPeriod == "" {
				why = s.withheldWhy(c, m, m.Periods(q))
			}
			ov.Progress, ov.Why = append(ov.Progress, p), append(ov.Why, why)
			// The baseline is a figure of the same data: shown only to those who may see it.
			ov.BaseWhy = append(ov.BaseWhy, s.withheldWhy(c, m, []string{m.BaselinePeriod}))
		}
		pg.Objectives = append(pg.Objectives, ov)
	}
	if r, err := s.Strategy.Report(q); err == nil {
		r = s.forViewer(c, r)
		pg.Report = &r
	}
	return s.ok(c, "strategy", "Partnership equality strategy", pg)
}

// makeReport assembles the quarter's progress report for the board.
func (s *server) makeReport(c echo.Context) error {
	if _, err := s.Strategy.MakeReport(c.Request().Context(), principal(c), strategy.QuarterOf(s.Clock.Now()), s.Figures.Values(c.Request().Context(), principal(c))); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/strategy")
}

type frameworkPage struct {
	Framework    framework.Framework
	Grid         framework.Grid
	Names        map[string]string
	CanAssess    bool
	CanChallenge bool
	Levels       []framework.Level
	Problems     []hub.Problem
	Suggestions  []themeSuggestion // what the hub holds that evidences each theme, for the person's organisation
}

type themeSuggestion struct {
	Theme string
	Have  []string
}

// evidenceHeld counts what the hub holds for an organisation, by kind of framework evidence.
func (s *server) evidenceHeld(org string) map[string]int {
	have := map[string]int{}
	for _, p := range s.Publications.List() {
		if p.Table.Publisher == org {
			have[framework.EvidencePublications]++
		}
	}
	if list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished}); err == nil {
		for _, e := range list {
			if slices.Contains(e.Orgs(), org) {
				have[framework.EvidenceEIA]++
			}
		}
	}
	for _, pr := range s.Sharing.Protocols() {
		if slices.Contains(pr.Parties(), org) && pr.SignedBy(org) {
			have[framework.EvidenceProtocols]++
		}
	}
	for _, o := range s.Strategy.Objectives() {
		if slices.Contains(o.Owners, org) {
			have[framework.EvidenceObjectives]++
		}
	}
	have[framework.EvidenceReturns] = s.Monitoring.CountLatest(org)
	return have
}

// frameworkPage shows the partnership's grid: every partner's level on every theme.
func (s *server) frameworkPage(c echo.Context) error { return s.frameworkAgain(c, http.StatusOK, nil) }

func (s *server) frameworkAgain(c echo.Context, status int, ps []hub.Problem) error {
	f, err := s.Framework.Framework("eflg")
	if err != nil {
		return err
	}
	var orgs []string
	for _, o := range s.Directory.Organisations() {
		if o.Kind.PublicBody() {
			orgs = append(orgs, o.ID)
		}
	}
	pg := frameworkPage{Framework: f, Grid: s.Framework.Grid(f.ID, orgs), Names: s.orgNames(), Levels: f.Levels, Problems: ps,
		CanAssess: s.allowed(c, framework.PermAssess, principal(c).OrgID), CanChallenge: s.allowed(c, framework.PermChallenge, hub.DomainPartnership)}
	if pg.CanAssess {
		have := s.evidenceHeld(principal(c).OrgID)
		for _, t := range f.Themes() {
			if sg := s.Framework.Suggest(t.ID, have); len(sg) > 0 {
				pg.Suggestions = append(pg.Suggestions, themeSuggestion{Theme: t.Name, Have: sg})
			}
		}
	}
	return s.render(c, status, "framework", f.Name, pg)
}

// challengeLevel puts another partner's or the advisory group's challenge on an organisation's level.
func (s *server) challengeLevel(c echo.Context) error {
	if err := s.Framework.Challenge(c.Request().Context(), principal(c), c.FormValue("org"), "eflg", c.FormValue("theme"), c.FormValue("text")); err != nil {
		switch hub.ErrorCode(err) {
		case hub.CodeInvalid, hub.CodeForbidden, hub.CodeNotFound:
			return s.frameworkAgain(c, statusOf[hub.ErrorCode(err)], []hub.Problem{{Field: "text", Message: hub.ErrorMessage(err)}})
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/framework")
}

// recordLevel records the person's organisation's level on a theme.
func (s *server) recordLevel(c echo.Context) error {
	p := principal(c)
	var evidence []framework.EvidenceLink
	if t := c.FormValue("evidence"); t != "" {
		evidence = []framework.EvidenceLink{{Kind: "other", Title: t}}
	}
	if _, err := s.Framework.Record(c.Request().Context(), p, p.OrgID, "eflg", c.FormValue("theme"), c.FormValue("level"), evidence, c.FormValue("note")); err != nil {
		if hub.IsCode(err, hub.CodeInvalid) {
			ps := hub.ErrorProblems(err)
			if len(ps) == 0 {
				ps = []hub.Problem{{Message: hub.ErrorMessage(err)}}
			}
			return s.frameworkAgain(c, http.StatusUnprocessableEntity, ps)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/framework")
}

// dutyPage shows when each public body last met the specific duties, and what is due.
func (s *server) dutyPage(c echo.Context) error {
	published, objectives := map[string]time.Time{}, map[string]time.Time{}
	later := func(m map[string]time.Time, org string, t time.Time) {
		if t.After(m[org]) {
			m[org] = t
		}
	}
	for _, p := range s.Publications.List() {
		later(published, p.Table.Publisher, p.Table.Published)
	}
	if list, err := s.EIA.List(hub.Anonymous, eia.Filter{Stage: eia.StagePublished}); err == nil {
		for _, e := range list {
			later(published, e.LeadOrg, e.Updated)
		}
	}
	for _, o := range s.Strategy.Objectives() {
		for _, org := range o.Owners {
			later(objectives, org, o.Start)
		}
	}
	return s.ok(c, "duty", "The duty calendar", duty.Calendar(s.Directory.Organisations(), published, objectives, s.Clock.Now()))
}

type reportPage struct {
	Report  strategy.Report
	Earlier *strategy.Report
	Changes []strategy.Change
	Names   map[string]string
	Whole   map[string]bool // measures that are counts, by objective and measure ID, shown without decimals
}

// reportDetail shows one quarter's report for the board, beside the quarter before it when there is one.
func (s *server) reportDetail(c echo.Context) error {
	r, err := s.Strategy.Report(c.Param("quarter"))
	if err != nil {
		return err
	}
	r = s.forViewer(c, r)
	pg := reportPage{Report: r, Names: s.orgNames(), Whole: map[string]bool{}}
	for _, o := range s.Strategy.Objectives() {
		for _, m := range o.Measures {
			pg.Whole[o.ID+"/"+m.ID] = m.Indicator.Kind == strategy.KindCount
		}
	}
	var earlier *strategy.Report
	for _, x := range s.Strategy.Reports() {
		if x.Quarter < r.Quarter {
			x := s.forViewer(c, x)
			earlier = &x
		}
	}
	if earlier == nil {
		earlier = &strategy.Report{}
	} else {
		pg.Earlier = earlier
	}
	pg.Changes = strategy.Compare(*earlier, r)
	return s.ok(c, "report", "Progress report "+r.Quarter, pg)
}

// objectiveForm is the form for setting an objective with its first action and measure.
type objectiveForm struct {
	Statement, Start, End                                                 string
	Aims, Owners                                                          []string
	ActionText, ActionOrg, ActionDue                                      string
	MeasureLabel, Theme, Measure, Question, Group, OrgID, Kind, Direction string
	Baseline, BaselinePeriod, Target, TargetPeriod                        string
	AllAims                                                               []strategy.Aim
	Orgs                                                                  []hub.Organisation
	Problems                                                              []hub.Problem
	// The hub's themes, their measures, the standard's questions and their
	// groups, to choose from: the codes a measure's indicator is made of.
	Themes    []choice
	Measures  []choiceGroup
	Questions []choice
	Groups    []choiceGroup
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

// withChoices fills in the form's select lists of themes, measures,
// questions and groups, with the form's own values selected. A value that is
// none of them is kept as a choice of its own, so that it is shown as sent.
func (s *server) withChoices(f objectiveForm) objectiveForm {
	f.AllAims, f.Orgs = strategy.Aims(), s.Directory.Organisations()
	f.Themes, f.Measures, f.Questions, f.Groups = nil, nil, nil, nil
	themeFound, measureFound := false, false
	measureLabel, groupLabel := f.Measure, f.Group // said in words when another theme or question has them
	for _, t := range s.Monitoring.Themes() {
		for _, m := range t.Measures {
			if m.ID == f.Measure {
				measureLabel = m.Label + " (a measure of " + t.Name + ")"
			}
		}
		f.Themes = append(f.Themes, choice{t.ID, t.Name, t.ID == f.Theme})
		themeFound = themeFound || t.ID == f.Theme
		g := choiceGroup{Label: t.Name}
		for _, m := range t.Measures {
			sel := t.ID == f.Theme && m.ID == f.Measure
			measureFound = measureFound || sel
			g.Choices = append(g.Choices, choice{m.ID, m.Label, sel})
		}
		f.Measures = append(f.Measures, g)
	}
	if !themeFound && f.Theme != "" {
		f.Themes = append(f.Themes, choice{f.Theme, f.Theme, true})
	}
	if !measureFound && f.Measure != "" {
		f.Measures = append(f.Measures, choiceGroup{Label: "Not a measure of the theme", Choices: []choice{{f.Measure, measureLabel, true}}})
	}
	groupFound := f.Group == ""
	f.Groups = []choiceGroup{{Choices: []choice{{"", "Everyone: the total of all groups", f.Group == ""}}}}
	questionFound := false
	if st, err := s.Monitoring.CurrentStandard(); err == nil {
		for _, q := range st.Questions {
			f.Questions = append(f.Questions, choice{q.Key, q.Label, q.Key == f.Question})
			questionFound = questionFound || q.Key == f.Question
			g := choiceGroup{Label: q.Label}
			for _, grp := range q.Groups {
				if grp.Code == f.Group {
					groupLabel = grp.Label + " (a group of " + strings.ToLower(q.Label) + ")"
				}
				sel := q.Key == f.Question && grp.Code == f.Group
				groupFound = groupFound || sel
				g.Choices = append(g.Choices, choice{grp.Code, grp.Label, sel})
			}
			if len(g.Choices) > 0 {
				f.Groups = append(f.Groups, g)
			}
		}
	}
	if !questionFound && f.Question != "" {
		f.Questions = append(f.Questions, choice{f.Question, f.Question, true})
	}
	if !groupFound {
		f.Groups = append(f.Groups, choiceGroup{Label: "Not a group of the question", Choices: []choice{{f.Group, groupLabel, true}}})
	}
	return f
}

// objectiveFields are the form's inputs for the fields of an objective's
// first action and first measure, as the hub names them.
var objectiveFields = map[string]string{
	"actions[0].text": "action_text", "actions[0].ownerOrg": "action_org", "actions[0].due": "action_due",
	"measures[0]": "measure_label", "measures[0].label": "measure_label", "measures[0].baseline": "baseline", "measures[0].target": "target",
	"measures[0].baselinePeriod": "baseline_period", "measures[0].targetPeriod": "target_period", "measures[0].direction": "direction",
	"measures[0].indicator": "mtheme", "measures[0].indicator.kind": "kind",
	"measures[0].indicator.theme": "mtheme", "measures[0].indicator.measure": "mmeasure",
	"measures[0].indicator.question": "mquestion", "measures[0].indicator.group": "mgroup",
}

// onObjectiveForm places the hub's problems with an objective on the form:
// each names the input it is about, and a problem of an action or a measure
// says which one ("Action 1: the text is longer…").
func onObjectiveForm(ps []hub.Problem, measureLabel string) []hub.Problem {
	out := make([]hub.Problem, 0, len(ps))
	for _, p := range ps {
		field, msg := p.Field, p.Message
		if strings.HasPrefix(field, "aims[") {
			field = "aims"
		}
		for _, kind := range []string{"actions", "measures"} {
			rest, ok := strings.CutPrefix(field, kind+"[")
			if !ok {
				continue
			}
			n, _, _ := strings.Cut(rest, "]")
			i, _ := strconv.Atoi(n)
			what := "Action"
			if kind == "measures" {
				what = "Measure"
				msg = strings.TrimPrefix(msg, measureLabel+": ")
			}
			msg = what + " " + strconv.Itoa(i+1) + ": " + lowerFirst(msg)
			if id, ok := objectiveFields[field]; ok {
				field = id
			} else if kind == "actions" {
				field = "action_text"
			} else {
				field = "measure_label"
			}
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

// newObjective shows the form for setting an objective.
func (s *server) newObjective(c echo.Context) error {
	now := s.Clock.Now()
	return s.ok(c, "objective-form", "Set an objective", s.withChoices(objectiveForm{
		Start: now.Format(time.DateOnly), End: now.AddDate(3, 0, 0).Format(time.DateOnly), Kind: strategy.KindShare, Direction: string(strategy.Up),
		Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity"}))
}

// createObjective sets an objective, or shows the form again with what is wrong.
func (s *server) createObjective(c echo.Context) error {
	form, _ := c.FormParams()
	v := func(k string) string { return c.FormValue(k) }
	f := objectiveForm{Statement: v("statement"), Start: v("start"), End: v("end"), Aims: form["aims"], Owners: form["owners"],
		ActionText: v("action_text"), ActionOrg: v("action_org"), ActionDue: v("action_due"), MeasureLabel: v("measure_label"), Theme: v("theme"),
		Measure: v("measure"), Question: v("question"), Group: v("group"), OrgID: v("org"), Kind: v("kind"), Direction: v("direction"),
		Baseline: v("baseline"), BaselinePeriod: v("baseline_period"), Target: v("target"), TargetPeriod: v("target_period")}
	var ps []hub.Problem
	o := strategy.Objective{Statement: f.Statement, Owners: f.Owners,
		Start: parseDate(f.Start, "start", "start date", &ps), End: parseDate(f.End, "end", "end date", &ps)}
	for _, a := range f.Aims {
		o.Aims = append(o.Aims, strategy.Aim(a))
	}
	if f.ActionText != "" {
		o.Actions = []strategy.Action{{Text: f.ActionText, OwnerOrg: f.ActionOrg, Start: o.Start, Due: parseDate(f.ActionDue, "action_due", "action's due date", &ps), Status: strategy.NotStarted}}
	}
	if f.MeasureLabel != "" {
		num := func(x, field string) float64 {
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				ps = append(ps, hub.Problem{Field: field, Message: "Give the " + field + " as a number, such as 12.5"})
			}
			return n
		}
		o.Measures = []strategy.Measure{{Label: f.MeasureLabel, Indicator: strategy.IndicatorRef{Theme: f.Theme, Measure: f.Measure, Question: f.Question, Group: f.Group, OrgID: f.OrgID, Kind: f.Kind},
			Baseline: num(f.Baseline, "baseline"), BaselinePeriod: f.BaselinePeriod, Target: num(f.Target, "target"), TargetPeriod: f.TargetPeriod, Direction: strategy.Direction(f.Direction)}}
	}
	if len(ps) > 0 {
		// Everything else wrong is said at the same time, once for each field.
		said := map[string]bool{}
		for _, p := range ps {
			said[p.Field] = true
		}
		for _, p := range onObjectiveForm(hub.ErrorProblems(s.Strategy.ValidateObjective(o)), f.MeasureLabel) {
			if !said[p.Field] {
				ps = append(ps, p)
			}
		}
	} else {
		_, err := s.Strategy.CreateObjective(c.Request().Context(), principal(c), o)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/strategy")
		}
		switch hub.ErrorCode(err) {
		case hub.CodeInvalid, hub.CodeForbidden, hub.CodeConflict:
			ps = onObjectiveForm(hub.ErrorProblems(err), f.MeasureLabel)
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
	return s.render(c, http.StatusUnprocessableEntity, "objective-form", "Error: Set an objective", s.withChoices(f))
}
