package main

import (
	"strings"
	"testing"
)

// The accessibility statement says what the regulations ask of it: the
// compliance status, how to report a problem (the configured contact), the
// enforcement procedure and when it was prepared.
func TestAccessibilityStatement(t *testing.T) {
	h := mustStartHub(t, map[string]string{"HUB_ACCESSIBILITY_CONTACT": "access@northshire.example"})
	status, page := h.visitor(t).get("/accessibility")
	if status != ok {
		t.Fatalf("the statement answered %d", status)
	}
	for _, want := range []string{
		"partially compliant", "Web Content Accessibility Guidelines version 2.2",
		`href="mailto:access@northshire.example"`,
		"Enforcement procedure", "Equality and Human Rights Commission", "Equality Advisory and Support Service",
		"This statement was prepared on",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the statement does not say %q", want)
		}
	}
}
