package monitoring_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// testStandard is a small standard: two questions.
func testStandard() monitoring.Standard {
	return monitoring.Standard{Version: "t.1", Title: "Test standard", Questions: []monitoring.Question{
		{Key: "ethnicity", Characteristic: hub.Race, Label: "Ethnic group", Wording: "What is your ethnic group?", Purpose: "Disproportionality.",
			Groups: []monitoring.Group{{Code: "white", Label: "White"}, {Code: "black", Label: "Black"}},
			Categories: []monitoring.Category{{Code: "white-british", Label: "English, Welsh, Scottish, Northern Irish or British", Group: "white"},
				{Code: "caribbean", Label: "Caribbean", Group: "black"}}},
		{Key: "sex", Characteristic: hub.Sex, Label: "Sex", Wording: "What is your sex?", Purpose: "Gaps by sex.",
			Categories: []monitoring.Category{{Code: "female", Label: "Female"}, {Code: "male", Label: "Male"}}},
	}}
}

func testTheme() monitoring.Theme {
	return monitoring.Theme{ID: "stop-and-search", Name: "Stop and search", Frequency: monitoring.Annual, Measures: []monitoring.Measure{
		{ID: "searched", Label: "Searches"}, {ID: "arrested", Label: "Arrests", Column: "arrested", Of: "searched"}}}
}

func policeMapping() monitoring.Mapping {
	return monitoring.Mapping{OrgID: "police", Version: 2, Standard: "t.1",
		Columns: map[string]string{"ethnicity": "SDE_CODE", "sex": "Gender"},
		Codes:   map[string]map[string]string{"ethnicity": {"W1": "white-british", "B1": "caribbean", "NS": monitoring.PreferNotToSay}, "sex": {"F": "female", "M": "male"}}}
}

func mustLayout(t testing.TB) *monitoring.Layout {
	t.Helper()
	l, err := monitoring.NewLayout(testStandard(), testTheme())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func aggregate(t testing.TB, csv string) (*monitoring.Aggregator, error) {
	t.Helper()
	return monitoring.Aggregate(monitoring.NewCSVRows(strings.NewReader(csv), 1<<20), mustLayout(t), policeMapping())
}

func count(l *monitoring.Layout, counts []int64, q, a, m int) int64 { return counts[l.Index(q, a, m)] }

func TestAggregateMapsAndCounts(t *testing.T) {
	csv := "\ufeffSDE_CODE,Gender,arrested,other\nW1,M,N,x\nw1 ,m,Y,x\nB1,F,yes,x\nNS,F,0,x\n,M,1,x\n"
	a, err := aggregate(t, csv)
	if err != nil {
		t.Fatal(err)
	}
	l := mustLayout(t)
	counted, rejected := a.Records()
	if counted != 5 || rejected != 0 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	c := a.Counts()
	// ethnicity answers: white-british, caribbean, prefer-not-to-say, not-known; measures: searched, arrested.
	want := map[[3]int]int64{{0, 0, 0}: 2, {0, 0, 1}: 1, {0, 1, 0}: 1, {0, 1, 1}: 1, {0, 2, 0}: 1, {0, 2, 1}: 0, {0, 3, 0}: 1, {0, 3, 1}: 1,
		{1, 0, 0}: 2, {1, 0, 1}: 1, {1, 1, 0}: 3, {1, 1, 1}: 2}
	for k, w := range want {
		if got := count(l, c, k[0], k[1], k[2]); got != w {
			t.Errorf("count %v = %d, want %d", k, got, w)
		}
	}
}

func TestAggregateRejectsRowsWithWhereAndWhy(t *testing.T) {
	csv := "SDE_CODE,Gender,arrested\nW1,M,N\nZZ,M,N\nW1,X,maybe\nW1\n=cmd|' /C calc'!A0,M,N\n"
	a, err := aggregate(t, csv)
	if err != nil {
		t.Fatal(err)
	}
	counted, rejected := a.Records()
	if counted != 1 || rejected != 4 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	ps, _ := a.Problems()
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.String()
	}
	want := []string{
		`row 3, column SDE_CODE: "ZZ" is not a code in your mapping for this question`,
		`row 4, column Gender: "X" is not a code in your mapping for this question`,
		`row 4, column arrested: "maybe" is not yes or no: write Y, N, yes, no, 1 or 0`,
		`row 5, column Gender: The row ends before this column`,
		`row 5, column arrested: The row ends before this column`,
		`row 6, column SDE_CODE: "'=cmd|' /C calc'!A0" is not a code in your mapping for this question`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBadFilesAreRefusedWithAMessage(t *testing.T) {
	cases := []struct {
		name, csv, want string
		code            hub.Code
	}{
		{"empty file", "", "The file is empty", hub.CodeInvalid},
		{"header only", "SDE_CODE,Gender,arrested\n", "no records", hub.CodeInvalid},
		{"missing columns", "ethnic,Gender\nW1,M\n", `no column "sde_code"`, hub.CodeInvalid},
		{"repeated column", "SDE_CODE,Gender,Gender,arrested\n", "appears twice", hub.CodeInvalid},
		{"invalid UTF-8", "SDE_CODE,Gender,arrested\nW1,\xff\xfe,N\n", "not UTF-8", hub.CodeInvalid},
		{"bad quoting", "SDE_CODE,Gender,arrested\n\"W1,M,N\n", "quotation mark", hub.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := aggregate(t, c.csv)
			if !hub.IsCode(err, c.code) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %s mentioning %q", err, c.code, c.want)
			}
		})
	}
	big := "SDE_CODE,Gender,arrested\n" + strings.Repeat("W1,M,N\n", 1000)
	_, err := monitoring.Aggregate(monitoring.NewCSVRows(strings.NewReader(big), 1000), mustLayout(t), policeMapping())
	if !hub.IsCode(err, hub.CodeTooLarge) {
		t.Fatalf("a file over the limit: %v", err)
	}
}

// catalogue is a fixed catalogue for decoding returns.
type catalogue struct{}

func (catalogue) Standard(v string) (monitoring.Standard, bool) { return testStandard(), v == "t.1" }
func (catalogue) Theme(id string) (monitoring.Theme, bool) {
	return testTheme(), id == "stop-and-search"
}

func goodContent(t testing.TB) (monitoring.Content, []byte) {
	a, err := aggregate(t, "SDE_CODE,Gender,arrested\nW1,M,Y\nB1,F,N\n")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := a.Records()
	c := monitoring.Content{OrgID: "police", Theme: "stop-and-search", Period: "2025-26", Standard: "t.1", Mapping: 2, Records: n, Counts: a.Counts()}
	return c, c.Encode(mustLayout(t))
}

func TestReturnDocumentsRoundTrip(t *testing.T) {
	c, body := goodContent(t)
	got, _, err := monitoring.Decode(body, catalogue{})
	if err != nil {
		t.Fatal(err)
	}
	if got.OrgID != c.OrgID || got.Period != c.Period || got.Records != 2 || len(got.Counts) != len(c.Counts) {
		t.Fatalf("round trip: %+v", got)
	}
	if !bytes.Equal(got.Encode(mustLayout(t)), body) {
		t.Fatal("encoding is not stable")
	}
}

func TestBadReturnsAreRefused(t *testing.T) {
	_, body := goodContent(t)
	doc := string(body)
	cases := []struct{ name, doc, want string }{
		{"not JSON", "hello", "not a return document"},
		{"NaN", strings.Replace(doc, `"count":1`, `"count":NaN`, 1), "not a return document"},
		{"infinity", strings.Replace(doc, `"count":1`, `"count":1e999`, 1), "whole numbers"},
		{"fraction", strings.Replace(doc, `"count":1`, `"count":1.5`, 1), "whole numbers"},
		{"negative", strings.Replace(doc, `"count":1`, `"count":-1`, 1), "negative"},
		{"beyond the records", strings.Replace(doc, `"count":1`, `"count":99`, 1), "more than the 2 records"},
		{"unknown theme", strings.Replace(doc, `"theme":"stop-and-search"`, `"theme":"burglary"`, 1), `no theme "burglary"`},
		{"unknown period", strings.Replace(doc, `"period":"2025-26"`, `"period":"2025-27"`, 1), "second year must follow"},
		{"quarter of a yearly theme", strings.Replace(doc, `"period":"2025-26"`, `"period":"2025-26-Q1"`, 1), "yearly"},
		{"unknown standard", strings.Replace(doc, `"standard":"t.1"`, `"standard":"x.9"`, 1), `no monitoring standard "x.9"`},
		{"extra field", strings.Replace(doc, `"format"`, `"names":["Ann"],"format"`, 1), "unknown field"},
		{"count missing", strings.Replace(doc, `{"question":"sex","category":"not-known","measure":"arrested","count":0}`, ``, 1), "not a return document"},
		{"re-spaced", strings.Replace(doc, `,"theme"`, `, "theme"`, 1), "not in the form hubctl writes"},
		{"part larger than whole", strings.Replace(strings.Replace(doc, `"category":"caribbean","measure":"arrested","count":0`, `"category":"caribbean","measure":"arrested","count":2`, 1), `"records":2`, `"records":2`, 1), "only 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.doc == doc {
				t.Fatal("the case did not change the document")
			}
			_, _, err := monitoring.Decode([]byte(c.doc), catalogue{})
			if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want invalid mentioning %q", err, c.want)
			}
		})
	}
}

func TestPeriods(t *testing.T) {
	for _, ok := range []struct {
		s string
		f monitoring.Frequency
	}{{"2025-26", monitoring.Annual}, {"1999-00", monitoring.Annual}, {"2025-26-Q4", monitoring.Quarterly}} {
		_, err := monitoring.ParsePeriod(ok.s, ok.f)
		if ok.s == "1999-00" {
			if err == nil {
				t.Error("1999-00 is before 2000 and should be refused")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", ok.s, err)
		}
	}
	for _, bad := range []string{"2025", "2025-2026", "2025-27", "2025-26-Q5", "FY25", ""} {
		if _, err := monitoring.ParsePeriod(bad, monitoring.Annual); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzAggregate(f *testing.F) {
	f.Add("SDE_CODE,Gender,arrested\nW1,M,N\n")
	f.Add("\ufeffSDE_CODE,Gender,arrested\n\"W1\",\"M\",\"Y\"\nB1,F,1\n")
	f.Add("a\n\"")
	l := mustLayout(f)
	f.Fuzz(func(t *testing.T, csv string) {
		a, err := monitoring.Aggregate(monitoring.NewCSVRows(strings.NewReader(csv), 1<<16), l, policeMapping())
		if err != nil {
			var he *hub.Error
			if !errors.As(err, &he) || he.Message == "" {
				t.Fatalf("an error that is not the hub's: %v", err)
			}
			return
		}
		counted, rejected := a.Records()
		ps, more := a.Problems()
		if rejected > 0 && len(ps) == 0 && more == 0 {
			t.Fatal("rows rejected without a problem")
		}
		for _, c := range a.Counts() {
			if c < 0 || c > counted {
				t.Fatalf("count %d out of 0..%d", c, counted)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	_, body := goodContent(f)
	f.Add(body)
	f.Add([]byte(`{"format":"equality-hub-return/1"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, l, err := monitoring.Decode(b, catalogue{})
		if err != nil {
			if !hub.IsCode(err, hub.CodeInvalid) {
				t.Fatalf("not an invalid-input error: %v", err)
			}
			return
		}
		if !bytes.Equal(c.Encode(l), b) {
			t.Fatal("accepted a document that is not canonical")
		}
	})
}
