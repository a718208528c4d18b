package sharing_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/sharing"
)

// fixedStore holds the protocols it is given.
type fixedStore []sharing.Protocol

func (s fixedStore) FindProtocols(context.Context) ([]sharing.Protocol, error) { return s, nil }
func (fixedStore) SaveProtocol(context.Context, sharing.Protocol) error        { return nil }

func readService(t *testing.T, protocols ...sharing.Protocol) (*sharing.Service, func(id, org string, roles ...hub.Role) hub.Principal) {
	t.Helper()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	clock := hub.NewFixedClock(time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC))
	svc := sharing.NewService(fixedStore(protocols), auth, noSharer{}, hub.NewReadSide(hubtest.NewStore(), 0, clock), clock, &hubtest.Log{})
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, func(id, org string, roles ...hub.Role) hub.Principal {
		p := hubtest.Principal(id, org, roles...)
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// Who reads a protocol: every reader of protocols; a party's decision
// makers; the advisory group when it shares data with the group; no one else.
func TestWhoReadsAProtocol(t *testing.T) {
	runs := func(p sharing.Protocol) sharing.Protocol {
		p.Start, p.End = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 3, 31, 0, 0, 0, 0, time.UTC)
		return p
	}
	between := runs(sharing.Protocol{ID: "between", Providers: []string{"northshire-police"}, Recipients: []sharing.Recipient{sharing.OrgRecipient("northshire-county")}, Submitted: true})
	toGroup := runs(sharing.Protocol{ID: "to-group", Providers: []string{"northshire-fire"}, Recipients: []sharing.Recipient{sharing.AdvisoryGroup}, Submitted: true})
	svc, as := readService(t, between, toGroup)
	cases := []struct {
		who  hub.Principal
		want map[string]hub.Code // "" reads it
	}{
		{as("steward", "northshire-fire", hub.RoleDataSteward), map[string]hub.Code{"between": "", "to-group": ""}},
		{as("county-dm", "northshire-county", hub.RoleDecisionMaker), map[string]hub.Code{"between": "", "to-group": hub.CodeForbidden}},
		{as("fire-dm", "northshire-fire", hub.RoleDecisionMaker), map[string]hub.Code{"between": hub.CodeForbidden, "to-group": ""}},
		{as("adv", "advisory-group", hub.RoleAdvisoryMember), map[string]hub.Code{"between": hub.CodeForbidden, "to-group": ""}},
		{as("admin", "northshire-county", hub.RoleAdmin), map[string]hub.Code{"between": hub.CodeForbidden, "to-group": hub.CodeForbidden}},
		{hub.Anonymous, map[string]hub.Code{"between": hub.CodeUnauthorized, "to-group": hub.CodeUnauthorized}},
	}
	for _, c := range cases {
		for _, p := range []sharing.Protocol{between, toGroup} {
			err := svc.MayRead(c.who, p)
			if got := hub.ErrorCode(err); err == nil && c.want[p.ID] != "" || err != nil && got != c.want[p.ID] {
				t.Errorf("%s reading %s: %v, want %q", c.who.PersonID, p.ID, err, c.want[p.ID])
			}
		}
	}
	readable, err := svc.Readable(cases[1].who)
	if err != nil || len(readable) != 1 || readable[0].ID != "between" {
		t.Errorf("the county's decision maker reads %v, %v", readable, err)
	}
}

// A protocol waits for the signature of each party that has not signed,
// for those of its people who may sign: not before it is sent, nor once
// suspended or past its end.
func TestWhatWaitsForASignature(t *testing.T) {
	base := sharing.Protocol{Providers: []string{"northshire-police"}, Recipients: []sharing.Recipient{sharing.OrgRecipient("northshire-county")},
		Start: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2028, 3, 31, 0, 0, 0, 0, time.UTC), Submitted: true}
	with := func(id string, change func(p *sharing.Protocol)) sharing.Protocol {
		p := base
		p.ID = id
		change(&p)
		return p
	}
	svc, as := readService(t,
		with("waiting", func(*sharing.Protocol) {}),
		with("draft", func(p *sharing.Protocol) { p.Submitted = false }),
		with("signed-by-county", func(p *sharing.Protocol) { p.Signatures = []sharing.Signature{{OrgID: "northshire-county"}} }),
		with("suspended", func(p *sharing.Protocol) { p.Suspended = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }),
		with("ended", func(p *sharing.Protocol) { p.End = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) }),
	)
	ids := func(p hub.Principal) []string {
		ps, err := svc.WaitingFor(p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range ps {
			out = append(out, x.ID)
		}
		return out
	}
	if got := ids(as("county-dm", "northshire-county", hub.RoleDecisionMaker)); !slices.Equal(got, []string{"waiting"}) {
		t.Errorf("the county's decision maker: %v", got)
	}
	if got := ids(as("police-forum", "northshire-police", hub.RoleForumMember)); !slices.Equal(got, []string{"signed-by-county", "waiting"}) && !slices.Equal(got, []string{"waiting", "signed-by-county"}) {
		t.Errorf("the police forum member: %v", got)
	}
	for _, p := range []hub.Principal{as("county-steward", "northshire-county", hub.RoleDataSteward), as("fire-forum", "northshire-fire", hub.RoleForumMember), hub.Anonymous} {
		if got := ids(p); len(got) > 0 {
			t.Errorf("%s, who may not sign for a party: %v", p.PersonID, got)
		}
	}
}
