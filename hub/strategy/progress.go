package strategy

import (
	"math"
	"slices"
)

// Values gives the actual value of an indicator for a period, from the hub's
// returns. The caller supplies it; ok is false when there is no value.
type Values interface {
	Value(ref IndicatorRef, period string) (float64, bool)
}

// ProgressStatus says how a measure is doing against its trajectory.
type ProgressStatus string

// The progress statuses of a measure.
const (
	ProgressOnTrack  ProgressStatus = "on-track"
	ProgressAtRisk   ProgressStatus = "at-risk"
	ProgressOffTrack ProgressStatus = "off-track"
	ProgressNoData   ProgressStatus = "no-data"
	// ProgressNotShown is a measure of data the reader may not see.
	ProgressNotShown ProgressStatus = "not-shown"
)

// AtRiskShare is how far short of the trajectory a measure may fall, as a
// share of the distance from the baseline to the trajectory, and still be at
// risk rather than off track.
const AtRiskShare = 0.25

// Point is the value of a measure in one period.
type Point struct {
	Period string
	Value  float64
}

// Progress is how a measure stands, computed from the data.
type Progress struct {
	Latest       float64
	LatestPeriod string
	Expected     float64 // where a straight line from baseline to target stands at the latest period
	Status       ProgressStatus
	Points       []Point
}

// Expected returns where a straight line from the baseline to the target
// stands at a period, held at the baseline before it and at the target after.
func (m Measure) Expected(period string) (float64, bool) {
	b, err1 := Ordinal(m.BaselinePeriod)
	t, err2 := Ordinal(m.TargetPeriod)
	p, err3 := Ordinal(period)
	if err1 != nil || err2 != nil || err3 != nil || t <= b {
		return 0, false
	}
	f := min(max((p-b)/(t-b), 0), 1)
	return m.Baseline + f*(m.Target-m.Baseline), true
}

// Progress computes how the measure stands from the values of the periods
// given (in ascending order): the latest value against the trajectory from
// baseline to target. It is on track when the latest value is at or beyond
// the trajectory (by the measure's direction), at risk when it falls short of
// the trajectory by no more than AtRiskShare of the distance from the
// baseline to the trajectory, and off track otherwise.
func (m Measure) Progress(v Values, periods []string) Progress {
	pr := Progress{Status: ProgressNoData}
	if v == nil {
		return pr
	}
	for _, period := range periods {
		if x, ok := v.Value(m.Indicator, period); ok && !math.IsNaN(x) {
			pr.Points = append(pr.Points, Point{Period: period, Value: x})
		}
	}
	if len(pr.Points) == 0 {
		return pr
	}
	last := pr.Points[len(pr.Points)-1]
	pr.Latest, pr.LatestPeriod = last.Value, last.Period
	expected, ok := m.Expected(last.Period)
	if !ok {
		return pr
	}
	pr.Expected = expected
	sign := 1.0
	if m.Direction == Down {
		sign = -1
	}
	const eps = 1e-9
	shortfall := (expected - pr.Latest) * sign
	distance := math.Abs(expected - m.Baseline)
	switch {
	case shortfall <= eps:
		pr.Status = ProgressOnTrack
	case shortfall <= AtRiskShare*distance+eps:
		pr.Status = ProgressAtRisk
	default:
		pr.Status = ProgressOffTrack
	}
	return pr
}

// Periods returns the periods whose values a report for a quarter reads for
// a measure, in ascending order: each financial year from the baseline's to
// the quarter's when the measure is set in years (the quarter's year gives the
// value so far), or each quarter from the baseline to the report's quarter
// when it is set in quarters.
func (m Measure) Periods(quarter string) []string {
	by, bq, err1 := parsePeriod(m.BaselinePeriod)
	qy, qq, err2 := parsePeriod(quarter)
	if err1 != nil || err2 != nil || qq == 0 {
		return nil
	}
	var out []string
	if bq == 0 {
		for y := by; y <= qy; y++ {
			out = append(out, FinancialYear(y))
		}
		return out
	}
	for y, q := by, bq; y < qy || (y == qy && q <= qq); {
		out = append(out, FinancialYear(y)+"-Q"+string(rune('0'+q)))
		if q++; q > 4 {
			y, q = y+1, 1
		}
	}
	return slices.Clip(out)
}
