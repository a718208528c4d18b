package duty

import (
	"slices"

	"github.com/partnership/equalityhub/hub"
)

// Approaching is one duty of the principal's organisation that is due
// within the calendar's warning or overdue.
type Approaching struct {
	Kind  Kind
	Line  Line
	OrgID string
}

// WaitingFor returns, from the calendar, the duties of the principal's
// organisation whose date approaches: due within the warning (Warning,
// sixty days) or overdue; when the principal may record a publication for
// the organisation. A duty with nothing on record has no date and is shown
// on the calendar only. Soonest due first.
func WaitingFor(auth hub.Authorizer, actor hub.Principal, calendar []Entry) ([]Approaching, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	switch err := hub.Authorize(auth, actor, PermRecord, actor.OrgID); {
	case hub.IsCode(err, hub.CodeInternal):
		return nil, err
	case err != nil:
		return nil, nil
	}
	var out []Approaching
	for _, e := range calendar {
		if e.OrgID != actor.OrgID {
			continue
		}
		for _, d := range []struct {
			kind Kind
			line Line
		}{{Information, e.Information}, {Objectives, e.Objectives}} {
			if d.line.State == DueSoon || d.line.State == Overdue {
				out = append(out, Approaching{Kind: d.kind, Line: d.line, OrgID: e.OrgID})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Approaching) int {
		return a.Line.Due.Compare(b.Line.Due)
	})
	return out, nil
}
