package demo_test

import (
	"sync"
	"testing"

	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// The demo's returns, made once for every test here as the hub makes them.
var (
	made    sync.Once
	returns map[string]monitoring.Content // by organisation, theme and period
	layouts map[string]*monitoring.Layout // by theme
	madeErr error
)

var publicBodies = []string{"northshire-county", "eastvale-district", "riverford-borough", "northam-city", "northshire-police", "northshire-fire", "northshire-nhs"}

func demoReturns(t *testing.T) {
	t.Helper()
	made.Do(func() {
		std, err := monitoring.FirstStandard()
		if err != nil {
			madeErr = err
			return
		}
		themes, err := monitoring.BuiltInThemes()
		if err != nil {
			madeErr = err
			return
		}
		returns, layouts = map[string]monitoring.Content{}, map[string]*monitoring.Layout{}
		for _, th := range themes {
			if layouts[th.ID], err = monitoring.NewLayout(std, th); err != nil {
				madeErr = err
				return
			}
		}
		for _, org := range publicBodies {
			for _, id := range demo.Themes(org) {
				l := layouts[id]
				for _, p := range demo.Periods(l.Theme) {
					c, err := demo.Content(l, demo.Mapping(org, std), org, p)
					if err != nil {
						madeErr = err
						return
					}
					returns[org+"/"+id+"/"+string(p)] = c
				}
			}
		}
	})
	if madeErr != nil {
		t.Fatal(madeErr)
	}
}

// count adds up a measure of the returns of some organisations for a theme
// and periods (a year reads its quarters) over the answers to a question in
// a broad group, or in every group with group "" (prefer not to say and not
// known included), or every known answer with group "known".
func count(t *testing.T, orgs []string, theme, year, measure, question, group string) int64 {
	t.Helper()
	l := layouts[theme]
	periods := []string{year}
	if l.Theme.Frequency == monitoring.Quarterly && len(year) == 7 {
		periods = []string{year + "-Q1", year + "-Q2", year + "-Q3", year + "-Q4"}
	}
	var n int64
	for _, org := range orgs {
		for _, p := range periods {
			c, ok := returns[org+"/"+theme+"/"+p]
			if !ok {
				t.Fatalf("no demo return %s %s %s", org, theme, p)
			}
			for _, cell := range l.Cells(c.Counts) {
				if cell.Question != question || cell.Measure != measure {
					continue
				}
				q, _ := l.Standard.Question(question)
				a, _ := q.Category(cell.Category)
				known := a.Code != monitoring.PreferNotToSay && a.Code != monitoring.NotKnown
				if group == "" || a.Group == group || a.Code == group || (group == "known" && known) {
					n += cell.Count
				}
			}
		}
	}
	return n
}

func records(t *testing.T, org, theme, period string) int64 {
	t.Helper()
	c, ok := returns[org+"/"+theme+"/"+period]
	if !ok {
		t.Fatalf("no demo return %s %s %s", org, theme, period)
	}
	return c.Records
}

func within(t *testing.T, what string, x, lo, hi float64) {
	t.Helper()
	if x < lo || x > hi {
		t.Errorf("%s is %.2f, want %.2f to %.2f", what, x, lo, hi)
	} else {
		t.Logf("%s: %.2f", what, x)
	}
}

func share(part, whole int64) float64 { return 100 * float64(part) / float64(whole) }

var (
	councils  = []string{"northshire-county", "eastvale-district", "riverford-borough", "northam-city"}
	wholeArea = []string{"northshire-county", "northam-city"} // the area the police and the NHS serve
	years     = []string{"2023-24", "2024-25", "2025-26"}
)

// The councils' population baselines carry their areas' sizes and census make-up.
func TestPopulations(t *testing.T) {
	demoReturns(t)
	sizes := map[string][2]float64{"northshire-county": {650000, 750000}, "eastvale-district": {100000, 150000}, "riverford-borough": {100000, 150000}, "northam-city": {320000, 380000}}
	minority := map[string][2]float64{"northshire-county": {5, 8}, "eastvale-district": {3, 8}, "riverford-borough": {5, 9}, "northam-city": {30, 35}}
	for _, org := range councils {
		for _, y := range years {
			n := records(t, org, "population", y)
			within(t, org+" residents "+y, float64(n), sizes[org][0], sizes[org][1])
			for _, q := range layouts["population"].Questions {
				if total := count(t, []string{org}, "population", y, "population", q.Key, ""); total != n {
					t.Errorf("%s %s: the answers to %s add up to %d of %d residents", org, y, q.Key, total, n)
				}
			}
		}
		all := count(t, []string{org}, "population", "2025-26", "population", "ethnicity", "")
		within(t, org+" minority ethnic residents (%)", share(all-count(t, []string{org}, "population", "2025-26", "population", "ethnicity", "white"), all), minority[org][0], minority[org][1])
	}
	city := []string{"northam-city"}
	all := count(t, city, "population", "2025-26", "population", "ethnicity", "")
	for _, g := range []string{"pakistani", "indian", "african", "caribbean"} {
		within(t, "the city's "+g+" residents (%)", share(count(t, city, "population", "2025-26", "population", "ethnicity", g), all), 1.5, 9)
	}
	within(t, "the city's Muslim residents (%)", share(count(t, city, "population", "2025-26", "population", "religion", "muslim"), all), 8, 20)
	shire := []string{"northshire-county"}
	within(t, "the county's residents aged 65 and over (%)", share(count(t, shire, "population", "2025-26", "population", "age", "65-and-over"), count(t, shire, "population", "2025-26", "population", "age", "")), 19, 26)
}

// Partners differ in size: staff, and service volumes in proportion.
func TestPartnerSizes(t *testing.T) {
	demoReturns(t)
	staff := map[string][2]float64{"northshire-county": {2000, 6000}, "eastvale-district": {200, 900}, "riverford-borough": {200, 900}, "northam-city": {1500, 2500},
		"northshire-police": {3000, 4000}, "northshire-fire": {400, 800}, "northshire-nhs": {5000, 9000}}
	for org, want := range staff {
		within(t, org+" staff", float64(records(t, org, "workforce-strength", "2025-26")), want[0], want[1])
	}
	takeUp := func(org string) int64 { return records(t, org, "service-take-up", "2025-26-Q1") }
	for _, district := range []string{"eastvale-district", "riverford-borough"} {
		if takeUp(district)*4 > takeUp("northshire-county") || takeUp(district)*2 > takeUp("northam-city") {
			t.Errorf("%s has %d service users a quarter; the county %d, the city %d", district, takeUp(district), takeUp("northshire-county"), takeUp("northam-city"))
		}
		for _, theme := range []string{"customer-satisfaction", "complaints-and-compliments"} {
			if d, c := records(t, district, theme, "2025-26-Q1"), records(t, "northshire-county", theme, "2025-26-Q1"); d*4 > c {
				t.Errorf("%s: %s has %d records a quarter, the county %d", theme, district, d, c)
			}
		}
	}
	// Each complaints record is a complaint or a compliment, and only complaints are upheld.
	c := returns["northam-city/complaints-and-compliments/2025-26-Q2"]
	for _, q := range layouts["complaints-and-compliments"].Questions {
		complaints := count(t, []string{"northam-city"}, "complaints-and-compliments", "2025-26-Q2", "complaints", q.Key, "")
		compliments := count(t, []string{"northam-city"}, "complaints-and-compliments", "2025-26-Q2", "compliments", q.Key, "")
		upheld := count(t, []string{"northam-city"}, "complaints-and-compliments", "2025-26-Q2", "upheld", q.Key, "")
		if complaints+compliments != c.Records || upheld >= complaints || upheld == 0 {
			t.Errorf("%s: %d complaints (%d upheld) and %d compliments in %d records", q.Key, complaints, upheld, compliments, c.Records)
		}
	}
}

// Stop and search: about one search in six ends in an arrest; Black people are
// searched about five times as often as White people, mixed-heritage people
// about twice, and searches of Black people fall over the years.
func TestStopAndSearch(t *testing.T) {
	demoReturns(t)
	police := []string{"northshire-police"}
	rate := func(y, group string) float64 {
		return 1000 * float64(count(t, police, "stop-and-search", y, "searched", "ethnicity", group)) / float64(count(t, wholeArea, "population", y, "population", "ethnicity", group))
	}
	var black []int64
	for _, y := range years {
		within(t, "arrests per 100 searches "+y, share(count(t, police, "stop-and-search", y, "arrested", "ethnicity", ""), records(t, "northshire-police", "stop-and-search", y)), 13, 18)
		within(t, "searches of White people per 1,000 "+y, rate(y, "white"), 3, 5)
		within(t, "Black people searched, times White people "+y, rate(y, "black")/rate(y, "white"), 4, 6.5)
		within(t, "mixed-heritage people searched, times White people "+y, rate(y, "mixed")/rate(y, "white"), 1.5, 2.5)
		black = append(black, count(t, police, "stop-and-search", y, "searched", "ethnicity", "black"))
	}
	if black[2] >= black[1]*9/10 || black[1] >= black[0] {
		t.Errorf("searches of Black people by year: %v, want a fall of over a tenth in the last year", black)
	}
}

// Hate crime is a few hundred a quarter, mostly against people of minority
// ethnic groups; domestic abuse is tens of thousands a year; about one in
// seven and one in nine end in a sanction.
func TestHateCrimeAndDomesticAbuse(t *testing.T) {
	demoReturns(t)
	police := []string{"northshire-police"}
	people := float64(count(t, wholeArea, "population", "2025-26", "population", "ethnicity", ""))
	for _, y := range years {
		for q := 1; q <= 4; q++ {
			within(t, "hate crimes in "+y+" Q"+string(rune('0'+q)), float64(records(t, "northshire-police", "hate-crime", y+"-Q"+string(rune('0'+q)))), 300, 700)
		}
		known := count(t, police, "hate-crime", y, "reported", "ethnicity", "known")
		within(t, "hate crime victims of minority ethnic groups (%) "+y, share(known-count(t, police, "hate-crime", y, "reported", "ethnicity", "white"), known), 50, 80)
		reported := count(t, police, "hate-crime", y, "reported", "ethnicity", "")
		within(t, "hate crimes with a sanction outcome (%) "+y, share(count(t, police, "hate-crime", y, "sanction-detected", "ethnicity", ""), reported), 10, 20)
		abuse := count(t, police, "domestic-violence", y, "reported", "ethnicity", "")
		within(t, "domestic abuse crimes per 1,000 people a year "+y, 1000*float64(abuse)/people, 12, 22)
		within(t, "domestic abuse crimes with a sanction outcome (%) "+y, share(count(t, police, "domestic-violence", y, "sanction-detected", "ethnicity", ""), abuse), 8, 15)
		within(t, "domestic abuse victims who are women (%) "+y, share(count(t, police, "domestic-violence", y, "reported", "sex", "female"), abuse), 65, 80)
	}
}

// Satisfaction: the city's White users are more satisfied than its others by
// several points, the districts' by less; across the partnership, Black users'
// gap narrows in the last year while Asian users' widens; more staff say they
// are disabled.
func TestSatisfactionAndWorkforceStories(t *testing.T) {
	demoReturns(t)
	satisfied := func(orgs []string, y, group string) float64 {
		return share(count(t, orgs, "customer-satisfaction", y, "satisfied", "ethnicity", group), count(t, orgs, "customer-satisfaction", y, "asked", "ethnicity", group))
	}
	gap := func(orgs []string, y string) float64 {
		known := func(m string) int64 {
			return count(t, orgs, "customer-satisfaction", y, m, "ethnicity", "known") - count(t, orgs, "customer-satisfaction", y, m, "ethnicity", "white")
		}
		return satisfied(orgs, y, "white") - share(known("satisfied"), known("asked"))
	}
	city, districts := []string{"northam-city"}, []string{"eastvale-district", "riverford-borough"}
	within(t, "the city's gap, 2025-26 (points)", gap(city, "2025-26"), 5, 12)
	var cityAll, districtAll float64
	for _, y := range years {
		cityAll += gap(city, y) / 3
		districtAll += gap(districts, y) / 3
	}
	within(t, "the districts' gap, three years (points)", districtAll, -2, cityAll/2)
	everyone := publicBodies
	if d := satisfied(everyone, "2025-26", "black") - satisfied(everyone, "2024-25", "black"); d < 2 {
		t.Errorf("Black users' satisfaction rose by %.1f points in 2025-26, want 2 or more", d)
	}
	if d := satisfied(everyone, "2025-26", "asian") - satisfied(everyone, "2024-25", "asian"); d > -0.5 {
		t.Errorf("Asian users' satisfaction moved by %.1f points in 2025-26, want a fall", d)
	}
	disabled := func(y string) float64 {
		return share(count(t, everyone, "workforce-strength", y, "staff", "disability", "disabled"), count(t, everyone, "workforce-strength", y, "staff", "disability", ""))
	}
	if d := disabled("2025-26") - disabled("2024-25"); d < 1 {
		t.Errorf("the share of staff who say they are disabled rose by %.1f points in 2025-26, want 1 or more", d)
	}
}

// Counts share a total out exactly by the profile, and refuse measures that need records.
func TestCounts(t *testing.T) {
	demoReturns(t)
	l := layouts["population"]
	p := demo.Profile{}
	for _, q := range l.Questions {
		p[q.Key] = map[string]float64{q.Categories[0].Code: 1, q.Categories[1].Code: 2}
	}
	counts, err := demo.Counts(l, p, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range l.Cells(counts) {
		q, _ := l.Standard.Question(cell.Question)
		want := map[string]int64{q.Categories[0].Code: 333, q.Categories[1].Code: 667}[cell.Category]
		if cell.Count != want {
			t.Errorf("%s %s: %d, want %d", cell.Question, cell.Category, cell.Count, want)
		}
	}
	if _, err := demo.Counts(layouts["stop-and-search"], p, 1000); err == nil {
		t.Error("counts made from shares for arrests, which need records")
	}
}
