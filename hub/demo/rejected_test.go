package demo_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Every demo return counts every record of its extract: the extracts carry
// record IDs and dates in their period, and all of them are read and pass.
func TestDemoExtractsPassEveryCheck(t *testing.T) {
	std, err := monitoring.FirstStandard()
	if err != nil {
		t.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	checked := 0
	for _, org := range []string{"northshire-police", "northshire-county", "northam-city"} {
		for _, th := range themes {
			if th.Area == "population" {
				continue
			}
			l, err := monitoring.NewLayout(std, th)
			if err != nil {
				t.Fatal(err)
			}
			p := demo.Periods(th)[0]
			c, err := demo.Content(l, demo.Mapping(org, std), org, p)
			if err != nil {
				continue // the demo has no such extract
			}
			if c.Rejected != 0 || c.Records == 0 {
				t.Errorf("%s %s %s: %d records, %d rejected", org, th.ID, p, c.Records, c.Rejected)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d demo extracts checked", checked)
	}
}
