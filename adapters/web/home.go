package web

import (
	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

type homePage struct {
	Roles      []hub.Grant
	OrgID      string
	SignedOut  bool
	PartnerCnt int
}

// home is the start page: what the hub is for, and where to go next.
func (s *server) home(c echo.Context) error {
	p := principal(c)
	return s.ok(c, "home", s.Directory.Partnership().Name+" equality hub", homePage{
		Roles: p.Grants, OrgID: p.OrgID, SignedOut: c.QueryParam("signed_out") == "1", PartnerCnt: len(s.Directory.Organisations()),
	})
}

// areaPage describes a work area.
type areaPage struct {
	Area string
}

var areaTitles = map[string]string{
	"data":               "Data",
	"protocols":          "Sharing protocols",
	"impact-assessments": "Equality impact assessments",
	"strategy":           "Partnership equality strategy",
	"framework":          "Equality framework",
	"published":          "Published information",
}

// area shows a work area's page.
func (s *server) area(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return s.ok(c, "area", areaTitles[name], areaPage{Area: name})
	}
}

// accessibility is the accessibility statement.
func (s *server) accessibility(c echo.Context) error {
	return s.ok(c, "accessibility", "Accessibility statement", nil)
}
