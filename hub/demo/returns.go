package demo

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/partnership/equalityhub/hub/monitoring"
)

// The demo partnership's data tells a story a board would recognise. The
// partners differ in size: Northshire County (about 700,000 people, a shire
// county mostly White British) holds Eastvale and Riverford (100,000 to
// 150,000 each); Northam City (about 350,000 people, a third of them from
// minority ethnic groups) stands beside it; the police, the fire and rescue
// service and the NHS trust serve county and city together. Each partner's
// records are about the people it serves, in its volumes; Black people are
// stopped and searched about five times as often as White people; the city's
// White service users are more satisfied than its other users by about 8
// points, a district's by about 2. Over the three demo years the gap in Black
// users' satisfaction narrows and searches of Black people fall, while Asian
// users' satisfaction falls further behind: measures on track and off track.

// The demo has returns for Years financial years from FirstYear (2023-24 to 2025-26).
const (
	FirstYear = 2023
	Years     = 3
)

// Periods returns the periods of a theme's demo returns, in order: each year,
// or each quarter of each year.
func Periods(t monitoring.Theme) []monitoring.Period {
	var ps []monitoring.Period
	for y := FirstYear; y < FirstYear+Years; y++ {
		year := fmt.Sprintf("%d-%02d", y, (y+1)%100)
		if t.Frequency != monitoring.Quarterly {
			ps = append(ps, monitoring.Period(year))
			continue
		}
		for q := 1; q <= 4; q++ {
			ps = append(ps, monitoring.Period(fmt.Sprintf("%s-Q%d", year, q)))
		}
	}
	return ps
}

// Content makes the content of a demo organisation's return for a theme's
// layout and one of its demo periods, the same every time: the population
// baseline straight from census proportions (as a council copies the
// census's tables rather than count 700,000 records), anything else by
// counting a synthetic extract of the organisation's records in its own
// codes, as its data steward would with hubctl.
func Content(l *monitoring.Layout, m monitoring.Mapping, orgID string, period monitoring.Period) (monitoring.Content, error) {
	c := monitoring.Content{OrgID: orgID, Theme: l.Theme.ID, Period: period, Standard: l.Standard.Version, Mapping: m.Version}
	if _, err := monitoring.ParsePeriod(string(period), l.Theme.Frequency); err != nil {
		return c, err
	}
	year, quarter := period.Year()-FirstYear, 0
	if l.Theme.Frequency == monitoring.Quarterly {
		quarter = int(period[len(period)-1] - '0')
	}
	if l.Theme.Area == "population" {
		residents, profile, ok := Population(orgID, year)
		if !ok {
			return c, fmt.Errorf("the demo has no population of %s for %s", orgID, period)
		}
		counts, err := Counts(l, profile, residents)
		c.Records, c.Counts = residents, counts
		return c, err
	}
	opts, ok := Extract(l.Standard, orgID, l.Theme.ID, year, quarter)
	if !ok {
		return c, fmt.Errorf("the demo has no %s extract of %s for %s", l.Theme.ID, orgID, period)
	}
	h := fnv.New64a()
	h.Write([]byte(orgID + "/" + l.Theme.ID))
	opts.Seed = h.Sum64() + uint64(year*10+quarter)
	opts.Period = period
	var buf bytes.Buffer
	if err := WriteExtract(&buf, l, m, opts); err != nil {
		return c, err
	}
	agg, err := monitoring.AggregateFor(monitoring.NewCSVRows(&buf, 1<<30), l, m, monitoring.Scope{Periods: []monitoring.Period{period}})
	if err != nil {
		return c, err
	}
	c.Records, c.Rejected = agg.Records()
	c.Counts = agg.Counts()
	return c, nil
}

// partner is the size and make-up of a demo partner, for its synthetic data.
type partner struct {
	residents []int64 // the population of a council's area in each demo year; nil for a body that returns none
	area      Profile // the people of the area it serves
	served    float64 // how many people it serves
	staff     float64 // staff in post in the first year
	// Records a quarter in the first year: people who used a service, who
	// answered a satisfaction survey, and who complained or complimented.
	takeUp, surveyed, complaints float64
	satisfied                    float64 // the share of its White service users satisfied
	gap                          float64 // points by which its other users are less satisfied than White users
	users                        map[string]map[string]float64
	workforce                    map[string]map[string]float64
}

var (
	county = ShireProfile()
	city   = CityProfile()
	// The area the police, the fire and rescue service and the NHS trust
	// serve: the county and the city, in the first demo year's numbers.
	wholeArea = Blend(Part{county, 698600}, Part{city, 347900})
)

// Who the councils' services meet more or less often than their share of the
// population: older and disabled people use social care, libraries and
// health services most; victims of crime are younger.
var (
	councilUsers = map[string]map[string]float64{
		"age":        {"0-15": 0.5, "16-17": 0.7, "65-74": 1.5, "75-84": 2.2, "85-and-over": 3},
		"disability": {"yes-limited-a-lot": 2, "yes-limited-a-little": 1.4},
	}
	victims = map[string]map[string]float64{
		"age": {"0-15": 0.4, "16-17": 1.3, "18-24": 1.8, "25-34": 1.6, "35-44": 1.3, "65-74": 0.6, "75-84": 0.5, "85-and-over": 0.4},
	}
	patients = map[string]map[string]float64{
		"age":                 {"0-15": 0.8, "65-74": 1.8, "75-84": 2.8, "85-and-over": 3.5},
		"disability":          {"yes-limited-a-lot": 2.5, "yes-limited-a-little": 1.6},
		"sex":                 {"female": 1.2},
		"pregnancy-maternity": {"pregnant": 5, "maternity": 4},
	}
	// Staff: adults of working age, more women than men in councils and the
	// NHS, fewer disabled people than in the population (and fewer who say so).
	staffAges = map[string]float64{"0-15": 0, "16-17": 0.05, "18-24": 0.6, "25-34": 1.2, "35-44": 1.3, "45-54": 1.3, "55-64": 1, "65-74": 0.12, "75-84": 0, "85-and-over": 0}
)

// staffOf weighs an area's population as an organisation's staff: female
// times as many women, minority times as many of each minority ethnic group,
// and more multiplying some groups further.
func staffOf(female, minority float64, more map[string]float64) map[string]map[string]float64 {
	eth := map[string]float64{"group:mixed": minority, "group:asian": minority, "group:black": minority, "group:other": minority}
	for k, v := range more {
		eth[k] = v
	}
	return map[string]map[string]float64{
		"age":        staffAges,
		"sex":        {"female": female},
		"disability": {"yes-limited-a-lot": 0.2, "yes-limited-a-little": 0.45},
		"ethnicity":  eth,
	}
}

var partners = map[string]partner{
	"northshire-county": {residents: []int64{698600, 702800, 706900}, area: county, served: 698600, staff: 4200,
		takeUp: 5600, surveyed: 900, complaints: 180, satisfied: 0.79, gap: 4, users: councilUsers, workforce: staffOf(2.3, 0.65, nil)},
	"eastvale-district": {residents: []int64{117400, 118100, 118900}, area: shireWith(0.7), served: 117400, staff: 420,
		takeUp: 950, surveyed: 150, complaints: 30, satisfied: 0.83, gap: 2, users: councilUsers, workforce: staffOf(1.6, 0.6, nil)},
	"riverford-borough": {residents: []int64{141200, 142300, 143500}, area: shireWith(1.25), served: 141200, staff: 560,
		takeUp: 1150, surveyed: 180, complaints: 36, satisfied: 0.8, gap: 3, users: councilUsers, workforce: staffOf(1.6, 0.7, nil)},
	"northam-city": {residents: []int64{347900, 350800, 353600}, area: city, served: 347900, staff: 2100,
		takeUp: 3000, surveyed: 520, complaints: 110, satisfied: 0.78, gap: 7, users: councilUsers, workforce: staffOf(1.9, 0.6, nil)},
	"northshire-police": {area: wholeArea, served: 1046500, staff: 3500,
		takeUp: 4200, surveyed: 1000, complaints: 260, satisfied: 0.74, gap: 10, users: victims, workforce: staffOf(1.1, 0.55, nil)},
	"northshire-fire": {area: wholeArea, served: 1046500, staff: 600,
		takeUp: 900, surveyed: 130, complaints: 12, satisfied: 0.91, gap: 3, users: councilUsers, workforce: staffOf(0.25, 0.4, nil)},
	"northshire-nhs": {area: wholeArea, served: 1046500, staff: 7200,
		takeUp: 12500, surveyed: 4000, complaints: 300, satisfied: 0.84, gap: 5, users: patients,
		// The trust recruits nurses and doctors from India, the Philippines and Africa.
		workforce: staffOf(3.4, 1.1, map[string]float64{"indian": 2.5, "other-asian": 4, "african": 3})},
}

// Themes returns the themes an organisation returns in the demo: services
// and the workforce for every public body, community safety for the police,
// and the population of their area for the councils.
func Themes(orgID string) []string {
	p, ok := partners[orgID]
	if !ok {
		return nil
	}
	ts := []string{"service-take-up", "customer-satisfaction", "complaints-and-compliments", "workforce-strength", "workforce-recruitment"}
	if orgID == "northshire-police" {
		ts = append(ts, "hate-crime", "domestic-violence", "stop-and-search")
	}
	if p.residents != nil {
		ts = append(ts, "population")
	}
	return ts
}

// Population returns the residents of a council's area in a demo year and
// their make-up, for its population baseline; ok is false for a body that
// returns none. Make its counts with Counts rather than from records.
func Population(orgID string, year int) (int64, Profile, bool) {
	p, ok := partners[orgID]
	if !ok || p.residents == nil || year < 0 || year >= len(p.residents) {
		return 0, nil, false
	}
	return p.residents[year], p.area, true
}

// Each quarter's volumes against the year's average: a busier summer, a
// quieter winter.
var season = [5]float64{1, 0.99, 1.04, 1, 0.97}

// The strategy's story, year by year: the gap in Black users' satisfaction
// narrows, Asian users' widens; searches of Black people fall; more staff say
// they are disabled; the police's share of Black staff stays where it was.
var (
	blackGap       = [Years]float64{1.3, 1.15, 0.7}
	asianGap       = [Years]float64{0.8, 1, 1.6}
	blackSearches  = [Years]float64{1.1, 1, 0.85}
	disabledStaff  = [Years]float64{0.85, 0.95, 1.25}
	hateCrimeTrend = [Years]float64{1, 1.06, 1.11}
)

// Rates per 1,000 people of the area a year.
const (
	whiteSearchRate  = 4.0  // stops and searches of White people
	hateCrimeRate    = 1.8  // hate crimes recorded
	domesticRate     = 16.5 // domestic abuse crimes recorded
	applicantsPerJob = 0.75 // applicants a year per member of staff
)

// Extract returns the options of a demo organisation's synthetic extract for
// a theme in a period (all but Seed): year counts the demo years from 0, and
// quarter is 1 to 4 for a quarterly theme and 0 for an annual one. ok is false
// when the organisation makes no such return from records (the population
// baseline is made from counts: see Population).
func Extract(s monitoring.Standard, orgID, theme string, year, quarter int) (ExtractOptions, bool) {
	p, ok := partners[orgID]
	if !ok || year < 0 || year >= Years || quarter < 0 || quarter > 4 {
		return ExtractOptions{}, false
	}
	volume := func(perQuarter float64) int {
		return int(math.Round(perQuarter * season[quarter] * (1 + 0.02*float64(year))))
	}
	users := p.area.Weighted(s, p.users).Recorded(1)
	switch theme {
	case "service-take-up":
		return ExtractOptions{Rows: volume(p.takeUp), Profile: users}, true
	case "customer-satisfaction":
		// Fewer people from minority ethnic groups answer surveys.
		surveyed := p.area.Weighted(s, p.users).Weighted(s, map[string]map[string]float64{
			"age":       {"0-15": 0.1},
			"ethnicity": {"group:mixed": 0.8, "group:asian": 0.8, "group:black": 0.8, "group:other": 0.8}}).Recorded(1)
		return ExtractOptions{Rows: volume(p.surveyed), Profile: surveyed, Rates: map[string]float64{"satisfied": p.satisfied},
			Bias: map[string]map[string]float64{"satisfied": satisfaction(p, year)}}, true
	case "complaints-and-compliments":
		return ExtractOptions{Rows: volume(p.complaints), Profile: users, OneOf: []string{"complaints", "compliments"},
			Rates: map[string]float64{"complaints": 0.7, "compliments": 0.3, "upheld": 0.38}}, true
	case "workforce-strength":
		ws := p.area.Weighted(s, p.workforce).Weighted(s, map[string]map[string]float64{
			"disability": {"yes-limited-a-lot": disabledStaff[year], "yes-limited-a-little": disabledStaff[year]}}).Recorded(1)
		return ExtractOptions{Rows: int(math.Round(p.staff * (1 + 0.01*float64(year)))), Profile: ws,
			Rates: map[string]float64{"top-earners": 0.05},
			Bias: map[string]map[string]float64{"top-earners": {"female": 0.8, "group:mixed": 0.6, "group:asian": 0.6, "group:black": 0.5, "group:other": 0.6,
				"yes-limited-a-lot": 0.6, "yes-limited-a-little": 0.8, "18-24": 0.05, "25-34": 0.5, "45-54": 1.5, "55-64": 1.5}}}, true
	case "workforce-recruitment":
		// Applicants are younger and more diverse than the staff; fewer of
		// those from minority ethnic groups are shortlisted and appointed.
		applicants := p.area.Weighted(s, p.workforce).Weighted(s, map[string]map[string]float64{
			"age":       {"16-17": 2, "18-24": 2.2, "25-34": 1.5},
			"ethnicity": {"group:mixed": 1.4, "group:asian": 1.4, "group:black": 1.6, "group:other": 1.4}}).Recorded(1)
		minority := func(x float64) map[string]float64 {
			return map[string]float64{"group:mixed": x, "group:asian": x, "group:black": x, "group:other": x}
		}
		appointed := minority(0.75)
		appointed["yes-limited-a-lot"], appointed["yes-limited-a-little"] = 0.85, 0.9
		shortlisted := minority(0.85)
		shortlisted["yes-limited-a-lot"], shortlisted["yes-limited-a-little"] = 1.05, 1.05 // a guaranteed interview scheme
		return ExtractOptions{Rows: int(math.Round(p.staff * applicantsPerJob * (1 + 0.03*float64(year)))), Profile: applicants,
			Rates: map[string]float64{"shortlisted": 0.3, "appointed": 0.11},
			Bias:  map[string]map[string]float64{"shortlisted": shortlisted, "appointed": appointed}}, true
	}
	if orgID != "northshire-police" {
		return ExtractOptions{}, false
	}
	switch theme {
	case "stop-and-search":
		// Black people are searched about five times as often as White
		// people, mixed-heritage people twice; young men most of all. The
		// self-defined ethnicity of one search in eight is not recorded.
		weights := map[string]map[string]float64{
			"ethnicity": {"group:mixed": 2, "group:asian": 1.3, "group:black": 5.4 * blackSearches[year], "group:other": 1.3},
			"age":       {"0-15": 0.15, "16-17": 4.5, "18-24": 3.2, "25-34": 1.8, "45-54": 0.5, "55-64": 0.2, "65-74": 0.03, "75-84": 0.01, "85-and-over": 0},
			"sex":       {"male": 7.5},
		}
		searched := p.area.Weighted(s, weights).Recorded(2)
		// White British people are searched at the White rate; the rest follow by their weights.
		rows := p.served * whiteSearchRate / 1000 * p.area.Share("ethnicity", "white-british") / searched.Share("ethnicity", "white-british")
		// Searches of Black people find less: fewer end in an arrest.
		return ExtractOptions{Rows: int(math.Round(rows)), Profile: searched, Rates: map[string]float64{"arrested": 0.165},
			Bias: map[string]map[string]float64{"arrested": {"group:black": 0.8, "group:mixed": 0.9, "group:asian": 0.95, "0-15": 0.6}}}, true
	case "hate-crime":
		// Most hate crime is racially motivated: its victims are mostly from
		// minority ethnic groups, Gypsies, Travellers and Roma, and eastern
		// Europeans; then religion, sexual orientation, disability and
		// gender identity.
		victimsOf := p.area.Weighted(s, victims).Weighted(s, map[string]map[string]float64{
			"ethnicity":          {"white-british": 0.4, "other-white": 1.8, "gypsy-or-irish-traveller": 8, "roma": 8, "group:mixed": 3, "group:asian": 4.5, "pakistani": 1.5, "group:black": 7, "group:other": 5},
			"religion":           {"muslim": 2, "jewish": 12, "sikh": 1.5},
			"sexual-orientation": {"gay-or-lesbian": 12, "bisexual": 4, "other-sexual-orientation": 4},
			"disability":         {"yes-limited-a-lot": 3, "yes-limited-a-little": 1.5},
			"gender-identity":    {"different": 15},
			"sex":                {"male": 1.2},
		}).Recorded(1.3)
		rows := p.served * hateCrimeRate / 1000 / 4 * hateCrimeTrend[year] * season[quarter]
		return ExtractOptions{Rows: int(math.Round(rows)), Profile: victimsOf, Rates: map[string]float64{"sanction-detected": 0.14},
			Bias: map[string]map[string]float64{"sanction-detected": {"yes-limited-a-lot": 0.8, "different": 0.8}}}, true
	case "domestic-violence":
		// Three victims in four are women, most of them under 45.
		victimsOf := p.area.Weighted(s, map[string]map[string]float64{
			"sex":                 {"female": 2.8},
			"age":                 {"0-15": 0.05, "16-17": 1, "18-24": 2.2, "25-34": 2.4, "35-44": 2, "45-54": 1.3, "55-64": 0.7, "65-74": 0.3, "75-84": 0.2, "85-and-over": 0.2},
			"disability":          {"yes-limited-a-lot": 1.8, "yes-limited-a-little": 1.3},
			"pregnancy-maternity": {"pregnant": 3, "maternity": 2},
			"ethnicity":           {"group:mixed": 1.3, "group:black": 1.2, "group:asian": 0.8},
		}).Recorded(1.2)
		rows := p.served * domesticRate / 1000 / 4 * season[quarter] * (1 + 0.03*float64(year))
		return ExtractOptions{Rows: int(math.Round(rows)), Profile: victimsOf, Rates: map[string]float64{"sanction-detected": 0.11, "repeat-victim": 0.3},
			Bias: map[string]map[string]float64{"repeat-victim": {"yes-limited-a-lot": 1.25, "pregnant": 1.3}}}, true
	}
	return ExtractOptions{}, false
}

// satisfaction is how much less likely than White users each group of a
// partner's users is to be satisfied, in a demo year.
func satisfaction(p partner, year int) map[string]float64 {
	less := func(points float64) float64 { return (p.satisfied - points/100) / p.satisfied }
	return map[string]float64{
		"group:mixed": less(p.gap), "group:other": less(p.gap),
		"group:black": less(p.gap * blackGap[year]), "group:asian": less(p.gap * asianGap[year]),
		"yes-limited-a-lot": 0.95,
	}
}
