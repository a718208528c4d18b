package figures

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// mustLayout returns a built-in theme and its layout under the first standard.
func mustLayout(tb testing.TB, themeID string) (monitoring.Theme, *monitoring.Layout) {
	tb.Helper()
	std, err := monitoring.FirstStandard()
	if err != nil {
		tb.Fatal(err)
	}
	themes, err := monitoring.BuiltInThemes()
	if err != nil {
		tb.Fatal(err)
	}
	i := slices.IndexFunc(themes, func(x monitoring.Theme) bool { return x.ID == themeID })
	if i < 0 {
		tb.Fatalf("no theme %q", themeID)
	}
	l, err := monitoring.NewLayout(std, themes[i])
	if err != nil {
		tb.Fatal(err)
	}
	return themes[i], l
}

// synthetic makes a snapshot of n partners' returns of a theme for a year,
// of sizes from small to large.
func synthetic(tb testing.TB, themeID string, n int, rows func(p int) int) (monitoring.Theme, *monitoring.Layout, snapshot) {
	tb.Helper()
	t, l := mustLayout(tb, themeID)
	year := monitoring.Period("2024-25")
	sn := snapshot{key: "test"}
	for p := range n {
		org := fmt.Sprintf("org-%d", p)
		sn.partners = append(sn.partners, org)
		var row []*monitoring.Return
		for k, per := range periodsOf(t, year) {
			var buf bytes.Buffer
			m := monitoring.Mapping{}
			if err := demo.WriteExtract(&buf, l, m, demo.ExtractOptions{Rows: rows(p), Seed: uint64(100*p + k)}); err != nil {
				tb.Fatal(err)
			}
			agg, err := monitoring.Aggregate(monitoring.NewCSVRows(&buf, 1<<30), l, m)
			if err != nil {
				tb.Fatal(err)
			}
			r := monitoring.Return{ID: fmt.Sprintf("%s-%s", org, per), Content: monitoring.Content{OrgID: org, Theme: t.ID, Period: per, Standard: l.Standard.Version, Counts: agg.Counts()}}
			row = append(row, &r)
		}
		sn.returns = append(sn.returns, row)
	}
	return t, l, sn
}

// TestPatternIsOnceForEveryone builds the pattern twice from the same
// returns, as a restart or a second hub process would, and checks that it
// is the same cell for cell, so that colleagues, restarts and processes
// cannot combine views into more than one pattern allows; and that no
// count from 1 to 4 of a partner is ever shown.
func TestPatternIsOnceForEveryone(t *testing.T) {
	th, l, sn := synthetic(t, "customer-satisfaction", 4, func(p int) int { return 150 + 600*p })
	start := time.Now()
	a, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	b, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[disclosure.Status]int{}
	small := 0
	for k, c := range a.cells {
		counts[c.Status]++
		if c.Status.Suppressed() && a.raws[k] >= 1 && a.raws[k] < PartnerThreshold {
			small++
		}
		if b.cells[k] != c {
			t.Fatalf("%+v is %+v in one pattern and %+v in the other", k, c, b.cells[k])
		}
		if !c.Status.Suppressed() && c.Value > 0 && c.Value < PartnerThreshold {
			t.Fatalf("%+v shows %d", k, c.Value)
		}
		if c.Status.Suppressed() && c.Value != 0 {
			t.Fatalf("%+v is withheld but carries its count", k)
		}
	}
	if small == 0 || counts[disclosure.StatusReleased] == 0 {
		t.Fatalf("the test data has no small counts or nothing shown: %v", counts)
	}
	t.Logf("%d cells in %v: %v", len(a.cells), took, counts)
}

// TestYearWaitsForItsQuarters: a partner's year shown with three quarters,
// and again when the fourth comes in, would give the fourth quarter away
// by subtraction; so a year is shown only once its four quarters are in.
func TestYearWaitsForItsQuarters(t *testing.T) {
	th, l, sn := synthetic(t, "customer-satisfaction", 2, func(p int) int { return 400 })
	sn.returns[0][3] = nil // the first partner's fourth quarter is still to come
	p, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pi := range []int{0, AllPartners} {
		c, _ := p.cell(cellKey{"sex", 0, pi, Total, Year})
		if c.Text != disclosure.TextYearToCome && !(pi == AllPartners && c.Status.Suppressed()) {
			t.Errorf("partner %d's year before its last quarter: %+v", pi, c)
		}
	}
	if c, _ := p.cell(cellKey{"sex", 0, 1, Total, Year}); c.Status.Suppressed() {
		t.Errorf("a partner with its four quarters in has its year withheld: %+v", c)
	}
	if c, _ := p.cell(cellKey{"sex", 0, 0, Total, 0}); c.Status.Suppressed() {
		t.Errorf("a quarter's total is withheld: %+v", c)
	}
}

// TestCorrectionsAreNotSetAgainstEarlierCounts: a count shown before a
// correction and again after it, differing by a few people, would give
// those few away; the later pattern withholds it.
func TestCorrectionsAreNotSetAgainstEarlierCounts(t *testing.T) {
	th, l, sn := synthetic(t, "stop-and-search", 3, func(p int) int { return 300 + 300*p })
	first, err := build(th, l, "2024-25", sn, PartnerThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := cellKey{"ethnicity", 0, 1, GroupKey("white"), 0}
	c := first.cells[k]
	if c.Status.Suppressed() || c.Value < 10 {
		t.Fatalf("the test needs a shown count: %+v", c)
	}
	// Before the correction the same cell was shown with 3 people more.
	old := Release{Shown: map[string][]int64{first.releaseKey(k): {c.Value + 3}}}
	again, err := build(th, l, "2024-25", sn, PartnerThreshold, history(old, func(string) int64 { return PartnerThreshold }))
	if err != nil {
		t.Fatal(err)
	}
	if !again.cells[k].Status.Suppressed() {
		t.Errorf("a count 3 away from its earlier value is shown: %+v", again.cells[k])
	}
	// A difference of the threshold or more is no small count.
	old.Shown[first.releaseKey(k)] = []int64{c.Value + PartnerThreshold}
	if again, _ = build(th, l, "2024-25", sn, PartnerThreshold, history(old, func(string) int64 { return PartnerThreshold })); again.cells[k].Status.Suppressed() {
		t.Errorf("a count 5 away from its earlier value is withheld: %+v", again.cells[k])
	}
}
