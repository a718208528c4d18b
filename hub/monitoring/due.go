package monitoring

import (
	"cmp"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Grace is how long after a period ends its return is due: a return for a
// quarter or a year is due one month after the period's last day.
const Grace = "one month"

// DueDate returns the last day a return for the period may be sent on time:
// one month after the period's last day (a year ending 31 March is due by
// 30 April, a quarter ending 30 June by 31 July).
func DueDate(p Period) time.Time {
	return p.End().AddDate(0, 1, 0).AddDate(0, 0, -1)
}

// DueReturn is a return an organisation owes: a theme it collects and a
// period that has ended without its return.
type DueReturn struct {
	Theme  Theme
	Period Period
	Due    time.Time // the last day it is on time (see DueDate)
}

// Overdue says whether the return is late on now.
func (d DueReturn) Overdue(now time.Time) bool { return now.After(d.Due.AddDate(0, 0, 1)) }

// WaitingFor returns the returns the principal's organisation owes, when the
// principal may upload them. The rule: an organisation collects a theme once
// it has sent a return for it; from its first period on, every period of the
// theme's frequency (quarterly or yearly) that has ended at now and has no
// return from the organisation is owed, due one month after the period
// ends. Soonest due first.
func (s *Service) WaitingFor(actor hub.Principal, now time.Time) ([]DueReturn, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	switch err := hub.Authorize(s.auth, actor, PermReturnsUpload, actor.OrgID); {
	case hub.IsCode(err, hub.CodeInternal):
		return nil, err
	case err != nil:
		return nil, nil
	}
	s.mu.RLock()
	first := map[string]Period{} // the organisation's first period of each theme
	sent := map[slot]bool{}
	for k, id := range s.current {
		if k.org != actor.OrgID || s.returns[id].Damaged != "" {
			continue
		}
		sent[k] = true
		if f, ok := first[k.theme]; !ok || k.period.Start().Before(f.Start()) {
			first[k.theme] = k.period
		}
	}
	themes := slices.Clone(s.themes)
	s.mu.RUnlock()
	var out []DueReturn
	for _, t := range themes {
		f, ok := first[t.ID]
		if !ok {
			continue
		}
		// Walk the theme's periods from the first returned to the last ended.
		for p := PeriodOf(f.Start(), t.Frequency); !p.End().After(now); p = PeriodOf(p.End(), t.Frequency) {
			if !sent[slot{actor.OrgID, t.ID, p}] {
				out = append(out, DueReturn{Theme: t, Period: p, Due: DueDate(p)})
			}
		}
	}
	slices.SortFunc(out, func(a, b DueReturn) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Theme.ID, b.Theme.ID))
	})
	return out, nil
}
