package directory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
)

func TestScratchLostUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	_ = f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAdmin}})
	var once sync.Once
	f.store.SetHook(func(m string) error {
		if m == "SavePerson" {
			once.Do(func() {
				if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, nil); err != nil {
					t.Error(err)
				}
			})
		}
		return nil
	})
	f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	p, _ := f.dir.Person(ann.ID)
	t.Logf("after revocation racing sign-in: grants %v", p.Grants)
}

func TestScratchReloadRace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ann := f.signIn(t, "county", countyIssuer, "sub-ann", "Ann")
	_, _ = f.store.BumpGeneration(ctx) // another process wrote
	f.clock.Advance(time.Hour)
	var once sync.Once
	bumped := make(chan struct{})
	done := make(chan struct{})
	f.store.SetHook(func(m string) error {
		switch m {
		case "FindPeople":
			once.Do(func() {
				go func() {
					defer close(done)
					if err := f.dir.SetGrants(ctx, f.principal(t, "adm"), ann.ID, []hub.Grant{{Role: hub.RoleAnalyst}}); err != nil {
						t.Error(err)
					}
				}()
				<-bumped
			})
		case "BumpGeneration":
			select {
			case <-bumped:
			default:
				defer close(bumped)
			}
		}
		return nil
	})
	// FindPeople's hook runs before the store is read: take the snapshot first by
	// running the reload's read before the write, so emulate with ordering below.
	if err := f.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	f.store.SetHook(nil)
	f.clock.Advance(time.Hour)
	_ = f.rs.Sync(ctx)
	p, _ := f.dir.Person(ann.ID)
	stored, _ := f.store.PersonByIdentity(countyIssuer, "sub-ann")
	t.Logf("memory grants %v, store grants %v", p.Grants, stored.Grants)
}

func TestScratchSecretKept(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	upd := organisation("county", "Northshire County Council", "https://evil.example")
	upd.Issuers[0].ClientSecret = ""
	if err := f.dir.UpdateOrganisation(ctx, f.principal(t, "adm"), upd); err != nil {
		t.Fatal(err)
	}
	o, _ := f.dir.Organisation("county")
	t.Logf("issuer now %s with secret %q; caller's slice secret %q", o.Issuers[0].URL, o.Issuers[0].ClientSecret, upd.Issuers[0].ClientSecret)
}
