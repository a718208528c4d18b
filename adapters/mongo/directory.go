package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/partnership/equalityhub/hub"
)

type partnershipDoc struct {
	ID   string `bson:"_id"`
	Name string `bson:"name"`
	Area string `bson:"area"`
}

type orgDoc struct {
	ID      string      `bson:"_id"`
	Name    string      `bson:"name"`
	Kind    string      `bson:"kind"`
	Issuers []issuerDoc `bson:"issuers"`
	Created time.Time   `bson:"created"`
}

type issuerDoc struct {
	ID           string `bson:"id"`
	Label        string `bson:"label"`
	URL          string `bson:"url"`
	ClientID     string `bson:"client_id"`
	ClientSecret string `bson:"client_secret"`
}

type personDoc struct {
	ID        string     `bson:"_id"`
	Issuer    string     `bson:"issuer"`
	Subject   string     `bson:"subject"`
	OrgID     string     `bson:"org"`
	Name      string     `bson:"name"`
	Email     string     `bson:"email"`
	Grants    []grantDoc `bson:"grants"`
	FirstSeen time.Time  `bson:"first_seen"`
	LastSeen  time.Time  `bson:"last_seen"`
}

type grantDoc struct {
	Role           string `bson:"role"`
	Characteristic string `bson:"characteristic,omitempty"`
}

func (s *Store) toOrgDoc(o hub.Organisation) orgDoc {
	d := orgDoc{ID: o.ID, Name: o.Name, Kind: string(o.Kind), Created: o.Created, Issuers: []issuerDoc{}}
	for _, is := range o.Issuers {
		is.ClientSecret = s.sealSecret(o.ID, is.ID, is.ClientSecret)
		d.Issuers = append(d.Issuers, issuerDoc(is))
	}
	return d
}

func (s *Store) fromOrgDoc(d orgDoc) (hub.Organisation, error) {
	o := hub.Organisation{ID: d.ID, Name: d.Name, Kind: hub.OrgKind(d.Kind), Created: d.Created.UTC()}
	for _, is := range d.Issuers {
		secret, err := s.openSecret(d.ID, is.ID, is.ClientSecret)
		if err != nil {
			return o, err
		}
		is.ClientSecret = secret
		o.Issuers = append(o.Issuers, hub.Issuer(is))
	}
	return o, nil
}

func toPersonDoc(p hub.Person) personDoc {
	d := personDoc{ID: p.ID, Issuer: p.Issuer, Subject: p.Subject, OrgID: p.OrgID, Name: p.Name, Email: p.Email,
		FirstSeen: p.FirstSeen, LastSeen: p.LastSeen, Grants: []grantDoc{}}
	for _, g := range p.Grants {
		d.Grants = append(d.Grants, grantDoc{Role: string(g.Role), Characteristic: string(g.Characteristic)})
	}
	return d
}

func fromPersonDoc(d personDoc) hub.Person {
	p := hub.Person{ID: d.ID, Issuer: d.Issuer, Subject: d.Subject, OrgID: d.OrgID, Name: d.Name, Email: d.Email,
		FirstSeen: d.FirstSeen.UTC(), LastSeen: d.LastSeen.UTC()}
	for _, g := range d.Grants {
		p.Grants = append(p.Grants, hub.Grant{Role: hub.Role(g.Role), Characteristic: hub.Characteristic(g.Characteristic)})
	}
	return p
}

// FindPartnership returns the partnership.
func (s *Store) FindPartnership(ctx context.Context) (hub.Partnership, error) {
	var d partnershipDoc
	err := s.db.Collection(collPartnership).FindOne(ctx, bson.D{{Key: "_id", Value: "partnership"}}).Decode(&d)
	if err != nil {
		return hub.Partnership{}, translate(err, "reading the partnership")
	}
	return hub.Partnership{Name: d.Name, Area: d.Area}, nil
}

// SavePartnership creates or replaces the partnership.
func (s *Store) SavePartnership(ctx context.Context, p hub.Partnership) error {
	return s.replace(ctx, collPartnership, "partnership", partnershipDoc{ID: "partnership", Name: p.Name, Area: p.Area}, true)
}

// FindOrganisations returns every organisation.
func (s *Store) FindOrganisations(ctx context.Context) ([]hub.Organisation, error) {
	return findAllErr(ctx, s.db.Collection(collOrganisations), bson.D{}, s.fromOrgDoc)
}

// CreateOrganisation adds an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, o hub.Organisation) error {
	_, err := s.db.Collection(collOrganisations).InsertOne(ctx, s.toOrgDoc(o))
	return translate(err, "adding an organisation")
}

// UpdateOrganisation replaces an organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, o hub.Organisation) error {
	return s.replace(ctx, collOrganisations, o.ID, s.toOrgDoc(o), false)
}

// FindPeople returns every person.
func (s *Store) FindPeople(ctx context.Context) ([]hub.Person, error) {
	return findAll(ctx, s.db.Collection(collPeople), bson.D{}, fromPersonDoc)
}

// SavePerson creates or replaces a person.
func (s *Store) SavePerson(ctx context.Context, p hub.Person) error {
	return s.replace(ctx, collPeople, p.ID, toPersonDoc(p), true)
}

// UpdatePerson sets only the fields the update names.
func (s *Store) UpdatePerson(ctx context.Context, id string, u hub.PersonUpdate) error {
	set := bson.D{}
	if u.Name != nil {
		set = append(set, bson.E{Key: "name", Value: *u.Name})
	}
	if u.Email != nil {
		set = append(set, bson.E{Key: "email", Value: *u.Email})
	}
	if u.LastSeen != nil {
		set = append(set, bson.E{Key: "last_seen", Value: *u.LastSeen})
	}
	if u.Grants != nil {
		set = append(set, bson.E{Key: "grants", Value: toPersonDoc(hub.Person{Grants: *u.Grants}).Grants})
	}
	if u.Issuer != nil {
		set = append(set, bson.E{Key: "issuer", Value: *u.Issuer})
	}
	if len(set) == 0 {
		return nil
	}
	res, err := s.db.Collection(collPeople).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return translate(err, "updating a person")
	}
	if res.MatchedCount == 0 {
		return hub.Errorf(hub.CodeNotFound, "There is no such person")
	}
	return nil
}
