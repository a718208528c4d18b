package indicators

import (
	"math"
	"strings"
	"testing"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// checkValue fails t unless v is OK with the estimate and interval given, to
// within tol.
func checkValue(t *testing.T, name string, v Value, value, low, high, tol float64) {
	t.Helper()
	if !v.OK {
		t.Fatalf("%s: not OK: %s", name, v.Reason)
	}
	if !near(v.Value, value, tol) || !near(v.Low, low, tol) || !near(v.High, high, tol) {
		t.Errorf("%s = %.6f [%.6f, %.6f], want %.6f [%.6f, %.6f]", name, v.Value, v.Low, v.High, value, low, high)
	}
}

// checkNotOK fails t unless v is not OK, with zero fields and a reason
// containing want.
func checkNotOK(t *testing.T, name string, v Value, want string) {
	t.Helper()
	if v.OK {
		t.Fatalf("%s: OK, want not OK (%q)", name, want)
	}
	if v.Value != 0 || v.Low != 0 || v.High != 0 || v.Significant {
		t.Errorf("%s: not OK but carries numbers: %+v", name, v)
	}
	if !strings.Contains(v.Reason, want) {
		t.Errorf("%s: reason %q, want it to contain %q", name, v.Reason, want)
	}
}

func TestProportionWilson(t *testing.T) {
	// 81/263: the Wilson example of Newcombe (1998) and of Wikipedia's
	// "Binomial proportion confidence interval": 0.3080 [0.2553, 0.3662].
	checkValue(t, "81/263", Proportion(81, 263), 0.30798, 0.2553, 0.3662, 5e-5)
	// 0/10 by the Wilson formula: upper = z²/n / (1+z²/n) = 3.8415/13.8415 = 0.2775.
	checkValue(t, "0/10", Proportion(0, 10), 0, 0, 0.27753, 5e-5)
	// 10/10 mirrors 0/10: lower = 1 - 0.2775.
	checkValue(t, "10/10", Proportion(10, 10), 1, 0.72247, 1, 5e-5)
	if v := Proportion(10, 10); v.High != 1 {
		t.Errorf("10/10 upper = %v, want exactly 1", v.High)
	}
	if v := Proportion(81, 263); v.Significant {
		t.Error("a single proportion is never Significant")
	}
}

func TestProportionInvalid(t *testing.T) {
	checkNotOK(t, "den 0", Proportion(0, 0), "no people")
	checkNotOK(t, "num > den", Proportion(5, 4), "more than")
	checkNotOK(t, "num < 0", Proportion(-1, 4), "negative")
	checkNotOK(t, "den < 0", Proportion(0, -4), "negative")
}

func TestRatePerPoisson(t *testing.T) {
	// Exact (Garwood) Poisson 95% limits from the standard tables, checked by
	// summing the Poisson distribution and bisecting (in Python):
	// 0 -> [0, 3.6889] (the upper is ln 40), 1 -> [0.0253, 5.5716],
	// 5 -> [1.6235, 11.6683], 10 -> [4.7954, 18.3904], 100 -> [81.364, 121.627].
	cases := []struct {
		x         int64
		low, high float64
	}{
		{0, 0, 3.688879},
		{1, 0.025318, 5.571643},
		{5, 1.623486, 11.668332},
		{10, 4.795389, 18.390356},
		{100, 81.363991, 121.626794},
	}
	for _, c := range cases {
		// Per 1,000 of a population of 1,000 leaves the limits as they are.
		checkValue(t, "rate", RatePer(c.x, 1000, 1000), float64(c.x), c.low, c.high, 1e-5)
	}
	// 10 searches in a population of 10,000: 1.0 per 1,000 [0.4795, 1.8390].
	checkValue(t, "10 per 10,000", RatePer(10, 10000, 1000), 1, 0.47954, 1.83904, 5e-6)
	// Above 500 events Byar's approximation is used. Exact limits for 500
	// (summed in Python) are [457.1286, 545.8093]; Byar gives
	// [457.1278, 545.8099], so they agree to 0.001 events at the switch.
	checkValue(t, "exact 500", RatePer(500, 1000, 1000), 500, 457.12858, 545.80927, 1e-4)
	checkValue(t, "Byar 501", RatePer(501, 1000, 1000), 501, 458.08401, 546.85364, 1e-4)
	// Events may outnumber a small population: 30 searches of 20 people.
	if v := RatePer(30, 20, 1000); !v.OK || v.Value != 1500 {
		t.Errorf("30 per 20 = %+v, want OK 1500 per 1,000", v)
	}
}

func TestRatePerInvalid(t *testing.T) {
	checkNotOK(t, "den 0", RatePer(3, 0, 1000), "no one")
	checkNotOK(t, "num < 0", RatePer(-3, 10, 1000), "negative")
	checkNotOK(t, "den < 0", RatePer(3, -10, 1000), "negative")
	checkNotOK(t, "per 0", RatePer(3, 10, 0), "positive")
	checkNotOK(t, "per NaN", RatePer(3, 10, math.NaN()), "positive")
	checkNotOK(t, "per Inf", RatePer(3, 10, math.Inf(1)), "positive")
}

func TestRateRatio(t *testing.T) {
	// 30 in 1,000 against 100 in 10,000: ratio 3; se of the log ratio
	// sqrt(1/30 + 1/100) = 0.20817; 3·exp(∓1.96·0.20817) = [1.9949, 4.5114].
	v := RateRatio(30, 1000, 100, 10000)
	checkValue(t, "3x", v, 3, 1.99494, 4.51142, 5e-5)
	if !v.Significant {
		t.Error("3x: interval excludes 1, want Significant")
	}
	// Equal rates: ratio 1, not significant.
	v = RateRatio(10, 1000, 20, 2000)
	if !v.OK || !near(v.Value, 1, 1e-12) || v.Significant || v.Low >= 1 || v.High <= 1 {
		t.Errorf("equal rates = %+v, want 1 and not Significant", v)
	}
	// Significantly lower: 10 in 10,000 against 100 in 10,000 = 0.1.
	v = RateRatio(10, 10000, 100, 10000)
	if !v.OK || !near(v.Value, 0.1, 1e-12) || !v.Significant || v.High >= 1 {
		t.Errorf("0.1x = %+v, want Significant below 1", v)
	}
	// No events in group A: ratio 0, Low 0, High from 0.5 added to both
	// counts: (0.5/10.5)·exp(1.96·sqrt(1/0.5 + 1/10.5)) = 0.8126.
	v = RateRatio(0, 1000, 10, 1000)
	checkValue(t, "zero in A", v, 0, 0, 0.81262, 5e-5)
	if !v.Significant {
		t.Error("zero in A: High < 1, want Significant")
	}
}

func TestRateRatioInvalid(t *testing.T) {
	checkNotOK(t, "no events in B", RateRatio(5, 100, 0, 100), "no events in the reference group")
	checkNotOK(t, "no events at all", RateRatio(0, 100, 0, 100), "no events in the reference group")
	checkNotOK(t, "no population B", RateRatio(5, 100, 5, 0), "no one in the population of the reference group")
	checkNotOK(t, "no population A", RateRatio(5, 0, 5, 100), "no one in the population of the group")
	checkNotOK(t, "negative", RateRatio(-5, 100, 5, 100), "negative")
	checkNotOK(t, "negative pop", RateRatio(5, 100, 5, -100), "negative")
}

func TestProportionGapNewcombe(t *testing.T) {
	// Newcombe (1998), "Interval estimation for the difference between
	// independent proportions", Statistics in Medicine 17:873-890, example
	// (a): 56/70 - 48/80 = 0.2000, method 10 interval [0.0524, 0.3339].
	v := ProportionGap(56, 70, 48, 80)
	checkValue(t, "56/70 - 48/80", v, 0.2, 0.0524, 0.3339, 5e-5)
	if !v.Significant {
		t.Error("56/70 - 48/80: interval excludes 0, want Significant")
	}
	// The reverse order negates the difference and swaps the limits.
	v = ProportionGap(48, 80, 56, 70)
	checkValue(t, "48/80 - 56/70", v, -0.2, -0.3339, -0.0524, 5e-5)
	if !v.Significant {
		t.Error("reversed: want Significant")
	}
	// 9/10 - 3/10 from the Wilson intervals [0.5958, 0.9821] and
	// [0.1078, 0.6032] (computed by the formula): 0.6 [0.1705, 0.8090].
	checkValue(t, "9/10 - 3/10", ProportionGap(9, 10, 3, 10), 0.6, 0.17052, 0.80902, 5e-5)
	// Equal shares: gap 0, not significant.
	if v := ProportionGap(40, 50, 80, 100); !v.OK || !near(v.Value, 0, 1e-12) || v.Significant {
		t.Errorf("equal shares = %+v, want 0 and not Significant", v)
	}
	// All and none: the interval stays within [-1, 1].
	v = ProportionGap(10, 10, 0, 10)
	if !v.OK || v.Value != 1 || v.High > 1 || v.Low < -1 || !v.Significant {
		t.Errorf("10/10 - 0/10 = %+v", v)
	}
}

func TestProportionGapInvalid(t *testing.T) {
	checkNotOK(t, "no one in A", ProportionGap(0, 0, 3, 10), "no people in the group")
	checkNotOK(t, "no one in B", ProportionGap(3, 10, 0, 0), "no people in the reference group")
	checkNotOK(t, "num > den", ProportionGap(11, 10, 3, 10), "more than")
	checkNotOK(t, "negative", ProportionGap(3, 10, -3, 10), "negative")
}

func TestRepresentation(t *testing.T) {
	// 20 of 400 staff (5%) against 10,000 of 100,000 people (10%): 0.5;
	// Katz se = sqrt(1/20 - 1/400 + 1/10000 - 1/100000) = 0.21815;
	// 0.5·exp(∓1.96·0.21815) = [0.3260, 0.7668].
	v := Representation(20, 400, 10000, 100000)
	checkValue(t, "under-represented", v, 0.5, 0.32605, 0.76676, 5e-5)
	if !v.Significant {
		t.Error("under-represented: want Significant")
	}
	// Share equal to the population's: 1, not significant.
	v = Representation(40, 400, 10000, 100000)
	if !v.OK || !near(v.Value, 1, 1e-12) || v.Significant {
		t.Errorf("proportionate = %+v, want 1 and not Significant", v)
	}
	// No staff in the group: 0, Low 0, a finite High.
	v = Representation(0, 400, 10000, 100000)
	if !v.OK || v.Value != 0 || v.Low != 0 || !(v.High > 0) || !v.Significant {
		t.Errorf("no staff in group = %+v, want 0 [0, >0] Significant", v)
	}
	// Everyone in the group, everywhere: 1 with a zero-width interval.
	v = Representation(400, 400, 100000, 100000)
	if !v.OK || v.Value != 1 || v.Low != 1 || v.High != 1 || v.Significant {
		t.Errorf("all in group = %+v", v)
	}
}

func TestRepresentationInvalid(t *testing.T) {
	checkNotOK(t, "no one in population", Representation(3, 10, 0, 1000), "no one of the group in the population")
	checkNotOK(t, "no staff", Representation(0, 0, 10, 1000), "no staff")
	checkNotOK(t, "no population", Representation(3, 10, 0, 0), "no people in the population")
	checkNotOK(t, "staff > total", Representation(11, 10, 10, 1000), "more than")
	checkNotOK(t, "pop > total", Representation(3, 10, 1001, 1000), "more than")
	checkNotOK(t, "negative", Representation(-3, 10, 10, 1000), "negative")
}

// checkFinite fails t when any float field of v is NaN or infinite, or when v
// is OK with its estimate outside its interval.
func checkFinite(t *testing.T, name string, v Value, args ...int64) {
	t.Helper()
	for _, f := range []float64{v.Value, v.Low, v.High} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			t.Fatalf("%s%v = %+v: not finite", name, args, v)
		}
	}
	if v.OK && (v.Low > v.Value || v.Value > v.High) {
		t.Fatalf("%s%v = %+v: estimate outside its interval", name, args, v)
	}
	if !v.OK && v.Reason == "" {
		t.Fatalf("%s%v: not OK without a reason", name, args)
	}
}

func TestNeverNaNOrInf(t *testing.T) {
	const n = 20
	for a := int64(-1); a <= n; a++ {
		for b := int64(-1); b <= n; b++ {
			checkFinite(t, "Proportion", Proportion(a, b), a, b)
			checkFinite(t, "RatePer", RatePer(a, b, 1000), a, b)
			for c := int64(0); c <= n; c++ {
				for d := int64(0); d <= n; d++ {
					checkFinite(t, "RateRatio", RateRatio(a, b, c, d), a, b, c, d)
					checkFinite(t, "ProportionGap", ProportionGap(a, b, c, d), a, b, c, d)
					checkFinite(t, "Representation", Representation(a, b, c, d), a, b, c, d)
				}
			}
		}
	}
}

func TestHugeCounts(t *testing.T) {
	const big = int64(math.MaxInt64)
	vs := map[string]Value{
		"Proportion":     Proportion(big/3, big),
		"RatePer":        RatePer(big/3, big, 1000),
		"RateRatio":      RateRatio(big/3, big, big/4, big),
		"ProportionGap":  ProportionGap(big/3, big, big/4, big),
		"Representation": Representation(big/3, big, big/4, big),
		"RatePer large":  RatePer(3_000_000, 60_000_000, 1000),
	}
	for name, v := range vs {
		checkFinite(t, name, v)
		if !v.OK {
			t.Errorf("%s: not OK for huge counts: %s", name, v.Reason)
		}
	}
	// With huge counts the intervals shrink onto the estimate.
	if v := RateRatio(big/3, big, big/4, big); !near(v.Value, 4.0/3, 1e-9) || !v.Significant {
		t.Errorf("huge RateRatio = %+v", v)
	}
	// A tiny population with a huge rate base stays finite or says why.
	checkFinite(t, "RatePer huge per", RatePer(big, 1, math.MaxFloat64))
}

func TestTrend(t *testing.T) {
	pt := func(period string, v float64) Point { return Point{period, Value{Value: v, Low: v, High: v, OK: true}} }
	// 0.70, 0.72, 0.74, 0.76 rises by 0.02 a period.
	s, ok := Trend([]Point{pt("2020/21", 0.70), pt("2021/22", 0.72), pt("2022/23", 0.74), pt("2023/24", 0.76)})
	if !ok || !near(s, 0.02, 1e-12) {
		t.Errorf("rising slope = %v, %v, want 0.02", s, ok)
	}
	// Least squares by hand for y = 1, 3, 2 at x = 0, 1, 2: mean x 1,
	// mean y 2; Sxy = (-1)(-1) + 0 + (1)(0) = 1; Sxx = 2; slope 0.5.
	s, ok = Trend([]Point{pt("a", 1), pt("b", 3), pt("c", 2)})
	if !ok || !near(s, 0.5, 1e-12) {
		t.Errorf("slope = %v, %v, want 0.5", s, ok)
	}
	// A period that cannot be computed is skipped but keeps its place:
	// y = 1 at x = 0 and y = 3 at x = 2 gives slope 1, not 2.
	s, ok = Trend([]Point{pt("a", 1), {"b", Value{Reason: "no one"}}, pt("c", 3)})
	if !ok || !near(s, 1, 1e-12) {
		t.Errorf("gap slope = %v, %v, want 1", s, ok)
	}
	// Fewer than two usable points: no trend.
	for _, ps := range [][]Point{nil, {pt("a", 1)}, {pt("a", 1), {"b", Value{Reason: "no one"}}}} {
		if s, ok := Trend(ps); ok || s != 0 {
			t.Errorf("Trend(%v) = %v, %v, want 0, false", ps, s, ok)
		}
	}
}
