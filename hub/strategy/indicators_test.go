package strategy_test

import (
	"context"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// catalogue is the built-in themes and standard.
type catalogue struct {
	themes []monitoring.Theme
	st     monitoring.Standard
}

func (c catalogue) Theme(id string) (monitoring.Theme, bool) {
	for _, t := range c.themes {
		if t.ID == id {
			return t, true
		}
	}
	return monitoring.Theme{}, false
}

func (c catalogue) CurrentStandard() (monitoring.Standard, error) { return c.st, nil }

// The service refuses a measure whose indicator is not one of the hub's
// returns, naming the part of the indicator that is wrong, whoever calls it.
func TestObjectiveIndicatorChecked(t *testing.T) {
	f, ctx := setup(t), context.Background()
	themes, err := monitoring.BuiltInThemes()
	if err != nil {
		t.Fatal(err)
	}
	st, err := monitoring.BuiltInStandard("2026.1")
	if err != nil {
		t.Fatal(err)
	}
	f.svc.SetCatalogue(catalogue{themes: themes, st: st})
	good := demoObjectives(t)[0]
	good.ID = ""
	if err := f.svc.ValidateObjective(good); err != nil {
		t.Fatalf("a demo objective: %v", err)
	}
	for _, c := range []struct{ name, field string }{
		{"theme", "measures[0].indicator.theme"},
		{"measure", "measures[0].indicator.measure"},
		{"question", "measures[0].indicator.question"},
		{"group", "measures[0].indicator.group"},
	} {
		o := good
		o.Measures = append(o.Measures[:0:0], o.Measures...)
		ref := &o.Measures[0].Indicator
		switch c.name {
		case "theme":
			ref.Theme = "no-such-theme"
		case "measure":
			ref.Measure = "searched" // a measure of another theme
		case "question":
			ref.Question = "shoe-size"
		case "group":
			ref.Group = "martians"
		}
		err := f.svc.ValidateObjective(o)
		if !hub.IsCode(err, hub.CodeInvalid) || !hasField(hub.ErrorProblems(err), c.field) {
			t.Errorf("a wrong %s: %v, want a problem with %s", c.name, err, c.field)
		}
		if _, err := f.svc.CreateObjective(ctx, forum, o); !hub.IsCode(err, hub.CodeInvalid) || !hasField(hub.ErrorProblems(err), c.field) {
			t.Errorf("an objective made with a wrong %s: %v", c.name, err)
		}
	}
}

func hasField(ps []hub.Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}
