package web

import (
	_ "embed"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// openAPIDocument describes the JSON API; it is the API's source of truth,
// and a test checks that the route table and it agree.
//
//go:embed openapi.json
var openAPIDocument []byte

func (s *server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIDocument)
}

type apiGrant struct {
	Role           hub.Role           `json:"role"`
	Characteristic hub.Characteristic `json:"characteristic,omitempty"`
}

type apiPerson struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Org      string     `json:"organisation"`
	Roles    []apiGrant `json:"roles"`
	LastSeen *time.Time `json:"last_seen,omitempty"`
}

type apiOrganisation struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Kind     hub.OrgKind `json:"kind"`
	KindName string      `json:"kind_name"`
}

func toAPIGrants(gs []hub.Grant) []apiGrant {
	out := []apiGrant{}
	for _, g := range gs {
		out = append(out, apiGrant(g))
	}
	return out
}

func toAPIPerson(p hub.Person) apiPerson {
	a := apiPerson{ID: p.ID, Name: p.DisplayName(), Org: p.OrgID, Roles: toAPIGrants(p.Grants)}
	if !p.LastSeen.IsZero() {
		t := p.LastSeen
		a.LastSeen = &t
	}
	return a
}

// apiMe says who the caller is.
func (s *server) apiMe(c echo.Context) error {
	p := principal(c)
	person, err := s.Directory.Person(p.PersonID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIPerson(person))
}

// apiOrganisations lists the partner organisations.
func (s *server) apiOrganisations(c echo.Context) error {
	out := []apiOrganisation{}
	for _, o := range s.Directory.Organisations() {
		out = append(out, apiOrganisation{ID: o.ID, Name: o.Name, Kind: o.Kind, KindName: o.Kind.Label()})
	}
	return c.JSON(http.StatusOK, out)
}

// apiMembers lists an organisation's people and roles.
func (s *server) apiMembers(c echo.Context) error {
	ms, err := s.Directory.Members(principal(c), c.Param("org"))
	if err != nil {
		return err
	}
	out := []apiPerson{}
	for _, m := range ms {
		out = append(out, toAPIPerson(m))
	}
	return c.JSON(http.StatusOK, out)
}

// apiSetRoles replaces a person's roles.
func (s *server) apiSetRoles(c echo.Context) error {
	_, p, err := s.memberOf(c)
	if err != nil {
		return err
	}
	var body struct {
		Roles []apiGrant `json:"roles"`
	}
	if err := c.Bind(&body); err != nil {
		return hub.Errorf(hub.CodeInvalid, "The body must be JSON like {\"roles\": [{\"role\": \"data-steward\"}]}")
	}
	gs := make([]hub.Grant, len(body.Roles))
	for i, g := range body.Roles {
		gs[i] = hub.Grant(g)
	}
	if err := s.Directory.SetGrants(c.Request().Context(), principal(c), p.ID, gs); err != nil {
		return err
	}
	p, err = s.Directory.Person(p.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIPerson(p))
}
