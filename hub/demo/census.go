package demo

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Profile is how a group of people answers the monitoring questions: for each
// question key, the share of the group giving each answer code. Shares are
// weights: each question's are read relative to their sum, so they may be
// written in per cent. An answer a profile leaves out is never given.
type Profile map[string]map[string]float64

// Share returns the share of the group giving an answer, from 0 to 1.
func (p Profile) Share(question, answer string) float64 {
	total := sum(p[question])
	if total == 0 {
		return 0
	}
	return p[question][answer] / total
}

// clone copies the profile so that changing the copy leaves the original alone.
func (p Profile) clone() Profile {
	out := make(Profile, len(p))
	for q, ws := range p {
		out[q] = maps.Clone(ws)
	}
	return out
}

// normalised returns the profile with each question's shares adding up to 1.
func (p Profile) normalised() Profile {
	out := make(Profile, len(p))
	for q, ws := range p {
		total := sum(ws)
		out[q] = map[string]float64{}
		for a, w := range ws {
			if total > 0 {
				out[q][a] = w / total
			}
		}
	}
	return out
}

// Part is one area's people in a blend.
type Part struct {
	Profile Profile
	People  float64
}

// Blend mixes the populations of several areas, each profile weighted by its
// number of people, as a service covering them all meets them.
func Blend(parts ...Part) Profile {
	out := Profile{}
	for _, p := range parts {
		for q, ws := range p.Profile.normalised() {
			if out[q] == nil {
				out[q] = map[string]float64{}
			}
			for a, s := range ws {
				out[q][a] += s * p.People
			}
		}
	}
	return out
}

// Recorded returns the profile as an organisation's records show it rather
// than as a census counts it: for each question, a share of people who prefer
// not to say and a share whose answer is not known (not asked, or not
// written down), scaled by gaps (1 for a typical partner's records, more for
// a service that often cannot ask, such as the police at a stop).
func (p Profile) Recorded(gaps float64) Profile {
	out := p.normalised()
	for q, ws := range out {
		m, ok := missing[q]
		if !ok {
			continue
		}
		pnts, unknown := m[0]*gaps, m[1]*gaps
		keep := 1 - pnts - unknown
		for a := range ws {
			ws[a] *= keep
		}
		ws[monitoring.PreferNotToSay] += pnts
		ws[monitoring.NotKnown] += unknown
	}
	return out
}

// missing is, for each question, the share of records where the person
// preferred not to say and where the answer is not known, in a partner's
// records with typical gaps: the questions people find more personal are
// answered less often, as in real monitoring.
var missing = map[string][2]float64{
	"age":                 {0.003, 0.01},
	"sex":                 {0.002, 0.005},
	"disability":          {0.03, 0.06},
	"ethnicity":           {0.02, 0.05},
	"religion":            {0.05, 0.08},
	"sexual-orientation":  {0.06, 0.11},
	"gender-identity":     {0.04, 0.12},
	"marital-status":      {0.03, 0.09},
	"pregnancy-maternity": {0.01, 0.08},
}

// Weighted returns the profile with the shares of some answers multiplied,
// e.g. {"ethnicity": {"caribbean": 5}} for a service that meets Caribbean
// people five times as often as their share of the population. The special
// keys "group:CODE" multiply every answer of a broad group of the standard's
// question, e.g. {"ethnicity": {"group:black": 5}}.
func (p Profile) Weighted(s monitoring.Standard, ws map[string]map[string]float64) Profile {
	out := p.clone()
	for _, key := range sortedKeys(ws) {
		byAnswer := ws[key]
		q, _ := s.Question(key)
		for _, code := range sortedKeys(byAnswer) {
			w := byAnswer[code]
			group, isGroup := strings.CutPrefix(code, "group:")
			for _, c := range q.Answers() {
				if c.Code == code || (isGroup && c.Group == group) {
					if _, ok := out[key][c.Code]; ok {
						out[key][c.Code] *= w
					}
				}
			}
		}
	}
	return out
}

// Counts makes the counts of a return of a layout from a profile, for total
// people: each question's counts share total out in the profile's shares and
// add up to it exactly (by the largest remainder). Every measure of the
// layout must count every record, as the population baseline's does; a
// measure of a yes/no column needs records, so it is refused.
func Counts(l *monitoring.Layout, p Profile, total int64) ([]int64, error) {
	for _, m := range l.Theme.Measures {
		if m.Column != "" {
			return nil, hub.Errorf(hub.CodeInvalid, "the measure %q counts records marked in a column, so its counts need records, not shares", m.ID)
		}
	}
	norm := p.normalised()
	counts := make([]int64, l.Size())
	for qi, q := range l.Questions {
		answers := q.Answers()
		shares := norm[q.Key]
		if len(shares) == 0 {
			return nil, hub.Errorf(hub.CodeInvalid, "the profile has no shares for the question %q", q.Key)
		}
		type part struct {
			index int
			whole int64
			rest  float64
		}
		parts := make([]part, len(answers))
		var given int64
		for ai, a := range answers {
			exact := shares[a.Code] * float64(total)
			whole := int64(exact)
			parts[ai] = part{ai, whole, exact - float64(whole)}
			given += whole
		}
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].rest > parts[j].rest })
		for i := 0; given < total; i = (i + 1) % len(parts) {
			parts[i].whole++
			given++
		}
		for _, pt := range parts {
			for mi := range l.Theme.Measures {
				counts[l.Index(qi, pt.index, mi)] = pt.whole
			}
		}
	}
	return counts, nil
}

// Census 2021 proportions, in per cent of all usual residents, for the two
// kinds of place in the demo partnership: a shire county, mostly White British
// and older than England as a whole, and a diverse city, younger, with
// sizeable Pakistani, Indian, Black African and Caribbean communities. The
// questions asked only of people aged 16 and over (sexual orientation, gender
// identity) count children as not known; legal partnership status counts them
// as never married. "Not answered" to the census's voluntary questions is
// counted as prefer not to say.

// ShireProfile is a shire county's population: about 6.5% minority ethnic.
func ShireProfile() Profile { return shireWith(1) }

// shireWith is a shire county or district whose minority ethnic groups are
// minority times the county's shares of its population.
func shireWith(minority float64) Profile {
	age := map[string]float64{"0-15": 17.5, "16-17": 2.2, "18-24": 7.0, "25-34": 11.0, "35-44": 11.8, "45-54": 13.8, "55-64": 14.0, "65-74": 11.8, "75-84": 8.0, "85-and-over": 2.9}
	eth := map[string]float64{
		"irish": 0.5, "gypsy-or-irish-traveller": 0.1, "roma": 0.1, "other-white": 4.5,
		"white-and-black-caribbean": 0.6, "white-and-black-african": 0.2, "white-and-asian": 0.7, "other-mixed": 0.5,
		"indian": 1.2, "pakistani": 0.4, "bangladeshi": 0.2, "chinese": 0.4, "other-asian": 0.7,
		"caribbean": 0.2, "african": 0.6, "other-black": 0.1,
		"arab": 0.2, "any-other": 0.5,
	}
	rel := map[string]float64{"no-religion": 39.0, "christian": 51.0, "buddhist": 0.4, "hindu": 0.8, "jewish": 0.2, "muslim": 1.3, "sikh": 0.5, "other-religion": 0.6, monitoring.PreferNotToSay: 6.2}
	for code := range eth {
		if code != "irish" && code != "gypsy-or-irish-traveller" && code != "roma" && code != "other-white" {
			eth[code] *= minority
		}
	}
	for _, code := range []string{"hindu", "muslim", "sikh", "buddhist"} {
		rel[code] *= minority
	}
	eth["white-british"] = 100 - sum(eth)
	rel["christian"] = 100 - sum(rel) + rel["christian"]
	return withAdults(Profile{
		"age":        age,
		"sex":        {"female": 50.9, "male": 49.1},
		"disability": {"yes-limited-a-lot": 7.6, "yes-limited-a-little": 11.0, "no": 81.4},
		"ethnicity":  eth,
		"religion":   rel,
	}, adultAnswers{
		gender:      map[string]float64{"same": 93.7, "different": 0.35, monitoring.PreferNotToSay: 5.95},
		orientation: map[string]float64{"straight-or-heterosexual": 90.4, "gay-or-lesbian": 1.3, "bisexual": 1.0, "other-sexual-orientation": 0.2, monitoring.PreferNotToSay: 7.1},
		marital:     map[string]float64{"never-married": 33.0, "married": 48.9, "civil-partnership": 0.2, "separated": 2.0, "divorced-or-dissolved": 9.4, "widowed-or-surviving-partner": 6.5},
	})
}

// CityProfile is a diverse city's population: about 33% minority ethnic.
func CityProfile() Profile {
	return withAdults(Profile{
		"age": {"0-15": 20.0, "16-17": 2.4, "18-24": 12.5, "25-34": 15.5, "35-44": 13.0, "45-54": 11.8, "55-64": 10.5, "65-74": 7.6, "75-84": 5.0, "85-and-over": 1.7},
		"sex": {"female": 50.4, "male": 49.6},
		// Slightly more disabled people than the shire, for a younger population.
		"disability": {"yes-limited-a-lot": 8.1, "yes-limited-a-little": 10.3, "no": 81.6},
		"ethnicity": {
			"white-british": 58.5, "irish": 0.6, "gypsy-or-irish-traveller": 0.2, "roma": 0.4, "other-white": 7.3,
			"white-and-black-caribbean": 1.5, "white-and-black-african": 0.5, "white-and-asian": 1.0, "other-mixed": 1.0,
			"indian": 7.0, "pakistani": 7.5, "bangladeshi": 1.5, "chinese": 1.2, "other-asian": 1.8,
			"caribbean": 1.8, "african": 4.6, "other-black": 0.6,
			"arab": 1.2, "any-other": 1.8,
		},
		"religion": {"no-religion": 35.0, "christian": 37.0, "buddhist": 0.6, "hindu": 4.0, "jewish": 0.2, "muslim": 14.0, "sikh": 2.4, "other-religion": 0.8, monitoring.PreferNotToSay: 6.0},
	}, adultAnswers{
		gender:      map[string]float64{"same": 93.0, "different": 0.7, monitoring.PreferNotToSay: 6.3},
		orientation: map[string]float64{"straight-or-heterosexual": 87.4, "gay-or-lesbian": 2.0, "bisexual": 2.0, "other-sexual-orientation": 0.4, monitoring.PreferNotToSay: 8.2},
		marital:     map[string]float64{"never-married": 45.0, "married": 39.0, "civil-partnership": 0.3, "separated": 2.6, "divorced-or-dissolved": 8.2, "widowed-or-surviving-partner": 4.9},
	})
}

// adultAnswers are the answers of people aged 16 and over to the questions
// the census asks only of them, in per cent of them.
type adultAnswers struct {
	gender, orientation, marital map[string]float64
}

// withAdults completes a profile with the questions asked of adults only, by
// the profile's share of children.
func withAdults(p Profile, a adultAnswers) Profile {
	children := p.Share("age", "0-15")
	adult := func(ws map[string]float64, childAnswer string) map[string]float64 {
		out := map[string]float64{}
		total := sum(ws)
		for k, w := range ws {
			out[k] = 100 * (1 - children) * w / total
		}
		out[childAnswer] += 100 * children
		return out
	}
	p["gender-identity"] = adult(a.gender, monitoring.NotKnown)
	p["sexual-orientation"] = adult(a.orientation, monitoring.NotKnown)
	p["marital-status"] = adult(a.marital, "never-married")
	// At any time about 0.8% of people are pregnant and 0.6% on maternity leave.
	p["pregnancy-maternity"] = map[string]float64{"pregnant": 0.8, "maternity": 0.6, "neither": 98.6}
	return p
}

// sum adds the weights up in the order of their answers' codes, so that the
// same weights always give the same total to the last bit.
func sum(ws map[string]float64) float64 {
	total := 0.0
	for _, k := range sortedKeys(ws) {
		total += ws[k]
	}
	return total
}

func sortedKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.Sort(keys)
	return keys
}
