package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The record is found by person, organisation and dates; a date that is
// not one is named beside its field, with what was chosen kept.
func TestRecordFilters(t *testing.T) {
	h := mustStartHub(t, nil)
	steward := h.visitor(t)
	steward.signIn(policeSteward.org, policeSteward.subject)
	steward.get("/data")
	board := h.visitor(t)
	board.signIn(countyBoard.org, countyBoard.subject)
	today := time.Now().UTC().Format(time.DateOnly)

	rows := func(page string) string {
		i := strings.Index(page, `<tbody class="govuk-table__body">`)
		if i < 0 {
			return ""
		}
		return page[i : i+strings.Index(page[i:], "</tbody>")]
	}
	status, page := board.get("/audit?person=demo-police-steward&from=" + today + "&to=" + today)
	if status != http.StatusOK {
		t.Fatalf("the record filtered by person: %d", status)
	}
	if r := rows(page); !strings.Contains(r, "Owen Richards") || strings.Contains(r, "Margaret Hollis") {
		t.Errorf("the record of one person shows others, or not them:\n%.3000s", r)
	}
	if !strings.Contains(page, `<option value="demo-police-steward" selected>`) || !strings.Contains(page, `value="`+today+`"`) {
		t.Errorf("the filter chosen is not kept on the page")
	}
	if _, page := board.get("/audit?org=northshire-county&from=" + today); strings.Contains(rows(page), "Owen Richards") {
		t.Errorf("the county's record shows what the police's steward did")
	}
	if _, page := board.get("/audit?person=demo-police-steward&to=" + time.Now().AddDate(0, 0, -3).UTC().Format(time.DateOnly)); rows(page) != "" {
		t.Errorf("entries of today are shown for a period that ended three days ago")
	}
	status, page = board.get("/audit?from=28/11/2026&person=demo-police-steward")
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#from"`) || !strings.Contains(page, "is not one") || !strings.Contains(page, `<option value="demo-police-steward" selected>`) {
		t.Errorf("a date that is not one answers %d:\n%.2000s", status, mainOf(page))
	}
	// Someone who reads only their organisation's record chooses among its people only.
	_, page = steward.get("/audit")
	if strings.Contains(page, `value="demo-county-board"`) || strings.Contains(page, `id="org"`) {
		t.Errorf("the police steward is offered people or organisations beyond the police")
	}
}
