package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/partnership/equalityhub/adapters/mongo/mongotest"
	"github.com/partnership/equalityhub/hub/demo"
)

// TestClientSecretsEncryptedAtRest reads the organisations' documents
// straight from the database and finds no identity provider's client secret
// in clear, while people still sign in; a secret left in clear by an earlier
// version is encrypted at the next start.
func TestClientSecretsEncryptedAtRest(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	env := map[string]string{"HUB_DATABASE": "hubtest_" + hex.EncodeToString(b), "HUB_DATA_DIR": t.TempDir()}
	client, err := mongo.Connect(options.Client().ApplyURI(mongotest.URI(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	orgs := client.Database(env["HUB_DATABASE"]).Collection("organisations")
	noneInClear := func(t *testing.T) {
		t.Helper()
		cur, err := orgs.Find(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for cur.Next(context.Background()) {
			n++
			raw := cur.Current
			id := raw.Lookup("_id").StringValue()
			if bytes.Contains(raw, []byte(demo.ClientSecret(id))) {
				t.Errorf("the organisation %s's client secret is stored in clear:\n%s", id, raw)
			}
			issuers, _ := raw.Lookup("issuers").Array().Values()
			for _, is := range issuers {
				if s := is.Document().Lookup("client_secret").StringValue(); !strings.HasPrefix(s, "aes256gcm:") {
					t.Errorf("the organisation %s's client secret is not encrypted: %q", id, s)
				}
			}
		}
		if n == 0 {
			t.Fatal("no organisations in the database")
		}
	}
	t.Run("first start", func(t *testing.T) {
		h := mustStartHub(t, env)
		noneInClear(t)
		h.visitor(t).signIn("northshire-county", "county-steward")
	})
	// A secret stored in clear, as an earlier version did.
	if _, err := orgs.UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "northshire-police"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "issuers.0.client_secret", Value: demo.ClientSecret("northshire-police")}}}}); err != nil {
		t.Fatal(err)
	}
	t.Run("next start", func(t *testing.T) {
		h := mustStartHub(t, env)
		noneInClear(t)
		h.visitor(t).signIn("northshire-police", "police-steward")
		h.visitor(t).signIn("northshire-county", "county-steward")
	})
}
