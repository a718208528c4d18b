package main

import (
	"net/http"
	"strings"
	"testing"
)

// An extract none of whose records could be counted, here all of another
// quarter, makes no return to sign: signed, it would replace a good return
// with an empty one.
func TestAnExtractWithNothingCountedMakesNoReturn(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn("northshire-nhs", "nhs-steward")
	head := "period,age,disability,gender-identity,pregnancy-maternity,ethnicity,religion,sex,sexual-orientation\n"
	person := ",25-34,no,same,neither,white-british,no-religion,female,straight-or-heterosexual\n"
	other := head + "2024-25-Q2" + person + "2024-25-Q2" + person
	status, body, _ := c.multipartNamed("/data/upload", map[string]string{"theme": "service-take-up", "period": "2024-25-Q1"}, "extract", "users.csv", []byte(other))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "None of the 2 records could be counted for your Service take-up return for 2024-25-Q1") || strings.Contains(body, "Download the return") {
		t.Fatalf("an extract of another quarter: %d\n%.2000s", status, body)
	}
	if !strings.Contains(body, "which is not the period asked for") {
		t.Error("the records' problems are not shown")
	}
}

// The count form says everything wrong with it at once: no theme, no
// period and no file.
func TestTheCountFormSaysEverythingAtOnce(t *testing.T) {
	h := mustStartHub(t, nil)
	c := h.visitor(t)
	c.signIn(policeSteward.org, policeSteward.subject)
	status, body, _ := c.multipartNamed("/data/upload", map[string]string{"form": "extract", "theme": "", "period": ""}, "none", "x.txt", nil)
	for _, want := range []string{"Choose the theme of the return", "Enter the period the return is for", "Choose an extract to count"} {
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("an empty count form: %d, does not say %q", status, want)
		}
	}
}
