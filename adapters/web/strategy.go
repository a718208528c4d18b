package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/strategy"
)

type strategyPage struct {
	Objectives []objectiveView
	Retired    []strategy.Objective
	Report     *strategy.Report
	Reports    []reportLine
	Quarter    string
	QuarterIn  string // the quarter in words
	CanReport  bool
	CanAnnual  bool // may open the annual equality information report
	Names      map[string]string
}

// reportLine is one quarter's report in the list: its latest version and how many there are.
type reportLine struct {
	strategy.Report
	Versions int
	In       string // the quarter in words
}

type objectiveView struct {
	strategy.Objective
	Progress []strategy.Progress // one per measure
	Why      []string            // per measure: why the viewer sees no value, in words
	BaseWhy  []string            // per measure: why the viewer may not see its baseline (and so its target)
	States   []strategy.Status   // per action: where it stands today (strategy.Action.State)
	CanDone  []bool              // per action: the viewer may mark it done
	Rows     []measureRow        // per measure: what the table of measures says
}

// measureRow is one measure as the table of measures says it, in words.
type measureRow struct {
	Label, Baseline, Target, Latest, Status, Tag string
}

// measureFigure writes a measure's value: a share with one decimal and a per cent
// sign, a count as a whole number.
func measureFigure(m strategy.Measure, x float64) string {
	if m.Indicator.Kind == strategy.KindCount {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64) + "%"
}

// rowOf says a measure's baseline, target, latest value and progress in words.
func rowOf(m strategy.Measure, p strategy.Progress, why string, withheld bool, baseWhy string) measureRow {
	r := measureRow{Label: m.Label, Status: statusText(p.Status)}
	dir := "to rise"
	if m.Direction == strategy.Down {
		dir = "to fall"
	}
	if baseWhy != "" {
		r.Baseline = "Not shown to you (" + strategy.PeriodLabel(m.BaselinePeriod) + ")"
		r.Target = "Not shown to you (" + strategy.PeriodLabel(m.TargetPeriod) + ", " + dir + ")"
	} else {
		r.Baseline = measureFigure(m, m.Baseline) + " in " + strategy.PeriodLabel(m.BaselinePeriod)
		r.Target = measureFigure(m, m.Target) + " by " + strategy.PeriodLabel(m.TargetPeriod) + ", " + dir
	}
	switch {
	case p.LatestPeriod != "":
		r.Latest = measureFigure(m, p.Latest) + " in " + strategy.PeriodLabel(p.LatestPeriod) + "; expected " + measureFigure(m, p.Expected)
	case withheld:
		r.Latest, r.Status = "Not shown to you. "+why, "Not shown"
	case why != "":
		r.Latest, r.Status = "No figure yet. "+why, "No figure yet"
	default:
		r.Latest = "No data yet"
	}
	r.Tag = map[strategy.ProgressStatus]string{strategy.ProgressOnTrack: "govuk-tag--green", strategy.ProgressAtRisk: "govuk-tag--yellow", strategy.ProgressOffTrack: "govuk-tag--red"}[p.Status]
	if r.Tag == "" {
		r.Tag = "govuk-tag--grey"
	}
	return r
}

// withheldWhy says why the viewer sees no value of a measure, in words, and
// whether a figure exists that is withheld from them: the gate's reason for
// the latest period that has returns (not shared with the viewer, withheld
// to protect people), or else why there is none (no return from the
// partner for the period, or no period of the measure begun).
func (s *server) withheldWhy(c echo.Context, m strategy.Measure, periods []string) (why string, withheld bool) {
	if why := s.Figures.Withheld(c.Request().Context(), principal(c), m, periods); why != "" {
		return why, true
	}
	if len(periods) == 0 {
		return "The measure's baseline period, " + strategy.PeriodLabel(m.BaselinePeriod) + ", has not begun", false
	}
	last := periods[len(periods)-1]
	if _, why := s.Figures.Indicator(c.Request().Context(), principal(c), m.Indicator, last); why != "" {
		return why, false
	}
	return "There is no return yet for " + strategy.PeriodLabel(last), false
}

// sentence puts a reason in capitals and ends it with a full stop.
func sentence(why string) string {
	why = strings.TrimSpace(why)
	if why == "" {
		return ""
	}
	why = strings.ToUpper(why[:1]) + why[1:]
	if !strings.HasSuffix(why, ".") {
		why += "."
	}
	return why
}

// forViewer is a stored report as the viewer may read it (see figures.Gate.Report).
func (s *server) forViewer(c echo.Context, r strategy.Report) strategy.Report {
	return s.Figures.Report(c.Request().Context(), principal(c), r, s.Strategy.ObjectivesAt(r.Made))
}

// viewObjective works out an objective's measures and actions as the viewer may see them today.
func (s *server) viewObjective(c echo.Context, v strategy.Values, o strategy.Objective, q string) objectiveView {
	ov := objectiveView{Objective: o}
	now := s.Clock.Now()
	for _, m := range o.Measures {
		p := m.Progress(v, m.Periods(q))
		why, withheld := "", false
		if p.LatestPeriod == "" {
			why, withheld = s.withheldWhy(c, m, m.Periods(q))
			why = sentence(why)
		}
		ov.Progress, ov.Why = append(ov.Progress, p), append(ov.Why, why)
		// The baseline is a figure of the same data: shown only to those who may see it.
		baseWhy := s.Figures.Withheld(c.Request().Context(), principal(c), m, []string{m.BaselinePeriod})
		ov.BaseWhy = append(ov.BaseWhy, baseWhy)
		ov.Rows = append(ov.Rows, rowOf(m, p, why, withheld, baseWhy))
	}
	manage := s.allowed(c, permStrategyManage, hub.DomainPartnership)
	p := principal(c)
	for _, a := range o.Actions {
		ov.States = append(ov.States, a.State(now))
		ov.CanDone = append(ov.CanDone, !o.IsRetired() && a.Status != strategy.Done &&
			(manage || (a.OwnerOrg == p.OrgID && s.allowed(c, strategy.PermUpdate, p.OrgID))))
	}
	return ov
}

// strategyPage shows the partnership strategy with each measure's progress computed from the data.
func (s *server) strategyPage(c echo.Context) error {
	v := s.Figures.Values(c.Request().Context(), principal(c))
	q := strategy.QuarterOf(s.Clock.Now())
	pg := strategyPage{Quarter: q, QuarterIn: strategy.PeriodLabel(q), Names: s.orgNames(), CanReport: s.allowed(c, permStrategyManage, hub.DomainPartnership),
		CanAnnual: s.allowed(c, picture.PermRead, principal(c).OrgID), Retired: s.Strategy.RetiredObjectives()}
	for _, r := range s.Strategy.Reports() {
		pg.Reports = append(pg.Reports, reportLine{Report: r, Versions: len(s.Strategy.ReportVersions(r.Quarter)), In: strategy.PeriodLabel(r.Quarter)})
	}
	for _, o := range s.Strategy.Objectives() {
		pg.Objectives = append(pg.Objectives, s.viewObjective(c, v, o, q))
	}
	if r, err := s.Strategy.Report(q); err == nil {
		r = s.forViewer(c, r)
		pg.Report = &r
	}
	return s.ok(c, "strategy", "Partnership equality strategy", pg)
}

// makeReport assembles the quarter's progress report for the board: a new
// version when the quarter has one already.
func (s *server) makeReport(c echo.Context) error {
	r, err := s.Strategy.MakeReport(c.Request().Context(), principal(c), strategy.QuarterOf(s.Clock.Now()), s.Figures.Values(c.Request().Context(), principal(c)))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/strategy/reports/"+r.Quarter)
}

type objectivePage struct {
	objectiveView
	Latest    strategy.Objective // the current version
	Earlier   bool               // an earlier version is shown
	Versions  []strategy.Objective
	Names     map[string]string
	People    map[string]string
	CanManage bool
	Problems  []hub.Problem
	Reason    string // the reason typed to retire it, shown again with a problem
	NoteFor   string // the action whose note had a problem
	Note      string
}

// objectivePage shows one objective: its measures and actions, its
// versions, and for those who may, the forms to change or retire it and to
// mark its actions done.
func (s *server) objectivePage(c echo.Context) error {
	return s.objectiveAgain(c, http.StatusOK, objectivePage{})
}

func (s *server) objectiveAgain(c echo.Context, status int, pg objectivePage) error {
	o, err := s.Strategy.Objective(c.Param("id"))
	if err != nil {
		return err
	}
	shown := o
	if vp := c.Param("version"); vp != "" {
		n, err := strconv.Atoi(vp)
		ok := false
		if err == nil {
			shown, ok = o.VersionOf(n)
		}
		if !ok {
			return hub.Errorf(hub.CodeNotFound, "There is no such version of the objective")
		}
		pg.Earlier = n != o.Version
	}
	pg.Latest = o
	pg.Versions = append(slices.Clone(o.Earlier), o)
	for i := range pg.Versions {
		pg.Versions[i].Earlier = nil
	}
	slices.Reverse(pg.Versions)
	pg.Names = s.orgNames()
	pg.People = map[string]string{}
	for _, x := range pg.Versions {
		for _, id := range []string{x.CreatedBy, x.UpdatedBy, x.RetiredBy} {
			if id == "" {
				continue
			}
			if p, err := s.Directory.Person(id); err == nil {
				pg.People[id] = p.Name
			}
		}
	}
	pg.CanManage = !pg.Earlier && s.allowed(c, permStrategyManage, hub.DomainPartnership)
	v := s.Figures.Values(c.Request().Context(), principal(c))
	pg.objectiveView = s.viewObjective(c, v, shown, strategy.QuarterOf(s.Clock.Now()))
	if pg.Earlier {
		pg.CanDone = make([]bool, len(shown.Actions))
	}
	title := shown.Statement
	if pg.Earlier {
		title += " (version " + strconv.Itoa(shown.Version) + ")"
	}
	if len(pg.Problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "objective", title, pg)
}

// retireObjective retires an objective, saying why; it is kept.
func (s *server) retireObjective(c echo.Context) error {
	why := c.FormValue("why")
	if err := s.Strategy.RetireObjective(c.Request().Context(), principal(c), c.Param("id"), why); err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		return s.objectiveAgain(c, http.StatusUnprocessableEntity, objectivePage{Problems: hub.ErrorProblems(err), Reason: why})
	}
	return c.Redirect(http.StatusSeeOther, "/strategy/objectives/"+c.Param("id"))
}

// markDone marks an action done with a note of what was done.
func (s *server) markDone(c echo.Context) error {
	note, action := c.FormValue("note"), c.Param("action")
	if err := s.Strategy.MarkDone(c.Request().Context(), principal(c), c.Param("id"), action, note); err != nil {
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		var ps []hub.Problem
		for _, p := range hub.ErrorProblems(err) {
			if p.Field == "note" {
				p.Field = "note-" + action
			}
			ps = append(ps, p)
		}
		return s.objectiveAgain(c, http.StatusUnprocessableEntity, objectivePage{Problems: ps, NoteFor: action, Note: note})
	}
	return c.Redirect(http.StatusSeeOther, "/strategy/objectives/"+c.Param("id")+"#"+action)
}

type dutyPage struct {
	Calendar  []duty.Entry
	Records   []duty.Record
	Names     map[string]string
	CanRecord bool
	OrgName   string
	Kinds     []duty.Kind
	Kind      string
	Date      string
	Title     string
	URL       string
	Problems  []hub.Problem
}

// dutyPage shows when each public body last met the specific duties, and
// what is due; whoever may publish for an organisation records its
// publications, made in the hub or elsewhere.
func (s *server) dutyPage(c echo.Context) error {
	return s.dutyAgain(c, http.StatusOK, dutyPage{Kind: string(duty.Information)})
}

func (s *server) dutyAgain(c echo.Context, status int, pg dutyPage) error {
	objectives := map[string]time.Time{}
	for _, o := range s.Strategy.Objectives() {
		for _, org := range o.Owners {
			if o.Start.After(objectives[org]) {
				objectives[org] = o.Start
			}
		}
	}
	pg.Records = s.Strategy.DutyRecords()
	pg.Calendar = duty.Calendar(s.Directory.Organisations(), pg.Records, objectives, s.Clock.Now())
	pg.Names, pg.Kinds = s.orgNames(), duty.Kinds()
	p := principal(c)
	pg.CanRecord = p.SignedIn() && s.allowed(c, duty.PermRecord, p.OrgID)
	pg.OrgName = s.orgName(p.OrgID)
	title := "The duty calendar"
	if len(pg.Problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "duty", title, pg)
}

// recordDutyPublication records a publication of the person's organisation's
// equality information or objectives, made in the hub or elsewhere.
func (s *server) recordDutyPublication(c echo.Context) error {
	pg := dutyPage{Kind: c.FormValue("kind"), Date: c.FormValue("date"), Title: c.FormValue("title"), URL: c.FormValue("url")}
	var ps []hub.Problem
	day := parseDay(pg.Date, "date", "date it was published", &ps)
	_, err := s.Strategy.RecordPublication(c.Request().Context(), principal(c), duty.Record{Kind: duty.Kind(pg.Kind), Date: day, Title: pg.Title, URL: pg.URL})
	if err == nil && len(ps) == 0 {
		return c.Redirect(http.StatusSeeOther, "/strategy/duty")
	}
	if err != nil && !hub.IsCode(err, hub.CodeInvalid) {
		return err
	}
	said := map[string]bool{}
	for _, p := range ps {
		said[p.Field] = true
	}
	for _, p := range hub.ErrorProblems(err) {
		if !said[p.Field] {
			ps = append(ps, p)
		}
	}
	pg.Problems = ps
	return s.dutyAgain(c, http.StatusUnprocessableEntity, pg)
}

type reportPage struct {
	Report   strategy.Report
	Earlier  *strategy.Report
	Changes  []strategy.Change
	Names    map[string]string
	Whole    map[string]bool // measures that are counts, by objective and measure ID, shown without decimals
	Versions []strategy.Report
	Latest   int    // the latest version of the quarter's report
	In       string // the quarter in words
}

// reportDetail shows one quarter's report for the board (its latest
// version, or the one asked for), beside the quarter before it when there
// is one, with every version of the quarter's report listed.
func (s *server) reportDetail(c echo.Context) error {
	r, err := s.Strategy.Report(c.Param("quarter"))
	if err != nil {
		return err
	}
	latest := r.Version
	if vp := c.Param("version"); vp != "" {
		n, err := strconv.Atoi(vp)
		if err != nil {
			return hub.Errorf(hub.CodeNotFound, "There is no such version of the report")
		}
		if r, err = s.Strategy.ReportVersion(c.Param("quarter"), n); err != nil {
			return err
		}
	}
	r = s.forViewer(c, r)
	pg := reportPage{Report: r, Names: s.orgNames(), Whole: map[string]bool{}, Versions: s.Strategy.ReportVersions(r.Quarter), Latest: latest, In: strategy.PeriodLabel(r.Quarter)}
	slices.Reverse(pg.Versions)
	for _, o := range s.Strategy.ObjectivesAt(r.Made) {
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
	title := "Progress report " + strategy.PeriodLabel(r.Quarter)
	if r.Version != latest {
		title += ", version " + strconv.Itoa(r.Version)
	}
	return s.ok(c, "report", title, pg)
}
