package main

import (
	"strings"
	"testing"
)

// A protocol's page names what it shares and who signed, in words, and the
// map of flows names themes and leaves out an organisation's own data.
func TestProtocolPageNamesItsThemesAndSignatories(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(countyForum.org, countyForum.subject)
	_, page := c.get("/protocols/demo-community-safety")
	for _, want := range []string{"Stop and search, Hate crime, Customer satisfaction", "Northshire Police on "} {
		if !strings.Contains(page, want) {
			t.Errorf("the protocol's page does not say %q", want)
		}
	}
	if strings.Contains(page, ", , ") || strings.Contains(page, "northshire-police on ") {
		t.Error("the protocol's page names themes or parties by code, or not at all")
	}
	_, list := c.get("/protocols")
	if strings.Contains(list, "customer-satisfaction") {
		t.Error("the map of flows names themes by code")
	}
	if strings.Contains(list, "<th scope=\"row\" class=\"govuk-table__header\">Eastvale District Council</th><td class=\"govuk-table__cell\">Eastvale District Council</td>") {
		t.Error("the map of flows shows an organisation sharing with itself")
	}
}
