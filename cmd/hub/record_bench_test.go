package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/adapters/mongo"
	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// BenchmarkRecordCost measures what the record costs an upload and a read
// of a return: the same monitoring service on the embedded database,
// without a record and with the record written first, in one run.
//
//	go test ./cmd/hub -run '^$' -bench RecordCost -benchtime 40x
func BenchmarkRecordCost(b *testing.B) {
	ctx := context.Background()
	const org = "northshire-police"
	std, err := monitoring.FirstStandard()
	if err != nil {
		b.Fatal(err)
	}
	themes, _ := monitoring.BuiltInThemes()
	priv, pub, _, err := pgp.GenerateKey("Police returns", "", []byte("pass"))
	if err != nil {
		b.Fatal(err)
	}
	type signed struct {
		doc []byte
		sig string
	}
	var returns []signed
	for _, th := range themes {
		if !strings.Contains(strings.Join(demo.Themes(org), " "), th.ID) {
			continue
		}
		l, err := monitoring.NewLayout(std, th)
		if err != nil {
			b.Fatal(err)
		}
		for _, period := range demo.Periods(th) {
			c, err := demo.Content(l, monitoring.Mapping{}, org, period)
			if err != nil {
				continue
			}
			doc := c.Encode(l)
			sig, err := pgp.Sign(doc, priv, []byte("pass"))
			if err != nil {
				b.Fatal(err)
			}
			returns = append(returns, signed{doc, sig})
		}
	}
	hubPriv, _, _, err := pgp.GenerateKey("Hub", "", []byte("hub"))
	if err != nil {
		b.Fatal(err)
	}
	signer, err := pgp.NewSigner(hubPriv, []byte("hub"))
	if err != nil {
		b.Fatal(err)
	}
	defer signer.Close()

	actor := hub.Principal{PersonID: "owen", OrgID: org, Roles: []hub.Role{hub.RoleMember, hub.RoleDataSteward}}
	for _, recorded := range []bool{false, true} {
		name := "without the record"
		if recorded {
			name = "with the record first"
		}
		store, err := mongo.Open(ctx, mongotest.URI(b), fmt.Sprintf("hubbench_record_%d", time.Now().UnixNano()))
		if err != nil {
			b.Fatal(err)
		}
		auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
		auth.SetRoleLines([]hub.RoleLine{{Subject: "owen", Role: hub.RoleMember, OrgID: org}, {Subject: "owen", Role: hub.RoleDataSteward, OrgID: org}})
		clock := hub.SystemClock{}
		rs := hub.NewReadSide(store, 0, clock)
		mon := monitoring.NewService(store, auth, pgp.Crypto{}, rs, clock, monitoring.Limits{MaxReturnBytes: 4 << 20, MaxExtractBytes: 50 << 20})
		if recorded {
			mon.RecordTo(audit.NewRecorder(store, signer, clock, 100))
		}
		rs.Register(mon)
		if err := rs.Load(ctx); err != nil {
			b.Fatal(err)
		}
		if err := mon.Seed(ctx, std, themes); err != nil {
			b.Fatal(err)
		}
		if err := mon.SeedKey(ctx, org, pub); err != nil {
			b.Fatal(err)
		}
		var ids []string
		b.Run(name+"/upload", func(b *testing.B) {
			if b.N > len(returns) {
				b.Skipf("only %d distinct returns: use -benchtime %dx or less", len(returns), len(returns))
			}
			for i := range b.N {
				r, _, err := mon.Upload(ctx, actor, returns[i].doc, returns[i].sig, "")
				if err != nil {
					b.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
		})
		b.Run(name+"/read a return", func(b *testing.B) {
			if len(ids) == 0 {
				b.Skip("nothing uploaded")
			}
			for i := range b.N {
				if _, err := mon.Return(ctx, actor, ids[i%len(ids)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		store.Close(ctx)
	}
}
