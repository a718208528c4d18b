package main

import (
	"strings"
	"testing"
)

// The demo partnership's duty calendar tells a story: every public body has
// published its equality information outside the hub, one is overdue and
// one is due soon.
func TestDemoDutyCalendar(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_DEMO_RETURNS": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	status, page := forum.get("/strategy/duty")
	if status != ok {
		t.Fatalf("the duty calendar answered %d", status)
	}
	i := strings.Index(page, "Riverford")
	if i < 0 {
		t.Fatal("the calendar does not list Riverford Borough Council")
	}
	for _, want := range []string{"Equality information report, Northshire County Council", ">Overdue<", ">Due soon<", ">Met<"} {
		if !strings.Contains(page, want) {
			t.Errorf("the demo calendar does not say %q", want)
		}
	}
	if n := strings.Count(page, "Nothing on record"); n > 7 {
		t.Errorf("%d lines say nothing is on record: the demo's publications are missing", n)
	}
}
