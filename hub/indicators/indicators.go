// Package indicators computes the hub's equality indicators from anonymised
// counts: proportions (satisfaction, sanction detection, repeat
// victimisation), rates per population (stop and search, arrests),
// disproportionality ratios against a reference group, the gap between two
// proportions (the White vs BME satisfaction gap) and workforce
// representation against the local population, each with a 95% confidence
// interval.
//
// Every function is pure and never panics. When an indicator cannot be
// computed (no one in a group, a negative count, more successes than
// people) the result has OK false and a Reason in words; every float field
// of a Value is always finite, so a Value can be stored and encoded as JSON
// as it is.
package indicators

import "math"

// z is the 97.5th percentile of the standard normal distribution, used for
// two-sided 95% intervals.
const z = 1.959963984540054

// Value is one computed indicator with its 95% confidence interval.
//
// When OK is false, Value, Low and High are zero, Significant is false and
// Reason says why the indicator cannot be computed. The float fields are
// never NaN or infinite.
type Value struct {
	Value, Low, High float64 // the estimate and its 95% interval
	OK               bool    // false when it cannot be computed (Reason says why)
	Reason           string  // why it cannot be computed, in words; "" when OK
	Significant      bool    // for comparisons: the interval excludes no difference (1 for ratios, 0 for gaps)
}

// Point is one period of an indicator's series, e.g. "2023/24".
type Point struct {
	Period string
	Value  Value
}

// Definitions of the indicators, in the words the pages show beside them.
const (
	// SatisfactionDefinition defines a satisfaction rate.
	SatisfactionDefinition = "Satisfaction rate: people in the group who said they were satisfied divided by people in the group who answered the question, as a percentage. \"Prefer not to say\" and \"not known\" are not counted in either."

	// SatisfactionGapDefinition defines the White vs BME satisfaction gap.
	SatisfactionGapDefinition = "Satisfaction gap: the satisfaction rate of White respondents minus the satisfaction rate of Black and minority ethnic (BME) respondents, in percentage points. A positive gap means BME respondents were less satisfied."

	// SanctionDetectionDefinition defines a sanction detection rate.
	SanctionDetectionDefinition = "Sanction detection rate: recorded crimes of the type (e.g. hate crime, domestic violence) in the period that resulted in a sanction detection (charge or summons, caution, or offence taken into consideration) divided by all recorded crimes of the type in the period, as a percentage."

	// RepeatVictimisationDefinition defines a repeat victimisation rate.
	RepeatVictimisationDefinition = "Repeat victimisation rate: victims in the period who had also been a victim of the same type of crime in the previous 12 months divided by all victims in the period, as a percentage."

	// StopSearchRateDefinition defines a stop and search rate.
	StopSearchRateDefinition = "Stop and search rate per 1,000 population: searches of people in the group in the period divided by the group's population, times 1,000. One person searched twice counts twice."

	// ArrestRateDefinition defines an arrest rate.
	ArrestRateDefinition = "Arrest rate per 1,000 population: arrests of people in the group in the period divided by the group's population, times 1,000. One person arrested twice counts twice."

	// StopSearchDisproportionalityDefinition defines a stop and search disproportionality ratio.
	StopSearchDisproportionalityDefinition = "Stop and search disproportionality: the stop and search rate per population of the group divided by the stop and search rate per population of the reference group (White people unless stated). 1 means the same rate; 2 means twice as likely to be searched."

	// ArrestDisproportionalityDefinition defines an arrest disproportionality ratio.
	ArrestDisproportionalityDefinition = "Arrest disproportionality: the arrest rate per population of the group divided by the arrest rate per population of the reference group (White people unless stated). 1 means the same rate; 2 means twice as likely to be arrested."

	// WorkforceRepresentationDefinition defines workforce representation.
	WorkforceRepresentationDefinition = "Workforce representation: the group's share of the organisation's staff (staff in the group divided by all staff whose answer is known) divided by the group's share of the local population (census). 1 means the workforce reflects the population; below 1 means the group is under-represented."
)

// How each interval is computed, in the words the pages show under a table.
const (
	// ProportionMethod describes the interval of Proportion.
	ProportionMethod = "95% confidence interval by the Wilson score method."

	// RateMethod describes the interval of RatePer.
	RateMethod = "95% confidence interval from the exact Poisson distribution of the count (Byar's approximation above 500 events); the population is taken as known."

	// RateRatioMethod describes the interval of RateRatio.
	RateRatioMethod = "95% confidence interval on the log scale (log-normal, standard error from the two Poisson counts). When a group has no events, 0.5 is added to each count for the interval only. Significant when the interval does not include 1."

	// ProportionGapMethod describes the interval of ProportionGap.
	ProportionGapMethod = "95% confidence interval by Newcombe's hybrid score method (method 10, from the two Wilson intervals). Significant when the interval does not include 0."

	// RepresentationMethod describes the interval of Representation.
	RepresentationMethod = "95% confidence interval for a ratio of two proportions on the log scale (Katz). When a count is zero, 0.5 is added to it and 1 to its total for the interval only. Significant when the interval does not include 1."
)

// notOK returns a Value that cannot be computed, for the reason given.
func notOK(reason string) Value {
	return Value{Reason: reason}
}

// finite reports whether every float field of v is finite.
func finite(v Value) bool {
	for _, f := range []float64{v.Value, v.Low, v.High} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

// done checks that v holds no NaN or infinity, turning it into a Value that
// cannot be computed when it does, so none ever leaks to callers.
func done(v Value) Value {
	if !finite(v) {
		return notOK("the numbers are too large or too small to compute this indicator")
	}
	return v
}

// checkShare validates a count of people out of a total of people: what
// names the counted people, group names the total, e.g. "satisfied
// respondents" and "respondents".
func checkShare(num, den int64, what, group string) string {
	switch {
	case num < 0:
		return "the number of " + what + " is negative"
	case den < 0:
		return "the number of " + group + " is negative"
	case den == 0:
		return "no " + group + " to count from"
	case num > den:
		return "the number of " + what + " is more than the number of " + group
	}
	return ""
}

// Proportion returns num/den with its Wilson score 95% interval.
//
// It is not OK when a count is negative, den is zero or num is more than
// den. Significant is always false.
func Proportion(num, den int64) Value {
	if r := checkShare(num, den, "people counted", "people in the group"); r != "" {
		return notOK(r)
	}
	p, lo, hi := wilson(num, den)
	return done(Value{Value: p, Low: lo, High: hi, OK: true})
}

// wilson returns the proportion x/n and its Wilson score interval; n > 0 and
// 0 <= x <= n.
func wilson(x, n int64) (p, lo, hi float64) {
	nf := float64(n)
	p = float64(x) / nf
	z2 := z * z
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = centre-half, centre+half
	// The exact bounds at x = 0 and x = n are 0 and 1; pin them against
	// rounding.
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	return p, clamp(lo, 0, 1), clamp(hi, 0, 1)
}

// clamp limits f to [lo, hi].
func clamp(f, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, f))
}

// RatePer returns num/den times per (e.g. per = 1000 for a rate per 1,000
// population) with a 95% interval from the Poisson distribution of num: exact
// for up to 500 events, Byar's approximation above. The population den is
// taken as known without error.
//
// num counts events, not people, so it may be more than den (one person
// searched several times). It is not OK when a count is negative, den is
// zero, or per is not a positive finite number. Significant is always false.
func RatePer(num, den int64, per float64) Value {
	switch {
	case num < 0:
		return notOK("the number of events is negative")
	case den < 0:
		return notOK("the population is negative")
	case den == 0:
		return notOK("no one in the population of the group")
	case !(per > 0) || math.IsInf(per, 0):
		return notOK("the rate must be per a positive number of people, e.g. per 1,000")
	}
	lo, hi := poissonCI(num)
	scale := per / float64(den)
	return done(Value{Value: float64(num) * scale, Low: lo * scale, High: hi * scale, OK: true})
}

// exactPoissonLimit is the largest count for which poissonCI sums the
// Poisson distribution; above it Byar's approximation is within a small
// fraction of a percent of the exact limits.
const exactPoissonLimit = 500

// poissonCI returns the 95% interval for the mean of a Poisson count x >= 0.
func poissonCI(x int64) (lo, hi float64) {
	if x > exactPoissonLimit {
		return byar(x)
	}
	k := int(x)
	// The upper limit is the mean at which P(X <= x) = 2.5%; the lower, for
	// x > 0, the mean at which P(X >= x) = 2.5%, i.e. P(X <= x-1) = 97.5%.
	// P(X <= k) falls as the mean rises, so both are found by bisection.
	blo, bhi := byar(x)
	hi = bisect(func(mu float64) float64 { return poissonCDF(k, mu) - 0.025 }, blo, 2*bhi+10)
	if k == 0 {
		return 0, hi
	}
	lo = bisect(func(mu float64) float64 { return poissonCDF(k-1, mu) - 0.975 }, 0, bhi+10)
	return lo, hi
}

// byar returns Byar's approximation to the 95% Poisson interval for x >= 0.
func byar(x int64) (lo, hi float64) {
	xf := float64(x)
	if x > 0 {
		lo = xf * math.Pow(1-1/(9*xf)-z/(3*math.Sqrt(xf)), 3)
	}
	x1 := xf + 1
	hi = x1 * math.Pow(1-1/(9*x1)+z/(3*math.Sqrt(x1)), 3)
	return math.Max(lo, 0), hi
}

// poissonCDF returns P(X <= k) for X Poisson with mean mu > 0.
func poissonCDF(k int, mu float64) float64 {
	sum := 0.0
	logMu := math.Log(mu)
	for j := 0; j <= k; j++ {
		lg, _ := math.Lgamma(float64(j + 1))
		sum += math.Exp(-mu + float64(j)*logMu - lg)
	}
	return sum
}

// bisect finds the root of f, decreasing in mu, between lo and hi (where
// f(lo) >= 0 >= f(hi)).
func bisect(f func(float64) float64, lo, hi float64) float64 {
	for i := 0; i < 200 && hi-lo > 1e-12*math.Max(1, hi); i++ {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// RateRatio returns the rate of group A (numA events in a population of
// denA) divided by the rate of the reference group B (numB in denB): the
// disproportionality ratio, e.g. the stop and search rate of Black people
// relative to White people. The 95% interval is log-normal with the standard
// error of the log ratio sqrt(1/numA + 1/numB), treating the counts as
// Poisson and the populations as known (Katz's log interval without its
// finite-population terms, which are negligible against a population).
//
// Zero counts: when group B has no events the ratio is not defined and the
// Value is not OK. When group A has no events the ratio is 0, Low is 0 and
// High comes from adding 0.5 to both counts (for the interval only).
//
// As with RatePer, an event count may be more than its population. It is
// not OK when a count is negative or a population is zero. Significant is
// true when the interval excludes 1.
func RateRatio(numA, denA, numB, denB int64) Value {
	switch {
	case numA < 0 || numB < 0:
		return notOK("a number of events is negative")
	case denA < 0 || denB < 0:
		return notOK("a population is negative")
	case denB == 0:
		return notOK("no one in the population of the reference group")
	case denA == 0:
		return notOK("no one in the population of the group")
	case numB == 0:
		return notOK("no events in the reference group, so there is no rate to compare with")
	}
	a, b := float64(numA), float64(numB)
	da, db := float64(denA), float64(denB)
	rr := (a / da) / (b / db)
	ca, cb := a, b
	if numA == 0 {
		ca, cb = a+0.5, b+0.5
	}
	centre := math.Log((ca / da) / (cb / db))
	se := math.Sqrt(1/ca + 1/cb)
	v := Value{Value: rr, Low: math.Exp(centre - z*se), High: math.Exp(centre + z*se), OK: true}
	if numA == 0 {
		v.Low = 0
	}
	return done(ratioSignificance(v))
}

// ratioSignificance sets Significant on a ratio whose interval excludes 1.
func ratioSignificance(v Value) Value {
	v.Significant = v.Low > 1 || v.High < 1
	return v
}

// ProportionGap returns numA/denA minus numB/denB (e.g. the share of White
// respondents satisfied minus the share of BME respondents satisfied) with
// Newcombe's hybrid score 95% interval (method 10 of Newcombe 1998, built
// from the two Wilson intervals), which stays within [-1, 1] and behaves at
// zero counts.
//
// It is not OK when a count is negative, a group has no one in it, or a
// count is more than its group. Significant is true when the interval
// excludes 0.
func ProportionGap(numA, denA, numB, denB int64) Value {
	if r := checkShare(numA, denA, "people counted in the group", "people in the group"); r != "" {
		return notOK(r)
	}
	if r := checkShare(numB, denB, "people counted in the reference group", "people in the reference group"); r != "" {
		return notOK(r)
	}
	p1, l1, u1 := wilson(numA, denA)
	p2, l2, u2 := wilson(numB, denB)
	d := p1 - p2
	lo := d - math.Sqrt((p1-l1)*(p1-l1)+(u2-p2)*(u2-p2))
	hi := d + math.Sqrt((u1-p1)*(u1-p1)+(p2-l2)*(p2-l2))
	v := Value{Value: d, Low: clamp(lo, -1, 1), High: clamp(hi, -1, 1), OK: true}
	v.Significant = v.Low > 0 || v.High < 0
	return done(v)
}

// Representation returns the group's share of the workforce
// (staffInGroup/staffTotal) divided by its share of the population
// (popInGroup/popTotal), with Katz's log 95% interval for a ratio of two
// independent proportions: the standard error of the log ratio is
// sqrt(1/staffInGroup - 1/staffTotal + 1/popInGroup - 1/popTotal).
//
// Zero counts: when the group has no one in the population the ratio is not
// defined and the Value is not OK. When the group has no staff the ratio is
// 0, Low is 0 and High comes from adding 0.5 to each group count and 1 to
// each total (for the interval only).
//
// It is not OK when a count is negative, a total is zero or a group count
// is more than its total. Significant is true when the interval excludes 1.
func Representation(staffInGroup, staffTotal, popInGroup, popTotal int64) Value {
	if r := checkShare(staffInGroup, staffTotal, "staff in the group", "staff"); r != "" {
		return notOK(r)
	}
	if r := checkShare(popInGroup, popTotal, "people of the group in the population", "people in the population"); r != "" {
		return notOK(r)
	}
	if popInGroup == 0 {
		return notOK("no one of the group in the population, so there is no share to compare with")
	}
	s, st := float64(staffInGroup), float64(staffTotal)
	p, pt := float64(popInGroup), float64(popTotal)
	ratio := (s / st) / (p / pt)
	if staffInGroup == 0 {
		s, st, p, pt = s+0.5, st+1, p+0.5, pt+1
	}
	centre := math.Log((s / st) / (p / pt))
	// Each term 1/x - 1/n is >= 0 since x <= n; max guards rounding.
	se := math.Sqrt(math.Max(0, 1/s-1/st) + math.Max(0, 1/p-1/pt))
	v := Value{Value: ratio, Low: math.Exp(centre - z*se), High: math.Exp(centre + z*se), OK: true}
	if staffInGroup == 0 {
		v.Low = 0
	}
	return done(ratioSignificance(v))
}

// Trend returns the least-squares slope of the points' values against their
// position in the series (0, 1, 2, …): the change per period, for "improving"
// or "worsening" text. Points that are not OK are skipped but keep their
// position. ok is false when fewer than two points are OK.
//
// Whether a rising slope is improving depends on the indicator (a rising
// satisfaction rate improves; a rising gap worsens); the caller says which.
func Trend(points []Point) (slope float64, ok bool) {
	var n, sx, sy float64
	for i, p := range points {
		if !p.Value.OK {
			continue
		}
		n++
		sx += float64(i)
		sy += p.Value.Value
	}
	if n < 2 {
		return 0, false
	}
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for i, p := range points {
		if !p.Value.OK {
			continue
		}
		dx := float64(i) - mx
		sxx += dx * dx
		sxy += dx * (p.Value.Value - my)
	}
	if sxx == 0 {
		return 0, false
	}
	slope = sxy / sxx
	if math.IsNaN(slope) || math.IsInf(slope, 0) {
		return 0, false
	}
	return slope, true
}
