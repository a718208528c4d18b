package web

import (
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/sharing"
)

type advisoryPage struct {
	Open      []eia.EIA // open for scrutiny now
	Mine      []myComment
	Protocols []advisoryProtocol // protocols that share data with the advisory group or the public
	Published int
	Strategy  bool // the reader may open the strategy
}

// advisoryProtocol is a protocol on the advisory group's page, linked when the reader may open it.
type advisoryProtocol struct {
	protocolView
	Link bool
}

type myComment struct {
	EIA     eia.EIA
	Comment eia.Comment
}

// advisoryView is the advisory group's page: what is published to them, what
// is open for scrutiny, their challenges and the answers.
func (s *server) advisoryView(c echo.Context) error {
	p := principal(c)
	list, err := s.EIA.List(p, eia.Filter{})
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	var pg advisoryPage
	for _, e := range list {
		if e.TakesComments(now) {
			pg.Open = append(pg.Open, e)
		}
		for _, cm := range e.Scrutiny.Comments {
			if cm.PersonID == p.PersonID {
				pg.Mine = append(pg.Mine, myComment{EIA: e, Comment: cm})
			}
		}
	}
	for _, pr := range s.Sharing.Protocols() {
		if slices.Contains(pr.Recipients, sharing.AdvisoryGroup) || slices.Contains(pr.Recipients, sharing.Public) {
			err := s.Sharing.MayRead(p, pr)
			if hub.IsCode(err, hub.CodeInternal) {
				return err
			}
			pg.Protocols = append(pg.Protocols, advisoryProtocol{protocolView: s.viewProtocol(pr), Link: err == nil})
		}
	}
	pg.Strategy = s.allowed(c, hub.PermStrategyRead, hub.DomainPartnership)
	pg.Published = len(s.Publications.Standing())
	return s.ok(c, "advisory", "The advisory group", pg)
}
