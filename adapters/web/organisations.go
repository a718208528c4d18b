package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
)

type organisationsPage struct {
	Organisations []hub.Organisation
	CanManage     bool
}

// organisations lists the partner organisations; the membership of the partnership is public.
func (s *server) organisations(c echo.Context) error {
	return s.ok(c, "organisations", "Partner organisations", organisationsPage{
		Organisations: s.Directory.Organisations(),
		CanManage:     s.allowed(c, hub.PermOrgManage, hub.DomainPartnership),
	})
}

type organisationPage struct {
	Org       hub.Organisation
	Members   []hub.Person
	CanManage bool
	CanGrant  bool
	Saved     bool
}

// organisation shows one organisation with its members and their roles.
func (s *server) organisation(c echo.Context) error {
	o, err := s.Directory.Organisation(c.Param("org"))
	if err != nil {
		return err
	}
	ms, err := s.Directory.Members(principal(c), o.ID)
	if err != nil {
		return err
	}
	return s.ok(c, "organisation", o.Name, organisationPage{
		Org: o, Members: ms, Saved: c.QueryParam("saved") == "1",
		CanManage: s.allowed(c, hub.PermOrgManage, o.ID),
		CanGrant:  s.allowed(c, hub.PermMembersManage, o.ID),
	})
}

// allowed reports whether the principal holds a permission, for showing links and buttons.
func (s *server) allowed(c echo.Context, perm hub.Permission, dom string) bool {
	return hub.Authorize(s.Auth, principal(c), perm, dom) == nil
}

// orgForm is the form for adding or changing an organisation.
type orgForm struct {
	New      bool
	ID       string
	Name     string
	Kind     string
	Issuers  []issuerForm
	Kinds    []hub.OrgKind
	Problems []hub.Problem
	Callback string // the redirect address to register with identity providers, with ORG and IDP in it
}

type issuerForm struct {
	ID, Label, URL, ClientID string
	HasSecret                bool
}

const maxIssuers = 5

func (s *server) orgFormFor(o hub.Organisation, isNew bool) orgForm {
	f := orgForm{New: isNew, ID: o.ID, Name: o.Name, Kind: string(o.Kind), Kinds: hub.OrgKinds(), Callback: s.BaseURL + "/auth/"}
	for _, is := range o.Issuers {
		f.Issuers = append(f.Issuers, issuerForm{ID: is.ID, Label: is.Label, URL: is.URL, ClientID: is.ClientID, HasSecret: is.ClientSecret != ""})
	}
	if len(f.Issuers) < maxIssuers {
		f.Issuers = append(f.Issuers, issuerForm{})
	}
	return f
}

// readOrgForm reads the organisation form; identity provider rows left wholly empty are ignored.
func readOrgForm(c echo.Context, id string) hub.Organisation {
	o := hub.Organisation{ID: strings.TrimSpace(id), Name: strings.TrimSpace(c.FormValue("name")), Kind: hub.OrgKind(c.FormValue("kind"))}
	for i := range maxIssuers {
		p := "issuers." + strconv.Itoa(i) + "."
		is := hub.Issuer{
			ID: strings.TrimSpace(c.FormValue(p + "id")), Label: strings.TrimSpace(c.FormValue(p + "label")),
			URL: strings.TrimRight(strings.TrimSpace(c.FormValue(p+"url")), "/"), ClientID: strings.TrimSpace(c.FormValue(p + "client_id")),
			ClientSecret: c.FormValue(p + "client_secret"),
		}
		if is != (hub.Issuer{}) {
			o.Issuers = append(o.Issuers, is)
		}
	}
	return o
}

// newOrganisation shows the form for adding an organisation.
func (s *server) newOrganisation(c echo.Context) error {
	return s.ok(c, "organisation-form", "Add an organisation", s.orgFormFor(hub.Organisation{}, true))
}

// createOrganisation adds an organisation, or shows the form again with what is wrong.
func (s *server) createOrganisation(c echo.Context) error {
	o := readOrgForm(c, c.FormValue("id"))
	if err := s.Directory.CreateOrganisation(c.Request().Context(), principal(c), o); err != nil {
		return s.formAgain(c, err, "Add an organisation", s.orgFormFor(o, true))
	}
	return c.Redirect(http.StatusSeeOther, "/organisations/"+o.ID+"?saved=1")
}

// editOrganisation shows the form for changing an organisation.
func (s *server) editOrganisation(c echo.Context) error {
	o, err := s.Directory.Organisation(c.Param("org"))
	if err != nil {
		return err
	}
	return s.ok(c, "organisation-form", "Change "+o.Name, s.orgFormFor(o, false))
}

// updateOrganisation changes an organisation, or shows the form again with what is wrong.
func (s *server) updateOrganisation(c echo.Context) error {
	o := readOrgForm(c, c.Param("org"))
	if err := s.Directory.UpdateOrganisation(c.Request().Context(), principal(c), o); err != nil {
		return s.formAgain(c, err, "Change "+o.Name, s.orgFormFor(o, false))
	}
	return c.Redirect(http.StatusSeeOther, "/organisations/"+o.ID+"?saved=1")
}

// formAgain re-renders a form with the person's input and the problems beside
// the fields, when the error is about the input; other errors go to the error page.
func (s *server) formAgain(c echo.Context, err error, title string, f orgForm) error {
	code := hub.ErrorCode(err)
	if code != hub.CodeInvalid && code != hub.CodeConflict {
		return err
	}
	f.Problems = hub.ErrorProblems(err)
	if len(f.Problems) == 0 {
		f.Problems = []hub.Problem{{Message: hub.ErrorMessage(err)}}
	}
	return s.render(c, statusOf[code], "organisation-form", "Error: "+title, f)
}
