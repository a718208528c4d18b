package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
)

type auditPage struct {
	Entries []audit.Entry
	All     bool // the whole partnership's record, not only the organisation's
	Org     string
	Names   map[string]string // person and organisation IDs to names
	Days    int
	Broken  string // the hub's own check found the record broken: where and why
}

// auditPage shows the record: an organisation sees what was done with its
// data and by its people; the board and administrators see everything.
func (s *server) auditPage(c echo.Context) error {
	p := principal(c)
	all := s.allowed(c, permAuditRead, hub.DomainPartnership)
	f := audit.Filter{From: s.Clock.Now().Add(-31 * 24 * time.Hour)}
	entries, err := s.Audit.Entries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var shown []audit.Entry
	for i := len(entries) - 1; i >= 0 && len(shown) < 500; i-- {
		e := entries[i]
		if all || e.Owner == p.OrgID || e.OrgID == p.OrgID {
			shown = append(shown, e)
		}
	}
	names := map[string]string{"": "The hub", hub.DomainPartnership: "The partnership"}
	for _, o := range s.Directory.Organisations() {
		names[o.ID] = o.Name
	}
	for _, e := range shown {
		if _, ok := names[e.PersonID]; !ok {
			if person, err := s.Directory.Person(e.PersonID); err == nil {
				names[e.PersonID] = person.DisplayName()
			}
		}
	}
	page := auditPage{Entries: shown, All: all, Org: p.OrgID, Names: names, Days: 31}
	if rep, _ := s.AuditWatch.Status(); !rep.OK {
		page.Broken = rep.String()
	}
	return s.ok(c, "audit", "The record", page)
}

// auditExport answers the whole record as JSON lines, for hubctl audit
// verify: the export is on the record, and ends with the hub's signature.
func (s *server) auditExport(c echo.Context) error {
	p := principal(c)
	entries, checkpoints, err := s.Audit.ReadSigned(c.Request().Context(), audit.Entry{PersonID: p.PersonID, OrgID: p.OrgID,
		Action: audit.ActionExport, Object: "audit", Owner: hub.DomainPartnership, Detail: "exported the whole record"})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/x-ndjson")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="audit-record.jsonl"`)
	c.Response().WriteHeader(http.StatusOK)
	return audit.Export(c.Response(), entries, checkpoints)
}

// hubKey publishes the hub's public key.
func (s *server) hubKey(c echo.Context) error {
	pub, err := s.HubKey.PublicKey()
	if err != nil {
		return hub.Internal(err, "reading the hub's public key")
	}
	return c.Blob(http.StatusOK, "application/pgp-keys", []byte(pub))
}
