package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnership/equalityhub/adapters/web/browser"
)

// between returns the text from the first from to the next to after it, or "".
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return ""
	}
	return s[i : i+j+len(to)]
}

var (
	tagPattern      = regexp.MustCompile(`<[^>]+>`)
	rowPattern      = regexp.MustCompile(`(?s)<tr class="govuk-table__row">(.*?)</tr>`)
	cellPattern     = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tickPattern     = regexp.MustCompile(`class="app-chart__tick">([^<]+)</text>`)
	valuePattern    = regexp.MustCompile(`class="app-chart__value[^"]*">([^<]+)</text>`)
	checkboxPattern = regexp.MustCompile(`<input class="govuk-checkboxes__input" id="(partner-\d+)" name="partner" type="checkbox" value="([^"]+)"( checked)?>\s*<label class="govuk-label govuk-checkboxes__label" for="partner-\d+">([^<]+)</label>`)
)

// readCSV reads a download: its last line is a single note.
func readCSV(body string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// tableRows reads an HTML table's rows as the text of their cells.
func tableRows(table string) [][]string {
	var out [][]string
	for _, m := range rowPattern.FindAllStringSubmatch(table, -1) {
		var cells []string
		for _, c := range cellPattern.FindAllStringSubmatch(m[1], -1) {
			cells = append(cells, html.UnescapeString(strings.TrimSpace(tagPattern.ReplaceAllString(strings.ReplaceAll(c[1], "<br>", " / "), ""))))
		}
		out = append(out, cells)
	}
	return out
}

type pictureShares struct {
	Columns []string `json:"columns"`
	Rows    []string `json:"rows"`
	Shares  [][]struct {
		Value  *float64 `json:"value"`
		Status string   `json:"status"`
		Text   string   `json:"text"`
	} `json:"shares_per_100"`
}

// A council officer reads the picture without training: the chart has a
// value axis and every bar its value or the word withheld; the trend over
// the whole years has a table of the same figures, a row a year; ticking
// partners gives a table, and downloads, of only those partners.
func TestPicturePageChartsTrendAndPartners(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	const query = "theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4&grouping=broad"

	status, page := forum.get("/data/picture?" + query)
	if status != http.StatusOK {
		t.Fatalf("the picture: %d", status)
	}
	_, raw := forum.get("/data/picture?" + query + "&format=json")
	var js pictureShares
	if err := json.Unmarshal([]byte(raw), &js); err != nil || len(js.Shares) == 0 {
		t.Fatalf("the picture's JSON has no shares: %v", err)
	}

	// The chart: an image with a title and a description, scaling to the page.
	chart := between(page, `<svg class="app-chart"`, `</svg>`)
	for _, want := range []string{`role="img"`, `viewBox="0 0 `, `width="100%"`, `<title id="chart-title">Satisfied with the service as a per cent of people who answered the survey`, `<desc id="chart-desc">The highest shown is`} {
		if !strings.Contains(chart, want) {
			t.Fatalf("the chart lacks %s:\n%.600s", want, chart)
		}
	}
	// A value axis in per cent from 0, with gridlines.
	ticks := tickPattern.FindAllStringSubmatch(chart, -1)
	if len(ticks) < 3 || ticks[0][1] != "0%" {
		t.Fatalf("the chart's axis has no tick labels in per cent from 0: %v", ticks)
	}
	for _, tk := range ticks {
		if !strings.HasSuffix(tk[1], "%") {
			t.Fatalf("a tick of a chart of shares is not in per cent: %q", tk[1])
		}
	}
	if n := strings.Count(chart, `class="app-chart__grid"`); n < 2 {
		t.Fatalf("the chart has %d gridlines", n)
	}
	// Every share shown is a bar labelled with its value; every withheld one says so.
	var labels []string
	for _, m := range valuePattern.FindAllStringSubmatch(chart, -1) {
		labels = append(labels, m[1])
	}
	shown, withheld := 0, 0
	for i, line := range js.Shares {
		for j, s := range line {
			switch {
			case s.Value != nil:
				shown++
				want := strconv.FormatFloat(*s.Value, 'f', 1, 64) + "%"
				if !slices.Contains(labels, want) {
					t.Errorf("the bar of %s, %s (%s) has no label %q; labels: %v", js.Columns[j], js.Rows[i], s.Text, want, labels)
				}
			case strings.HasPrefix(s.Status, "suppressed"):
				withheld++
			}
		}
	}
	if shown == 0 || withheld == 0 {
		t.Fatalf("the demo's quarter should have shares shown and withheld: %d shown, %d withheld", shown, withheld)
	}
	if len(labels) != shown {
		t.Errorf("%d value labels for %d shares shown", len(labels), shown)
	}
	if n := strings.Count(chart, `class="app-chart__withheld">withheld</text>`); n != withheld {
		t.Errorf("the chart says withheld %d times for %d withheld shares", n, withheld)
	}
	if !strings.Contains(page, `<ul class="app-chart-legend">`) || !strings.Contains(page, "Northshire Police</span></li>") {
		t.Error("the chart has no legend naming the partners")
	}

	// Over time: one row a whole year, one column a partner, the same figures as the line chart.
	section := page[strings.Index(page, `id="over-time"`):]
	if !strings.Contains(section, `<svg class="app-chart app-chart--line" role="img"`) || !strings.Contains(section, `<label class="govuk-label" for="trend_row">`) {
		t.Fatal("the page has no line chart over time with a labelled choice of row")
	}
	rows := tableRows(between(section, `<table class="govuk-table app-trend-table">`, `</table>`))
	if len(rows) != 4 {
		t.Fatalf("the trend table has %d rows, want a head and one a year (3):\n%v", len(rows), rows)
	}
	for k, year := range []string{"2023-24", "2024-25", "2025-26"} {
		if rows[k+1][0] != year {
			t.Errorf("row %d of the trend is %q, want %s", k+1, rows[k+1][0], year)
		}
		if !strings.Contains(section, `class="app-chart__tick">`+year+`</text>`) {
			t.Errorf("the line chart has no %s along its foot", year)
		}
	}
	if got, want := rows[0][1:], js.Columns; !slices.Equal(got, want) {
		t.Errorf("the trend's partners are %v, want the table's %v", got, want)
	}
	// A withheld point is said in the table, and breaks the line where the chart says so.
	trendWithheld := 0
	for _, r := range rows[1:] {
		for _, c := range r[1:] {
			if strings.HasPrefix(c, "withheld") {
				trendWithheld++
			}
		}
	}
	said := 0
	for _, m := range regexp.MustCompile(`(\d+) withheld</text>`).FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		said += n
	}
	if said != trendWithheld {
		t.Errorf("the line chart says %d points are withheld, the table %d", said, trendWithheld)
	}
	// The person chooses the row.
	_, black := forum.get("/data/picture?" + query + "&trend_row=group:black")
	if !strings.Contains(black, `<option value="group:black" selected>`) || !strings.Contains(black, "Black, Black British, Caribbean or African: per cent of people who answered the survey, by year and partner") {
		t.Error("choosing the row over time does not show that row")
	}

	// The partners that hold the theme can be ticked; none is ticked at first.
	boxes := checkboxPattern.FindAllStringSubmatch(page, -1)
	var names []string
	for _, b := range boxes {
		names = append(names, b[4])
		if b[3] != "" {
			t.Errorf("%s is ticked before anyone chose it", b[4])
		}
	}
	want := slices.DeleteFunc(slices.Clone(js.Columns), func(c string) bool { return c == "All partners" })
	if !slices.Equal(names, want) {
		t.Fatalf("the partners offered are %v, want %v", names, want)
	}
	if !strings.Contains(page, `<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Partners</legend>`) {
		t.Error("the partners' checkboxes have no legend")
	}

	// Ticking one partner: the table, the trend and both downloads have that partner only.
	status, one := forum.get("/data/picture?" + query + "&partner=northshire-police")
	if status != http.StatusOK {
		t.Fatalf("one partner: %d", status)
	}
	head := tableRows(between(one, `<table class="govuk-table app-picture">`, `</table>`))
	if len(head) == 0 || !slices.Equal(head[0], []string{"Ethnic group", "Northshire Police"}) {
		t.Fatalf("ticking the police gives the columns %v", head)
	}
	if !strings.Contains(one, `value="northshire-police" checked>`) || !strings.Contains(one, `value="northam-city">`) {
		t.Error("the police are not ticked, or the other partners cannot be ticked too")
	}
	trend := tableRows(between(one, `<table class="govuk-table app-trend-table">`, `</table>`))
	if len(trend) == 0 || !slices.Equal(trend[0], []string{"Year", "Northshire Police"}) {
		t.Errorf("the trend of the police only has the columns %v", trend)
	}
	link := regexp.MustCompile(`href="([^"]+)">Download this table as CSV`).FindStringSubmatch(one)
	if link == nil {
		t.Fatal("no CSV download on the page")
	}
	status, body := forum.get(html.UnescapeString(link[1]))
	records, err := readCSV(body)
	if status != http.StatusOK || err != nil || len(records) < 2 {
		t.Fatalf("the CSV download: %d %v\n%s", status, err, body)
	}
	if !slices.Equal(records[0], []string{"Ethnic group", "Northshire Police"}) {
		t.Errorf("the CSV's header is %v, want the police only", records[0])
	}
	// its figures are the table's on screen
	for i, r := range head[1 : len(head)-1] {
		if cell := strings.SplitN(r[1], " / ", 2)[0]; records[i+1][0] != r[0] || records[i+1][1] != cell {
			t.Errorf("CSV row %v, the table on screen %v", records[i+1], r)
		}
	}
	jsonLink := regexp.MustCompile(`href="([^"]+)">as JSON`).FindStringSubmatch(one)
	_, raw = forum.get(html.UnescapeString(jsonLink[1]))
	var oneJS pictureShares
	if err := json.Unmarshal([]byte(raw), &oneJS); err != nil || !slices.Equal(oneJS.Columns, []string{"Northshire Police"}) {
		t.Errorf("the JSON download's columns: %v %v", oneJS.Columns, err)
	}

	// Two partners: both, in the order ticked, and nothing else.
	_, two := forum.get("/data/picture?" + query + "&partner=northam-city&partner=northshire-police")
	if head := tableRows(between(two, `<table class="govuk-table app-picture">`, `</table>`)); len(head) == 0 || !slices.Equal(head[0], []string{"Ethnic group", "Northam City Council", "Northshire Police"}) {
		t.Errorf("ticking two partners gives the columns %v", head)
	}
}

// Charts of a measure without a whole show each partner's make-up rather
// than nothing; the trend then follows it in per cent of the partner's total.
func TestPicturePageChartsCountsWithoutAWhole(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	status, page := forum.get("/data/picture?theme=stop-and-search&measure=searched&question=ethnicity&period=2025-26&grouping=broad")
	if status != http.StatusOK {
		t.Fatalf("stop and search: %d", status)
	}
	chart := between(page, `<svg class="app-chart"`, `</svg>`)
	if !strings.Contains(chart, "Searches by ethnic group: each partner&#39;s make-up, as a per cent of its total") {
		t.Fatalf("no chart of the searches' make-up:\n%.800s", chart)
	}
	// The shares drawn are the table's counts over its total.
	table := tableRows(between(page, `<table class="govuk-table app-picture">`, `</table>`))
	total := table[len(table)-1]
	labels := valuePattern.FindAllStringSubmatch(chart, -1)
	if len(labels) != len(table)-2 {
		t.Fatalf("%d value labels for %d rows", len(labels), len(table)-2)
	}
	parse := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return v
	}
	for i, r := range table[1 : len(table)-1] {
		want := fmt.Sprintf("%.1f%%", 100*parse(r[1])/parse(total[1]))
		if labels[i][1] != want {
			t.Errorf("%s: the bar reads %s, the table %s of %s (%s)", r[0], labels[i][1], r[1], total[1], want)
		}
	}
	section := page[strings.Index(page, `id="over-time"`):]
	if !strings.Contains(section, "per cent of each partner&#39;s searches, by year and partner") {
		t.Errorf("the trend of searches is not in per cent of the partner's searches:\n%.1500s", section)
	}
}

// Every choice of the form answers with a table or a plain message: a
// period, measure, question, partner or row of another theme left in the
// query after switching theme falls back to the theme's own.
func TestPicturePageAnswersEveryChoice(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	themes := []string{"customer-satisfaction", "stop-and-search", "workforce-strength", "population", "hate-crime"}
	leftovers := []string{
		"",
		"measure=satisfied&period=2025-26-Q3&question=ethnicity",
		"measure=searched&period=2024-25&question=sexual-orientation&grouping=detailed",
		"measure=staff&period=2025-26-Q1&question=religion",
		"measure=top-earners&period=2019-20&question=nonsense&grouping=nonsense",
		"period=2025-26&partner=northshire-police&trend_row=group:black",
		"partner=northshire-fire&partner=nobody&trend_row=nonsense",
		"partner=advisory-group",
	}
	for _, theme := range themes {
		for _, rest := range leftovers {
			q := "theme=" + theme
			if rest != "" {
				q += "&" + rest
			}
			status, page := forum.get("/data/picture?" + q)
			if status != http.StatusOK {
				t.Errorf("%s: %d", q, status)
				continue
			}
			if !strings.Contains(page, `<option value="`+theme+`" selected>`) {
				t.Errorf("%s: the theme chosen is not the one shown", q)
			}
			hasTable := strings.Contains(page, `<table class="govuk-table app-picture">`)
			if !hasTable && !strings.Contains(page, `id="picture-message"`) {
				t.Errorf("%s: neither a table nor a message", q)
			}
			if hasTable {
				// the downloads give the table on screen
				link := regexp.MustCompile(`href="([^"]+)">Download this table as CSV`).FindStringSubmatch(page)
				if link == nil {
					t.Errorf("%s: no CSV download", q)
					continue
				}
				status, body := forum.get(html.UnescapeString(link[1]))
				head := tableRows(between(page, `<table class="govuk-table app-picture">`, `</table>`))[0]
				records, err := readCSV(body)
				if status != http.StatusOK || err != nil || len(records) == 0 || !slices.Equal(records[0][1:], head[1:]) {
					t.Errorf("%s: the CSV (%d, %v) has the columns %v, the page %v", q, status, err, records, head)
				}
			}
			u, _ := url.ParseQuery(q)
			if p := u.Get("partner"); p == "northshire-fire" && theme == "stop-and-search" && !strings.Contains(page, "None of the partners you chose has figures") {
				t.Errorf("%s: choosing a partner without the theme does not say so", q)
			}
		}
	}
}

// The picture in a browser: clean under axe at desktop and phone widths,
// the charts within a phone's width with text that stays readable, and the
// partners and the row over time chosen with the keyboard alone.
func TestBrowserPicturePage(t *testing.T) {
	ctx := browser.New(t)
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	dir := shots(t)
	signInInBrowser(t, ctx, h.URL, "Northshire County Council", "Priya Shah")
	const page = "/data/picture?theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26&grouping=broad"

	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		act(t, ctx, "a "+size.name+" window", chromedp.EmulateViewport(size.width, size.height))
		act(t, ctx, "opening the picture", chromedp.Navigate(h.URL+page), chromedp.WaitVisible(chromedp.CSS(`#over-time`)))
		checkPage(t, ctx, dir, "picture-"+size.name)
		// Nothing wider than the window but the tables, which scroll; the charts' smallest text at 12 pixels or more.
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		m, err := chromedp.Run(tctx, chromedp.Evaluate[map[string]float64](`(() => {
		  const small = [...document.querySelectorAll('svg.app-chart text')].map(e => e.getBoundingClientRect().height).filter(h => h > 0);
		  const charts = [...document.querySelectorAll('svg.app-chart')].map(e => e.getBoundingClientRect().right);
		  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
		    chartRight: Math.max(...charts), smallestText: Math.min(...small), charts: charts.length};
		})()`))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if m["page"] > m["window"] || m["chartRight"] > m["window"] || m["charts"] != 2 {
			t.Errorf("%s: the page is %v wide, its charts reach %v, in a window %v wide (%v charts)", size.name, m["page"], m["chartRight"], m["window"], m["charts"])
		}
		if m["smallestText"] < 12 {
			t.Errorf("%s: the charts' smallest text is %.1f pixels high", size.name, m["smallestText"])
		}
	}

	// The keyboard alone: tick the police, show; then choose a row over time and show it.
	act(t, ctx, "ticking the police with the keyboard",
		chromedp.Focus(chromedp.CSS(`input[name="partner"][value="northshire-police"]`)), chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`#picture-form > button[type="submit"]`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="partner"][value="northshire-police"][checked]`)))
	if head := text(t, ctx, "table.app-picture thead"); !strings.Contains(head, "Northshire Police") || strings.Contains(head, "Northam City Council") {
		t.Fatalf("ticking the police shows the columns %q", head)
	}
	act(t, ctx, "choosing a row over time with the keyboard",
		chromedp.Focus(chromedp.CSS(`#trend_row`)), chromedp.SetValue(chromedp.CSS(`#trend_row`), "group:black"),
		chromedp.Focus(chromedp.CSS(`.app-trend-row__button`)), chromedp.KeyEvent("\r"),
		chromedp.WaitReady(chromedp.CSS(`#trend_row option[value="group:black"][selected]`)))
	if caption := text(t, ctx, "table.app-trend-table caption"); !strings.HasPrefix(caption, "Black, Black British, Caribbean or African") {
		t.Errorf("the row chosen over time gives %q", caption)
	}
	if head := text(t, ctx, "table.app-trend-table thead"); !strings.Contains(head, "Northshire Police") || strings.Contains(head, "Northam City Council") {
		t.Errorf("the trend of the police shows the columns %q", head)
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(tctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "#over-time") || !strings.Contains(loc, "partner=northshire-police") {
		t.Errorf("after choosing the row the page is at %q (%v)", loc, err)
	}
	checkPage(t, ctx, dir, "picture-police-over-time")
}
