package monitoring_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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

// aggregateFor reads a CSV extract for periods, at a fixed day.
func aggregateFor(t testing.TB, l *monitoring.Layout, m monitoring.Mapping, csv string, periods ...monitoring.Period) (*monitoring.Aggregator, error) {
	t.Helper()
	now := time.Date(2026, time.May, 20, 12, 0, 0, 0, time.UTC)
	return monitoring.AggregateFor(monitoring.NewCSVRows(strings.NewReader(csv), 4<<20), l, m, monitoring.Scope{Periods: periods, Now: now})
}

// problemsOf lists an aggregation's problems, one a line.
func problemsOf(a *monitoring.Aggregator) string {
	ps, _ := a.Problems()
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.String()
	}
	return strings.Join(got, "\n")
}

func quarterlyLayout(t testing.TB) *monitoring.Layout {
	t.Helper()
	th := testTheme()
	th.Frequency = monitoring.Quarterly
	l, err := monitoring.NewLayout(testStandard(), th)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// CSV errors name the fault where it is, and never repeat a long value whole.
func TestCSVErrorsNameTheFault(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("SDE_CODE,Gender,arrested\nW1,M,N\n"))
	zw.Close()
	var zipped bytes.Buffer
	w := zip.NewWriter(&zipped)
	f, _ := w.Create("extract.csv")
	f.Write([]byte("SDE_CODE,Gender,arrested\nW1,M,N\n"))
	w.Close()
	huge := strings.Repeat("x", 1<<20)
	cases := []struct{ name, csv, want string }{
		{"unterminated quote", "SDE_CODE,Gender,arrested\nW1,M,N\nW1,\"M,N\nB1,F,N\nB1,F,Y\nW1,M,N\n", "row 3: A cell on this line opens with a quotation mark that is not closed"},
		{"gzip named .csv", gz.String(), "row 1: This is a compressed file (gzip), not CSV"},
		{"zip named .csv", zipped.String(), "row 1: This is a compressed file (zip"},
		{"UTF-16", "\xff\xfeS\x00D\x00", "UTF-16"},
		{"a 1 MiB heading", "SDE_CODE,Gender," + huge + "\nW1,M,N\n", "The extract has no column"},
		{"a 1 MiB code", "SDE_CODE,Gender,arrested\n" + huge + ",M,N\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := aggregateFor(t, mustLayout(t), policeMapping(), c.csv)
			msg := ""
			if err != nil {
				msg = err.Error()
			} else {
				msg = problemsOf(a)
			}
			if !strings.Contains(msg, c.want) {
				t.Fatalf("got %q, want it to mention %q", cut(msg), c.want)
			}
			if strings.Contains(msg, strings.Repeat("x", 41)) || len(msg) > 2000 {
				t.Fatalf("a long value is repeated: %d characters", len(msg))
			}
			if strings.Contains(msg, "out of place") && c.name != "unterminated quote" {
				t.Fatalf("a misleading message: %s", cut(msg))
			}
		})
	}
}

func cut(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// A file saved with a carriage return alone at the end of each line reads line by line.
func TestCROnlyLineEndings(t *testing.T) {
	a, err := aggregate(t, "SDE_CODE,Gender,arrested\rW1,M,N\rB1,F,Y\rZZ,F,Y\r")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 2 || rejected != 1 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	if got := problemsOf(a); !strings.HasPrefix(got, "row 4, column SDE_CODE") {
		t.Fatalf("problems: %s", got)
	}
}

// A row with more cells than the header has columns is refused, not counted.
func TestRowsWiderThanTheHeaderAreRefused(t *testing.T) {
	a, err := aggregate(t, "SDE_CODE,Gender,arrested\nW1,M,N\nW1,M,N"+strings.Repeat(",x", 9992)+"\nB1,F,Y,\n,,\n")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 1 || rejected != 2 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	want := "row 3: This row has 9995 cells, more than the 3 columns the header names"
	if got := problemsOf(a); !strings.HasPrefix(got, want) || !strings.Contains(got, "row 4: This row has 4 cells") {
		t.Fatalf("problems:\n%s", got)
	}
}

// A record ID that appears twice is refused with the line it was first on.
func TestRepeatedRecordIDsAreRefused(t *testing.T) {
	m := policeMapping()
	m.Columns["record_id"] = "Search ref"
	a, err := aggregateFor(t, mustLayout(t), m, "Search ref,SDE_CODE,Gender,arrested\nS1,W1,M,N\nS2,B1,F,Y\n S1 ,W1,M,N\n,W1,M,N\nS3,W1,M,N\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 3 || rejected != 2 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	want := "row 4, column Search ref: The record ID \"S1\" is also on line 2: a record is counted once, so remove the repeat\n" +
		"row 5, column Search ref: The record has no ID: each record needs its own, so that none is counted twice"
	if got := problemsOf(a); got != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", got, want)
	}
}

// Dates are read and checked: a real day, not in the future, in the return's period; day first only when the mapping says so.
func TestDatesAreChecked(t *testing.T) {
	csv := "date,SDE_CODE,Gender,arrested\n" +
		"2025-04-01,W1,M,N\n" + // 2
		"2026-03-31T23:10:00,W1,M,N\n" + // 3
		"2025-02-30,W1,M,N\n" + // 4: no such day
		"2026-05-21,W1,M,N\n" + // 5: tomorrow
		"2025-03-31,W1,M,N\n" + // 6: before the period
		"03/04/2025,W1,M,N\n" + // 7: day or month first?
		"30/02/2026,W1,M,N\n" + // 8
		"yesterday,W1,M,N\n" // 9
	a, err := aggregateFor(t, mustLayout(t), policeMapping(), csv, "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 2 || rejected != 6 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	want := `row 4, column date: "2025-02-30" is not a date: there is no 30 February 2025
row 5, column date: "2026-05-21" is after today: a record cannot be dated in the future
row 6, column date: "2025-03-31" is outside 2025-26 (1 April 2025 to 31 March 2026), the period of the record
row 7, column date: "03/04/2025" could be day first or month first: write yyyy-mm-dd, or say in your mapping how your dates are written (e.g. dd/mm/yyyy)
row 8, column date: "30/02/2026" is not a date: write it as yyyy-mm-dd, e.g. 2025-04-30
row 9, column date: "yesterday" is not a date: write it as yyyy-mm-dd, e.g. 2025-04-30`
	if got := problemsOf(a); got != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", got, want)
	}

	// Declared, day-first dates are read as such.
	m := policeMapping()
	m.DateFormats = []string{"dd/mm/yyyy"}
	if err := m.Validate(testStandard()); err != nil {
		t.Fatal(err)
	}
	a, err = aggregateFor(t, mustLayout(t), m, csv, "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, _ := a.Records(); counted != 3 {
		t.Fatalf("counted %d: %s", counted, problemsOf(a))
	}
	if got := problemsOf(a); !strings.Contains(got, `row 8, column date: "30/02/2026" is not a date: there is no 30 February 2026`) {
		t.Fatalf("problems:\n%s", got)
	}
	m.DateFormats = []string{"dd/yy/mm"}
	if err := m.Validate(testStandard()); err == nil || !strings.Contains(err.Error(), "is not a date format") {
		t.Fatalf("a bad date format: %v", err)
	}
}

// A period column is read: records of other periods are refused with their
// line, and an extract of a year can be split into its quarters.
func TestPeriodColumn(t *testing.T) {
	l := quarterlyLayout(t)
	csv := "period,date,SDE_CODE,Gender,arrested\n" +
		"2024-25-Q1,2024-05-01,W1,M,N\n" +
		"2024-25 Q1,2024-06-30,B1,F,Y\n" +
		"2024/25 Q2,2024-07-01,W1,M,Y\n" +
		"2024-25-Q3,2024-10-01,W1,F,N\n" +
		"2024-25-Q4,2025-03-31,W1,F,N\n"
	// One quarter asked of a whole year's file: the other quarters are refused, not counted.
	a, err := aggregateFor(t, l, policeMapping(), csv, "2024-25-Q1")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 2 || rejected != 3 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	if got := problemsOf(a); !strings.HasPrefix(got, "row 4, column period: This record is for 2024-25-Q2, which is not the period asked for (2024-25-Q1)") {
		t.Fatalf("problems:\n%s", got)
	}
	// The year asked as its quarters: a return for each.
	a, err = aggregateFor(t, l, policeMapping(), csv+"2024-25-Q2,2024-06-30,W1,M,N\n2024-25,2024-06-30,W1,M,N\n", monitoring.Period("2024-25").Quarters()...)
	if err != nil {
		t.Fatal(err)
	}
	parts := a.Parts()
	var got []string
	for _, p := range parts {
		got = append(got, fmt.Sprintf("%s:%d", p.Period, p.Records))
	}
	if strings.Join(got, " ") != "2024-25-Q1:2 2024-25-Q2:1 2024-25-Q3:1 2024-25-Q4:1" {
		t.Fatalf("parts: %s", strings.Join(got, " "))
	}
	want := `row 7, column date: "2024-06-30" is outside 2024-25-Q2 (1 July 2024 to 30 September 2024), the period of the record
row 8, column period: 2024-25 is a whole year, but this theme's returns are quarterly: give each record's quarter, as in 2024-25-Q1`
	if got := problemsOf(a); got != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", got, want)
	}
	// Without a period column, the date says which period a record is for.
	a, err = aggregateFor(t, l, policeMapping(), "date,SDE_CODE,Gender,arrested\n2024-05-01,W1,M,N\n2024-11-01,W1,M,N\n2025-04-01,W1,M,N\n", "2024-25-Q1", "2024-25-Q3")
	if err != nil {
		t.Fatal(err)
	}
	if p := a.Parts(); p[0].Records != 1 || p[1].Records != 1 || !strings.Contains(problemsOf(a), "outside the periods asked for (2024-25-Q1, 2024-25-Q3)") {
		t.Fatalf("parts %+v, problems %s", p, problemsOf(a))
	}
	// Several periods and neither column: refused.
	if _, err := aggregateFor(t, l, policeMapping(), "SDE_CODE,Gender,arrested\nW1,M,N\n", "2024-25-Q1", "2024-25-Q2"); err == nil || !strings.Contains(err.Error(), "cannot be split into periods") {
		t.Fatalf("several periods without a period column: %v", err)
	}
}

// A period that has not begun is refused; the common ways of writing one are read.
func TestPeriodsNotBegunAndSpellings(t *testing.T) {
	if _, err := aggregateFor(t, mustLayout(t), policeMapping(), "SDE_CODE,Gender,arrested\nW1,M,N\n", "2090-91"); err == nil || !strings.Contains(err.Error(), "2090-91 has not begun") {
		t.Fatalf("a period to come: %v", err)
	}
	if _, err := aggregateFor(t, mustLayout(t), policeMapping(), "SDE_CODE,Gender,arrested\nW1,M,N\n", "2026-27"); err != nil {
		t.Fatalf("the current period: %v", err)
	}
	for s, want := range map[string]string{"2024-25 Q1": "2024-25-Q1", "2024/25 Q1": "2024-25-Q1", "2024/25-q1": "2024-25-Q1", " 2024-25-Q1 ": "2024-25-Q1", "2024/25 Q 1": "2024-25-Q1"} {
		p, err := monitoring.ParsePeriod(s, monitoring.Quarterly)
		if err != nil || string(p) != want {
			t.Errorf("%q: %q, %v", s, p, err)
		}
	}
	if p, err := monitoring.ParsePeriod("2024/25", monitoring.Annual); err != nil || p != "2024-25" {
		t.Errorf("2024/25: %q, %v", p, err)
	}
}

// One mapping serves every extract layout: a theme may read a question from a column of its own.
func TestMappingColumnsPerTheme(t *testing.T) {
	m := policeMapping()
	m.ThemeColumns = map[string]map[string]string{"stop-and-search": {"ethnicity": "self_defined_ethnicity"}}
	if err := m.Validate(testStandard()); err != nil {
		t.Fatal(err)
	}
	a, err := aggregateFor(t, mustLayout(t), m, "self_defined_ethnicity,Gender,arrested\nW1,M,N\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, _ := a.Records(); counted != 1 {
		t.Fatalf("counted %d: %s", counted, problemsOf(a))
	}
	other := testTheme()
	other.ID = "hate-crime"
	l, err := monitoring.NewLayout(testStandard(), other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := aggregateFor(t, l, m, "SDE_CODE,Gender,arrested\nW1,M,N\n", "2025-26"); err != nil {
		t.Fatalf("another theme reads the mapping's own column: %v", err)
	}
}

// ageLayout is a theme asked by age, in bands, and sex.
func ageLayout(t testing.TB, ageAt string) *monitoring.Layout {
	t.Helper()
	s := testStandard()
	s.Questions = append(s.Questions, monitoring.Question{Key: "age", Characteristic: hub.Age, Label: "Age", Wording: "How old are you?", Purpose: "Gaps by age.",
		Categories: []monitoring.Category{{Code: "0-15", Label: "0 to 15"}, {Code: "16-24", Label: "16 to 24"}, {Code: "25-64", Label: "25 to 64"}, {Code: "65-and-over", Label: "65 and over"}}})
	th := testTheme()
	th.Questions, th.AgeAt = []string{"age", "sex"}, ageAt
	if err := th.Validate(s); err != nil {
		t.Fatal(err)
	}
	l, err := monitoring.NewLayout(s, th)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// ageCounts names the records counted in each age band.
func ageCounts(l *monitoring.Layout, a *monitoring.Aggregator) string {
	c := a.Counts()
	var out []string
	for ai, ans := range l.Questions[0].Answers() {
		if n := c[l.Index(0, ai, 0)]; n > 0 {
			out = append(out, fmt.Sprintf("%s:%d", ans.Code, n))
		}
	}
	return strings.Join(out, " ")
}

// Ages are banded from a number of years, or from a date of birth at the day the theme states.
func TestAgesAreBanded(t *testing.T) {
	l := ageLayout(t, monitoring.AgeAtRecordDate)
	a, err := aggregateFor(t, l, policeMapping(), "age,Gender,arrested\n15,M,N\n16,M,N\n 64 ,F,N\n65,F,N\n130,F,N\n131,F,N\n25-64,M,N\n,M,N\nold,M,N\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if got := ageCounts(l, a); got != "0-15:1 16-24:1 25-64:2 65-and-over:2 not-known:1" {
		t.Fatalf("bands: %s\n%s", got, problemsOf(a))
	}
	if got := problemsOf(a); got != "row 7, column age: \"131\" is not an age: write a whole number of years from 0 to 130, or a code of your mapping\n"+
		"row 10, column age: \"old\" is not a code in your mapping for this question" {
		t.Fatalf("problems:\n%s", got)
	}
	// From dates of birth: at the record's date, or the last day of the period without one.
	csv := "date,date_of_birth,Gender,arrested\n" +
		"2025-06-01,2009-06-01,M,N\n" + // 16 on the day
		"2025-06-01,2009-06-02,M,N\n" + // 15 for one more day
		"2025-06-01,,M,N\n" + // not known
		"2025-06-01,2025-06-02,M,N\n" + // born after the search
		"2025-06-01,1960-02-30,M,N\n" // no such day
	a, err = aggregateFor(t, l, policeMapping(), csv, "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if got := ageCounts(l, a); got != "0-15:1 16-24:1 not-known:1" {
		t.Fatalf("bands from dates of birth: %s\n%s", got, problemsOf(a))
	}
	if got := problemsOf(a); got != "row 5, column date_of_birth: \"2025-06-02\" is after the record's date, the day ages are taken at\n"+
		"row 6, column date_of_birth: \"1960-02-30\" is not a date: there is no 30 February 1960" {
		t.Fatalf("problems:\n%s", got)
	}
	// Staff in post: ages at the last day of the year.
	l = ageLayout(t, monitoring.AgeAtPeriodEnd)
	a, err = aggregateFor(t, l, policeMapping(), "date_of_birth,Gender,arrested\n2009-03-31,M,N\n2009-04-01,M,N\n", "2024-25")
	if err != nil {
		t.Fatal(err)
	}
	if got := ageCounts(l, a); got != "0-15:1 16-24:1" {
		t.Fatalf("bands at the end of the year: %s\n%s", got, problemsOf(a))
	}
}

// A mapping's codes go out to CSV and come back the same; a wrong line is named.
func TestMappingCodesAsCSV(t *testing.T) {
	m := policeMapping()
	m.Codes["sex"]["-X"] = monitoring.NotKnown
	out := m.CodesCSV(testStandard())
	if !bytes.HasPrefix(out, []byte("question,local code,standard category,category label\nethnicity,B1,caribbean,Caribbean\n")) || !bytes.Contains(out, []byte("sex,'-X,not-known,Not known\n")) {
		t.Fatalf("the CSV:\n%s", out)
	}
	codes, err := monitoring.ReadCodesCSV(bytes.NewReader(out), testStandard())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(codes) != fmt.Sprint(m.Codes) {
		t.Fatalf("round trip: %v, want %v", codes, m.Codes)
	}
	// Labels stand for categories; the label column may be left out.
	codes, err = monitoring.ReadCodesCSV(strings.NewReader("Question,Local code,Standard category\nethnicity,WB,\"English, Welsh, Scottish, Northern Irish or British\"\nsex, f ,FEMALE\n"), testStandard())
	if err != nil || codes["ethnicity"]["WB"] != "white-british" || codes["sex"]["f"] != "female" {
		t.Fatalf("labels: %v, %v", codes, err)
	}
	_, err = monitoring.ReadCodesCSV(strings.NewReader("question,local code,standard category\nethnicity,W1,white-british\nethnic,W2,white-british\nethnicity,,caribbean\nethnicity,B1,black-african\nethnicity,w1,caribbean\n"), testStandard())
	want := []string{`row 3, column question: The standard t.1 has no question "ethnic"`, "row 4, column local code: An empty answer counts as not known, so it cannot mean Caribbean",
		`row 5, column standard category: "black-african" is not a category of Ethnic group`, `row 6, column local code: Your code "w1" is given caribbean here and white-british on line 2`}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Fatalf("got %v, want it to say %q", err, w)
		}
	}
}

// staffLayout is a workforce theme that selects its records from a staff extract.
func staffLayout(t testing.TB, id, sel string) *monitoring.Layout {
	t.Helper()
	th := monitoring.Theme{ID: id, Name: id, Frequency: monitoring.Annual, Select: sel, Measures: []monitoring.Measure{{ID: "staff", Label: "Staff"}}}
	if err := th.Validate(testStandard()); err != nil {
		t.Fatal(err)
	}
	l, err := monitoring.NewLayout(testStandard(), th)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Joiners, leavers and staff in post are counted from one staff extract's start and end dates.
func TestJoinersAndLeaversFromAStaffExtract(t *testing.T) {
	staff := "record_id,start_date,end_date,SDE_CODE,Gender\n" +
		"E1,2010-01-04,,W1,F\n" + // in post throughout
		"E2,2024-06-01,,B1,M\n" + // joined in 2024-25
		"E3,2015-09-01,2024-11-30,W1,M\n" + // left in 2024-25
		"E4,2024-05-01,2025-02-28,ZZ,M\n" + // joined and left in 2024-25, with a bad code
		"E5,2020-01-01,2023-12-31,ZZ,F\n" + // left before: a bad code does not matter for 2024-25
		"E6,2025-05-01,,W1,F\n" + // joins the year after
		"E7,2019-01-01,2018-01-01,W1,F\n" // ends before it starts
	cases := []struct {
		sel                        string
		counted, rejected, skipped int64
	}{
		{monitoring.SelectJoined, 1, 2, 4}, // E2; refused E4 (a bad code), E7 (its dates); not joiners E1, E3, E5, E6
		{monitoring.SelectLeft, 1, 2, 4},   // E3; refused E4, E7; not leavers E1, E2, E5, E6
		{monitoring.SelectInPost, 2, 1, 4}, // in post on 31 March 2025 E1, E2; refused E7; not in post E3, E4, E5, E6
	}
	for _, c := range cases {
		a, err := aggregateFor(t, staffLayout(t, "workforce-"+c.sel, c.sel), policeMapping(), staff, "2024-25")
		if err != nil {
			t.Fatal(err)
		}
		counted, rejected := a.Records()
		if counted != c.counted || rejected != c.rejected || a.Skipped() != c.skipped {
			t.Errorf("%s: counted %d, rejected %d, not counted %d\n%s", c.sel, counted, rejected, a.Skipped(), problemsOf(a))
		}
		if !strings.Contains(problemsOf(a), `row 8, column end_date: "2018-01-01" is before the start date, 1 January 2019`) {
			t.Errorf("%s: problems %s", c.sel, problemsOf(a))
		}
	}
	// Two years of leavers from one extract.
	a, err := aggregateFor(t, staffLayout(t, "workforce-left", monitoring.SelectLeft), policeMapping(), staff, "2023-24", "2024-25")
	if err != nil {
		t.Fatal(err)
	}
	if p := a.Parts(); p[0].Records != 0 || p[0].Rejected != 1 || p[1].Records != 1 {
		t.Fatalf("leavers by year: %+v", p)
	}
}

// A blank answer counts as not known, as the standard says; a mapping may say so too, but not otherwise.
func TestBlankAnswersAreNotKnown(t *testing.T) {
	m := policeMapping()
	m.Codes["sex"][""] = monitoring.NotKnown
	if err := m.Validate(testStandard()); err != nil {
		t.Fatalf("a blank code mapped to not known: %v", err)
	}
	a, err := aggregateFor(t, mustLayout(t), m, "SDE_CODE,Gender,arrested\nW1,,N\n, ,Y\n", "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	l := mustLayout(t)
	if counted, _ := a.Records(); counted != 2 || count(l, a.Counts(), 1, 3, 0) != 2 || count(l, a.Counts(), 0, 3, 0) != 1 {
		t.Fatalf("blank answers: %v\n%s", a.Counts(), problemsOf(a))
	}
	m.Codes["sex"][""] = "female"
	if err := m.Validate(testStandard()); err == nil || !strings.Contains(err.Error(), `An empty answer counts as not known, so it cannot mean "female"`) {
		t.Fatalf("a blank code mapped to a category: %v", err)
	}
	codes, err := monitoring.ReadCodesCSV(strings.NewReader("question,local code,standard category\nsex,,Not known\nsex,F,female\n"), testStandard())
	if err != nil || len(codes["sex"]) != 1 {
		t.Fatalf("a blank code in CSV: %v, %v", codes, err)
	}
}

// A repeat far from the first is named with the first's line, however many records lie between.
func TestRepeatedRecordIDsFarApart(t *testing.T) {
	m := policeMapping()
	m.Columns["record_id"] = "ref"
	var b strings.Builder
	b.WriteString("ref,SDE_CODE,Gender,arrested\n")
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&b, "R%d,W1,M,N\n", i)
	}
	b.WriteString("R17,W1,M,N\nR4999,B1,F,Y\n")
	a, err := aggregateFor(t, mustLayout(t), m, b.String(), "2025-26")
	if err != nil {
		t.Fatal(err)
	}
	if counted, rejected := a.Records(); counted != 5000 || rejected != 2 {
		t.Fatalf("counted %d, rejected %d", counted, rejected)
	}
	want := "row 5002, column ref: The record ID \"R17\" is also on line 18: a record is counted once, so remove the repeat\n" +
		"row 5003, column ref: The record ID \"R4999\" is also on line 5000: a record is counted once, so remove the repeat"
	if got := problemsOf(a); got != want {
		t.Fatalf("problems:\n%s", got)
	}
}

// FuzzAggregateStrictly reads extracts with record IDs, periods, dates and ages.
func FuzzAggregateStrictly(f *testing.F) {
	f.Add("record_id,period,date,date_of_birth,SDE_CODE,Gender,arrested\nS1,2024-25-Q1,2024-05-01,1990-01-01,W1,M,N\nS1,2024-25 Q2,01/08/2024,,B1,F,Y\n")
	f.Add("record_id,date,age,SDE_CODE,Gender,arrested\rS1,2024-05-01,34,W1,M,N\r")
	th := testTheme()
	th.Frequency = monitoring.Quarterly
	s := testStandard()
	s.Questions = append(s.Questions, monitoring.Question{Key: "age", Characteristic: hub.Age, Label: "Age", Wording: "Age?", Purpose: "Gaps.",
		Categories: []monitoring.Category{{Code: "0-15", Label: "0 to 15"}, {Code: "16-and-over", Label: "16 and over"}}})
	l, err := monitoring.NewLayout(s, th)
	if err != nil {
		f.Fatal(err)
	}
	m := policeMapping()
	m.DateFormats = []string{"dd/mm/yyyy"}
	f.Fuzz(func(t *testing.T, csv string) {
		a, err := monitoring.AggregateFor(monitoring.NewCSVRows(strings.NewReader(csv), 1<<16), l, m,
			monitoring.Scope{Periods: monitoring.Period("2024-25").Quarters(), Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
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
		var sum int64
		for _, p := range a.Parts() {
			sum += p.Records
		}
		if sum != counted {
			t.Fatalf("parts hold %d records of %d", sum, counted)
		}
	})
}

// A theme's optional column may be left out: the measure counts none, and the aggregation says so.
func TestOptionalColumns(t *testing.T) {
	th := testTheme()
	th.Optional = []string{"arrested"}
	if err := th.Validate(testStandard()); err != nil {
		t.Fatal(err)
	}
	l, err := monitoring.NewLayout(testStandard(), th)
	if err != nil {
		t.Fatal(err)
	}
	a, err := aggregateFor(t, l, policeMapping(), "SDE_CODE,Gender\nW1,M\nB1,F\n", "2025-26")
	if err != nil {
		t.Fatalf("an optional column left out: %v", err)
	}
	if counted, _ := a.Records(); counted != 2 || count(l, a.Counts(), 1, 0, 0) != 1 || count(l, a.Counts(), 1, 0, 1) != 0 {
		t.Fatalf("counted %d: %v", counted, a.Counts())
	}
	if nc := a.NotCounted(); len(nc) != 1 || nc[0].Measure.ID != "arrested" || nc[0].Column != "arrested" {
		t.Fatalf("not counted: %+v", nc)
	}
	// Given, it is read as any other.
	a, err = aggregateFor(t, l, policeMapping(), "SDE_CODE,Gender,arrested\nW1,M,Y\nB1,F,maybe\n", "2025-26")
	if err != nil || len(a.NotCounted()) != 0 || count(l, a.Counts(), 1, 1, 1) != 1 || !strings.Contains(problemsOf(a), `"maybe" is not yes or no`) {
		t.Fatalf("an optional column given: %v %v %s", err, a.NotCounted(), problemsOf(a))
	}
	th.Optional = []string{"searched"}
	if err := th.Validate(testStandard()); err == nil {
		t.Fatal("a measure read from no column made optional")
	}
}
