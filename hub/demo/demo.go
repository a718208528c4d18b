// Package demo is the demo partnership: Northshire Together, a fictional
// local strategic partnership modelled on the source documents, with a county
// council, two district councils, a city council, the police, the fire and
// rescue service, an NHS trust and a third-sector advisory group, and a person
// in every role. Each organisation signs its people in through a development
// identity provider of its own that the hub runs in demo mode.
package demo

import (
	"strings"

	"github.com/partnership/equalityhub/hub"
)

// IssuerID is the short name of each demo organisation's identity provider.
const IssuerID = "main"

// ClientID is the client ID the hub has at each demo identity provider.
const ClientID = "equality-hub"

// Partnership returns the demo partnership.
func Partnership() hub.Partnership {
	return hub.Partnership{Name: "Northshire Together", Area: "Northshire"}
}

type org struct {
	id, name string
	kind     hub.OrgKind
}

var orgs = []org{
	{"northshire-county", "Northshire County Council", hub.KindCountyCouncil},
	{"eastvale-district", "Eastvale District Council", hub.KindDistrictCouncil},
	{"riverford-borough", "Riverford Borough Council", hub.KindDistrictCouncil},
	{"northam-city", "Northam City Council", hub.KindCityCouncil},
	{"northshire-police", "Northshire Police", hub.KindPolice},
	{"northshire-fire", "Northshire Fire and Rescue Service", hub.KindFireRescue},
	{"northshire-nhs", "Northshire Healthcare NHS Trust", hub.KindHealth},
	{"advisory-group", "Northshire Equality Advisory Group", hub.KindVoluntary},
}

// Person is a demo person: who they are at their identity provider and what they hold in the hub.
type Person struct {
	Subject string
	Name    string
	OrgID   string
	Grants  []hub.Grant
}

func g(roles ...hub.Role) []hub.Grant {
	gs := make([]hub.Grant, len(roles))
	for i, r := range roles {
		gs[i] = hub.Grant{Role: r}
	}
	return gs
}

func adv(c hub.Characteristic) []hub.Grant {
	return []hub.Grant{{Role: hub.RoleAdvisoryMember, Characteristic: c}}
}

var people = []Person{
	{"county-admin", "Alex Morgan", "northshire-county", g(hub.RoleAdmin)},
	{"county-board", "Cllr Margaret Hollis", "northshire-county", g(hub.RoleBoardMember)},
	{"county-forum", "Priya Shah", "northshire-county", g(hub.RoleForumMember, hub.RoleEIAAuthor)},
	{"county-steward", "Tom Whitfield", "northshire-county", g(hub.RoleDataSteward)},
	{"county-analyst", "Grace Okafor", "northshire-county", g(hub.RoleAnalyst)},
	{"county-director", "David Chen", "northshire-county", g(hub.RoleDecisionMaker)},
	{"eastvale-forum", "Sian Evans", "eastvale-district", g(hub.RoleForumMember)},
	{"eastvale-steward", "Mark Bennett", "eastvale-district", g(hub.RoleDataSteward)},
	{"riverford-forum", "Farah Hussain", "riverford-borough", g(hub.RoleForumMember, hub.RoleDataSteward)},
	{"city-forum", "Daniel Mensah", "northam-city", g(hub.RoleForumMember, hub.RoleEIAAuthor)},
	{"city-steward", "Hannah Price", "northam-city", g(hub.RoleDataSteward)},
	{"city-cabinet", "Cllr Rajesh Patel", "northam-city", g(hub.RoleDecisionMaker, hub.RoleBoardMember)},
	{"police-forum", "Inspector Claire Doyle", "northshire-police", g(hub.RoleForumMember)},
	{"police-steward", "Owen Richards", "northshire-police", g(hub.RoleDataSteward, hub.RoleAnalyst)},
	{"police-chief", "ACC Joanne Baptiste", "northshire-police", g(hub.RoleBoardMember, hub.RoleDecisionMaker)},
	{"fire-forum", "Station Manager Lee Carter", "northshire-fire", g(hub.RoleForumMember, hub.RoleDataSteward)},
	{"nhs-forum", "Dr Amara Nwosu", "northshire-nhs", g(hub.RoleForumMember, hub.RoleEIAAuthor)},
	{"nhs-steward", "Kate Lawson", "northshire-nhs", g(hub.RoleDataSteward)},
	{"nhs-director", "Simon Ashworth", "northshire-nhs", g(hub.RoleDecisionMaker)},
	{"advisory-age", "Eileen Barker", "advisory-group", adv(hub.Age)},
	{"advisory-disability", "Jamal Ahmed", "advisory-group", adv(hub.Disability)},
	{"advisory-gender-reassignment", "Robin Ellis", "advisory-group", adv(hub.GenderReassignment)},
	{"advisory-marriage", "Helen Murray", "advisory-group", adv(hub.MarriageAndCivilPartnership)},
	{"advisory-pregnancy", "Zainab Ali", "advisory-group", adv(hub.PregnancyAndMaternity)},
	{"advisory-race", "Winston Clarke", "advisory-group", adv(hub.Race)},
	{"advisory-religion", "Rabbi Naomi Stern", "advisory-group", adv(hub.ReligionOrBelief)},
	{"advisory-sex", "Bethany Hughes", "advisory-group", adv(hub.Sex)},
	{"advisory-sexual-orientation", "Marcus Reid", "advisory-group", adv(hub.SexualOrientation)},
}

// IssuerURL is the address of a demo organisation's identity provider, served by the hub at baseURL.
func IssuerURL(baseURL, orgID string) string { return baseURL + "/demo-idp/" + orgID }

// ClientSecret is the client secret the hub has at a demo organisation's identity provider.
func ClientSecret(orgID string) string { return "demo-" + orgID }

// Organisations returns the demo organisations, each bound to its development identity provider.
func Organisations(baseURL string) []hub.Organisation {
	os := make([]hub.Organisation, len(orgs))
	for i, o := range orgs {
		os[i] = hub.Organisation{ID: o.id, Name: o.name, Kind: o.kind, Issuers: []hub.Issuer{{
			ID: IssuerID, Label: o.name + " demo sign-in", URL: IssuerURL(baseURL, o.id),
			ClientID: ClientID, ClientSecret: ClientSecret(o.id),
		}}}
	}
	return os
}

// People returns the demo people.
func People() []Person { return append([]Person(nil), people...) }

// PeopleOf returns the demo people of one organisation.
func PeopleOf(orgID string) []Person {
	var ps []Person
	for _, p := range people {
		if p.OrgID == orgID {
			ps = append(ps, p)
		}
	}
	return ps
}

// Email is a demo person's made-up address.
func (p Person) Email() string { return p.Subject + "@" + p.OrgID + ".example" }

// Describe says what a demo person does, for the sign-in page.
func (p Person) Describe() string {
	labels := make([]string, len(p.Grants))
	for i, g := range p.Grants {
		labels[i] = g.Label()
	}
	return strings.Join(labels, ", ")
}

// Seed returns the people to seed into an empty hub, identified at their organisation's demo provider.
func Seed(baseURL string) []hub.Person {
	ps := make([]hub.Person, len(people))
	for i, p := range people {
		ps[i] = hub.Person{ID: "demo-" + p.Subject, Issuer: IssuerURL(baseURL, p.OrgID), Subject: p.Subject,
			OrgID: p.OrgID, Name: p.Name, Email: p.Email(), Grants: p.Grants}
	}
	return ps
}

// Protocol is a demo sharing protocol, signed by every party.
type Protocol struct {
	ID, Title, Purpose string
	Providers          []string
	Recipients         []string // "org:ID", "body:board", "body:forum", "body:advisory-group", "public"
	Themes             []string
}

// Protocols are the demo partnership's sharing protocols.
func Protocols() []Protocol {
	var partners []string
	for _, o := range orgs {
		if o.kind.PublicBody() {
			partners = append(partners, o.id)
		}
	}
	var everyPartner []string
	for _, p := range partners {
		everyPartner = append(everyPartner, "org:"+p)
	}
	return []Protocol{
		{ID: "demo-community-safety", Title: "Community safety monitoring between the police and the councils",
			Purpose:    "To compare stop and search, hate crime and satisfaction by ethnicity and other characteristics across the county, so that the partnership can act on gaps together.",
			Providers:  []string{"northshire-police"},
			Recipients: []string{"org:northshire-county", "org:northam-city", "org:eastvale-district", "org:riverford-borough", "body:board", "body:forum"},
			Themes:     []string{"stop-and-search", "hate-crime", "customer-satisfaction"}},
		{ID: "demo-services-workforce", Title: "Service and workforce monitoring across the partnership",
			Purpose:    "To compare satisfaction, take-up, complaints and workforce representation across the partners under the partnership equality strategy.",
			Providers:  partners,
			Recipients: append(everyPartner, "body:board", "body:forum"),
			Themes:     []string{"customer-satisfaction", "service-take-up", "complaints-and-compliments", "workforce-strength", "workforce-recruitment"}},
		{ID: "demo-population", Title: "Population baseline for the partnership",
			Purpose:    "To give every partner the area's population by characteristic, so that rates and representation can be computed.",
			Providers:  []string{"northshire-county", "northam-city", "eastvale-district", "riverford-borough"},
			Recipients: append(everyPartner, "body:board", "body:forum", "body:advisory-group"),
			Themes:     []string{"population"}},
	}
}
