package web

import (
	"testing"

	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/framework"
)

// Entries of the record about a level, including those written before the
// hub said changes in words, read in words: whose self-assessment, against
// which framework, and the change by the levels' names.
func TestLevelEntriesInWords(t *testing.T) {
	fs, err := framework.BuiltIn()
	if err != nil {
		t.Fatal(err)
	}
	var eflg framework.Framework
	for _, f := range fs {
		if f.ID == "eflg" {
			eflg = f
		}
	}
	const obj = "assessments/northshire-police/eflg/leadership"
	for detail, want := range map[string]string{
		"moved from excellent to excellent":        "Leadership: confirmed at Excellent",
		"moved from developing to achieving":       "Leadership: from Developing to Achieving",
		"recorded developing":                      "Leadership: recorded at Developing",
		"Leadership: from Developing to Achieving": "Leadership: from Developing to Achieving",
	} {
		about, got := entryWords(audit.Entry{Action: framework.ActionAssess, Object: obj, Detail: detail}, &eflg, "Northshire Police")
		if got != want || about != "the self-assessment of Northshire Police against the Equality Framework for Local Government" {
			t.Errorf("%q reads %q, %q; want %q", detail, about, got, want)
		}
	}
	if about, got := entryWords(audit.Entry{Action: framework.ActionChallenge, Object: obj, Detail: "challenged excellent"}, &eflg, "Northshire Police"); got != "challenged excellent" || about == "" {
		t.Errorf("a challenge entry reads %q, %q", about, got)
	}
	if about, _ := entryWords(audit.Entry{Action: framework.ActionAssess, Object: "assessments/x", Detail: "d"}, nil, ""); about != "a self-assessment against a framework" {
		t.Errorf("an entry of an unknown framework reads %q", about)
	}
}
