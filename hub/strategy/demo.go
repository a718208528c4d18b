package strategy

import (
	"time"

	"github.com/partnership/equalityhub/hub"
)

// DemoObjectives returns three objectives of the demo partnership's strategy,
// running four years from the financial year that contains now, with actions
// owned by its partners and measures linked to the themes of the standard.
func DemoObjectives(now time.Time) []Objective {
	y := now.Year()
	if now.Month() < time.April {
		y--
	}
	start := time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(MaxLength, 0, -1)
	day := func(years, months int) time.Time { return start.AddDate(years, months, 0) }
	base, target := FinancialYear(y-1), FinancialYear(y+MaxLength-1)
	const police, county, city = "northshire-police", "northshire-county", "northam-city"
	return []Objective{
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
				{ID: "measure-satisfaction-black", Label: "Black service users satisfied (%), closing the gap with White users",
					Indicator: IndicatorRef{Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity", Group: "black", Kind: KindShare},
					Baseline:  68, BaselinePeriod: base, Target: 80, TargetPeriod: target, Direction: Up},
				{ID: "measure-satisfaction-asian", Label: "Asian service users satisfied (%)",
					Indicator: IndicatorRef{Theme: "customer-satisfaction", Measure: "satisfied", Question: "ethnicity", Group: "asian", Kind: KindShare},
					Baseline:  72, BaselinePeriod: base, Target: 80, TargetPeriod: target, Direction: Up},
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
				{ID: "measure-searches-black", Label: "Stop and searches of Black people",
					Indicator: IndicatorRef{Theme: "stop-and-search", Measure: "searched", Question: "ethnicity", Group: "black", OrgID: police, Kind: KindCount},
					Baseline:  150, BaselinePeriod: base, Target: 100, TargetPeriod: target, Direction: Down},
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
				{ID: "measure-workforce-minority-ethnic", Label: "Black staff (%), towards the share of Black residents",
					Indicator: IndicatorRef{Theme: "workforce-strength", Measure: "staff", Question: "ethnicity", Group: "black", Kind: KindShare},
					Baseline:  4, BaselinePeriod: base, Target: 8, TargetPeriod: target, Direction: Up},
				{ID: "measure-workforce-disabled", Label: "Disabled staff (%)",
					Indicator: IndicatorRef{Theme: "workforce-strength", Measure: "staff", Question: "disability", Group: "disabled", Kind: KindShare},
					Baseline:  6, BaselinePeriod: base, Target: 10, TargetPeriod: target, Direction: Up},
			},
		},
	}
}
