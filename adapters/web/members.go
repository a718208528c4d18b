package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

// memberForm is the form for a person's roles.
type memberForm struct {
	Org             hub.Organisation
	Person          hub.Person
	Roles           []hub.Role
	Checked         []string
	Characteristic  string
	Characteristics []hub.Characteristic
	Problems        []hub.Problem
}

// memberOf returns the person named in the address, who must belong to the organisation in it.
func (s *server) memberOf(c echo.Context) (hub.Organisation, hub.Person, error) {
	o, err := s.Directory.Organisation(c.Param("org"))
	if err != nil {
		return o, hub.Person{}, err
	}
	p, err := s.Directory.Person(c.Param("person"))
	if err != nil || p.OrgID != o.ID {
		return o, p, hub.Errorf(hub.CodeNotFound, "%s has no such member", o.Name)
	}
	return o, p, nil
}

func newMemberForm(o hub.Organisation, p hub.Person, gs []hub.Grant) memberForm {
	f := memberForm{Org: o, Person: p, Roles: hub.Roles(), Characteristics: hub.Characteristics()}
	for _, g := range gs {
		f.Checked = append(f.Checked, string(g.Role))
		if g.Characteristic != "" {
			f.Characteristic = string(g.Characteristic)
		}
	}
	return f
}

// member shows the form for a person's roles.
func (s *server) member(c echo.Context) error {
	o, p, err := s.memberOf(c)
	if err != nil {
		return err
	}
	return s.ok(c, "member", "Roles of "+p.DisplayName(), newMemberForm(o, p, p.Grants))
}

// grantsFrom turns checked roles and a characteristic into grants.
func grantsFrom(roles []string, characteristic string) []hub.Grant {
	var gs []hub.Grant
	for _, r := range roles {
		g := hub.Grant{Role: hub.Role(r)}
		if g.Role == hub.RoleAdvisoryMember {
			g.Characteristic = hub.Characteristic(characteristic)
		}
		gs = append(gs, g)
	}
	return gs
}

// updateMember replaces a person's roles, or shows the form again with what is wrong.
func (s *server) updateMember(c echo.Context) error {
	o, p, err := s.memberOf(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	gs := grantsFrom(form["roles"], c.FormValue("characteristic"))
	if err := s.Directory.SetGrants(c.Request().Context(), principal(c), p.ID, gs); err != nil {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict {
			return err
		}
		f := newMemberForm(o, p, gs)
		f.Characteristic = c.FormValue("characteristic")
		f.Problems = hub.ErrorProblems(err)
		if len(f.Problems) == 0 {
			f.Problems = []hub.Problem{{Field: "roles", Message: hub.ErrorMessage(err)}}
		}
		return s.render(c, statusOf[code], "member", "Error: Roles of "+p.DisplayName(), f)
	}
	return c.Redirect(http.StatusSeeOther, "/organisations/"+o.ID+"?saved=1")
}
