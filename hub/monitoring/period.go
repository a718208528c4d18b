package monitoring

import (
	"fmt"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Start returns the first day of the period: 1 April of its financial year,
// or the first day of its quarter (Q1 April, Q2 July, Q3 October, Q4 January).
func (p Period) Start() time.Time {
	start := time.Date(p.Year(), time.April, 1, 0, 0, 0, 0, time.UTC)
	if len(p) == len("2025-26-Q1") {
		q := int(p[len(p)-1] - '0')
		start = start.AddDate(0, 3*(q-1), 0)
	}
	return start
}

// CurrentPeriod returns the period under way at now, yearly or quarterly.
func CurrentPeriod(now time.Time, f Frequency) Period {
	now = now.UTC()
	year, month := now.Year(), int(now.Month())
	if month < 4 {
		year--
	}
	p := Period(fmt.Sprintf("%d-%02d", year, (year+1)%100))
	if f == Quarterly {
		q := (month-4+12)%12/3 + 1
		p = Period(fmt.Sprintf("%s-Q%d", p, q))
	}
	return p
}

// CheckStarted refuses a period that has not begun at now: a return counts
// what happened, so it can be for the current period or an earlier one,
// never a later one.
func CheckStarted(p Period, f Frequency, now time.Time) error {
	if !p.Start().After(now) {
		return nil
	}
	return hub.Invalid("The period has not begun", []hub.Problem{{Field: "period", Message: fmt.Sprintf(
		"%s has not begun (it starts on %s): a return can be for the current period, %s, or an earlier one", p, p.Start().Format("2 January 2006"), CurrentPeriod(now, f))}})
}
