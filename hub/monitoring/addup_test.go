package monitoring_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// content is a police stop and search return for 2025-26 that adds up:
// records split between the first two answers of every question, a third of
// each arrested.
func content(t *testing.T, records int64) (monitoring.Content, *monitoring.Layout) {
	t.Helper()
	l := mustLayout(t)
	counts := make([]int64, l.Size())
	for qi := range l.Questions {
		counts[l.Index(qi, 0, 0)], counts[l.Index(qi, 1, 0)] = records-records/2, records/2
		counts[l.Index(qi, 0, 1)] = (records - records/2) / 3
		counts[l.Index(qi, 1, 1)] = records / 2 / 3
	}
	return monitoring.Content{OrgID: "police", Theme: "stop-and-search", Period: "2025-26", Standard: "t.1", Records: records, Counts: counts}, l
}

// Returns that do not add up are refused, naming the question and category:
// a records total that the questions' counts do not make, a question whose
// categories count one record, parts larger than their wholes or than the
// records, and counts past any real partner's. Each is what the hub stored
// as signed before.
func TestReturnsThatDoNotAddUpAreRefused(t *testing.T) {
	good, l := content(t, 3776)
	if _, _, err := monitoring.Decode(good.Encode(l), catalogue{}); err != nil {
		t.Fatalf("a return that adds up: %v", err)
	}
	type change func(c *monitoring.Content)
	cases := []struct {
		name  string
		edit  change
		wants []string
	}{
		{"records beyond the questions' totals", func(c *monitoring.Content) { c.Records = 5000 },
			[]string{"Ethnic group: the counts of searches add up to 3,776, but the return counts 5,000 records", "Sex: the counts of searches add up to 3,776"}},
		{"a question counting one record", func(c *monitoring.Content) {
			c.Counts[l.Index(1, 0, 0)], c.Counts[l.Index(1, 1, 0)], c.Counts[l.Index(1, 0, 1)], c.Counts[l.Index(1, 1, 1)] = 1, 0, 0, 0
		}, []string{"Sex: the counts of searches add up to 1, but the return counts 3,776 records"}},
		{"a part beyond its whole", func(c *monitoring.Content) { c.Counts[l.Index(1, 3, 1)] = 5 },
			[]string{"Sex / Not known: Arrests is 5 but Searches is only 0"}},
		{"parts that differ between questions", func(c *monitoring.Content) {
			c.Counts[l.Index(0, 0, 1)]--
		}, []string{"Sex: the counts of arrests add up to 1,258, but under Ethnic group they add up to 1,257"}},
		{"the largest number there is", func(c *monitoring.Content) {
			c.Records = 9223372036854775807
			for i := range c.Counts {
				c.Counts[i] = 9223372036854775807
			}
		}, []string{"The number of records counted is 9,223,372,036,854,775,807, more than the 100,000,000 a return may hold",
			"The count of Ethnic group / English, Welsh, Scottish, Northern Irish or British / Searches is 9,223,372,036,854,775,807, more than the 100,000,000"}},
		{"more left out than any partner holds", func(c *monitoring.Content) { c.Rejected = 100_000_001 },
			[]string{"The number of records left out is 100,000,001, more than the 100,000,000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := content(t, 3776)
			tc.edit(&c)
			_, _, err := monitoring.Decode(c.Encode(l), catalogue{})
			if !hub.IsCode(err, hub.CodeInvalid) {
				t.Fatalf("got %v, want it refused as invalid", err)
			}
			for _, want := range tc.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal does not say %q:\n%v", want, err)
				}
			}
		})
	}
}

// Counts written as text, with commas or not at all are named with their
// question, category and measure, in words rather than the decoder's.
func TestCountsWrittenWronglyAreNamed(t *testing.T) {
	c, l := content(t, 3776)
	doc := string(c.Encode(l))
	first := `{"question":"sex","category":"female","measure":"searched","count":1888}`
	if !strings.Contains(doc, first) {
		t.Fatalf("the document has no %s", first)
	}
	at := func(count string) string {
		return strings.Replace(doc, first, `{"question":"sex","category":"female","measure":"searched","count":`+count+`}`, 1)
	}
	cases := []struct{ name, doc, want string }{
		{"with a comma, in quotation marks", at(`"1,888"`), `The count of Sex / Female / Searches is written as text, "1,888": write it as a plain whole number, such as 1234, without commas`},
		{"empty", at(`""`), `The count of Sex / Female / Searches is empty`},
		{"null", at(`null`), `The count of Sex / Female / Searches is missing`},
		{"with a comma", at(`1,888`), `cannot be read at character 905, in the count of sex / female / searched: counts are plain whole numbers, such as 1234, without commas`},
		{"records as text", strings.Replace(doc, `"records":3776`, `"records":"3,776"`, 1), `The number of records counted is written as text, "3,776"`},
		{"a long text", at(`"` + strings.Repeat("9", 5000) + `"`), `is written as text, "999999999999999999999999999999999999999…`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := monitoring.Decode([]byte(tc.doc), catalogue{})
			if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant invalid saying %q", err, tc.want)
			}
			for _, decoder := range []string{"json:", "unmarshal", "Go value", "json.Number", "int64"} {
				if strings.Contains(err.Error(), decoder) {
					t.Errorf("the message speaks the decoder's words (%q): %v", decoder, err)
				}
			}
			if len(err.Error()) > 1000 {
				t.Errorf("the message repeats the value whole: %d bytes", len(err.Error()))
			}
		})
	}
}

// A signed return that does not add up is refused by the hub, and nothing is kept.
func TestUploadRefusesReturnsThatDoNotAddUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"); err != nil {
		t.Fatal(err)
	}
	c, l := content(t, 3776)
	c.Records = 5000
	doc := c.Encode(l)
	_, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), "but the return counts 5,000 records") {
		t.Fatalf("a return whose records are not its questions' totals: %v", err)
	}
	if len(f.store.returns) != 0 {
		t.Fatalf("a refused return was kept")
	}
}

// A return for a period that has not begun is refused, by the hub's clock.
func TestReturnsForPeriodsToComeAreRefused(t *testing.T) {
	f := newFixture(t) // 1 June 2026: the year 2026-27 has begun
	ctx := context.Background()
	if _, err := f.svc.RegisterKey(ctx, f.police, "KEY:AAA:"); err != nil {
		t.Fatal(err)
	}
	for _, period := range []string{"2090-91", "2027-28"} {
		doc := f.doc(t, period, 10)
		_, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "")
		ps := hub.ErrorProblems(err)
		if !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != "period" || !strings.Contains(ps[0].Message, period+" has not begun") || !strings.Contains(ps[0].Message, "the current period, 2026-27") {
			t.Errorf("a return for %s: %v", period, err)
		}
	}
	doc := f.doc(t, "2026-27", 10)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatalf("a return for the current year: %v", err)
	}
	f.clock.Advance(time.Date(2027, 3, 31, 23, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	doc = f.doc(t, "2027-28", 10)
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("a return for 2027-28 on 31 March 2027: %v", err)
	}
	f.clock.Advance(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	if _, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), ""); err != nil {
		t.Fatalf("a return for 2027-28 on 1 April 2027: %v", err)
	}
}

func TestPeriodStartsAndTheCurrentPeriod(t *testing.T) {
	for p, want := range map[monitoring.Period]string{"2025-26": "2025-04-01", "2025-26-Q1": "2025-04-01", "2025-26-Q3": "2025-10-01", "2025-26-Q4": "2026-01-01"} {
		if got := p.Start().Format(time.DateOnly); got != want {
			t.Errorf("%s starts %s, want %s", p, got, want)
		}
	}
	for at, want := range map[string]monitoring.Period{"2026-02-10": "2025-26-Q4", "2026-04-01": "2026-27-Q1", "2026-12-31": "2026-27-Q3"} {
		now, _ := time.Parse(time.DateOnly, at)
		if got := monitoring.CurrentPeriod(now, monitoring.Quarterly); got != want {
			t.Errorf("on %s the quarter is %s, want %s", at, got, want)
		}
	}
}

// A field of the wrong kind is named in words.
func TestFieldsOfTheWrongKindAreNamed(t *testing.T) {
	c, l := content(t, 3776)
	doc := strings.Replace(string(c.Encode(l)), `"theme":"stop-and-search"`, `"theme":7`, 1)
	_, _, err := monitoring.Decode([]byte(doc), catalogue{})
	if !hub.IsCode(err, hub.CodeInvalid) || !strings.Contains(err.Error(), `The field "theme" should be text in quotation marks, not a number`) {
		t.Fatalf("a theme written as a number: %v", err)
	}
}
