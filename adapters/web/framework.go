package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
)

// frameworkID is the framework the pages show.
const frameworkID = "eflg"

type frameworkPage struct {
	Framework    framework.Framework
	Grid         framework.Grid
	Threads      []framework.Thread // the challenges, with their answers
	Names        map[string]string
	OrgID        string // the reader's organisation: its challenges are theirs to answer
	CanAssess    bool
	CanChallenge bool
	CanAnswer    bool
	Levels       []framework.Level
	Problems     []hub.Problem
	Suggestions  []themeSuggestion // what the hub holds that evidences each theme, for the person's organisation
	Record       levelForm         // what was typed in each form, shown again with its problems
	Challenge    challengeForm
	Answer       answerForm
}

type levelForm struct{ Theme, Level, Evidence, Note string }

type challengeForm struct{ Org, Theme, Text string }

// answerForm is the answer being given to one challenge; Field names the
// text box of that challenge.
type answerForm struct{ Field, Text string }

type themeSuggestion struct {
	Theme string
	Have  []string
}

// answerField names the text box answering challenge n to an organisation's
// level on a theme; it is unique on the page.
func answerField(org, theme string, n int) string {
	return fmt.Sprintf("answer-%s-%s-%d", org, theme, n)
}

// evidenceHeld counts what the hub holds for an organisation, by kind of framework evidence.
func (s *server) evidenceHeld(org string) map[string]int {
	have := map[string]int{}
	for _, p := range s.Publications.List() {
		if p.Table.Publisher == org && p.Withdrawn == nil {
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

// frameworkPage shows the partnership's grid: every partner's level on every
// theme, and the challenges to the levels with their answers.
func (s *server) frameworkPage(c echo.Context) error {
	return s.frameworkAgain(c, http.StatusOK, frameworkPage{})
}

// frameworkAgain shows the framework page with what was typed in pg's forms
// and its problems, at status.
func (s *server) frameworkAgain(c echo.Context, status int, pg frameworkPage) error {
	f, err := s.Framework.Framework(frameworkID)
	if err != nil {
		return err
	}
	var orgs []string
	for _, o := range s.Directory.Organisations() {
		if o.Kind.PublicBody() {
			orgs = append(orgs, o.ID)
		}
	}
	p := principal(c)
	pg.Framework, pg.Grid, pg.Threads, pg.Names, pg.Levels, pg.OrgID = f, s.Framework.Grid(f.ID, orgs), s.Framework.Threads(f.ID, orgs), s.orgNames(), f.Levels, p.OrgID
	pg.CanAssess = s.allowed(c, framework.PermAssess, p.OrgID)
	pg.CanAnswer = s.allowed(c, framework.PermAnswer, p.OrgID)
	pg.CanChallenge = s.allowed(c, framework.PermChallenge, hub.DomainPartnership)
	if pg.CanAssess {
		have := s.evidenceHeld(p.OrgID)
		for _, t := range f.Themes() {
			if sg := s.Framework.Suggest(t.ID, have); len(sg) > 0 {
				pg.Suggestions = append(pg.Suggestions, themeSuggestion{Theme: t.Name, Have: sg})
			}
		}
	}
	title := f.Name
	if len(pg.Problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "framework", title, pg)
}

// formProblems returns the problems of a refused form, each beside its
// field as named on the page; one not about a field is said at the top.
// rename maps the service's field names to the page's.
func formProblems(err error, rename map[string]string) []hub.Problem {
	ps := slices.Clone(hub.ErrorProblems(err))
	for i, p := range ps {
		if to, ok := rename[p.Field]; ok {
			ps[i].Field = to
		} else if strings.HasPrefix(p.Field, "evidence[") {
			ps[i].Field = rename["evidence"]
		}
	}
	if len(ps) == 0 {
		ps = []hub.Problem{{Message: hub.ErrorMessage(err)}}
	}
	return ps
}

// formRefused reports whether a service's error is one a person's form can
// be shown again with, and its status.
func formRefused(err error) (int, bool) {
	switch code := hub.ErrorCode(err); code {
	case hub.CodeInvalid, hub.CodeForbidden, hub.CodeNotFound, hub.CodeConflict:
		return statusOf[code], true
	}
	return 0, false
}

// challengeLevel puts another partner's or the advisory group's challenge on an organisation's level.
func (s *server) challengeLevel(c echo.Context) error {
	form := challengeForm{Org: c.FormValue("org"), Theme: c.FormValue("theme"), Text: c.FormValue("text")}
	if err := s.Framework.Challenge(c.Request().Context(), principal(c), form.Org, frameworkID, form.Theme, form.Text); err != nil {
		status, ok := formRefused(err)
		if !ok {
			return err
		}
		return s.frameworkAgain(c, status, frameworkPage{Challenge: form,
			Problems: formProblems(err, map[string]string{"org": "corg", "theme": "ctheme", "text": "text"})})
	}
	return c.Redirect(http.StatusSeeOther, "/framework#challenges")
}

// recordLevel records the person's organisation's level on a theme.
func (s *server) recordLevel(c echo.Context) error {
	p := principal(c)
	form := levelForm{Theme: c.FormValue("theme"), Level: c.FormValue("level"), Evidence: c.FormValue("evidence"), Note: c.FormValue("note")}
	var evidence []framework.EvidenceLink
	if strings.TrimSpace(form.Evidence) != "" {
		evidence = []framework.EvidenceLink{{Kind: "other", Title: form.Evidence}}
	}
	if _, err := s.Framework.Record(c.Request().Context(), p, p.OrgID, frameworkID, form.Theme, form.Level, evidence, form.Note); err != nil {
		status, ok := formRefused(err)
		if !ok {
			return err
		}
		return s.frameworkAgain(c, status, frameworkPage{Record: form, Problems: formProblems(err, map[string]string{"evidence": "evidence"})})
	}
	return c.Redirect(http.StatusSeeOther, "/framework")
}

// answerChallenge gives the person's organisation's answer to a challenge to one of its levels.
func (s *server) answerChallenge(c echo.Context) error {
	p := principal(c)
	org, theme := c.FormValue("org"), c.FormValue("theme")
	n, err := strconv.Atoi(c.FormValue("n"))
	if err != nil {
		return hub.Errorf(hub.CodeNotFound, "There is no such challenge")
	}
	field := answerField(org, theme, n)
	form := answerForm{Field: field, Text: c.FormValue("answer")}
	if err := s.Framework.Answer(c.Request().Context(), p, org, frameworkID, theme, n, form.Text); err != nil {
		status, ok := formRefused(err)
		if !ok {
			return err
		}
		return s.frameworkAgain(c, status, frameworkPage{Answer: form, Problems: formProblems(err, map[string]string{"answer": field})})
	}
	return c.Redirect(http.StatusSeeOther, "/framework#"+field)
}

// assessmentWords says a record entry about a self-assessment in words: what
// it is about ("the self-assessment of Northshire Police against the
// Equality Framework for Local Government") and, for entries written before
// the hub said level changes in words, the change ("Leadership: from
// Developing to Achieving", or "confirmed at" when the level stayed).
func (s *server) assessmentWords(e audit.Entry) (about, detail string) {
	parts := strings.Split(e.Object, "/")
	if len(parts) != 4 {
		return entryWords(e, nil, "")
	}
	f, err := s.Framework.Framework(parts[2])
	if err != nil {
		return entryWords(e, nil, "")
	}
	return entryWords(e, &f, s.orgName(parts[1]))
}

// entryWords says an entry about an organisation's self-assessment against
// f in words; f is nil when the framework is not known.
func entryWords(e audit.Entry, f *framework.Framework, orgName string) (about, detail string) {
	about, detail = "a self-assessment against a framework", e.Detail
	parts := strings.Split(e.Object, "/")
	if f == nil || len(parts) != 4 {
		return about, detail
	}
	about = fmt.Sprintf("the self-assessment of %s against the %s", orgName, f.Name)
	if e.Action != framework.ActionAssess {
		return about, detail
	}
	if rest, ok := strings.CutPrefix(detail, "moved from "); ok {
		if from, to, ok := strings.Cut(rest, " to "); ok {
			detail = framework.LevelChange(*f, parts[3], from, to)
		}
	} else if lvl, ok := strings.CutPrefix(detail, "recorded "); ok && !strings.Contains(lvl, " ") {
		detail = framework.LevelChange(*f, parts[3], "", lvl)
	}
	return about, detail
}
