package authz_test

import (
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/demo"
)

func TestDemoLinesTwice(t *testing.T) {
	var lines []hub.RoleLine
	for _, p := range demo.Seed("http://x") {
		lines = append(lines, hub.RoleLinesOf(p)...)
	}
	e := mustEnforcer(t, lines...)
	for i := 0; i < 3; i++ {
		if !allowed(t, e, "demo-police-steward", "northshire-police", hub.DomainPartnership, hub.PermProtocolsRead) {
			t.Fatalf("round %d: lost", i)
		}
		if err := e.SetRoleLines(lines); err != nil {
			t.Fatal(err)
		}
	}
}
