package strategy

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// DemoObjectives returns three objectives of the demo partnership's strategy,
// running four years from the financial year that contains now, with actions
// owned by its partners and measures linked to the themes of the standard.
// Each measure's baseline is its value in v for the financial year two
// before the one the strategy starts in: the last whole year of data while
// the strategy was drafted, in the year before it starts. Its target is set
// from the baseline and the same year's data: a gap with another group
// halved, or a share raised. It is an error for v to have no value needed.
func DemoObjectives(now time.Time, v Values) ([]Objective, error) {
	y := now.Year()
	if now.Month() < time.April {
		y--
	}
	start := time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(MaxLength, 0, -1)
	day := func(years, months int) time.Time { return start.AddDate(years, months, 0) }
	base, target := FinancialYear(y-2), FinancialYear(y+MaxLength-1)
	const police, county, city = "northshire-police", "northshire-county", "northam-city"
	var missing []string
	unmeasured := map[string]bool{} // measures whose baseline the author may not see (withheld, or no protocol)
	value := func(ref IndicatorRef) float64 {
		x, ok := v.Value(ref, base)
		if !ok || math.IsNaN(x) {
			name := fmt.Sprintf("%s / %s by %s, %s", ref.Theme, ref.Measure, ref.Question, cmp.Or(ref.Group, "everyone"))
			if ref.OrgID != "" {
				name += " of " + ref.OrgID
			}
			missing = append(missing, name)
			return 0
		}
		return x
	}
	// How many residents of county and city (the area the police and the NHS
	// serve) are in a broad group, or in all with no group, from the
	// councils' population returns; and their share of all residents.
	residentsIn := func(question, group string) float64 {
		n := 0.0
		for _, org := range []string{county, city} {
			n += value(IndicatorRef{Theme: "population", Measure: "population", Question: question, Group: group, OrgID: org, Kind: KindCount})
		}
		return n
	}
	residents := func(question, group string) float64 {
		all := residentsIn(question, "")
		if all == 0 {
			return 0
		}
		return 100 * residentsIn(question, group) / all
	}
	satisfied := func(group string) IndicatorRef {
		// The police's own: the partnership's total is withheld wherever a
		// small partner's part is, and the action to close the gap is theirs.
		return IndicatorRef{Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity", Group: group, OrgID: police, Kind: KindShare}
	}
	searched := func(group string) IndicatorRef {
		return IndicatorRef{Theme: "stop-and-search", Measure: "searched", Question: "ethnicity", Group: group, OrgID: police, Kind: KindCount}
	}
	measure := func(id, label string, ref IndicatorRef, dir Direction, targetOf func(baseline float64) float64) Measure {
		before := len(missing)
		m := Measure{ID: id, Label: label, Indicator: ref, Baseline: value(ref), BaselinePeriod: base, TargetPeriod: target, Direction: dir}
		if len(missing) > before {
			// Its own baseline is withheld from the author: the measure is left out.
			unmeasured[id] = true
			missing = missing[:before]
		}
		t := targetOf(m.Baseline)
		if ref.Kind == KindShare {
			t = math.Round(t*10) / 10
		} else {
			t = math.Round(t)
		}
		// A target never points the wrong way, whatever the rounding.
		if dir == Up {
			m.Target = max(t, m.Baseline)
		} else {
			m.Target = min(t, m.Baseline)
		}
		return m
	}
	// halfway moves a baseline half the way to where another group is.
	halfway := func(to float64) func(float64) float64 {
		return func(b float64) float64 { return b + (to-b)/2 }
	}
	// The searches of Black people there would be at the rate White people are searched.
	blackParity := 0.0
	if white := residentsIn("ethnicity", "white"); white > 0 {
		blackParity = value(searched("white")) / white * residentsIn("ethnicity", "black")
	}
	objectives := []Objective{
		{
			ID:              "objective-accessible-services",
			Statement:       "To provide a fair, responsive and appropriate service to all our communities",
			Aims:            []Aim{EliminateDiscrimination, AdvanceEquality},
			Characteristics: []hub.Characteristic{hub.Race, hub.Disability, hub.Age},
			Owners:          []string{police, county, city},
			Start:           start, End: end,
			Actions: []Action{
				{ID: "action-satisfaction-gap", Text: "Find out why Black and Asian service users are less satisfied, with the advisory group, and act on what they say",
					OwnerOrg: police, OwnerPerson: "Head of victim care", Start: start, Due: day(1, 0), Status: OnTrack},
				{ID: "action-accessible-information", Text: "Make services and information accessible to Deaf and disabled people: BSL video relay, easy read and accessible forms",
					OwnerOrg: county, OwnerPerson: "Head of customer services", Start: start, Due: day(2, 0), Status: NotStarted},
				{ID: "action-library-hours", Text: "Run the mobile library for older readers while branch hours are shorter",
					OwnerOrg: city, OwnerPerson: "Libraries manager", Start: start, Due: day(0, 9), Status: OnTrack, FromEIA: "demo-eia-library-hours"},
			},
			Measures: []Measure{
				// Halve the gap with White users' satisfaction.
				measure("measure-satisfaction-black", "Black users of police services satisfied (%), halving the gap with White users",
					satisfied("black"), Up, halfway(value(satisfied("white")))),
				// Asian users' gap is the wider: close it.
				measure("measure-satisfaction-asian", "Asian users of police services satisfied (%), closing the gap with White users",
					satisfied("asian"), Up, func(float64) float64 { return value(satisfied("white")) }),
			},
		},
		{
			ID:              "objective-stop-and-search",
			Statement:       "To reduce disproportionality in stop and search, and build the trust and confidence of all communities in its fair use",
			Aims:            []Aim{EliminateDiscrimination, FosterGoodRelations},
			Characteristics: []hub.Characteristic{hub.Race, hub.Age},
			Owners:          []string{police},
			Start:           start, End: end,
			Actions: []Action{
				{ID: "action-search-scrutiny", Text: "Open body-worn video of searches to a community scrutiny panel every quarter",
					OwnerOrg: police, OwnerPerson: "Superintendent, neighbourhood policing", Start: start, Due: day(0, 6), Status: OnTrack},
				{ID: "action-search-grounds", Text: "Train every officer who searches on reasonable grounds and unconscious bias",
					OwnerOrg: police, OwnerPerson: "Head of learning", Start: start, Due: day(1, 6), Status: NotStarted},
			},
			Measures: []Measure{
				// Halve the searches of Black people beyond those there would be
				// if they were searched at the rate White people are.
				measure("measure-searches-black", "Stop and searches of Black people, halving those beyond the rate for White people",
					searched("black"), Down, halfway(blackParity)),
			},
		},
		{
			ID:              "objective-representative-workforce",
			Statement:       "A workforce that reflects the communities it serves",
			Aims:            []Aim{AdvanceEquality},
			Characteristics: []hub.Characteristic{hub.Race, hub.Disability, hub.Sex},
			Owners:          []string{police, county, city},
			Start:           start, End: end,
			Actions: []Action{
				{ID: "action-positive-action", Text: "Run positive action outreach for recruitment with community groups",
					OwnerOrg: county, OwnerPerson: "Head of HR", Start: start, Due: day(1, 0), Status: NotStarted},
				{ID: "action-disability-confident", Text: "Reach Disability Confident Leader status",
					OwnerOrg: city, OwnerPerson: "Head of HR", Start: start, Due: day(2, 0), Status: NotStarted},
			},
			Measures: []Measure{
				// Halfway to the share of Black people among the county's and
				// the city's residents, whom the police serve.
				measure("measure-workforce-minority-ethnic", "Black police staff (%), halfway to the share of Black residents",
					IndicatorRef{Theme: "workforce-strength", Measure: "staff", Question: "ethnicity", Group: "black", OrgID: police, Kind: KindShare},
					Up, halfway(residents("ethnicity", "black"))),
				// Half as many again say they are disabled, across the partners.
				measure("measure-workforce-disabled", "Disabled staff (%), half as many again",
					IndicatorRef{Theme: "workforce-strength", Measure: "staff", Question: "disability", Group: "disabled", Kind: KindShare},
					Up, func(b float64) float64 { return min(1.5*b, 100) }),
			},
		},
	}
	if len(missing) > 0 {
		return nil, hub.Errorf(hub.CodeInvalid, "the demo strategy's baselines need data for %s: there is none for %s", base, missing[0])
	}
	// A measure whose baseline the author cannot see is left out rather
	// than set on a guess.
	for i := range objectives {
		objectives[i].Measures = slices.DeleteFunc(objectives[i].Measures, func(m Measure) bool { return unmeasured[m.ID] })
	}
	return objectives, nil
}
