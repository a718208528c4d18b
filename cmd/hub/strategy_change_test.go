package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The police's data steward marks the police's action done with a note;
// the objective's page and the strategy page say it is done, when, by whom
// and the note. Another partner's people, and a note left empty, are refused.
func TestMarkAnActionDone(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	const obj, act = "objective-accessible-services", "action-satisfaction-gap" // owned by the police
	done := "/strategy/objectives/" + obj + "/actions/" + act + "/done"
	county := h.visitor(t)
	county.signIn(advisory.org, advisory.subject)
	if status, _, _ := county.post(done, url.Values{"note": {"not ours"}}); status != http.StatusForbidden {
		t.Fatalf("an advisory member marked the police's action done: %d", status)
	}
	owen := h.visitor(t)
	owen.signIn(policeSteward.org, policeSteward.subject)
	if _, page := owen.get("/strategy/objectives/" + obj); !strings.Contains(page, `action="`+done+`"`) {
		t.Fatal("the police's steward is not offered to mark the police's action done")
	}
	status, body, _ := owen.post(done, url.Values{"note": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(body), `href="#note-`+act+`"`) || !strings.Contains(body, `id="note-`+act+`-error"`) {
		t.Fatalf("an empty note: %d\n%.3000s", status, summaryOf(body))
	}
	if status, _, _ := owen.post(done, url.Values{"note": {"Survey redesigned with the advisory group"}}); status != http.StatusSeeOther {
		t.Fatalf("marking the action done: %d", status)
	}
	today := time.Now().Format("2 January 2006")
	for _, path := range []string{"/strategy/objectives/" + obj, "/strategy"} {
		_, page := owen.get(path)
		page = html.UnescapeString(page)
		i := strings.Index(page, "Find out why Black and Asian service users")
		if i < 0 {
			t.Fatalf("%s lacks the action", path)
		}
		near := page[i:min(len(page), i+2500)]
		for _, want := range []string{">Done<", today, "Owen Richards", "Survey redesigned with the advisory group"} {
			if !strings.Contains(near, want) {
				t.Errorf("%s does not say %q of the action done:\n%s", path, want, near)
			}
		}
	}
	if status, _, _ := owen.post(done, url.Values{"note": {"again"}}); status != http.StatusConflict {
		t.Errorf("marked done twice: %d", status)
	}
}

// An objective changed is a new version: the earlier one stays readable and
// says it is not the latest. A change from a form opened before another
// change is refused. A retired objective is listed apart and kept.
func TestChangeAndRetireAnObjective(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	const obj = "objective-representative-workforce"
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	status, form := priya.get("/strategy/objectives/" + obj + "/edit")
	if status != http.StatusOK {
		t.Fatalf("the form to change the objective: %d", status)
	}
	values := formValues(t, form)
	before := values.Get("statement")
	values.Set("statement", "A workforce that reflects every community we serve")
	values.Set("target", "4") // the first measure's target
	if status, body, _ := priya.post("/strategy/objectives/"+obj, values); status != http.StatusSeeOther {
		t.Fatalf("changing the objective: %d\n%.3000s", status, summaryOf(body))
	}
	_, page := priya.get("/strategy/objectives/" + obj)
	if !strings.Contains(page, "A workforce that reflects every community we serve") || !strings.Contains(page, `href="/strategy/objectives/`+obj+`/versions/1"`) || !strings.Contains(page, "Version 2</strong>") {
		t.Fatalf("the objective after the change:\n%.4000s", mainOf(page))
	}
	status, old := priya.get("/strategy/objectives/" + obj + "/versions/1")
	if status != http.StatusOK || !strings.Contains(html.UnescapeString(old), before) || !strings.Contains(old, "It is not the latest") {
		t.Fatalf("version 1: %d\n%.3000s", status, mainOf(old))
	}
	// The form opened before the change is out of date.
	if status, body, _ := priya.post("/strategy/objectives/"+obj, values); status != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(body), "changed the objective while you were editing it") {
		t.Fatalf("a change from an old form: %d\n%s", status, summaryOf(body))
	}
	if status, body, _ := priya.post("/strategy/objectives/"+obj+"/retire", url.Values{"why": {""}}); status != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(body), `href="#why"`) {
		t.Fatalf("retiring without a reason: %d\n%s", status, summaryOf(body))
	}
	if status, _, _ := priya.post("/strategy/objectives/"+obj+"/retire", url.Values{"why": {"Replaced by the workforce plan"}}); status != http.StatusSeeOther {
		t.Fatalf("retiring: %d", status)
	}
	_, strat := priya.get("/strategy")
	retired := strat[strings.Index(strat, "Retired objectives"):]
	if !strings.Contains(retired, "Replaced by the workforce plan") || strings.Contains(strat[:strings.Index(strat, "Retired objectives")], `id="`+obj+`"`) {
		t.Fatalf("the retired objective is not listed apart:\n%.3000s", mainOf(strat))
	}
	if status, page := priya.get("/strategy/objectives/" + obj); status != http.StatusOK || !strings.Contains(page, "was retired on") {
		t.Fatalf("the retired objective's page: %d", status)
	}
	if status, _ := priya.get("/strategy/objectives/" + obj + "/edit"); status != http.StatusConflict {
		t.Errorf("the form to change a retired objective: %d", status)
	}
}

// formValues reads a form's inputs, selected options and checked boxes as it would be sent.
func formValues(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	page = page[strings.Index(page, "<form"):]
	for _, m := range regexp.MustCompile(`<input [^>]*>`).FindAllString(page, -1) {
		name, value := attr(m, "name"), attr(m, "value")
		if name == "" || ((strings.Contains(m, `type="checkbox"`) || strings.Contains(m, `type="radio"`)) && !strings.Contains(m, " checked")) {
			continue
		}
		v.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea [^>]*>.*?</textarea>`).FindAllString(page, -1) {
		v.Set(attr(m, "name"), html.UnescapeString(m[strings.Index(m, ">")+1:strings.LastIndex(m, "</textarea>")]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select [^>]*>.*?</select>`).FindAllString(page, -1) {
		sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m)
		if sel == nil {
			sel = regexp.MustCompile(`<option value="([^"]*)"`).FindStringSubmatch(m)
		}
		v.Set(attr(m, "name"), html.UnescapeString(sel[1]))
	}
	return v
}

func attr(tag, name string) string {
	m := regexp.MustCompile(` ` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// Making the quarter's report again keeps the first: the strategy page and
// the report say which version is the latest, and the earlier one opens.
func TestReportVersionsAreKept(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	status, _, where := board.post("/strategy/reports", url.Values{})
	if status != http.StatusSeeOther {
		t.Fatalf("making the report: %d", status)
	}
	q := strings.TrimPrefix(where, "/strategy/reports/")
	if status, _, _ := board.post("/strategy/reports", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("making the report again: %d", status)
	}
	_, rep := board.get(where)
	links := regexp.MustCompile(`/strategy/reports/`+q+`/versions/(\d+)"`).FindAllStringSubmatch(rep, -1)
	if len(links) < 1 || !strings.Contains(rep, ", the latest") {
		t.Fatalf("the report after making it again lists %d earlier versions:\n%.3000s", len(links), mainOf(rep))
	}
	status, old := board.get("/strategy/reports/" + q + "/versions/" + links[len(links)-1][1])
	if status != http.StatusOK || !strings.Contains(old, "It is not the latest") {
		t.Fatalf("an earlier version: %d\n%.2000s", status, mainOf(old))
	}
	if _, page := board.get("/strategy"); !regexp.MustCompile(`the latest of \d+ versions; the earlier ones are kept`).MatchString(page) {
		t.Error("the strategy page does not say the report has earlier versions")
	}
}

// An action due last month is overdue on the strategy page, the objective's
// page, the quarter's report and the home page alike.
func TestAnOverdueActionIsOverdueEverywhere(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	const obj = "objective-accessible-services"
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	_, form := priya.get("/strategy/objectives/" + obj + "/edit")
	values := formValues(t, form)
	values.Set("action_text", "Publish the easy read guide to complaints")
	values.Set("action_org", "northshire-county")
	values.Set("action_due", time.Now().AddDate(0, -1, 0).Format("2 January 2006"))
	if status, body, _ := priya.post("/strategy/objectives/"+obj, values); status != http.StatusSeeOther {
		t.Fatalf("adding an action due last month: %d\n%s", status, summaryOf(body))
	}
	overdue := func(page string) bool {
		i := strings.Index(page, "Publish the easy read guide to complaints")
		return i >= 0 && strings.Contains(page[i:min(len(page), i+1500)], ">Overdue<")
	}
	for _, path := range []string{"/strategy", "/strategy/objectives/" + obj} {
		if _, page := priya.get(path); !overdue(page) {
			t.Errorf("%s does not say the action is overdue", path)
		}
	}
	status, _, where := priya.post("/strategy/reports", url.Values{})
	if status != http.StatusSeeOther {
		t.Fatalf("making the report: %d", status)
	}
	if _, rep := priya.get(where); !overdue(rep) {
		t.Errorf("the report does not say the action is overdue")
	}
	if _, home := priya.get("/"); strings.Count(home, "Publish the easy read guide to complaints") != 1 {
		t.Errorf("the home page lists the overdue action %d times, not once", strings.Count(home, "Publish the easy read guide to complaints"))
	}
}

// A measure without a figure says why in words: here, that the county has
// no return of the theme for the period.
func TestAMeasureSaysWhyItHasNoFigure(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	v := objectiveValues(map[string]string{"statement": "Fewer hate crimes against Black residents", "measure_label": "Hate crimes against Black residents reported to the county",
		"theme": "hate-crime", "measure": "reported", "kind": "count", "baseline": "10", "target": "5", "direction": "down"})
	status, body, where := priya.post("/strategy/objectives", v)
	if status != http.StatusSeeOther {
		t.Fatalf("setting the objective: %d\n%s", status, summaryOf(body))
	}
	_, page := priya.get(where)
	page = html.UnescapeString(page)
	row := page[strings.Index(page, "Hate crimes against Black residents reported to the county</th>"):]
	row = row[:strings.Index(row, "</tr>")]
	if strings.Contains(row, "No data yet") || !strings.Contains(row, "Northshire County Council has no return of Hate crime for") {
		t.Errorf("the measure does not say why it has no figure: %s", row)
	}
}

// A forum member records the county's equality information published on
// its own website; the calendar then says the yearly duty is met, naming
// it. A table published in the hub does not meet it, and the page says so.
func TestRecordAPublicationForTheDuty(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	countyRow := func(page string) string {
		i := strings.Index(page, ">Northshire County Council</th>")
		return page[i : i+strings.Index(page[i:], "</tr>")]
	}
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.post("/strategy/duty/publications", url.Values{"kind": {"information"}}); status != http.StatusForbidden {
		t.Fatalf("an advisory member recorded a publication: %d", status)
	}
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	_, cal := priya.get("/strategy/duty")
	if !strings.Contains(cal, "one table published in the hub") && !strings.Contains(cal, "on its own it does not meet the yearly duty") {
		t.Error("the calendar does not say what meets the yearly duty")
	}
	day := time.Now().AddDate(0, -1, 0)
	if strings.Contains(countyRow(cal), "Last on "+day.Format("2 January 2006")) {
		t.Errorf("the county's information duty shows the publication before it is recorded: %s", countyRow(cal))
	}
	status, body, _ := priya.post("/strategy/duty/publications", url.Values{"kind": {"information"}, "date": {"soon"}, "title": {""}, "url": {"northshire.gov.uk"}})
	summary := summaryOf(body)
	if status != http.StatusUnprocessableEntity || !strings.Contains(summary, `href="#date"`) || !strings.Contains(summary, `href="#title"`) || !strings.Contains(summary, `href="#url"`) || !strings.Contains(body, `value="northshire.gov.uk"`) {
		t.Fatalf("a record with mistakes: %d\n%s", status, summary)
	}
	if status, body, _ := priya.post("/strategy/duty/publications", url.Values{"kind": {"information"}, "date": {day.Format("2 January 2006")},
		"title": {"Equality information report"}, "url": {"https://www.northshire.gov.uk/equality"}}); status != http.StatusSeeOther {
		t.Fatalf("recording: %d\n%s", status, summaryOf(body))
	}
	_, cal = priya.get("/strategy/duty")
	row := countyRow(cal)
	if !strings.Contains(row, "Last on "+day.Format("2 January 2006")) || !strings.Contains(row, `href="https://www.northshire.gov.uk/equality"`) || !strings.Contains(row, "Met</strong>") {
		t.Errorf("the calendar after recording: %s", row)
	}
}

// The annual report is for the year and the characteristics the reader
// chooses, its figures through the gate as for any page; a year that is not
// offered is said beside the list, not answered with a fault.
func TestAnnualReportChoosesYearAndCharacteristics(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	status, rep := board.get("/strategy/annual-report?year=2024-25&characteristic=disability&characteristic=sex")
	if status != http.StatusOK || !strings.Contains(rep, "Annual equality information report, 2024-25") || !strings.Contains(rep, "April 2024 to March 2025") {
		t.Fatalf("the report for 2024-25: %d\n%.2000s", status, mainOf(rep))
	}
	for _, want := range []string{"Staff in post by disability", "Staff in post by sex", `value="disability" checked`, `value="2024-25" selected`} {
		if !strings.Contains(rep, want) {
			t.Errorf("the report for 2024-25 by disability and sex lacks %s", want)
		}
	}
	if strings.Contains(rep, "Staff in post by ethnic group") {
		t.Error("the report shows a characteristic not chosen")
	}
	status, rep = board.get("/strategy/annual-report?year=1999-00")
	if status != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(rep), `href="#year"`) {
		t.Errorf("a year not offered: %d\n%s", status, summaryOf(rep))
	}
}

// A board member publishes the annual report; it appears among the
// published information for anyone, made from what the public may see, so
// no figure the partners share only with each other is in it.
func TestPublishTheAnnualReport(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	_, page := board.get("/strategy/annual-report?characteristic=ethnicity")
	m := regexp.MustCompile(`<input type="hidden" name="year" value="([^"]+)">`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `action="/strategy/annual-report/publish"`) {
		t.Fatalf("the board member is not offered to publish the report:\n%.3000s", mainOf(page))
	}
	year := m[1]
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	if status, _, _ := adv.post("/strategy/annual-report/publish", url.Values{"year": {year}, "characteristic": {"ethnicity"}}); status != http.StatusForbidden {
		t.Fatalf("an advisory member published the annual report: %d", status)
	}
	status, _, where := board.post("/strategy/annual-report/publish", url.Values{"year": {year}, "characteristic": {"ethnicity"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(where, "/published/annual-reports/") {
		t.Fatalf("publishing: %d %s", status, where)
	}
	public := h.visitor(t)
	status, rep := public.get(where)
	if status != http.StatusOK || !strings.Contains(rep, "Annual equality information report, "+year) || !strings.Contains(rep, "Objectives and progress") {
		t.Fatalf("the published report for the public: %d\n%.3000s", status, mainOf(rep))
	}
	if strings.Contains(rep, "Staff in post by ethnic group") || strings.Contains(rep, "expected ") {
		t.Errorf("the published report shows the public figures shared only between partners:\n%.4000s", mainOf(rep))
	}
	if _, list := public.get("/published"); !strings.Contains(list, `href="`+where+`"`) {
		t.Error("the published report is not among the published information")
	}
}

// A quarter's report is read with the objectives as they stood when it was
// made: once its objectives are changed or retired, a reader still sees no
// figure that was not shown to them before.
func TestReportKeepsWithholdingAfterChanges(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	adv := h.visitor(t)
	adv.signIn(advisory.org, advisory.subject)
	_, page := adv.get("/strategy")
	i := strings.Index(page, `href="/strategy/reports/`)
	if i < 0 {
		t.Fatal("no report to read")
	}
	link := page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
	figures := regexp.MustCompile(`\d \(\d{4}-\d{2}`)
	_, before := adv.get(link)
	shown := len(figures.FindAllString(before, -1))
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	for _, obj := range []string{"objective-accessible-services", "objective-stop-and-search", "objective-representative-workforce"} {
		if status, _, _ := priya.post("/strategy/objectives/"+obj+"/retire", url.Values{"why": {"Replaced by the new strategy"}}); status != http.StatusSeeOther {
			t.Fatalf("retiring %s: %d", obj, status)
		}
	}
	status, after := adv.get(link)
	if status != http.StatusOK {
		t.Fatalf("the report after the objectives were retired: %d", status)
	}
	if n := len(figures.FindAllString(after, -1)); n != shown {
		t.Errorf("the advisory member saw %d figures in the report, and %d once its objectives were retired:\n%s", shown, n, sliceBetween(after, "<table", "</table>"))
	}
}
