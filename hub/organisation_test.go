package hub_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

func goodOrg() hub.Organisation {
	return hub.Organisation{ID: "northshire-police", Name: "Northshire Police", Kind: hub.KindPolice,
		Issuers: []hub.Issuer{{ID: "staff", Label: "Police staff account", URL: "https://login.police.example", ClientID: "hub", ClientSecret: "s3cret"}}}
}

// problemFields returns the fields of err's problems.
func problemFields(err error) []string {
	var fs []string
	for _, p := range hub.ErrorProblems(err) {
		fs = append(fs, p.Field)
	}
	return fs
}

func TestOrganisationValidate(t *testing.T) {
	if err := goodOrg().Validate(); err != nil {
		t.Fatalf("a good organisation: %v", err)
	}
	cases := []struct {
		name   string
		change func(*hub.Organisation)
		field  string
	}{
		{"empty id", func(o *hub.Organisation) { o.ID = "" }, "id"},
		{"upper-case id", func(o *hub.Organisation) { o.ID = "Northshire" }, "id"},
		{"id with a space", func(o *hub.Organisation) { o.ID = "north shire" }, "id"},
		{"id ending in a hyphen", func(o *hub.Organisation) { o.ID = "north-" }, "id"},
		{"blank name", func(o *hub.Organisation) { o.Name = "  " }, "name"},
		{"unknown kind", func(o *hub.Organisation) { o.Kind = "army" }, "kind"},
		{"empty kind", func(o *hub.Organisation) { o.Kind = "" }, "kind"},
		{"bad issuer id", func(o *hub.Organisation) { o.Issuers[0].ID = "Staff!" }, "issuers.0.id"},
		{"blank issuer label", func(o *hub.Organisation) { o.Issuers[0].Label = "" }, "issuers.0.label"},
		{"blank client id", func(o *hub.Organisation) { o.Issuers[0].ClientID = " " }, "issuers.0.client_id"},
		{"http issuer", func(o *hub.Organisation) { o.Issuers[0].URL = "http://login.police.example" }, "issuers.0.url"},
		{"relative issuer", func(o *hub.Organisation) { o.Issuers[0].URL = "login.police.example" }, "issuers.0.url"},
		{"issuer with a query", func(o *hub.Organisation) { o.Issuers[0].URL = "https://login.police.example?x=1" }, "issuers.0.url"},
		{"issuer with a fragment", func(o *hub.Organisation) { o.Issuers[0].URL = "https://login.police.example#x" }, "issuers.0.url"},
		{"ftp issuer", func(o *hub.Organisation) { o.Issuers[0].URL = "ftp://login.police.example" }, "issuers.0.url"},
		{"bad second issuer", func(o *hub.Organisation) {
			o.Issuers = append(o.Issuers, hub.Issuer{ID: "contractors", Label: "Contractors", URL: "http://idp.example", ClientID: "hub"})
		}, "issuers.1.url"},
		{"long name", func(o *hub.Organisation) { o.Name = strings.Repeat("N", hub.MaxNameLength+1) }, "name"},
		{"name reversed", func(o *hub.Organisation) { o.Name = "Northshire \u202eecilop" }, "name"},
		{"label with a bell", func(o *hub.Organisation) { o.Issuers[0].Label = "Staff\a" }, "issuers.0.label"},
		{"client id over two lines", func(o *hub.Organisation) { o.Issuers[0].ClientID = "hub\nhub" }, "issuers.0.client_id"},
		{"duplicate issuer id", func(o *hub.Organisation) {
			o.Issuers = append(o.Issuers, hub.Issuer{ID: "staff", Label: "Other", URL: "https://other.example", ClientID: "hub"})
		}, "issuers.1.id"},
	}
	for _, c := range cases {
		o := goodOrg()
		c.change(&o)
		err := o.Validate()
		if !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("%s: %v, want invalid", c.name, err)
			continue
		}
		if fs := problemFields(err); !slices.Equal(fs, []string{c.field}) {
			t.Errorf("%s: problems on %v, want only %s", c.name, fs, c.field)
		}
	}
	var none hub.Organisation
	if fs := problemFields(none.Validate()); !slices.Equal(fs, []string{"id", "name", "kind"}) {
		t.Errorf("an empty organisation: problems on %v, want id, name, kind", fs)
	}
}

func TestIssuerURLSchemes(t *testing.T) {
	for _, u := range []string{
		"https://login.example.org",
		"https://login.example.org/realms/staff",
		"http://127.0.0.1:5556",
		"http://localhost:8080/dex",
		"http://[::1]:9000",
	} {
		if err := hub.ValidIssuerURL(u); err != nil {
			t.Errorf("ValidIssuerURL(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{
		"http://login.example.org",
		"http://10.0.0.1",
		"http://192.168.1.127",
		"http://127.attacker.example",
		"http://localhost.attacker.example",
		"https://",
		"",
		"not a url",
	} {
		err := hub.ValidIssuerURL(u)
		if !hub.IsCode(err, hub.CodeInvalid) {
			t.Errorf("ValidIssuerURL(%q) = %v, want invalid", u, err)
		}
	}
	o := goodOrg()
	o.Issuers[0].URL = "http://127.0.0.1:5556"
	if err := o.Validate(); err != nil {
		t.Errorf("an organisation with a loopback http issuer: %v", err)
	}
}

func TestOrganisationIssuers(t *testing.T) {
	o := goodOrg()
	if is, ok := o.IssuerByID("staff"); !ok || is.URL != "https://login.police.example" {
		t.Fatalf("IssuerByID(staff) = %+v, %v", is, ok)
	}
	if _, ok := o.IssuerByID("other"); ok {
		t.Fatal("IssuerByID found a missing issuer")
	}
	if !o.BoundTo("https://login.police.example") || o.BoundTo("https://login.police.example/") || o.BoundTo("https://other.example") {
		t.Fatal("BoundTo does not compare the issuer URL exactly")
	}
}

func TestSlugsAndPartnership(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "a1-b2": true, "-a": false, "a_b": false, "": false, "é": false} {
		if hub.ValidSlug(s) != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, !want, want)
		}
	}
	if err := (hub.Partnership{Name: "Northshire Together"}).Validate(); err != nil {
		t.Errorf("a named partnership: %v", err)
	}
	if fs := problemFields((hub.Partnership{Name: " "}).Validate()); !slices.Equal(fs, []string{"name"}) {
		t.Errorf("an unnamed partnership: problems on %v, want name", fs)
	}
}
