package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
)

type eiasPage struct {
	EIAs     []eia.EIA
	Counts   eia.Counts
	CanStart bool
	Names    map[string]string
}

func (s *server) orgNames() map[string]string {
	names := map[string]string{}
	for _, o := range s.Directory.Organisations() {
		names[o.ID] = o.Name
	}
	return names
}

// eias lists the impact assessments the person may see, with the counts a board cares about.
func (s *server) eias(c echo.Context) error {
	list, err := s.EIA.List(principal(c), eia.Filter{})
	if err != nil {
		return err
	}
	return s.ok(c, "eias", "Equality impact assessments", eiasPage{EIAs: list, Counts: s.EIA.Dashboard(s.Clock.Now()),
		CanStart: s.allowed(c, eia.PermWrite, principal(c).OrgID), Names: s.orgNames()})
}

type eiaForm struct {
	Title, Summary, Decision, DecisionDate, ReviewDate, Subject string
	Participants                                                []string
	Orgs                                                        []hub.Organisation
	Subjects                                                    []eia.SubjectKind
	Problems                                                    []hub.Problem
	// ID is the assessment whose details are changed; empty when one is started.
	ID, Lead string
}

// newEIA shows the form to start an assessment.
func (s *server) newEIA(c echo.Context) error {
	return s.ok(c, "eia-form", "Start an impact assessment", eiaForm{Orgs: s.Directory.Organisations(), Subjects: eia.SubjectKinds(), Lead: principal(c).OrgID})
}

func parseDate(v, field, label string, ps *[]hub.Problem) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		*ps = append(*ps, hub.Problem{Field: field, Message: "Give the " + label + " as year-month-day, such as 2026-12-01"})
	}
	return t
}

// sentEIAForm reads the details form as it was filled in.
func (s *server) sentEIAForm(c echo.Context) eiaForm {
	form, _ := c.FormParams()
	return eiaForm{Title: c.FormValue("title"), Summary: c.FormValue("summary"), Decision: c.FormValue("decision"), Subject: c.FormValue("subject"),
		DecisionDate: c.FormValue("decision_date"), ReviewDate: c.FormValue("review_date"), Participants: form["participants"],
		Orgs: s.Directory.Organisations(), Subjects: eia.SubjectKinds()}
}

// withParsed puts the problems of dates that could not be read in place of
// the hub's for the same fields (a date not read is sent as none, which the
// hub refuses), so that everything is said at once, each once.
func withParsed(parsed []hub.Problem, err error) []hub.Problem {
	ps := slices.Clone(parsed)
	got := slices.Clone(hub.ErrorProblems(err))
	if len(got) == 0 {
		got = []hub.Problem{{Message: hub.ErrorMessage(err)}}
	}
	for _, p := range got {
		if p.Field == "" || !slices.ContainsFunc(parsed, func(q hub.Problem) bool { return q.Field == p.Field }) {
			ps = append(ps, p)
		}
	}
	return ps
}

// createEIA starts an assessment led by the person's organisation.
func (s *server) createEIA(c echo.Context) error {
	f := s.sentEIAForm(c)
	f.Lead = principal(c).OrgID
	var ps []hub.Problem
	e := eia.EIA{Title: f.Title, Summary: f.Summary, Decision: f.Decision, Subject: eia.SubjectKind(f.Subject), Participants: f.Participants,
		DecisionDate: parseDate(f.DecisionDate, "decision_date", "decision date", &ps), ReviewDate: parseDate(f.ReviewDate, "review_date", "review date", &ps)}
	// A date that cannot be read is sent as none, which the hub refuses with the rest.
	created, err := s.EIA.Create(c.Request().Context(), principal(c), e)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/impact-assessments/"+created.ID)
	}
	status, ok := formRefused(err)
	if !ok || hub.IsCode(err, hub.CodeForbidden) {
		return err
	}
	f.Problems = withParsed(ps, err)
	return s.render(c, status, "eia-form", "Error: Start an impact assessment", f)
}

// eiaDetailsPage shows the form to change an assessment's details, until its first sign-off.
func (s *server) eiaDetailsPage(c echo.Context) error {
	p := principal(c)
	if err := s.EIA.CheckEdit(p, c.Param("id")); err != nil {
		return err
	}
	e, err := s.EIA.Get(p, c.Param("id"))
	if err != nil {
		return err
	}
	if e.Frozen() {
		return hub.Errorf(hub.CodeConflict, "The assessment has been signed off: its details change only in a new version")
	}
	f := eiaForm{ID: e.ID, Lead: e.LeadOrg, Title: e.Title, Summary: e.Summary, Decision: e.Decision, Subject: string(e.Subject),
		DecisionDate: e.DecisionDate.Format(time.DateOnly), ReviewDate: e.ReviewDate.Format(time.DateOnly), Participants: e.Participants,
		Orgs: s.Directory.Organisations(), Subjects: eia.SubjectKinds()}
	return s.ok(c, "eia-form", "Change the assessment's details", f)
}

// eiaDetails changes an assessment's details, or shows the form again as it was filled in, with every problem.
func (s *server) eiaDetails(c echo.Context) error {
	p := principal(c)
	if err := s.EIA.CheckEdit(p, c.Param("id")); err != nil {
		return err
	}
	e, err := s.EIA.Get(p, c.Param("id"))
	if err != nil {
		return err
	}
	f := s.sentEIAForm(c)
	f.ID, f.Lead = e.ID, e.LeadOrg
	var ps []hub.Problem
	d := eia.Details{Title: f.Title, Summary: f.Summary, Decision: f.Decision, Subject: eia.SubjectKind(f.Subject), Participants: f.Participants,
		DecisionDate: parseDate(f.DecisionDate, "decision_date", "decision date", &ps), ReviewDate: parseDate(f.ReviewDate, "review_date", "review date", &ps)}
	if _, err := s.EIA.UpdateDetails(c.Request().Context(), p, e.ID, d); err != nil {
		status, ok := formRefused(err)
		if !ok || hub.IsCode(err, hub.CodeForbidden) || hub.IsCode(err, hub.CodeNotFound) {
			return err
		}
		f.Problems = withParsed(ps, err)
		return s.render(c, status, "eia-form", "Error: Change the assessment's details", f)
	}
	return c.Redirect(http.StatusSeeOther, "/impact-assessments/"+e.ID)
}

type eiaPage struct {
	E               eia.EIA
	Names           map[string]string
	Characteristics []hub.Characteristic
	Now             time.Time
	CanEdit         bool
	CanSign         bool
	CanComment      bool
	Problems        []hub.Problem
	Print           bool
	Opens           []bool            // for each piece of evidence, whether the reader can open the hub's data it links to
	Objectives      map[string]string // the strategy's objectives by ID, for the actions linked to them
	// Form is the form that was sent and refused, shown again as it was
	// filled in (Sent) and open; "response-ID" for the response to a comment.
	Form string
	Sent url.Values
}

// Val is what a field of a form shows: what was sent, when that form was
// sent and refused, or else dflt.
func (p eiaPage) Val(form, name, dflt string) string {
	if p.Form == form {
		return p.Sent.Get(name)
	}
	return dflt
}

// Relevant is the choice a screening form shows for a characteristic: "yes", "no" or "".
func (p eiaPage) Relevant(c hub.Characteristic) string {
	dflt := ""
	if r, ok := p.E.Screening.Relevance[c]; ok && (r.Reason != "" || r.Relevant) {
		dflt = map[bool]string{true: "yes", false: "no"}[r.Relevant]
	}
	return p.Val("screening", "relevant-"+string(c), dflt)
}

// Conclusion, Status, Section and Group say the hub's values in words.
func (eiaPage) Conclusion(c string) string { return eia.ConclusionLabel(c) }
func (eiaPage) Status(st string) string    { return eia.StatusLabel(st) }
func (eiaPage) Section(sec string) string  { return eia.SectionLabel(sec) }
func (eiaPage) Group(g string) string      { return eia.GroupLabel(g) }
func (eiaPage) Effects() []eia.Effect      { return eia.Effects() }
func (eiaPage) Conclusions() []string      { return eia.Conclusions() }
func (eiaPage) Sections() []string         { return eia.Sections() }

// eiaDetail shows a whole assessment: every section, the scrutiny and the sign-offs.
// The same page prints for a committee report.
func (s *server) eiaDetail(c echo.Context) error { return s.eiaAgain(c, http.StatusOK, "", nil) }

func (s *server) eiaAgain(c echo.Context, status int, form string, ps []hub.Problem) error {
	p := principal(c)
	e, gerr := s.EIA.Get(p, c.Param("id"))
	if gerr != nil {
		return gerr
	}
	pg := eiaPage{E: e, Names: s.orgNames(), Characteristics: hub.Characteristics(), Now: s.Clock.Now(), Print: c.QueryParam("print") == "1",
		CanEdit:    s.allowed(c, eia.PermWrite, p.OrgID) && slices.Contains(e.Orgs(), p.OrgID),
		CanSign:    s.allowed(c, eia.PermSign, p.OrgID) && slices.Contains(e.DecisionMakers, p.OrgID) && !e.SignedBy(p.OrgID),
		CanComment: s.allowed(c, eia.PermScrutinise, hub.DomainPartnership) && e.TakesComments(s.Clock.Now())}
	for _, ev := range e.Assessment.Evidence {
		pg.Opens = append(pg.Opens, s.EIA.EvidenceOpens(p, ev))
	}
	pg.Objectives = map[string]string{}
	for _, o := range s.Strategy.Objectives() {
		pg.Objectives[o.ID] = o.Statement
	}
	title := e.Title
	if len(ps) > 0 {
		pg.Problems, pg.Form = ps, form
		pg.Sent, _ = c.FormParams()
		title = "Error: " + title
	}
	return s.render(c, status, "eia", title, pg)
}

// eiaField is the input of the page's form that shows a problem the hub
// names by its field, or "" when the problem is about no one input of it.
func eiaField(form, field string) string {
	before, after, _ := strings.Cut(field, ".")
	switch form {
	case "screening":
		if before == "relevance" && after != "" {
			return "relevant-" + after + "-yes"
		}
		if before == "screening" {
			c, _, _ := strings.Cut(after, ".")
			return "why-" + c
		}
		if field == "conclusion" || field == "reason" {
			return field
		}
	case "assessment":
		switch {
		case before == "impacts" && strings.HasSuffix(after, ".reasoning"):
			return "reasoning-" + strings.TrimSuffix(after, ".reasoning")
		case before == "impacts" && after != "group" && after != "":
			return "effect-" + after
		case strings.HasPrefix(field, "evidence["):
			if _, part, ok := strings.Cut(field, "]."); ok {
				return "evidence_" + part
			}
		case field == "conclusion":
			return "aconclusion"
		case field == "alternatives" || field == "conclusion_reason":
			return field
		}
	case "action":
		switch field {
		case "text", "owner_org", "owner_person", "due", "strategy_link":
			return field
		}
	case "scrutiny":
		if field == "until" {
			return field
		}
	case "comment":
		switch field {
		case "text":
			return "comment-text"
		case "section":
			return "section"
		}
	case "sign":
		if before == "brown" {
			return "brown-" + after
		}
	default:
		if id, ok := strings.CutPrefix(form, "response-"); ok && field == "text" {
			return "response-" + id
		}
	}
	// A section still incomplete, when opening scrutiny or signing: its heading.
	switch before {
	case "screening", "assessment":
		return before
	}
	return ""
}

// eiaChange runs a change from one of the page's forms and shows the
// assessment again when it is refused: the form as it was filled in, every
// problem beside its input and in the summary at the top. parsed are the
// problems found in reading the form, said with the hub's.
func (s *server) eiaChange(c echo.Context, form string, parsed []hub.Problem, change func() error) error {
	err := change()
	if err == nil && len(parsed) == 0 {
		return c.Redirect(http.StatusSeeOther, "/impact-assessments/"+c.Param("id"))
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		var ok bool
		if status, ok = formRefused(err); !ok || hub.IsCode(err, hub.CodeNotFound) {
			return err
		}
	}
	ps := parsed
	switch {
	case hub.IsCode(err, hub.CodeForbidden) || hub.IsCode(err, hub.CodeConflict):
		// Refused whatever was typed: that is all there is to say.
		ps = formProblems(err, nil)
	case err != nil:
		ps = withParsed(parsed, err)
	}
	for i, p := range ps {
		ps[i].Field = eiaField(form, p.Field)
	}
	return s.eiaAgain(c, status, form, ps)
}

// eiaScreening saves the screening.
func (s *server) eiaScreening(c echo.Context) error {
	sc := eia.Screening{Relevance: map[hub.Characteristic]eia.Relevance{}, Conclusion: c.FormValue("conclusion"), Reason: c.FormValue("reason")}
	var parsed []hub.Problem
	for _, ch := range hub.Characteristics() {
		v, why := c.FormValue("relevant-"+string(ch)), c.FormValue("why-"+string(ch))
		switch {
		case v == "yes" || v == "no":
			sc.Relevance[ch] = eia.Relevance{Relevant: v == "yes", Reason: why}
		case strings.TrimSpace(why) != "":
			parsed = append(parsed, hub.Problem{Field: "relevance." + string(ch), Message: ch.Label() + ": choose relevant or not relevant"})
		}
	}
	return s.eiaChange(c, "screening", parsed, func() error {
		if len(parsed) > 0 {
			// Nothing is saved: the hub's problems are said with the form's.
			if err := s.EIA.CheckEdit(principal(c), c.Param("id")); err != nil {
				return err
			}
			return hub.Invalid("The screening is not valid", sc.Problems())
		}
		_, err := s.EIA.UpdateScreening(c.Request().Context(), principal(c), c.Param("id"), sc)
		return err
	})
}

// eiaAssessment saves the full assessment; a new piece of evidence is added when anything of it is given.
func (s *server) eiaAssessment(c echo.Context) error {
	e, err := s.EIA.Get(principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	a := e.Assessment
	a.Impacts = map[string]eia.Impact{}
	for _, ch := range hub.Characteristics() {
		eff, why := c.FormValue("effect-"+string(ch)), c.FormValue("reasoning-"+string(ch))
		if eff != "" || strings.TrimSpace(why) != "" {
			a.Impacts[string(ch)] = eia.Impact{Effect: eia.Effect(eff), Reasoning: why}
		}
	}
	a.Alternatives, a.Conclusion, a.ConclusionReason = c.FormValue("alternatives"), c.FormValue("conclusion"), c.FormValue("conclusion_reason")
	t, link, summary := strings.TrimSpace(c.FormValue("evidence_title")), strings.TrimSpace(c.FormValue("evidence_link")), c.FormValue("evidence_summary")
	if t != "" || link != "" || strings.TrimSpace(summary) != "" {
		a.Evidence = append(append([]eia.Evidence(nil), a.Evidence...), eia.Evidence{Kind: c.FormValue("evidence_kind"), Title: t,
			Link: link, Summary: summary, Date: s.Clock.Now()})
	}
	return s.eiaChange(c, "assessment", nil, func() error {
		_, err := s.EIA.UpdateAssessment(c.Request().Context(), principal(c), c.Param("id"), a)
		return err
	})
}

// eiaAction adds an action.
func (s *server) eiaAction(c echo.Context) error {
	var ps []hub.Problem
	due := parseDate(c.FormValue("due"), "due", "due date", &ps)
	return s.eiaChange(c, "action", ps, func() error {
		// A due date that cannot be read is sent as none, which the hub refuses with the rest.
		_, err := s.EIA.AddAction(c.Request().Context(), principal(c), c.Param("id"), eia.Action{Text: c.FormValue("text"),
			OwnerOrg: c.FormValue("owner_org"), OwnerPerson: c.FormValue("owner_person"), Due: due, StrategyLink: c.FormValue("strategy_link"), Status: eia.ActionOpen})
		return err
	})
}

// eiaOpenScrutiny opens the assessment to the advisory group until a date.
func (s *server) eiaOpenScrutiny(c echo.Context) error {
	var ps []hub.Problem
	until := parseDate(c.FormValue("until"), "until", "closing date", &ps)
	return s.eiaChange(c, "scrutiny", ps, func() error {
		// A date that cannot be read is sent as none, which the hub refuses with the rest.
		if len(ps) > 0 {
			until = time.Time{}
		} else {
			until = until.Add(24*time.Hour - time.Second)
		}
		_, err := s.EIA.OpenScrutiny(c.Request().Context(), principal(c), c.Param("id"), until)
		return err
	})
}

// eiaComment adds an advisory group member's comment or challenge.
func (s *server) eiaComment(c echo.Context) error {
	return s.eiaChange(c, "comment", nil, func() error {
		_, err := s.EIA.Comment(c.Request().Context(), principal(c), c.Param("id"), c.FormValue("section"), c.FormValue("text"), c.FormValue("challenge") == "yes")
		return err
	})
}

// eiaRespond records the team's response to a comment.
func (s *server) eiaRespond(c echo.Context) error {
	return s.eiaChange(c, "response-"+c.Param("comment"), nil, func() error {
		return s.EIA.Respond(c.Request().Context(), principal(c), c.Param("id"), c.Param("comment"), c.FormValue("text"))
	})
}

// eiaSign signs the assessment off for the person's organisation.
func (s *server) eiaSign(c echo.Context) error {
	b := eia.Attested(func(key string) bool { return c.FormValue(key) == "yes" })
	return s.eiaChange(c, "sign", nil, func() error {
		version := 0
		for _, ch := range c.FormValue("version") {
			if ch < '0' || ch > '9' {
				version = -1
				break
			}
			version = version*10 + int(ch-'0')
		}
		_, err := s.EIA.SignOff(c.Request().Context(), principal(c), c.Param("id"), version, b)
		return err
	})
}

// eiaPublish publishes a signed assessment.
func (s *server) eiaPublish(c echo.Context) error {
	return s.eiaChange(c, "publish", nil, func() error {
		_, err := s.EIA.Publish(c.Request().Context(), principal(c), c.Param("id"))
		return err
	})
}

// eiaNewVersion opens a new version of a signed assessment for changes.
func (s *server) eiaNewVersion(c echo.Context) error {
	return s.eiaChange(c, "new-version", nil, func() error {
		_, err := s.EIA.NewVersion(c.Request().Context(), principal(c), c.Param("id"))
		return err
	})
}

// eiaDetailWords says the detail of an entry about an impact assessment in
// words: entries made before the hub wrote them in words name organisations
// and actions by their codes ("signed version 1 for northshire-county",
// "action a1 added").
func eiaDetailWords(detail string, orgName func(string) string) string {
	if before, org, ok := strings.Cut(detail, " for "); ok && strings.HasPrefix(before, "signed version ") {
		rest := ""
		if i := strings.IndexAny(org, ",;"); i >= 0 {
			org, rest = org[:i], org[i:]
		}
		if !strings.Contains(org, " ") {
			org = orgName(org)
		}
		return before + " for " + org + rest
	}
	words := strings.Fields(detail)
	switch {
	case len(words) == 3 && words[0] == "action" && words[2] == "added":
		return "added an action"
	case len(words) == 4 && words[0] == "action" && words[2] == "changed,":
		return "changed an action, now " + strings.ToLower(eia.StatusLabel(words[3]))
	case len(words) == 4 && (words[0] == "comment" || words[0] == "challenge") && words[2] == "on":
		return words[0] + " on " + strings.ToLower(eia.SectionLabel(words[3]))
	case len(words) == 3 && words[0] == "response" && words[1] == "to":
		return "answered a comment"
	}
	return detail
}
