package strategy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

// ActionPublishAnnual is the record's action for an annual report published.
const ActionPublishAnnual = "strategy.publish-annual-report"

// AnnualReport is the partnership's annual equality information report as
// published for the public: made once from what the public may see (every
// figure through the gate, for the public), kept whole and never changed.
// Publishing it again for a year makes a new one beside the earlier.
type AnnualReport struct {
	ID              string
	Year            string   // a financial year, such as "2025-26"
	Characteristics []string // the characteristics it covers, in words
	Published       time.Time
	PublishedBy     string // person ID
	PublishedByName string
	Sections        []AnnualSection
	Objectives      []AnnualObjective
	Summary         []string // paragraphs: impact assessments, framework levels
}

// AnnualSection is one part of the report: a heading, its tables, and what
// is said where a table is not there.
type AnnualSection struct {
	Heading string
	Tables  []AnnualTable
	Notes   []string
	Links   []AnnualLink
}

// AnnualLink is a link from the report to something published, such as a table.
type AnnualLink struct {
	Title, URL string
}

// AnnualTable is a table of the report, as published: every cell in words.
type AnnualTable struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// AnnualObjective is an objective of the strategy and how each of its
// measures stands, as the public may see it.
type AnnualObjective struct {
	Statement string
	Measures  []string // "label: status", in words
}

// AnnualStore keeps the annual reports published.
type AnnualStore interface {
	FindAnnualReports(ctx context.Context) ([]AnnualReport, error)
	SaveAnnualReport(ctx context.Context, r AnnualReport) error
}

// AnnualReports returns the annual reports published, newest first.
func (s *Service) AnnualReports() []AnnualReport {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := slices.Clone(s.annual)
	slices.SortFunc(out, func(a, b AnnualReport) int { return cmp.Or(b.Published.Compare(a.Published), cmp.Compare(a.ID, b.ID)) })
	return out
}

// AnnualReport returns one annual report published.
func (s *Service) AnnualReport(id string) (AnnualReport, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.annual {
		if r.ID == id {
			return r, nil
		}
	}
	return AnnualReport{}, hub.Errorf(hub.CodeNotFound, "There is no such annual report")
}

// PublishAnnual publishes the annual report made for the public. The
// board and the forum publish it, for the partnership.
func (s *Service) PublishAnnual(ctx context.Context, actor hub.Principal, r AnnualReport) (AnnualReport, error) {
	if err := hub.Authorize(s.auth, actor, PermManage, hub.DomainPartnership); err != nil {
		return AnnualReport{}, err
	}
	if y, q, err := parsePeriod(r.Year); err != nil || q != 0 || y < 1900 {
		return AnnualReport{}, hub.Invalid("Choose the year of the report", []hub.Problem{{Field: "year", Message: "Choose the year of the report"}})
	}
	if len(r.Characteristics) == 0 {
		return AnnualReport{}, hub.Invalid("Choose at least one characteristic", []hub.Problem{{Field: "characteristic", Message: "Choose at least one characteristic"}})
	}
	r.ID, r.Published, r.PublishedBy, r.PublishedByName = newID("annual-"), s.clock.Now(), actor.PersonID, actor.Name
	defer s.rs.BeginWrite()()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := audit.Change(ctx, s.log, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: ActionPublishAnnual,
		Object: "strategy/annual-reports/" + r.ID, Owner: hub.DomainPartnership,
		Detail: fmt.Sprintf("published the annual equality information report for %s, by %s", r.Year, strings.Join(r.Characteristics, ", "))},
		func(int64) error { return s.store.SaveAnnualReport(ctx, r) }); err != nil {
		return AnnualReport{}, err
	}
	s.mu.Lock()
	s.annual = append(s.annual, r)
	s.mu.Unlock()
	return r, s.rs.Wrote(ctx)
}
