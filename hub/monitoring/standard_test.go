package monitoring_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub/monitoring"
)

// Version 2026.2 keeps every question and answer of 2026.1, in order, and adds
// yes or no answers for disability and pregnancy and officer-observed ethnicity
// in broad groups; every built-in theme reads under both.
func TestStandard2026_2(t *testing.T) {
	first, err := monitoring.BuiltInStandard("2026.1")
	if err != nil {
		t.Fatal(err)
	}
	next, err := monitoring.BuiltInStandard("2026.2")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range first.Questions {
		n, ok := next.Question(q.Key)
		if !ok {
			t.Fatalf("2026.2 has no question %s", q.Key)
		}
		var was, is []string
		for _, c := range q.Categories {
			was = append(was, c.Code)
		}
		for _, c := range n.Categories {
			if slices.Contains(was, c.Code) {
				is = append(is, c.Code)
			}
		}
		if !slices.Equal(was, is) {
			t.Errorf("%s: the answers of 2026.1 are %v in 2026.2", q.Key, is)
		}
	}
	for key, yes := range map[string]string{"disability": "disabled", "pregnancy-maternity": "pregnant-or-maternity"} {
		q, _ := next.Question(key)
		if c, ok := q.Category("yes-not-said"); !ok || c.Group != yes {
			t.Errorf("%s has no yes without a degree in %s: %+v", key, yes, c)
		}
	}
	oo, ok := next.Question("officer-observed-ethnicity")
	if !ok || !oo.Named || len(oo.Groups) != 0 || len(oo.Categories) != 4 {
		t.Fatalf("officer-observed ethnicity: %+v", oo)
	}
	themes, err := monitoring.BuiltInThemes()
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range themes {
		if err := th.Validate(next); err != nil {
			t.Errorf("%s under 2026.2: %v", th.ID, err)
		}
		keys := strings.Join(th.QuestionKeys(next), " ")
		switch {
		case th.ID == "stop-and-search" && keys != "age ethnicity officer-observed-ethnicity sex":
			t.Errorf("stop and search under 2026.2 asks %s", keys)
		case th.ID != "stop-and-search" && strings.Contains(keys, "officer-observed"):
			t.Errorf("%s asks officer-observed ethnicity", th.ID)
		}
		if th.ID == "stop-and-search" && strings.Join(th.QuestionKeys(first), " ") != "age ethnicity sex" {
			t.Errorf("stop and search under 2026.1 asks %v", th.QuestionKeys(first))
		}
	}
	if _, err := monitoring.BuiltInStandard("2090.1"); err == nil {
		t.Fatal("a standard the hub does not ship")
	}
}

// Under 2026.2, yes and no answers map to the standard's own yes and no, and
// the police's IC codes to officer-observed broad groups, beside the person's own answer.
func TestYesNoAndOfficerObservedEthnicity(t *testing.T) {
	std, err := monitoring.BuiltInStandard("2026.2")
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	th := themes[slices.IndexFunc(themes, func(t monitoring.Theme) bool { return t.ID == "stop-and-search" })]
	l, err := monitoring.NewLayout(std, th)
	if err != nil {
		t.Fatal(err)
	}
	m := monitoring.Mapping{OrgID: "police", Version: 3, Standard: "2026.2",
		Columns: map[string]string{"officer-observed-ethnicity": "ODE", "ethnicity": "SDE"},
		Codes: map[string]map[string]string{
			"officer-observed-ethnicity": {"IC1": "white", "IC2": "white", "IC3": "black", "IC4": "asian", "IC5": "asian", "IC6": "other", "IC9": monitoring.NotKnown},
			"ethnicity":                  {"W1": "white-british", "NS": monitoring.NotKnown},
		}}
	if err := m.Validate(std); err != nil {
		t.Fatal(err)
	}
	a, err := aggregateFor(t, l, m, "age,SDE,ODE,sex,arrested\n25-34,W1,IC1,male,N\n25-34,NS,IC3,male,Y\n25-34,NS,IC5,female,N\n25-34,W1,IC0,male,N\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 3 || rejected != 1 || !strings.Contains(problemsOf(a), `row 5, column ODE: "IC0" is not a code in your mapping`) {
		t.Fatalf("counted %d, rejected %d: %s", counted, rejected, problemsOf(a))
	}
	got := map[string]int64{}
	for _, c := range l.Cells(a.Counts()) {
		if c.Question == "officer-observed-ethnicity" && c.Measure == "searched" && c.Count > 0 {
			got[c.Category] = c.Count
		}
	}
	if len(got) != 3 || got["white"] != 1 || got["black"] != 1 || got["asian"] != 1 {
		t.Fatalf("officer-observed: %v", got)
	}

	// A staff system that keeps disability and pregnancy as yes or no.
	ws := themes[slices.IndexFunc(themes, func(t monitoring.Theme) bool { return t.ID == "workforce-strength" })]
	l, err = monitoring.NewLayout(std, ws)
	if err != nil {
		t.Fatal(err)
	}
	m = monitoring.Mapping{OrgID: "county", Version: 2, Standard: "2026.2", Codes: map[string]map[string]string{
		"disability": {"Y": "yes-not-said", "N": "no"}, "pregnancy-maternity": {"Y": "yes-not-said", "N": "neither"}}}
	if err := m.Validate(std); err != nil {
		t.Fatal(err)
	}
	row := ",same,married,white-british,no-religion,female,straight-or-heterosexual"
	a, err = aggregateFor(t, l, m, "age,disability,pregnancy-maternity,gender-identity,marital-status,ethnicity,religion,sex,sexual-orientation\n"+
		"25-34,Y,N"+row+"\n25-34,N,Y"+row+"\n25-34,N,N"+row+"\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]int64{}
	for _, c := range l.Cells(a.Counts()) {
		if (c.Question == "disability" || c.Question == "pregnancy-maternity") && c.Measure == "staff" && c.Count > 0 {
			got[c.Question+":"+c.Category] = c.Count
		}
	}
	if got["disability:yes-not-said"] != 1 || got["disability:no"] != 2 || got["pregnancy-maternity:yes-not-said"] != 1 || got["pregnancy-maternity:neither"] != 2 {
		t.Fatalf("yes and no: %v\n%s", got, problemsOf(a))
	}
}
