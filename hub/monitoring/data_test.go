package monitoring_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

func mustFirstStandard(t *testing.T) monitoring.Standard {
	t.Helper()
	s, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatalf("the first standard: %v", err)
	}
	return s
}

func mustBuiltInThemes(t *testing.T) []monitoring.Theme {
	t.Helper()
	ts, err := monitoring.BuiltInThemes()
	if err != nil {
		t.Fatalf("the built-in themes: %v", err)
	}
	return ts
}

func TestFirstStandardValidates(t *testing.T) {
	s := mustFirstStandard(t)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Version != "2026.1" || strings.TrimSpace(s.Title) == "" || s.Published.IsZero() {
		t.Errorf("version %q, title %q, published %v", s.Version, s.Title, s.Published)
	}
}

func TestFirstStandardCoversEachCharacteristicOnce(t *testing.T) {
	s := mustFirstStandard(t)
	if len(s.Questions) != 9 {
		t.Fatalf("%d questions, want 9", len(s.Questions))
	}
	seen := map[hub.Characteristic]string{}
	for _, q := range s.Questions {
		if other, ok := seen[q.Characteristic]; ok {
			t.Errorf("%s is asked by both %q and %q", q.Characteristic, other, q.Key)
		}
		seen[q.Characteristic] = q.Key
	}
	for _, c := range hub.Characteristics() {
		if _, ok := seen[c]; !ok {
			t.Errorf("no question about %s", c)
		}
	}
	want := map[string]hub.Characteristic{
		"age": hub.Age, "disability": hub.Disability, "gender-identity": hub.GenderReassignment,
		"marital-status": hub.MarriageAndCivilPartnership, "pregnancy-maternity": hub.PregnancyAndMaternity,
		"ethnicity": hub.Race, "religion": hub.ReligionOrBelief, "sex": hub.Sex, "sexual-orientation": hub.SexualOrientation,
	}
	for key, c := range want {
		q, ok := s.Question(key)
		if !ok || q.Characteristic != c {
			t.Errorf("question %q: %v, characteristic %q, want %q", key, ok, q.Characteristic, c)
		}
	}
	for _, key := range []string{"gender-identity", "sexual-orientation"} {
		if q, _ := s.Question(key); !q.Sensitive {
			t.Errorf("%s is not marked sensitive", key)
		}
	}
}

func TestFirstStandardEthnicityIsTheCensus(t *testing.T) {
	q, ok := mustFirstStandard(t).Question("ethnicity")
	if !ok {
		t.Fatal("no ethnicity question")
	}
	if len(q.Categories) != 19 || len(q.Groups) != 5 {
		t.Fatalf("%d categories in %d groups, want 19 in 5", len(q.Categories), len(q.Groups))
	}
	per := map[string]int{}
	for _, c := range q.Categories {
		per[c.Group]++
	}
	want := map[string]int{"white": 5, "mixed": 4, "asian": 5, "black": 3, "other": 2}
	for g, n := range want {
		if per[g] != n {
			t.Errorf("group %s has %d categories, want %d", g, per[g], n)
		}
	}
	if got := q.GroupOf("indian"); got != "Asian or Asian British" {
		t.Errorf("indian rolls up into %q", got)
	}
	if got := q.GroupOf("white-british"); got != "White" {
		t.Errorf("white-british rolls up into %q", got)
	}
}

func TestFirstStandardCategoriesRollUp(t *testing.T) {
	slug := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, q := range mustFirstStandard(t).Questions {
		groups := map[string]int{}
		for _, g := range q.Groups {
			groups[g.Code] = 0
			if !slug.MatchString(g.Code) || strings.TrimSpace(g.Label) == "" {
				t.Errorf("%s: group %q %q", q.Key, g.Code, g.Label)
			}
		}
		for _, c := range q.Categories {
			if !slug.MatchString(c.Code) {
				t.Errorf("%s: category code %q is not lower case with hyphens", q.Key, c.Code)
			}
			if c.Code == monitoring.PreferNotToSay || c.Code == monitoring.NotKnown {
				t.Errorf("%s lists the reserved answer %q", q.Key, c.Code)
			}
			switch {
			case len(q.Groups) == 0 && c.Group != "":
				t.Errorf("%s has no groups, but %s rolls up into %q", q.Key, c.Code, c.Group)
			case len(q.Groups) > 0:
				if _, ok := groups[c.Group]; !ok {
					t.Errorf("%s: %s rolls up into the missing group %q", q.Key, c.Code, c.Group)
				}
				groups[c.Group]++
			}
		}
		for g, n := range groups {
			if n == 0 {
				t.Errorf("%s: no category rolls up into %s", q.Key, g)
			}
		}
		if strings.Contains(strings.ToLower(q.Purpose), "todo") || len(q.Purpose) < 80 {
			t.Errorf("%s: say why it is asked, concretely: %q", q.Key, q.Purpose)
		}
		if !strings.HasSuffix(strings.TrimSpace(q.Wording), "?") && !strings.HasSuffix(strings.TrimSpace(q.Wording), ".") {
			t.Errorf("%s: the wording %q is not a question as asked", q.Key, q.Wording)
		}
	}
}

func TestFirstStandardRoundTrips(t *testing.T) {
	s := mustFirstStandard(t)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := monitoring.DecodeStandard(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("the standard, encoded with its Go field names, does not decode: %v", err)
	}
	b2, _ := json.Marshal(again)
	if string(b) != string(b2) {
		t.Error("the standard changes when encoded and decoded again")
	}
}

func TestBuiltInThemesValidate(t *testing.T) {
	s := mustFirstStandard(t)
	themes := mustBuiltInThemes(t)
	ids := map[string]monitoring.Theme{}
	for _, th := range themes {
		if err := th.Validate(s); err != nil {
			t.Errorf("%s: %v", th.ID, err)
		}
		if _, dup := ids[th.ID]; dup {
			t.Errorf("two themes are %s", th.ID)
		}
		ids[th.ID] = th
		if !slices.Contains([]string{"service", "community safety", "workforce", "population"}, th.Area) {
			t.Errorf("%s: area %q", th.ID, th.Area)
		}
		if strings.TrimSpace(th.Description) == "" || strings.Contains(th.Description, "\n") {
			t.Errorf("%s: the description should be one line saying what is counted", th.ID)
		}
		if want := monitoring.Annual; (th.Area == "workforce" || th.Area == "population") && th.Frequency != want {
			t.Errorf("%s: %s, want %s", th.ID, th.Frequency, want)
		}
		if _, err := monitoring.NewLayout(s, th); err != nil {
			t.Errorf("%s: %v", th.ID, err)
		}
	}
	for _, id := range []string{"service-take-up", "customer-satisfaction", "complaints-and-compliments", "hate-crime",
		"domestic-violence", "stop-and-search", "workforce-strength", "workforce-recruitment", "workforce-promotion",
		"workforce-leavers", "workforce-discipline", "workforce-grievance", "workforce-tribunals",
		"workforce-flexible-working", "workforce-staff-survey", "population"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("no theme %s", id)
		}
	}
	// Returns for these are made for a financial year: the command-line and web tests rely on it.
	for _, id := range []string{"stop-and-search", "workforce-strength"} {
		if ids[id].Frequency != monitoring.Annual {
			t.Errorf("%s is not annual", id)
		}
	}
	if got := ids["stop-and-search"].QuestionKeys(s); !slices.Equal(got, []string{"age", "ethnicity", "sex"}) {
		t.Errorf("stop and search is broken down by %v", got)
	}
	if len(ids["workforce-strength"].QuestionKeys(s)) != 9 {
		t.Error("the workforce is not broken down by all nine characteristics")
	}
	for _, id := range []string{"service-take-up", "customer-satisfaction", "complaints-and-compliments"} {
		if slices.Contains(ids[id].QuestionKeys(s), "marital-status") {
			t.Errorf("%s asks service users about marriage and civil partnership, which is protected in employment only", id)
		}
	}
}

func TestBuiltInMeasuresAreSensible(t *testing.T) {
	s := mustFirstStandard(t)
	column := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	want := map[string][2]string{ // theme/measure: column, of
		"customer-satisfaction/satisfied":                   {"satisfied", "asked"},
		"hate-crime/sanction-detected":                      {"sanction_detected", "reported"},
		"domestic-violence/sanction-detected":               {"sanction_detected", "reported"},
		"domestic-violence/repeat-victim":                   {"repeat_victim", "reported"},
		"stop-and-search/searched":                          {"", ""},
		"stop-and-search/arrested":                          {"arrested", "searched"},
		"workforce-strength/staff":                          {"", ""},
		"workforce-recruitment/shortlisted":                 {"shortlisted", "applicants"},
		"workforce-recruitment/appointed":                   {"appointed", "applicants"},
		"workforce-flexible-working/granted":                {"granted", "requested"},
		"workforce-staff-survey/engaged":                    {"engaged", "responded"},
		"population/population":                             {"", ""},
		"complaints-and-compliments/complaints":             {"complaint", ""},
		"complaints-and-compliments/compliments":            {"compliment", ""},
		"service-take-up/users":                             {"", ""},
		"workforce-recruitment/applicants":                  {"", ""},
		"workforce-staff-survey/responded":                  {"", ""},
		"workforce-flexible-working/requested":              {"", ""},
		"hate-crime/reported":                               {"", ""},
		"customer-satisfaction/asked":                       {"", ""},
		"complaints-and-compliments/upheld":                 {"upheld", "complaints"},
		"domestic-violence/reported":                        {"", ""},
		"workforce-strength/top-earners":                    {"top_earner", "staff"},
		"workforce-staff-survey/experienced-discrimination": {"experienced_discrimination", "responded"},
	}
	for _, th := range mustBuiltInThemes(t) {
		columns := map[string]bool{}
		for _, m := range th.Measures {
			if w, ok := want[th.ID+"/"+m.ID]; ok && (m.Column != w[0] || m.Of != w[1]) {
				t.Errorf("%s/%s: column %q of %q, want %q of %q", th.ID, m.ID, m.Column, m.Of, w[0], w[1])
			}
			if m.Of != "" {
				whole, ok := th.Measure(m.Of)
				switch {
				case !ok || m.Of == m.ID:
					t.Errorf("%s/%s is a part of %q, not another measure of the theme", th.ID, m.ID, m.Of)
				case whole.Of != "":
					t.Errorf("%s/%s is a part of %s, itself a part of %s: rates are of a whole", th.ID, m.ID, m.Of, whole.Of)
				case m.Column == "":
					t.Errorf("%s/%s counts every record, so it cannot be a part of %s", th.ID, m.ID, m.Of)
				case whole.Column != "" && whole.Column == m.Column:
					t.Errorf("%s/%s reads the same column as its whole", th.ID, m.ID)
				}
			}
			if m.Column == "" {
				continue
			}
			if !column.MatchString(m.Column) {
				t.Errorf("%s/%s: the column %q is not a lower-case heading", th.ID, m.ID, m.Column)
			}
			if _, ok := s.Question(m.Column); ok {
				t.Errorf("%s/%s reads the column of a question", th.ID, m.ID)
			}
			if columns[m.Column] {
				t.Errorf("%s: two measures read %s", th.ID, m.Column)
			}
			columns[m.Column] = true
		}
	}
}

// smallStandard is a standard file with one question; each line is known, for line numbers.
const smallStandard = `{
  "Version": "t.2",
  "Title": "Test",
  "Published": "2026-04-01T00:00:00Z",
  "Questions": [
    {
      "Key": "sex",
      "Characteristic": "sex",
      "Label": "Sex",
      "Wording": "What is your sex?",
      "Purpose": "Gaps between women and men.",
      "Groups": [{"Code": "everyone", "Label": "Everyone"}],
      "Categories": [
        {"Code": "female", "Label": "Female", "Group": "everyone"},
        {"Code": "male", "Label": "Male", "Group": "everyone"}
      ],
      "Sensitive": false
    }
  ]
}
`

func TestDecodeStandardAcceptsAGoodFile(t *testing.T) {
	s, err := monitoring.DecodeStandard(strings.NewReader("\ufeff" + smallStandard))
	if err != nil {
		t.Fatal(err)
	}
	if q, ok := s.Question("sex"); !ok || len(q.Categories) != 2 || s.Published.Year() != 2026 {
		t.Errorf("decoded %+v", s)
	}
}

func TestDecodeStandardRefusesBadFiles(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		want      []string // in the error's text
	}{
		{"malformed JSON", strings.Replace(smallStandard, `"Label": "Sex",`, `"Label": "Sex"`, 1),
			[]string{"not valid JSON", "row 10:", `Invalid character '"' after object key:value pair, at character 7 of the line`}},
		{"cut short", smallStandard[:200], []string{"not valid JSON", "ends before the JSON does"}},
		{"empty", "  \n", []string{"file is empty"}},
		{"unknown field", strings.Replace(smallStandard, `"Label": "Male",`, `"Label": "Male", "Colour": "blue",`, 1),
			[]string{"field the hub does not know", "row 15:", `"Colour" is not a field of questions.0.categories.1`, "Code, Label and Group"}},
		{"misspelt top-level field", strings.Replace(smallStandard, `"Title"`, `"Titel"`, 1),
			[]string{"row 3:", `"Titel" is not a field of the monitoring standard file`}},
		{"category in a missing group", strings.Replace(smallStandard, `"Label": "Male", "Group": "everyone"`, `"Label": "Male", "Group": "men"`, 1),
			[]string{"not valid", `the category "male" rolls up into an unknown group "men"`}},
		{"unknown characteristic", strings.Replace(smallStandard, `"Characteristic": "sex"`, `"Characteristic": "gender"`, 1),
			[]string{"row 8:", `questions.0.characteristic: "gender" is not a protected characteristic`}},
		{"wrong kind", strings.Replace(smallStandard, `"Sensitive": false`, `"Sensitive": "no"`, 1),
			[]string{"wrong kind", "row 17:", `questions.0.sensitive should be true or false, not "no"`}},
		{"bad date", strings.Replace(smallStandard, `"2026-04-01T00:00:00Z"`, `"1 April 2026"`, 1),
			[]string{"row 4:", "published should be a date and time", `not "1 April 2026"`}},
		{"a list, not a standard", "[\n" + smallStandard + "]",
			[]string{"row 1:", "the monitoring standard file should be an object in { }, not a list in [ ]"}},
		{"two standards", smallStandard + smallStandard, []string{"Something follows the end of the monitoring standard"}},
		{"reserved category", strings.Replace(smallStandard, `"Code": "male"`, `"Code": "not-known"`, 1),
			[]string{`the category code "not-known" is not valid or reserved`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := monitoring.DecodeStandard(strings.NewReader(c.doc))
			if !hub.IsCode(err, hub.CodeInvalid) {
				t.Fatalf("got %v, want a CodeInvalid error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err.Error(), w)
				}
			}
		})
	}
}

// themesFile is a themes file with one theme for smallStandard.
const themesFile = `[
  {
    "ID": "stop-and-search",
    "Name": "Stop and search",
    "Area": "community safety",
    "Description": "Searches.",
    "Frequency": "annual",
    "Questions": ["sex"],
    "Measures": [
      {"ID": "searched", "Label": "Searches"},
      {"ID": "arrested", "Label": "Arrests", "Column": "arrested", "Of": "searched"}
    ]
  }
]`

func TestDecodeThemes(t *testing.T) {
	s, err := monitoring.DecodeStandard(strings.NewReader(smallStandard))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := monitoring.DecodeThemes(strings.NewReader(themesFile), s)
	if err != nil || len(ts) != 1 || ts[0].Measures[1].Of != "searched" {
		t.Fatalf("%v %+v", err, ts)
	}
	two := strings.Replace(themesFile, "\n]", ",\n"+strings.TrimPrefix(strings.TrimSuffix(themesFile, "\n]"), "[\n")+"\n]", 1)
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"unknown question", strings.Replace(themesFile, `["sex"]`, `["sex", "ethnicity"]`, 1),
			[]string{`Theme "stop-and-search": The standard t.2 has no question "ethnicity"`}},
		{"part of nothing", strings.Replace(themesFile, `"Of": "searched"`, `"Of": "stopped"`, 1),
			[]string{`The measure "arrested" is a part of "stopped"`}},
		{"unknown field", strings.Replace(themesFile, `"Column": "arrested"`, `"Colum": "arrested"`, 1),
			[]string{"row 11:", `"Colum" is not a field of themes.0.measures.1`, "ID, Label, Column and Of"}},
		{"unknown area", strings.Replace(themesFile, `"community safety"`, `"policing"`, 1), []string{`The area "policing" is not one of`}},
		{"column of a question", strings.Replace(themesFile, `"Column": "arrested"`, `"Column": "sex"`, 1),
			[]string{`reads the column "sex", which is the column of the question`}},
		{"the same theme twice", two, []string{"Another theme has the same ID"}},
		{"no themes", "[]", []string{"no themes"}},
		{"an object, not a list", strings.Trim(themesFile, "[]"), []string{"the themes file should be a list in [ ], not an object in { }"}},
		{"malformed JSON", strings.Replace(themesFile, `"annual",`, `"annual"`, 1), []string{"not valid JSON", "row 8:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := monitoring.DecodeThemes(strings.NewReader(c.doc), s)
			if !hub.IsCode(err, hub.CodeInvalid) {
				t.Fatalf("got %v, want a CodeInvalid error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err.Error(), w)
				}
			}
		})
	}
}
