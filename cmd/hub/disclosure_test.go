package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
)

// views are the tables one person asked for, keyed by query.
type views map[string]pictureJSON

// othersOnly drops the viewer's own organisation's column, which is never
// withheld from them.
func othersOnly(p pictureJSON, own string) pictureJSON {
	out := p
	out.Columns, out.Cells = nil, nil
	keep := []int{}
	for j, c := range p.Columns {
		if c != own {
			keep = append(keep, j)
			out.Columns = append(out.Columns, c)
		}
	}
	for _, line := range p.Cells {
		var l []struct {
			Value  *int64 `json:"value"`
			Status string `json:"status"`
			Text   string `json:"text"`
		}
		for _, j := range keep {
			l = append(l, line[j])
		}
		out.Cells = append(out.Cells, l)
	}
	return out
}

// pictureQueries are the tables the attacks of the issue used: rates, broad
// and detailed groups, quarters and the year.
func pictureQueries() []string {
	var qs []string
	for _, base := range []string{
		"theme=stop-and-search&measure=searched&question=ethnicity&period=2024-25",
		"theme=stop-and-search&measure=arrested&question=ethnicity&period=2024-25",
		"theme=stop-and-search&measure=arrested&question=age&period=2024-25",
		"theme=hate-crime&measure=reported&question=ethnicity&period=2024-25",
		"theme=hate-crime&measure=reported&question=ethnicity&period=2024-25-Q2",
		"theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26",
		"theme=customer-satisfaction&measure=asked&question=ethnicity&period=2025-26-Q4",
	} {
		qs = append(qs, base+"&grouping=broad", base+"&grouping=detailed")
	}
	return qs
}

func ask(t *testing.T, c *client, qs []string) views {
	t.Helper()
	out := views{}
	for _, q := range qs {
		status, p := getPicture(t, c, q)
		if status != 200 {
			t.Fatalf("%s: %d", q, status)
		}
		out[q] = p
	}
	return out
}

// TestOnePatternWhoeverAsks reproduces the third route: after a
// restart, or when a colleague of the same organisation asked for broad
// groups first, subtraction gave small counts back, and several hub
// processes would each keep their own ledger. Now two colleagues asking in
// opposite orders, and a second hub process on the same database, see the
// same cells of every other partner; and no small count comes back by
// subtracting shown detailed answers from their broad group.
func TestOnePatternWhoeverAsks(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	env := map[string]string{"HUB_DEMO_RETURNS": "true", "HUB_DATABASE": "hubtest_pattern_" + hex.EncodeToString(b), "HUB_MONGO_URI": mongotest.URI(t)}
	h := mustStartHub(t, env)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	steward := h.visitor(t)
	steward.signIn("northshire-county", "county-steward")

	qs := pictureQueries()
	reversed := make([]string, len(qs))
	for i, q := range qs {
		reversed[len(qs)-1-i] = q
	}
	first, second := ask(t, forum, qs), ask(t, steward, reversed)
	other := mustStartHub(t, env) // a second hub process on the same database
	colleague := other.visitor(t)
	colleague.signIn(countyForum.org, countyForum.subject)
	third := ask(t, colleague, qs)
	for _, q := range qs {
		a, b, c := othersOnly(first[q], "Northshire County Council"), othersOnly(second[q], "Northshire County Council"), othersOnly(third[q], "Northshire County Council")
		if !reflect.DeepEqual(a.Cells, b.Cells) || !reflect.DeepEqual(a.Cells, c.Cells) {
			t.Errorf("%s: colleagues or processes were shown different cells", q)
		}
	}
	// Broad group less its shown detailed answers: never a small count.
	groups := map[string][]string{
		"Asian or Asian British":                     {"Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background"},
		"Black, Black British, Caribbean or African": {"Caribbean", "African", "Any other Black, Black British or Caribbean background"},
		"Other ethnic group":                         {"Arab", "Any other ethnic group"},
	}
	for _, q := range qs {
		if !strings.HasSuffix(q, "grouping=broad") || !strings.Contains(q, "question=ethnicity") {
			continue
		}
		broad, detailed := first[q], first[strings.TrimSuffix(q, "broad")+"detailed"]
		for j, col := range broad.Columns {
			if col == "Northshire County Council" {
				continue
			}
			dj := index(detailed.Columns, col)
			for group, members := range groups {
				gi := index(broad.Rows, group)
				if gi < 0 || dj < 0 || broad.Cells[gi][j].Value == nil {
					continue
				}
				rest, hidden := *broad.Cells[gi][j].Value, 0
				for _, m := range members {
					mi := index(detailed.Rows, m)
					if mi < 0 {
						hidden++
						continue
					}
					if v := detailed.Cells[mi][dj].Value; v != nil {
						rest -= *v
					} else {
						hidden++
					}
				}
				if hidden == 1 && rest >= 1 && rest <= 4 {
					t.Errorf("%s: %s's %s less its shown answers leaves %d", q, col, group, rest)
				}
			}
		}
	}
}

func index(xs []string, x string) int {
	for i, y := range xs {
		if y == x || strings.HasPrefix(y, x) {
			return i
		}
	}
	return -1
}

// TestStrategyIsNoSideDoor reproduces the second route: a strategy
// measure showed an advisory group member, with no right to any police
// data, counts of a few people. Now every measure the advisory group's
// protocols do not release says so in words, on the strategy page and in
// the quarter's report made by a board member.
func TestStrategyIsNoSideDoor(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	status, page := adv.get("/strategy")
	if status != 200 {
		t.Fatalf("the strategy page: %d", status)
	}
	if !strings.Contains(page, "Not shown to you. No sharing protocol in force lets you see") {
		t.Fatal("the advisory member's strategy page does not say which measures are not shown to them")
	}
	if !strings.Contains(page, ">Not shown to you (") {
		t.Error("the advisory member sees the baseline of a measure of data not released to them")
	}
	if strings.Contains(page, "expected ") {
		t.Errorf("the advisory member sees a measure's latest value:\n%s", sliceBetween(page, "How we will measure it", "How we will achieve it"))
	}
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	if _, page := board.get("/strategy"); !strings.Contains(page, "expected ") {
		t.Error("the board member sees no measure's value")
	}
	// The quarter's report was made by a board member: the advisory member reads it without the figures.
	_, reports := adv.get("/strategy")
	i := strings.Index(reports, "/strategy/reports/")
	if i < 0 {
		t.Fatal("the advisory member's strategy page links no quarterly report")
	}
	link := reports[i : i+strings.IndexAny(reports[i:], `"'`)]
	_, report := adv.get(link)
	if !strings.Contains(report, "not shown to you") || !strings.Contains(report, "Not shown") || strings.Contains(report, "No data yet") {
		t.Errorf("the stored report shows the advisory member the board's figures, or calls them missing:\n%s", sliceBetween(report, "<table", "</table>"))
	}
}

func sliceBetween(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return fmt.Sprintf("%.2000s", s)
	}
	j := strings.Index(s[i:], b)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// TestRatesOnlyFromShownCounts reproduces the first route: rates
// per 1,000 times the population (which everyone may read) gave each broad
// group's exact count back, and the detailed table the small ones. Now a
// rate is shown only where its count is shown in the same table.
func TestRatesOnlyFromShownCounts(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	for _, q := range []string{
		"theme=stop-and-search&measure=searched&question=ethnicity&period=2024-25&grouping=broad",
		"theme=stop-and-search&measure=arrested&question=ethnicity&period=2024-25&grouping=broad",
		"theme=hate-crime&measure=reported&question=ethnicity&period=2024-25-Q2&grouping=broad",
		"theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26&grouping=broad",
		"theme=workforce-strength&measure=staff&question=ethnicity&period=2025-26&grouping=broad",
	} {
		status, body := forum.get("/data/picture?" + q + "&format=json")
		if status != 200 {
			t.Fatalf("%s: %d", q, status)
		}
		var p struct {
			Columns []string `json:"columns"`
			Rows    []string `json:"rows"`
			Cells   [][]struct {
				Value *int64 `json:"value"`
			} `json:"cells"`
			Against []struct {
				Partner string `json:"partner"`
				Groups  []struct {
					Group string `json:"group"`
					Rate  struct {
						Value *float64 `json:"value"`
					} `json:"rate_per_1000"`
				} `json:"groups"`
			} `json:"against_population"`
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		rates := 0
		for _, d := range p.Against {
			j := index(p.Columns, d.Partner)
			for _, g := range d.Groups {
				i := index(p.Rows, g.Group)
				if g.Rate.Value == nil {
					continue
				}
				rates++
				if i < 0 || j < 0 || p.Cells[i][j].Value == nil {
					t.Errorf("%s: %s's rate for %s is shown while its count is withheld", q, d.Partner, g.Group)
				}
			}
		}
		if (strings.Contains(q, "stop-and-search") || strings.Contains(q, "workforce")) && rates == 0 {
			t.Errorf("%s: no rate against the population is shown", q)
		}
	}
}
