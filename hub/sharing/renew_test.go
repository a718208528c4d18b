package sharing_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/sharing"
)

// memStore keeps what is saved.
type memStore struct {
	mu sync.Mutex
	ps map[string]sharing.Protocol
}

func (m *memStore) FindProtocols(context.Context) ([]sharing.Protocol, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sharing.Protocol
	for _, p := range m.ps {
		out = append(out, p)
	}
	return out, nil
}

func (m *memStore) SaveProtocol(_ context.Context, p sharing.Protocol) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ps[p.ID] = p
	return nil
}

// lineSharer keeps the policy lines it is given.
type lineSharer struct{ lines []hub.SharingLine }

func (l *lineSharer) SetSharingLines(ls []hub.SharingLine) error { l.lines = ls; return nil }
func (l *lineSharer) SharingAllowed(string, string, string, string) (string, bool, error) {
	return "", false, nil
}

// keptTold keeps what the parties are told.
type keptTold struct{ keys []string }

func (k *keptTold) Tell(_ context.Context, w hub.Wait) { k.keys = append(k.keys, w.Key) }

func (l *lineSharer) protocols() map[string]bool {
	out := map[string]bool{}
	for _, x := range l.lines {
		out[x.Protocol] = true
	}
	return out
}

// A suspended protocol is resumed by a provider and needs every party's
// signature again before it becomes policy lines; one that ends soon is
// renewed as a new protocol linked to it, which becomes policy lines once
// every party has signed it, and both wait for the parties meanwhile.
func TestResumeAndRenewCollectSignaturesAgain(t *testing.T) {
	ctx := context.Background()
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	as := func(id, org string, roles ...hub.Role) hub.Principal {
		p := hubtest.Principal(id, org, roles...)
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
		return p
	}
	police, county := as("pol", "northshire-police", hub.RoleDecisionMaker, hub.RoleForumMember), as("cty", "northshire-county", hub.RoleDecisionMaker, hub.RoleForumMember)
	clock := hub.NewFixedClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	start, end := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	signed := sharing.Protocol{ID: "p1", Title: "Police to county", Providers: []string{"northshire-police"}, Recipients: []sharing.Recipient{sharing.OrgRecipient("northshire-county")},
		Themes: []string{"hate-crime"}, Level: sharing.Aggregate, Threshold: 5, Purpose: "Joint analysis", LawfulBasis: "PSED", Start: start, End: end, Submitted: true,
		Signatures: []sharing.Signature{{OrgID: "northshire-police", At: start}, {OrgID: "northshire-county", At: start}}}
	lines := &lineSharer{}
	svc := sharing.NewService(&memStore{ps: map[string]sharing.Protocol{"p1": signed}}, auth, lines, hub.NewReadSide(hubtest.NewStore(), 0, clock), clock, &hubtest.Log{})
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	told := &keptTold{}
	svc.SetTeller(told)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	waits := func(p hub.Principal, id string) bool {
		ws, err := svc.WaitingFor(p)
		must(err)
		for _, w := range ws {
			if w.ID == id {
				return true
			}
		}
		return false
	}
	if err := svc.Resume(ctx, police, "p1"); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("resuming a protocol in force: %v", err)
	}
	must(svc.Suspend(ctx, police, "p1", "A breach under investigation"))
	if lines.protocols()["p1"] {
		t.Fatal("a suspended protocol is still a policy line")
	}
	if err := svc.Resume(ctx, county, "p1"); !hub.IsCode(err, hub.CodeForbidden) {
		t.Fatalf("a recipient resuming: %v", err)
	}
	must(svc.Resume(ctx, police, "p1"))
	p, _ := svc.Protocol("p1")
	if st := p.StateAt(clock.Now()); st != sharing.Awaiting || len(p.EarlierSignatures) != 2 || lines.protocols()["p1"] {
		t.Fatalf("resumed: %s, %d earlier signatures, lines %v", st, len(p.EarlierSignatures), lines.protocols())
	}
	if !waits(police, "p1") || !waits(county, "p1") {
		t.Fatal("a resumed protocol does not wait for every party")
	}
	must(svc.Sign(ctx, police, "p1"))
	if lines.protocols()["p1"] {
		t.Fatal("a resumed protocol flows before every party signed again")
	}
	must(svc.Sign(ctx, county, "p1"))
	if !lines.protocols()["p1"] {
		t.Fatal("a resumed protocol signed again is not a policy line")
	}

	// Renewal: not too early; then a new protocol, linked, signed anew.
	if _, err := svc.Renew(ctx, police, "p1", end.AddDate(0, 0, 1), end.AddDate(2, 0, 0)); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("renewing early: %v", err)
	}
	clock.Advance(70 * 24 * time.Hour)
	if _, err := svc.Renew(ctx, police, "p1", end.AddDate(0, 0, 1), end.AddDate(6, 0, 0)); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("renewing for six years: %v", err)
	}
	r, err := svc.Renew(ctx, police, "p1", end.AddDate(0, 0, 1), end.AddDate(2, 0, 0))
	must(err)
	if r.Renews != "p1" || r.ID == "p1" || r.StateAt(clock.Now()) != sharing.Awaiting || lines.protocols()[r.ID] || !lines.protocols()["p1"] {
		t.Fatalf("renewal: %+v, lines %v", r, lines.protocols())
	}
	if got, ok := svc.RenewalOf("p1"); !ok || got.ID != r.ID {
		t.Fatal("the old protocol does not know its renewal")
	}
	if _, err := svc.Renew(ctx, county, "p1", end.AddDate(0, 0, 1), end.AddDate(2, 0, 0)); !hub.IsCode(err, hub.CodeConflict) {
		t.Fatalf("renewing twice: %v", err)
	}
	if !waits(police, r.ID) || !waits(county, r.ID) {
		t.Fatal("a renewal does not wait for every party")
	}
	if !slices.Contains(told.keys, "protocols/"+r.ID+"/sign/northshire-county") {
		t.Errorf("the county's signers are not told of the renewal: %v", told.keys)
	}
	must(svc.Sign(ctx, police, r.ID))
	must(svc.Sign(ctx, county, r.ID))
	if !lines.protocols()[r.ID] {
		t.Fatal("a signed renewal is not a policy line")
	}
}
