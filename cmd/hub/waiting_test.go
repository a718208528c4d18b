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

// countyProtocol is a protocol by which the county shares its workforce data with the police.
func countyProtocol(title string) url.Values {
	return url.Values{"title": {title}, "providers": {"northshire-county"}, "recipients": {"org:northshire-police"},
		"themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"}, "purpose": {"Workforce representation"},
		"lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}
}

// waitingSection returns the home page's "Waiting for your organisation" section, or "".
func waitingSection(t *testing.T, c *client) string {
	t.Helper()
	_, home := c.get("/")
	i := strings.Index(home, "Waiting for your organisation")
	if i < 0 {
		return ""
	}
	rest := home[i:]
	if j := strings.Index(rest, "Your work</h2>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// A decision maker, who signs protocols for their organisation, opens the
// protocols their organisation is a party to and signs from the protocol's
// page; those of other organisations stay closed to them.
func TestDecisionMakerSignsFromTheProtocolPage(t *testing.T) {
	h := mustStartHub(t, nil)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	mustPost(t, forum, "/protocols", countyProtocol("County workforce for the police"), "drafting")
	_, list := forum.get("/protocols")
	at := protocolLink(t, list, "County workforce for the police")
	mustPost(t, forum, at+"/submit", nil, "sending for signature")

	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	status, list := director.get("/protocols")
	if status != http.StatusOK || !strings.Contains(list, `href="`+at+`"`) {
		t.Fatalf("the county's decision maker does not see the county's protocol in the list: %d", status)
	}
	if strings.Contains(list, `href="/audit"`) {
		t.Error("the list links the record, which a decision maker cannot open")
	}
	status, page := director.get(at)
	if status != http.StatusOK || !strings.Contains(page, "Sign for Northshire County Council") {
		t.Fatalf("the county's decision maker cannot open the protocol to sign it: %d", status)
	}
	mustPost(t, director, at+"/sign", nil, "the decision maker signing")
	if _, page := director.get(at); !strings.Contains(page, "You have signed the protocol") && !strings.Contains(page, "Northshire County Council on") {
		t.Error("the signature is not shown")
	}
	// A protocol between others stays closed to them, and is not listed.
	police := h.visitor(t)
	police.signIn("northshire-police", "police-forum")
	mustPost(t, police, "/protocols", url.Values{"title": {"Fire workforce for the police"}, "providers": {"northshire-fire"},
		"recipients": {"org:northshire-police"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"},
		"purpose": {"Workforce representation"}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}}, "the police drafting")
	_, all := police.get("/protocols")
	other := protocolLink(t, all, "Fire workforce for the police")
	if status, _ := director.get(other); status != forbidden {
		t.Errorf("the county's decision maker opened a protocol between the fire service and the police: %d", status)
	}
	if _, list := director.get("/protocols"); strings.Contains(list, other) {
		t.Error("the county's decision maker is offered a protocol the county is no party to")
	}
}

// protocolLink finds the address of a protocol in a list of protocols.
func protocolLink(t *testing.T, page, title string) string {
	t.Helper()
	i := strings.Index(page, ">"+html.EscapeString(title)+"</a>")
	if i < 0 {
		t.Fatalf("%q is not listed", title)
	}
	j := strings.LastIndex(page[:i], `href="`)
	return strings.SplitN(page[j+len(`href="`):], `"`, 2)[0]
}

// A protocol or an assessment that waits for an organisation shows on the
// home page of that organisation's people who can give what it waits for,
// linked to the page where they give it, and on no one else's; an
// assessment open to scrutiny shows on the advisory group's.
func TestWaitingForYourOrganisation(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	mustPost(t, forum, "/protocols", countyProtocol("County workforce for the police"), "drafting")
	_, list := forum.get("/protocols")
	at := protocolLink(t, list, "County workforce for the police")
	if strings.Contains(waitingSection(t, forum), "County workforce") {
		t.Error("a draft is shown as waiting for signature")
	}
	mustPost(t, forum, at+"/submit", nil, "sending for signature")

	visitor := func(org, subject string) *client {
		c := h.visitor(t)
		c.signIn(org, subject)
		return c
	}
	policeForum, chief, steward := visitor("northshire-police", "police-forum"), visitor("northshire-police", "police-chief"), visitor("northshire-police", "police-steward")
	director, fire := visitor("northshire-county", "county-director"), visitor("northshire-fire", "fire-forum")
	for who, c := range map[string]*client{"the police forum member": policeForum, "the police decision maker": chief} {
		w := waitingSection(t, c)
		if !strings.Contains(w, `href="`+at+`">County workforce for the police</a> waits for Northshire Police's signature`) {
			t.Errorf("%s is not told the protocol waits for the police's signature:\n%s", who, w)
		}
		if status, _ := c.get(at); status != http.StatusOK {
			t.Errorf("%s cannot open the protocol waiting for them: %d", who, status)
		}
	}
	for who, c := range map[string]*client{"the county forum member": forum, "the county decision maker": director} {
		if w := waitingSection(t, c); !strings.Contains(w, "waits for Northshire County Council's signature") {
			t.Errorf("%s is not told the protocol waits for the county's signature:\n%s", who, w)
		}
	}
	for who, c := range map[string]*client{"the police data steward, who does not sign": steward, "the fire service, no party": fire} {
		if w := waitingSection(t, c); strings.Contains(w, "County workforce") {
			t.Errorf("%s is told the protocol waits for them:\n%s", who, w)
		}
	}
	mustPost(t, director, at+"/sign", nil, "the county signing")
	if w := waitingSection(t, forum); strings.Contains(w, "County workforce") {
		t.Errorf("the protocol still waits for the county after it signed:\n%s", w)
	}
	if w := waitingSection(t, chief); !strings.Contains(w, "County workforce") {
		t.Errorf("the protocol no longer waits for the police, who have not signed:\n%s", w)
	}

	// An assessment, complete: it waits for each decision maker's sign-off, and for the advisory group while open.
	eia := startEIA(t, forum, "Day centre opening hours", time.Now().AddDate(0, 1, 0))
	screenAndAssess(t, forum, eia, h)
	mustPost(t, forum, eia+"/scrutiny", url.Values{"until": {time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}}, "opening scrutiny")
	adv := visitor(advisory.org, advisory.subject)
	if w := waitingSection(t, adv); !strings.Contains(w, `href="`+eia+`">Day centre opening hours</a> is open for the advisory group's scrutiny until`) {
		t.Errorf("the advisory group is not told the assessment is open to its scrutiny:\n%s", w)
	}
	city := visitor("northam-city", "city-cabinet")
	for who, c := range map[string]*client{"the county's decision maker": director, "the city's decision maker": city} {
		if w := waitingSection(t, c); !strings.Contains(w, `href="`+eia+`">Day centre opening hours</a> waits for`) || !strings.Contains(w, "sign-off") {
			t.Errorf("%s is not told the assessment waits for their sign-off:\n%s", who, w)
		}
	}
	if w := waitingSection(t, chief); strings.Contains(w, "Day centre") {
		t.Errorf("the police, who take no part, are told the assessment waits for them:\n%s", w)
	}
	// A challenge without an answer holds the sign-off back: it waits for the team first.
	mustPost(t, adv, eia+"/comments", url.Values{"section": {"assessment"}, "text": {"What about carers?"}, "challenge": {"yes"}}, "a challenge")
	if w := waitingSection(t, director); strings.Contains(w, "Day centre") {
		t.Errorf("the assessment is shown as waiting for sign-off while a challenge is unanswered:\n%s", w)
	}
	mustPost(t, forum, eia+"/comments/c1/response", url.Values{"text": {"Evening hours are part of the action"}}, "the response")
	mustPost(t, director, eia+"/sign", brown, "the county's sign-off")
	if w := waitingSection(t, director); strings.Contains(w, "Day centre") {
		t.Errorf("the assessment still waits for the county after its sign-off:\n%s", w)
	}
	if w := waitingSection(t, adv); strings.Contains(w, "Day centre") {
		t.Errorf("the assessment is open to scrutiny after its first sign-off:\n%s", w)
	}
	if w := waitingSection(t, city); !strings.Contains(w, "Day centre") {
		t.Errorf("the assessment no longer waits for the city, which has not signed:\n%s", w)
	}
}

// A protocol names only organisations of the partnership, which can sign
// it, and only recipients the hub knows; the forum member drafting it is
// told which, beside the field.
func TestProtocolNamesOnlyOrganisationsThatExist(t *testing.T) {
	h := mustStartHub(t, nil)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	form := countyProtocol("County workforce for nobody")
	form["providers"] = []string{"northshire-county", "northshire-nowhere"}
	form["recipients"] = []string{"org:northshire-elsewhere", "body:nonsense"}
	status, body, _ := forum.post("/protocols", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("a protocol naming organisations that do not exist: %d", status)
	}
	for _, want := range []string{"no organisation &#34;northshire-nowhere&#34;", "no organisation &#34;northshire-elsewhere&#34;", "&#34;body:nonsense&#34; is not a recipient", `id="providers-error"`, `id="recipients-error"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form does not say %s", want)
		}
	}
	if _, list := forum.get("/protocols"); strings.Contains(list, "County workforce for nobody") {
		t.Error("the protocol was drafted")
	}
}

// Anyone reads a published impact assessment from the published
// information, signed in or not, whatever their roles; the evidence it
// cites from the hub's data is linked only for those who can open it.
func TestPublishedAssessmentsForEveryone(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	published, unpublished := demoAssessments(t, forum)
	readers := map[string]*client{"a visitor": h.visitor(t)}
	for _, subject := range []string{"county-admin", "county-steward", "county-analyst"} {
		c := h.visitor(t)
		c.signIn("northshire-county", subject)
		readers[subject] = c
	}
	for who, c := range readers {
		_, list := c.get("/published")
		if !strings.Contains(list, `href="`+published+`?print=1"`) {
			t.Errorf("%s: the published assessment is not listed", who)
		}
		status, page := c.get(published + "?print=1")
		if status != http.StatusOK || !strings.Contains(page, "Library service redesign") {
			t.Errorf("%s cannot read the published assessment: %d", who, status)
			continue
		}
		if strings.Contains(page, "(strategy: objective-") {
			t.Errorf("%s: an action names its strategy objective by its code", who)
		}
		if strings.Contains(page, `href="/data/picture`) != (who == "county-steward" || who == "county-analyst") {
			t.Errorf("%s: the evidence is linked wrongly (linked: %v)", who, strings.Contains(page, `href="/data/picture`))
		}
		want := forbidden
		if who == "a visitor" {
			want = toSignIn
		}
		if status, _ := c.get(unpublished); status != want {
			t.Errorf("%s reading an assessment not yet published: %d, want %d", who, status, want)
		}
	}
}

// needsSection returns the part of the home page's waiting section under a heading.
func needsSection(t *testing.T, c *client, heading string) string {
	t.Helper()
	w := waitingSection(t, c)
	i := strings.Index(w, ">"+heading+"</h3>")
	if i < 0 {
		return ""
	}
	rest := w[i:]
	if j := strings.Index(rest, "</ul>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// The home page also lists, under plain headings, the challenges to the
// organisation's levels that wait for its answer (for its forum members),
// and the returns due for each theme and period the organisation collects
// and has not sent (for its data stewards), each linked to where it is given
// and with its date in words; not to those who cannot act on them.
func TestWaitingChallengesAndReturns(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	visitor := func(org, subject string) *client {
		c := h.visitor(t)
		c.signIn(org, subject)
		return c
	}
	county, policeForum, steward, analyst := visitor(countyForum.org, countyForum.subject), visitor("northshire-police", "police-forum"), visitor("northshire-police", "police-steward"), visitor("northshire-county", "county-analyst")
	mustPost(t, county, "/framework/challenges", url.Values{"org": {"northshire-police"}, "theme": {"community-engagement"}, "text": {"Where is the evidence of community involvement?"}}, "a challenge")
	w := needsSection(t, policeForum, "Challenges to answer")
	if !strings.Contains(w, `href="/framework#challenges-northshire-police-community-engagement"`) || !strings.Contains(w, "from Northshire County Council") || !strings.Contains(w, "waits for your organisation&#39;s answer") {
		t.Errorf("the police forum member is not told the challenge waits for their answer:\n%s", w)
	}
	if w := needsSection(t, county, "Challenges to answer"); w != "" {
		t.Errorf("the challenger is told to answer:\n%s", w)
	}
	// The demo's returns end with 2025-26: each quarter since that has ended is due a month after it.
	w = needsSection(t, steward, "Returns to send")
	if !strings.Contains(w, `href="/data/upload?theme=`) || !strings.Contains(w, "2026-27 quarter 1 (April to June 2026)") || !strings.Contains(w, "it was due on 31 July 2026") {
		t.Errorf("the police data steward is not told the returns due:\n%s", w)
	}
	// Its link opens the upload page with the theme and the period chosen.
	if m := regexp.MustCompile(`href="(/data/upload\?theme=[^"]+)"`).FindStringSubmatch(w); m == nil || !strings.Contains(m[1], "period=2026-27-Q1") {
		t.Errorf("the link to send a return does not say its period: %v", m)
	} else if _, page := steward.get(html.UnescapeString(m[1])); !strings.Contains(page, `name="period" type="text" value="2026-27-Q1"`) {
		t.Errorf("the upload page opened from the link does not have the period filled in")
	}
	for who, c := range map[string]*client{"a forum member": policeForum, "an analyst": analyst} {
		if w := needsSection(t, c, "Returns to send"); w != "" {
			t.Errorf("%s, who does not send returns, is told returns are due:\n%s", who, w)
		}
	}
}

// The home page lists the organisation's strategy actions due within thirty
// days, and its publication duties whose date approaches, each with its
// date in words and a link, for its forum member; not an action due later,
// and not for a data steward, who cannot open the strategy.
func TestWaitingActionsAndDuties(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	const obj = "objective-accessible-services"
	priya := h.visitor(t)
	priya.signIn(countyForum.org, countyForum.subject)
	for text, days := range map[string]int{"Publish the easy read guide to complaints": 10, "Train the complaints team": 60} {
		_, form := priya.get("/strategy/objectives/" + obj + "/edit")
		values := formValues(t, form)
		values.Set("action_text", text)
		values.Set("action_org", "northshire-county")
		values.Set("action_due", time.Now().AddDate(0, 0, days).Format("2 January 2006"))
		if status, body, _ := priya.post("/strategy/objectives/"+obj, values); status != http.StatusSeeOther {
			t.Fatalf("adding an action due in %d days: %d\n%s", days, status, summaryOf(body))
		}
	}
	w := needsSection(t, priya, "Strategy actions due within 30 days or overdue")
	if !strings.Contains(w, "Publish the easy read guide to complaints</a>") || !strings.Contains(w, `href="/strategy/objectives/`+obj+`#`) || !strings.Contains(w, "due in 10 days, on "+time.Now().AddDate(0, 0, 10).Format("2 January 2006")) {
		t.Errorf("the action due in 10 days is not listed with its date:\n%s", w)
	}
	if strings.Contains(w, "Train the complaints team") {
		t.Errorf("an action due in 60 days is listed:\n%s", w)
	}
	// The county's equality information, last published 350 days ago, is due in 15 days.
	if status, body, _ := priya.post("/strategy/duty/publications", url.Values{"kind": {"information"}, "date": {time.Now().AddDate(0, 0, -350).Format("2 January 2006")},
		"title": {"Equality information report"}, "url": {"https://www.northshire.gov.uk/equality"}}); status != http.StatusSeeOther {
		t.Fatalf("recording: %d\n%s", status, summaryOf(body))
	}
	w = needsSection(t, priya, "Publication duties due")
	if !strings.Contains(w, `href="/strategy/duty">equality information</a> for Northshire County Council is due in 15 days`) {
		t.Errorf("the county's yearly information duty is not listed as due in 15 days:\n%s", w)
	}
	steward := h.visitor(t)
	steward.signIn("northshire-county", "county-steward")
	for _, heading := range []string{"Strategy actions due within 30 days or overdue", "Publication duties due"} {
		if w := needsSection(t, steward, heading); w != "" {
			t.Errorf("the data steward, who cannot open the strategy, is shown %q:\n%s", heading, w)
		}
	}
}
