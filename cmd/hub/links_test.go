package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/demo"
)

var hrefPattern = regexp.MustCompile(`href="([^"]*)"`)

// crawl follows the links of the hub from the home page, breadth first, as
// one visitor, with GET only: at most perKind links of each kind, and at
// most limit pages in all. It returns the pages that did not open, each with
// the page that linked to it.
func crawl(t *testing.T, c *client, limit int) (broken []string, seen int) {
	t.Helper()
	type link struct{ path, from string }
	queue := []link{{"/", ""}}
	visited := map[string]bool{"/": true}
	kinds := map[string]int{}
	base, _ := url.Parse(c.hub.URL)
	for len(queue) > 0 && seen < limit {
		l := queue[0]
		queue = queue[1:]
		seen++
		status, body, loc := c.do(http.MethodGet, l.path, nil, nil)
		switch {
		case status >= 300 && status < 400 && strings.HasPrefix(loc, "/sign-in"):
			broken = append(broken, l.path+" asks to sign in, linked from "+l.from)
			continue
		case status >= 300 && status < 400:
			if loc != "" {
				body = `href="` + html.EscapeString(loc) + `"`
			}
		case status >= 400:
			broken = append(broken, l.path+" answered "+http.StatusText(status)+", linked from "+l.from)
			continue
		}
		if !strings.HasPrefix(strings.ToLower(http.DetectContentType([]byte(body))), "text/") {
			continue
		}
		from, _ := url.Parse(c.hub.URL + l.path)
		for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil {
				continue
			}
			u = from.ResolveReference(u)
			if u.Host != base.Host || u.Scheme != base.Scheme {
				continue
			}
			u.Fragment = ""
			p := u.RequestURI()
			// Static files, the demo identity providers, the sign-in flow and the
			// API (data for programs, such as the whole record's export) are not
			// pages of the hub to read.
			if strings.HasPrefix(p, "/assets/") || strings.HasPrefix(p, "/demo-idp/") || strings.HasPrefix(p, "/login/") || strings.HasPrefix(p, "/auth/") || strings.HasPrefix(p, "/api/") {
				continue
			}
			// A few links of each kind are enough: the hundredth return on the record opens as the first does.
			if k := linkKind(u); !visited[p] && kinds[k] < perKind {
				visited[p] = true
				kinds[k]++
				queue = append(queue, link{p, l.path})
			}
		}
	}
	return broken, seen
}

// perKind is how many links of one kind a crawl follows.
const perKind = 3

// linkKind is a link's path without what tells one thing from another of
// its kind: its IDs and numbers. Its query is left out too: the same page
// narrowed or turned another way is decided by the same route.
func linkKind(u *url.URL) string {
	return idPattern.ReplaceAllString(numberPattern.ReplaceAllString(u.Path, "/N"), "ID")
}

var numberPattern = regexp.MustCompile(`/[0-9][0-9-]*`)

// Every role of the demo partnership, and a visitor who has not signed in,
// can open every page the hub links them to: no link ends in a refusal, a
// request to sign in, a missing page or an error.
func TestEveryLinkOpens(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	// A protocol waiting for signatures, so that its parties are asked to sign it.
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	_, _, draft := forum.post("/protocols", url.Values{"title": {"Fire workforce for the county"}, "providers": {"northshire-fire"},
		"recipients": {"org:northshire-county", "body:advisory-group"}, "themes": {"workforce-strength"}, "level": {"aggregate"}, "threshold": {"5"}, "round": {"0"},
		"purpose": {"Workforce representation"}, "lawful_basis": {"PSED"}, "start": {"2026-04-01"}, "end": {"2028-03-31"}})
	mustPost(t, forum, draft+"/submit", nil, "sending the protocol for signature")
	// An assessment open to the advisory group.
	at := startEIA(t, forum, "Day centre opening hours", time.Now().AddDate(0, 1, 0))
	screenAndAssess(t, forum, at, h)
	mustPost(t, forum, at+"/scrutiny", url.Values{"until": {time.Now().AddDate(0, 0, 14).Format(time.DateOnly)}}, "opening scrutiny")

	// A demo person for each role, holding that role alone where one does:
	// a person with several roles opens at least what each opens alone, and
	// people with the same roles are offered the same kinds of links.
	visitors := map[string]*client{"a visitor who has not signed in": h.visitor(t)}
	covered := map[hub.Role]bool{}
	var people []demo.Person
	for _, single := range []bool{true, false} {
		for _, p := range demo.People() {
			if single != (len(p.Grants) == 1) || !slices.ContainsFunc(p.Grants, func(g hub.Grant) bool { return !covered[g.Role] }) {
				continue
			}
			for _, g := range p.Grants {
				covered[g.Role] = true
			}
			people = append(people, p)
		}
	}
	for _, p := range people {
		c := h.visitor(t)
		c.signIn(p.OrgID, p.Subject)
		visitors[p.Subject+" ("+p.Describe()+")"] = c
	}
	var wg sync.WaitGroup
	for who, c := range visitors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			broken, seen := crawl(t, c, 200)
			// One line for each kind of broken link: the same refusal on a hundred returns is one finding.
			said := map[string]bool{}
			for _, b := range broken {
				kind := idPattern.ReplaceAllString(b, "ID")
				if !said[kind] {
					said[kind] = true
					t.Errorf("as %s: %s", who, b)
				}
			}
			if seen < 3 {
				t.Errorf("as %s: only %d pages were reached", who, seen)
			}
		}()
	}
	wg.Wait()
}

var idPattern = regexp.MustCompile(`[0-9a-f]{12,}|=[0-9]+`)
