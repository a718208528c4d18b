package monitoring

import (
	"fmt"

	"github.com/partnership/equalityhub/hub"
)

// CheckCounted refuses to make a return of an extract none of whose records
// could be counted (often a period chosen wrongly): signed, it would replace
// a good return with an empty one. An extract with no records at all makes
// a return that says so, as a quarter with nothing to count should.
func CheckCounted(a *Aggregator, theme Theme, period Period) error {
	counted, rejected := a.Records()
	if counted > 0 || rejected == 0 {
		return nil
	}
	msg := fmt.Sprintf("None of the %d records could be counted for your %s return for %s, so there is no return to sign: check the period chosen, then the records' problems", rejected, theme.Name, period)
	ps := []hub.Problem{{Field: "extract", Message: msg}}
	found, _ := a.Problems()
	for i, p := range found {
		if i == 5 {
			break
		}
		ps = append(ps, p)
	}
	return &hub.Error{Code: hub.CodeInvalid, Message: msg, Problems: ps}
}
