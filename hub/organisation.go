package hub

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// OrgKind is the kind of a partner organisation.
type OrgKind string

// The kinds of partner organisation.
const (
	KindCountyCouncil   OrgKind = "county-council"
	KindDistrictCouncil OrgKind = "district-council"
	KindCityCouncil     OrgKind = "city-council"
	KindPolice          OrgKind = "police"
	KindFireRescue      OrgKind = "fire-rescue"
	KindHealth          OrgKind = "health"
	KindEducation       OrgKind = "education"
	KindVoluntary       OrgKind = "voluntary"
	KindOther           OrgKind = "other"
)

var orgKinds = newClosedSet[OrgKind]("kind of organisation",
	string(KindCountyCouncil), "County council",
	string(KindDistrictCouncil), "District or borough council",
	string(KindCityCouncil), "City or unitary council",
	string(KindPolice), "Police",
	string(KindFireRescue), "Fire and rescue",
	string(KindHealth), "Health",
	string(KindEducation), "Education",
	string(KindVoluntary), "Voluntary and community sector",
	string(KindOther), "Other",
)

// OrgKinds lists the kinds of organisation in display order.
func OrgKinds() []OrgKind { return orgKinds.all() }

// ParseOrgKind parses a kind such as "police".
func ParseOrgKind(s string) (OrgKind, error) { return orgKinds.parse(s) }

// String returns the kind's name.
func (k OrgKind) String() string { return string(k) }

// Label returns the kind's name for people.
func (k OrgKind) Label() string { return orgKinds.label(k) }

// MarshalText implements encoding.TextMarshaler.
func (k OrgKind) MarshalText() ([]byte, error) { return []byte(k), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *OrgKind) UnmarshalText(b []byte) error {
	v, err := ParseOrgKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// PublicBody reports whether organisations of this kind are bound by the public sector equality duty.
func (k OrgKind) PublicBody() bool { return k != KindVoluntary && k != KindOther }

// Partnership is the local strategic partnership the hub serves.
type Partnership struct {
	Name string // e.g. "Northshire Together"
	Area string // e.g. "Northshire"
}

// Validate checks the partnership's fields.
func (p Partnership) Validate() error {
	var ps []Problem
	if strings.TrimSpace(p.Name) == "" {
		ps = append(ps, Problem{Field: "name", Message: "Enter the partnership's name"})
	}
	ps = append(ps, CheckTexts(Text{Field: "name", Value: p.Name, Kind: NameText}, Text{Field: "area", Value: p.Area, Kind: NameText})...)
	return Invalid("The partnership is not valid", ps)
}

// Organisation is a partner organisation of the partnership.
type Organisation struct {
	ID      string // short stable name used in addresses, e.g. "northshire-police"
	Name    string
	Kind    OrgKind
	Issuers []Issuer // the identity providers its people sign in with
	Created time.Time
}

// Issuer binds an OpenID Connect identity provider to an organisation.
type Issuer struct {
	ID           string // short name within the organisation, used in sign-in addresses, e.g. "staff"
	Label        string // what the sign-in button says, e.g. "Northshire Police staff account"
	URL          string // the issuer identifier; discovery is at URL + "/.well-known/openid-configuration"
	ClientID     string
	ClientSecret string // never shown or logged
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$`)

// ValidSlug reports whether s can be used as an ID in addresses: lower-case letters, digits and hyphens.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// Validate checks the organisation's fields.
func (o Organisation) Validate() error {
	var ps []Problem
	if !ValidSlug(o.ID) {
		ps = append(ps, Problem{Field: "id", Message: "Enter a short name of lower-case letters, digits and hyphens, such as northshire-police"})
	}
	if strings.TrimSpace(o.Name) == "" {
		ps = append(ps, Problem{Field: "name", Message: "Enter the organisation's name"})
	}
	ps = append(ps, CheckText("name", o.Name, NameText)...)
	if _, err := ParseOrgKind(string(o.Kind)); err != nil {
		ps = append(ps, Problem{Field: "kind", Message: "Choose the kind of organisation"})
	}
	seen := map[string]bool{}
	for i, is := range o.Issuers {
		for _, p := range is.validate() {
			p.Field = "issuers." + strconv.Itoa(i) + "." + p.Field
			ps = append(ps, p)
		}
		if seen[is.ID] {
			ps = append(ps, Problem{Field: "issuers." + strconv.Itoa(i) + ".id", Message: "Each identity provider of an organisation needs its own short name"})
		}
		seen[is.ID] = true
	}
	return Invalid("The organisation is not valid", ps)
}

func (is Issuer) validate() []Problem {
	var ps []Problem
	if !ValidSlug(is.ID) {
		ps = append(ps, Problem{Field: "id", Message: "Enter a short name of lower-case letters, digits and hyphens, such as staff"})
	}
	if strings.TrimSpace(is.Label) == "" {
		ps = append(ps, Problem{Field: "label", Message: "Enter what the sign-in button should say"})
	}
	if err := ValidIssuerURL(is.URL); err != nil {
		ps = append(ps, Problem{Field: "url", Message: ErrorMessage(err)})
	}
	if strings.TrimSpace(is.ClientID) == "" {
		ps = append(ps, Problem{Field: "client_id", Message: "Enter the client ID the identity provider gave the hub"})
	}
	ps = append(ps, CheckTexts(Text{Field: "label", Value: is.Label, Kind: NameText}, Text{Field: "url", Value: is.URL, Kind: LinkText},
		Text{Field: "client_id", Value: is.ClientID, Kind: NameText}, Text{Field: "client_secret", Value: is.ClientSecret, Kind: LinkText})...)
	return ps
}

// ValidIssuerURL checks an issuer identifier: https, or http on a loopback host.
func ValidIssuerURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Errorf(CodeInvalid, "Enter the issuer as a full address such as https://login.example.org")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && IsLoopbackHost(u.Hostname()):
		return nil
	}
	return Errorf(CodeInvalid, "The issuer address must start with https://")
}

// IsLoopbackHost reports whether host names this machine only.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IssuerByID returns the organisation's issuer with that short name.
func (o Organisation) IssuerByID(id string) (Issuer, bool) {
	for _, is := range o.Issuers {
		if is.ID == id {
			return is, true
		}
	}
	return Issuer{}, false
}

// BoundTo reports whether the issuer URL is bound to the organisation.
func (o Organisation) BoundTo(issuerURL string) bool {
	for _, is := range o.Issuers {
		if is.URL == issuerURL {
			return true
		}
	}
	return false
}
