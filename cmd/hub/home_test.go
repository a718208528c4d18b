package main

import (
	"strings"
	"testing"
)

// Each card on a signed-in person's home page says what its area is for.
func TestHomeCardsSayWhatEachAreaIsFor(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(countyForum.org, countyForum.subject)
	_, home := c.get("/")
	for _, want := range []string{">Data</a></h3><p class=\"app-card__description\">Your organisation&#39;s returns", ">Strategy</a></h3><p class=\"app-card__description\">The partnership equality strategy"} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
	if strings.Contains(home, `</a></h3></li>`) {
		t.Error("a card on the home page does not say what its area is for")
	}
}
