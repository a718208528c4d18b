package publication_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/publication"
)

type memStore struct {
	mu   sync.Mutex
	pubs map[string]publication.Published
}

func (m *memStore) FindPublications(context.Context) ([]publication.Published, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []publication.Published
	for _, p := range m.pubs {
		out = append(out, p)
	}
	return out, nil
}

func (m *memStore) CreatePublication(_ context.Context, p publication.Published) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pubs[p.Table.ID] = p
	return nil
}

func (m *memStore) WithdrawPublication(_ context.Context, id string, w publication.Withdrawal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pubs[id]
	switch {
	case !ok:
		return hub.Errorf(hub.CodeNotFound, "no such table")
	case p.Withdrawn != nil:
		return hub.Errorf(hub.CodeConflict, "withdrawn already")
	}
	p.Withdrawn = &w
	m.pubs[id] = p
	return nil
}

// A publisher withdraws its own table with a reason, once; nobody else can,
// and the withdrawal is on the record and survives a reload.
func TestWithdraw(t *testing.T) {
	var (
		steward = hubtest.Principal("cs", "northshire-county", hub.RoleDataSteward)
		police  = hubtest.Principal("ps", "northshire-police", hub.RoleDataSteward)
		analyst = hubtest.Principal("an", "northshire-county", hub.RoleAnalyst)
	)
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	for _, p := range []hub.Principal{steward, police, analyst} {
		if err := auth.SetSubjectRoles(p.PersonID, p.OrgID, p.Roles); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	clock := hub.NewFixedClock(at)
	store := &memStore{pubs: map[string]publication.Published{"t1": {Table: publication.Table{ID: "t1", Title: "Satisfaction", Publisher: "northshire-county", PublisherName: "Northshire County Council"}}}}
	log := &hubtest.Log{}
	ctx := context.Background()
	svc := publication.NewService(store, auth, nil, nil, hub.NewReadSide(hubtest.NewStore(), 0, clock), clock, log)
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		actor  hub.Principal
		id     string
		reason string
		code   hub.Code
	}{
		"another publisher": {police, "t1", "Wrong", hub.CodeForbidden},
		"no right":          {analyst, "t1", "Wrong", hub.CodeForbidden},
		"anonymous":         {hub.Anonymous, "t1", "Wrong", hub.CodeUnauthorized},
		"no reason":         {steward, "t1", "  ", hub.CodeInvalid},
		"a hidden reason":   {steward, "t1", "Wrong \u202e", hub.CodeInvalid},
		"no such table":     {steward, "t2", "Wrong", hub.CodeNotFound},
	} {
		if _, err := svc.Withdraw(ctx, c.actor, c.id, c.reason); !hub.IsCode(err, c.code) {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	if len(log.Entries()) != 0 {
		t.Fatalf("a refused withdrawal was recorded: %+v", log.Entries())
	}
	p, err := svc.Withdraw(ctx, steward, "t1", "Transfers were counted twice")
	if err != nil {
		t.Fatal(err)
	}
	if p.Withdrawn == nil || p.Withdrawn.Notice() != "Withdrawn on 3 March 2026: Transfers were counted twice" {
		t.Fatalf("withdrawal %+v", p.Withdrawn)
	}
	if _, err := svc.Withdraw(ctx, steward, "t1", "Again"); !hub.IsCode(err, hub.CodeConflict) || !strings.Contains(err.Error(), "3 March 2026") {
		t.Fatalf("a second withdrawal: %v", err)
	}
	es := log.Entries()
	if len(es) != 1 || es[0].Action != publication.ActionWithdraw || es[0].Owner != "northshire-county" || !strings.Contains(es[0].Detail, "Transfers were counted twice") {
		t.Fatalf("record %+v", es)
	}
	if n := len(svc.Standing()); n != 0 || len(svc.List()) != 1 {
		t.Fatalf("after its withdrawal %d tables are standing of %d", n, len(svc.List()))
	}
	again := publication.NewService(store, auth, nil, nil, hub.NewReadSide(hubtest.NewStore(), 0, clock), clock, log)
	if err := again.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := again.Get("t1"); p.Withdrawn == nil || p.Withdrawn.Reason != "Transfers were counted twice" {
		t.Fatalf("after a reload %+v", p)
	}
}
