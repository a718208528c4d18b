package picture

import (
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/strategy"
)

// Values reads the strategy's measures from the returns the hub holds: the
// share (per 100) or count of a measure for one broad group, for one
// organisation or, with no organisation, every organisation together. A year
// of a quarterly theme adds up its quarters.
func (s *Service) Values() strategy.Values { return values{s} }

type values struct{ s *Service }

func (v values) Value(ref strategy.IndicatorRef, period string) (float64, bool) {
	theme, ok := v.s.mon.Theme(ref.Theme)
	if !ok {
		return 0, false
	}
	periods := []monitoring.Period{monitoring.Period(period)}
	if theme.Frequency == monitoring.Quarterly && len(period) == 7 {
		periods = nil
		for _, q := range []string{"-Q1", "-Q2", "-Q3", "-Q4"} {
			periods = append(periods, monitoring.Period(period+q))
		}
	}
	var orgs []string
	if ref.OrgID != "" {
		orgs = []string{ref.OrgID}
	} else {
		for _, o := range v.s.dir.Organisations() {
			orgs = append(orgs, o.ID)
		}
	}
	var num, den int64
	found := false
	for _, org := range orgs {
		for _, p := range periods {
			r, ok := v.s.mon.Latest(org, theme.ID, p)
			if !ok {
				continue
			}
			l, err := v.s.mon.Layout(theme.ID, r.Standard)
			if err != nil {
				continue
			}
			n, d, ok := groupCounts(l, r.Counts, ref)
			if ok {
				num, den, found = num+n, den+d, true
			}
		}
	}
	switch {
	case !found:
		return 0, false
	case ref.Kind == strategy.KindCount:
		return float64(num), true
	case den == 0:
		return 0, false
	}
	return 100 * float64(num) / float64(den), true
}

// groupCounts sums one measure, and the measure it is a part of, over a broad group's answers.
func groupCounts(l *monitoring.Layout, counts []int64, ref strategy.IndicatorRef) (num, den int64, ok bool) {
	mi, wi := -1, -1
	for i, m := range l.Theme.Measures {
		if m.ID == ref.Measure {
			mi = i
		}
	}
	if mi < 0 {
		return 0, 0, false
	}
	for i, m := range l.Theme.Measures {
		if m.ID == l.Theme.Measures[mi].Of {
			wi = i
		}
	}
	for qi, q := range l.Questions {
		if q.Key != ref.Question {
			continue
		}
		for ai, a := range q.Answers() {
			in := ref.Group == "" || a.Group == ref.Group || a.Code == ref.Group
			if in {
				num += counts[l.Index(qi, ai, mi)]
			}
			switch {
			case wi >= 0 && in:
				den += counts[l.Index(qi, ai, wi)]
			case wi < 0:
				// A measure that is no part of another is shared out among every answer.
				den += counts[l.Index(qi, ai, mi)]
			}
		}
		return num, den, true
	}
	return 0, 0, false
}
