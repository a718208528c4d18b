package figures

import (
	"slices"
	"testing"

	"github.com/partnership/equalityhub/hub/monitoring"
)

// A return made under an earlier version of the standard whose answers to
// a question differ is held apart for that question only: it counts as no
// return there, is shown for the other questions, and what is shown still
// gives no small count away.
func TestAReturnHeldApartForOneQuestion(t *testing.T) {
	sizes := []int{12, 40, 150}
	th, l, sn := synthetic(t, "customer-satisfaction", len(sizes), func(p int) int { return sizes[p] })
	l.Questions = []monitoring.Question{l.Questions[slices.IndexFunc(l.Questions, func(q monitoring.Question) bool { return q.Key == "ethnicity" })],
		l.Questions[slices.IndexFunc(l.Questions, func(q monitoring.Question) bool { return q.Key == "sex" })]}
	// Partner 1's first quarter was made under a version with other answers
	// about sex: laid out under the current version, it has no counts there.
	r := *sn.returns[1][0]
	r.Counts = slices.Clone(r.Counts)
	for ai := range l.Questions[1].Answers() {
		for mi := range th.Measures {
			r.Counts[l.Index(1, ai, mi)] = 0
		}
	}
	sn.returns[1][0] = &r
	sn.apart = map[apartKey]bool{{question: "sex", partner: 1, period: 0}: true}
	p, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case p.holds(1, 0, "sex") || !p.heldApart(1, 0, "sex"):
		t.Fatal("the return is not held apart for the question whose answers differ")
	case !p.holds(1, 0, "ethnicity") || p.heldApart(1, 0, "ethnicity"):
		t.Fatal("the return is held apart for a question whose answers are the same")
	case !p.holds(1, Year, "sex") || !p.holds(0, 0, "sex"):
		t.Fatal("the partner's other quarters, or another partner's, are held apart too")
	}
	for _, f := range auditPattern(t, p) {
		t.Errorf("%s can narrow %+v to %.2f..%.2f (with labels: %v)", f.attacker, f.cell, f.low, f.hi, f.aware)
	}
}
