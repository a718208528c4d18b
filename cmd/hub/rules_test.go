package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Evidence from the hub links only to a path of this hub, and its page says where the link goes.
func TestHubEvidenceLinksStayOnTheHub(t *testing.T) {
	h := mustStartHub(t, nil)
	author := h.visitor(t)
	author.signIn(countyForum.org, countyForum.subject)
	at := startEIA(t, author, "Leisure centre pricing", time.Now().AddDate(0, 1, 0))
	evidence := func(link string) url.Values {
		return url.Values{"evidence_kind": {"hub"}, "evidence_title": {"Satisfaction by age"}, "evidence_link": {link}}
	}
	for _, link := range []string{"//evil.example/phish", "/\\evil.example/phish", "https://evil.example/phish", "https:evil.example", "javascript:alert(1)", "/\t/evil.example"} {
		status, body, _ := author.post(at+"/assessment", evidence(link))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "a page of this hub") {
			t.Errorf("hub evidence linking to %q: %d", link, status)
		}
	}
	if _, page := author.get(at); strings.Contains(page, "evil.example") || strings.Contains(page, "javascript:") {
		t.Fatal("a link to another site was kept")
	}
	link := "/data/picture?theme=customer-satisfaction&question=age"
	mustPost(t, author, at+"/assessment", evidence(link), "hub evidence with a path of the hub")
	_, page := author.get(at)
	if !strings.Contains(page, `href="`+html.EscapeString(link)+`"`) || !strings.Contains(page, "the hub's data at "+html.EscapeString(link)) {
		t.Fatalf("the evidence does not link to %s, saying so", link)
	}
}
