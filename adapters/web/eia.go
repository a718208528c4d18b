package web

import (
	"net/http"
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
}

// newEIA shows the form to start an assessment.
func (s *server) newEIA(c echo.Context) error {
	return s.ok(c, "eia-form", "Start an impact assessment", eiaForm{Orgs: s.Directory.Organisations(), Subjects: eia.SubjectKinds()})
}

func parseDate(v, field, label string, ps *[]hub.Problem) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		*ps = append(*ps, hub.Problem{Field: field, Message: "Give the " + label + " as year-month-day, such as 2026-12-01"})
	}
	return t
}

// createEIA starts an assessment led by the person's organisation.
func (s *server) createEIA(c echo.Context) error {
	form, _ := c.FormParams()
	f := eiaForm{Title: c.FormValue("title"), Summary: c.FormValue("summary"), Decision: c.FormValue("decision"), Subject: c.FormValue("subject"),
		DecisionDate: c.FormValue("decision_date"), ReviewDate: c.FormValue("review_date"), Participants: form["participants"],
		Orgs: s.Directory.Organisations(), Subjects: eia.SubjectKinds()}
	var ps []hub.Problem
	e := eia.EIA{Title: f.Title, Summary: f.Summary, Decision: f.Decision, Subject: eia.SubjectKind(f.Subject), Participants: f.Participants,
		DecisionDate: parseDate(f.DecisionDate, "decision_date", "decision date", &ps), ReviewDate: parseDate(f.ReviewDate, "review_date", "review date", &ps)}
	if len(ps) == 0 {
		created, err := s.EIA.Create(c.Request().Context(), principal(c), e)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/impact-assessments/"+created.ID)
		}
		if !hub.IsCode(err, hub.CodeInvalid) {
			return err
		}
		ps = hub.ErrorProblems(err)
		if len(ps) == 0 {
			ps = []hub.Problem{{Message: hub.ErrorMessage(err)}}
		}
	}
	f.Problems = ps
	return s.render(c, http.StatusUnprocessableEntity, "eia-form", "Error: Start an impact assessment", f)
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
	Message         string
	Print           bool
	Opens           []bool // for each piece of evidence, whether the reader can open the hub's data it links to
}

// eiaDetail shows a whole assessment: every section, the scrutiny and the sign-offs.
// The same page prints for a committee report.
func (s *server) eiaDetail(c echo.Context) error { return s.eiaAgain(c, http.StatusOK, nil) }

func (s *server) eiaAgain(c echo.Context, status int, err error) error {
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
	title := e.Title
	if err != nil {
		pg.Message, pg.Problems = hub.ErrorMessage(err), hub.ErrorProblems(err)
		title = "Error: " + title
	}
	return s.render(c, status, "eia", title, pg)
}

// eiaChange runs a change and shows the assessment again, with what went wrong beside it.
func (s *server) eiaChange(c echo.Context, change func() error) error {
	if err := change(); err != nil {
		switch hub.ErrorCode(err) {
		case hub.CodeInvalid, hub.CodeConflict, hub.CodeForbidden:
			return s.eiaAgain(c, statusOf[hub.ErrorCode(err)], err)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/impact-assessments/"+c.Param("id"))
}

// eiaScreening saves the screening.
func (s *server) eiaScreening(c echo.Context) error {
	sc := eia.Screening{Relevance: map[hub.Characteristic]eia.Relevance{}, Conclusion: c.FormValue("conclusion"), Reason: c.FormValue("reason")}
	for _, ch := range hub.Characteristics() {
		if v := c.FormValue("relevant-" + string(ch)); v != "" || c.FormValue("why-"+string(ch)) != "" {
			sc.Relevance[ch] = eia.Relevance{Relevant: v == "yes", Reason: c.FormValue("why-" + string(ch))}
		}
	}
	return s.eiaChange(c, func() error {
		_, err := s.EIA.UpdateScreening(c.Request().Context(), principal(c), c.Param("id"), sc)
		return err
	})
}

// eiaAssessment saves the full assessment; a new piece of evidence is added when given.
func (s *server) eiaAssessment(c echo.Context) error {
	e, err := s.EIA.Get(principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	a := e.Assessment
	a.Impacts = map[string]eia.Impact{}
	for _, ch := range hub.Characteristics() {
		if eff := c.FormValue("effect-" + string(ch)); eff != "" {
			a.Impacts[string(ch)] = eia.Impact{Effect: eia.Effect(eff), Reasoning: c.FormValue("reasoning-" + string(ch))}
		}
	}
	a.Alternatives, a.Conclusion, a.ConclusionReason = c.FormValue("alternatives"), c.FormValue("conclusion"), c.FormValue("conclusion_reason")
	if t := strings.TrimSpace(c.FormValue("evidence_title")); t != "" {
		a.Evidence = append(append([]eia.Evidence(nil), a.Evidence...), eia.Evidence{Kind: c.FormValue("evidence_kind"), Title: t,
			Link: strings.TrimSpace(c.FormValue("evidence_link")), Summary: c.FormValue("evidence_summary"), Date: s.Clock.Now()})
	}
	return s.eiaChange(c, func() error {
		_, err := s.EIA.UpdateAssessment(c.Request().Context(), principal(c), c.Param("id"), a)
		return err
	})
}

// eiaAction adds an action.
func (s *server) eiaAction(c echo.Context) error {
	var ps []hub.Problem
	due := parseDate(c.FormValue("due"), "due", "due date", &ps)
	return s.eiaChange(c, func() error {
		if len(ps) > 0 {
			if err := s.EIA.CheckEdit(principal(c), c.Param("id")); err != nil {
				return err
			}
			return hub.Invalid("The action is not valid", ps)
		}
		_, err := s.EIA.AddAction(c.Request().Context(), principal(c), c.Param("id"), eia.Action{Text: c.FormValue("text"),
			OwnerOrg: c.FormValue("owner_org"), OwnerPerson: c.FormValue("owner_person"), Due: due, StrategyLink: c.FormValue("strategy_link"), Status: eia.ActionOpen})
		return err
	})
}

// eiaOpenScrutiny opens the assessment to the advisory group until a date.
func (s *server) eiaOpenScrutiny(c echo.Context) error {
	var ps []hub.Problem
	until := parseDate(c.FormValue("until"), "until", "closing date", &ps)
	return s.eiaChange(c, func() error {
		if len(ps) > 0 {
			if err := s.EIA.CheckEdit(principal(c), c.Param("id")); err != nil {
				return err
			}
			return hub.Invalid("The scrutiny period is not valid", ps)
		}
		_, err := s.EIA.OpenScrutiny(c.Request().Context(), principal(c), c.Param("id"), until.Add(24*time.Hour-time.Second))
		return err
	})
}

// eiaComment adds an advisory group member's comment or challenge.
func (s *server) eiaComment(c echo.Context) error {
	return s.eiaChange(c, func() error {
		_, err := s.EIA.Comment(c.Request().Context(), principal(c), c.Param("id"), c.FormValue("section"), c.FormValue("text"), c.FormValue("challenge") == "yes")
		return err
	})
}

// eiaRespond records the team's response to a comment.
func (s *server) eiaRespond(c echo.Context) error {
	return s.eiaChange(c, func() error {
		return s.EIA.Respond(c.Request().Context(), principal(c), c.Param("id"), c.Param("comment"), c.FormValue("text"))
	})
}

// eiaSign signs the assessment off for the person's organisation.
func (s *server) eiaSign(c echo.Context) error {
	b := eia.Attested(func(key string) bool { return c.FormValue(key) == "yes" })
	return s.eiaChange(c, func() error {
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
	return s.eiaChange(c, func() error {
		_, err := s.EIA.Publish(c.Request().Context(), principal(c), c.Param("id"))
		return err
	})
}

// eiaNewVersion opens a new version of a signed assessment for changes.
func (s *server) eiaNewVersion(c echo.Context) error {
	return s.eiaChange(c, func() error {
		_, err := s.EIA.NewVersion(c.Request().Context(), principal(c), c.Param("id"))
		return err
	})
}
