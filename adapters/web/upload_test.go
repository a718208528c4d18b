package web

import (
	"slices"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

func TestCodesInNaturalOrder(t *testing.T) {
	codes := []string{"P10", "P2", "P1", "P99", "P98", "HR3", "P02", "A"}
	slices.SortFunc(codes, naturalCompare)
	want := []string{"A", "HR3", "P1", "P02", "P2", "P10", "P98", "P99"}
	if !slices.Equal(codes, want) {
		t.Errorf("sorted %q, want %q", codes, want)
	}
}

func TestRefusalPlacesProblemsBesideTheFieldsOfTheFormSent(t *testing.T) {
	err := &hub.Error{Code: hub.CodeInvalid, Message: "The return is not valid", Problems: []hub.Problem{
		{Field: "theme", Message: "There is no theme \"x\""},
		{Field: "cells", Message: "Age: the counts add up to 3"},
		{Row: 7, Column: "ethnicity", Message: "This cell has bytes that are not UTF-8"},
		{Row: 41, Message: "The worksheet \"Sheet1\" is damaged after row 40"},
	}}
	summary, errs := refusal("return", "return", err)
	want := []summaryItem{
		{"#return", "The return is not valid"},
		{"#return", "There is no theme \"x\""},
		{"#return", "Age: the counts add up to 3"},
		{"#return", "Row 7, column “ethnicity”: This cell has bytes that are not UTF-8"},
		{"#return", "The worksheet \"Sheet1\" is damaged after row 40"},
	}
	if !slices.Equal(summary, want) {
		t.Errorf("summary %q, want %q", summary, want)
	}
	if len(errs) != 1 || errs["return"] == "" || errs["theme"] != "" {
		t.Errorf("field errors %q", errs)
	}
	summary, errs = refusal("extract", "extract", hub.Invalid("The return cannot be made", []hub.Problem{{Field: "period", Message: "Write the period"}, {Field: "theme", Message: "Choose the theme"}}))
	if !slices.Equal(summary, []summaryItem{{"#theme", "Choose the theme"}, {"#period", "Write the period"}}) || errs["period"] != "Write the period" {
		t.Errorf("summary %q, errors %q", summary, errs)
	}
}
