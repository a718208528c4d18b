package framework

import (
	"fmt"
	"hash/fnv"
)

// evidenceNouns names each kind of evidence, singular and plural.
var evidenceNouns = map[string][2]string{
	EvidenceEIA:          {"signed impact assessment", "signed impact assessments"},
	EvidenceReturns:      {"monitoring return", "monitoring returns"},
	EvidenceProtocols:    {"signed data sharing protocol", "signed data sharing protocols"},
	EvidenceObjectives:   {"equality objective", "equality objectives"},
	EvidencePublications: {"published report", "published reports"},
}

// Suggest lists the evidence the hub holds for an organisation that bears on
// a theme, as phrases such as "3 signed impact assessments", in the order the
// theme lists its kinds. have counts the hub's evidence by kind.
func (s *Service) Suggest(themeID string, have map[string]int) []string {
	var theme Theme
	for _, f := range s.Frameworks() {
		if t, ok := f.Theme(themeID); ok {
			theme = t
			break
		}
	}
	var out []string
	for _, kind := range theme.Evidence {
		n := have[kind]
		if n <= 0 {
			continue
		}
		nouns, ok := evidenceNouns[kind]
		if !ok {
			nouns = [2]string{kind, kind}
		}
		noun := nouns[1]
		if n == 1 {
			noun = nouns[0]
		}
		out = append(out, fmt.Sprintf("%d %s", n, noun))
	}
	return out
}

// DemoOrgs are the organisations of the demo partnership.
var DemoOrgs = []string{"northshire-county", "eastvale-district", "riverford-borough", "northam-city", "northshire-police", "northshire-fire", "northshire-nhs"}

// demoBase is how far along each demo organisation is, 0 to 2.
var demoBase = map[string]int{
	"northshire-county": 2, "eastvale-district": 0, "riverford-borough": 1, "northam-city": 1,
	"northshire-police": 1, "northshire-fire": 0, "northshire-nhs": 1,
}

// DemoLevels returns a plausible Equality Framework for Local Government level
// for each demo organisation on each theme: org ID -> theme ID -> level code.
// It is the same on every call.
func DemoLevels() map[string]map[string]string {
	fs, err := BuiltIn()
	if err != nil {
		panic("framework: the built-in frameworks do not load: " + err.Error())
	}
	var eflg Framework
	for _, f := range fs {
		if f.ID == "eflg" {
			eflg = f
		}
	}
	out := map[string]map[string]string{}
	for _, org := range DemoOrgs {
		out[org] = map[string]string{}
		for _, t := range eflg.Themes() {
			h := fnv.New32a()
			_, _ = h.Write([]byte(org + "/" + t.ID))
			// Mostly at the organisation's base level, sometimes one either side.
			step := []int{-1, 0, 0, 0, 1}[h.Sum32()%5]
			i := min(max(demoBase[org]+step, 0), len(eflg.Levels)-1)
			out[org][t.ID] = eflg.Levels[i].Code
		}
	}
	return out
}
