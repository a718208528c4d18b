package strategy

import (
	"fmt"
	"slices"
	"unicode"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Catalogue is what the hub's returns hold: the themes with their measures,
// and the monitoring standard's questions with their groups. A measure of an
// objective must name an indicator found there.
type Catalogue interface {
	Theme(id string) (monitoring.Theme, bool)
	CurrentStandard() (monitoring.Standard, error)
}

// SetCatalogue sets where the indicators of measures are looked up.
func (s *Service) SetCatalogue(c Catalogue) { s.catalogue = c }

// ValidateObjective says everything wrong with an objective: what Validate
// says, and each measure whose indicator is not one of the hub's returns
// (a theme, a measure of that theme, a question of the monitoring standard
// and one of its groups, or everyone), each problem naming its field.
func (s *Service) ValidateObjective(o Objective) error {
	ps := hub.ErrorProblems(o.Validate())
	for i, m := range o.Measures {
		ps = append(ps, s.indicatorProblems(fmt.Sprintf("measures[%d].indicator", i), m.Indicator)...)
	}
	if len(ps) == 0 {
		return nil
	}
	return hub.Invalid("The objective is not complete: "+ps[0].Message, ps)
}

// indicatorProblems says what is wrong with an indicator, with fields under at.
// An indicator without a theme or measure is left to Validate.
func (s *Service) indicatorProblems(at string, ref IndicatorRef) []hub.Problem {
	if s.catalogue == nil || ref.Theme == "" || ref.Measure == "" {
		return nil
	}
	var ps []hub.Problem
	t, ok := s.catalogue.Theme(ref.Theme)
	if !ok {
		return append(ps, hub.Problem{Field: at + ".theme", Message: "Choose a theme of the hub's returns"})
	}
	if _, ok := t.Measure(ref.Measure); !ok {
		ps = append(ps, hub.Problem{Field: at + ".measure", Message: "Choose a measure of " + t.Name})
	}
	st, err := s.catalogue.CurrentStandard()
	if err != nil {
		// No standard yet: its questions cannot be checked, nor read.
		return ps
	}
	q, ok := st.Question(ref.Question)
	if !ok {
		return append(ps, hub.Problem{Field: at + ".question", Message: "Choose a question of the monitoring standard"})
	}
	if ref.Group == "" || slices.ContainsFunc(q.Groups, func(g monitoring.Group) bool { return g.Code == ref.Group }) {
		return ps
	}
	if _, ok := q.Category(ref.Group); !ok {
		ps = append(ps, hub.Problem{Field: at + ".group", Message: "Choose a group of " + lowerFirst(q.Label) + ", or everyone"})
	}
	return ps
}

// lowerFirst puts a label's first letter in lower case to follow other
// words, unless it begins a word in capitals, such as "LGBT".
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}
