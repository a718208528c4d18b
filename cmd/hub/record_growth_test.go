package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub/audit"
)

// BenchmarkRecordGrowth plays an hour of ordinary use of the demo
// partnership and reports how many entries and bytes of export it adds to
// the record: twenty sign-ins and sign-outs; each of those people reading
// the home page, the partnership picture for three themes and the strategy;
// an API token made; a mapping saved; an export; and a few refused requests.
// Uploads are a few a quarter per partner, so an ordinary hour holds none.
//
//	go test ./cmd/hub -run '^$' -bench RecordGrowth -benchtime 1x
func BenchmarkRecordGrowth(b *testing.B) {
	h := mustStartHub(b, map[string]string{"HUB_DEMO_RETURNS": "true"})
	export := func() []audit.Entry {
		board := h.visitor(b)
		board.signIn(countyBoard.org, countyBoard.subject)
		_, text := board.get("/api/v1/audit/export")
		es, _, err := audit.ReadExport(strings.NewReader(text))
		if err != nil {
			b.Fatal(err)
		}
		return es
	}
	size := func(es []audit.Entry) int {
		var sb strings.Builder
		audit.Export(&sb, es, nil)
		return sb.Len()
	}
	people := []persona{countyForum, countyAdmin, countyBoard, policeSteward, advisory}
	for range b.N {
		before := export()
		for i := range 20 {
			p := people[i%len(people)]
			c := h.visitor(b)
			c.signIn(p.org, p.subject)
			c.get("/")
			for _, theme := range []string{"community-safety", "workforce-strength", "customer-satisfaction"} {
				c.get("/data/picture?theme=" + theme)
			}
			c.get("/strategy")
			if p == advisory {
				c.get("/audit")
			}
			c.post("/sign-out", nil)
		}
		steward := h.visitor(b)
		steward.signIn(policeSteward.org, policeSteward.subject)
		steward.post("/profile/tokens", url.Values{"name": {"script"}, "days": {"7"}})
		if status, _, _ := steward.do(http.MethodGet, "/api/v1/me", nil, http.Header{"Authorization": {"Bearer wrong"}}); status != http.StatusUnauthorized {
			b.Fatalf("a wrong token: %d", status)
		}
		after := export()
		added := after[len(before):]
		b.ReportMetric(float64(len(added)), "entries/hour")
		b.ReportMetric(float64(size(added)), "bytes/hour")
		b.ReportMetric(float64(size(added))/float64(len(added)), "bytes/entry")
		counts := map[string]int{}
		for _, e := range added {
			counts[e.Action]++
		}
		b.Logf("entries by action: %v", counts)
	}
}
