package strategy

import (
	"cmp"
	"slices"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/duty"
)

// Soon is how far ahead an action's due date puts it among what waits for
// its organisation.
const Soon = 30 * 24 * time.Hour

// WaitingAction is an action of the principal's organisation due soon or overdue.
type WaitingAction struct {
	Objective Objective
	Action    Action
}

// WaitingFor returns the actions the principal's organisation owns that are
// not done and are due within thirty days (Soon) or overdue at now, when
// the principal may read the strategy. Soonest due first.
func (s *Service) WaitingFor(actor hub.Principal, now time.Time) ([]WaitingAction, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	switch err := hub.Authorize(s.auth, actor, hub.PermStrategyRead, hub.DomainPartnership); {
	case hub.IsCode(err, hub.CodeInternal):
		return nil, err
	case err != nil:
		return nil, nil
	}
	var out []WaitingAction
	for _, o := range s.Objectives() {
		for _, a := range o.Actions {
			if a.OwnerOrg != actor.OrgID || a.Due.IsZero() || a.State(now) == Done {
				continue
			}
			if a.State(now) == Overdue || a.Due.Sub(now) <= Soon {
				out = append(out, WaitingAction{Objective: o, Action: a})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b WaitingAction) int { return cmp.Compare(a.Action.Due.UnixNano(), b.Action.Due.UnixNano()) })
	return out, nil
}

// DutyCalendar returns the specific duties' calendar at now for the public
// bodies among orgs, from the publications recorded and the day each
// body's latest objectives in the strategy started.
func (s *Service) DutyCalendar(orgs []hub.Organisation, now time.Time) []duty.Entry {
	objectives := map[string]time.Time{}
	for _, o := range s.Objectives() {
		for _, org := range o.Owners {
			if o.Start.After(objectives[org]) {
				objectives[org] = o.Start
			}
		}
	}
	return duty.Calendar(orgs, s.DutyRecords(), objectives, now)
}

// DutiesWaitingFor returns the duties of the principal's organisation due
// within the calendar's warning, overdue or never met (see duty.WaitingFor).
func (s *Service) DutiesWaitingFor(actor hub.Principal, orgs []hub.Organisation, now time.Time) ([]duty.Approaching, error) {
	return duty.WaitingFor(s.auth, actor, s.DutyCalendar(orgs, now))
}
