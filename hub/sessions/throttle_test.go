package sessions_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/sessions"
)

// Wrong secrets for one token ID are counted together by every process on
// the store: three on one and two on another refuse the token on both, the
// second at once and the first from the store at its next wrong secret or
// reload, whichever comes first.
func TestWrongSecretsCountedAcrossProcesses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bearer, tok, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := f.process, newProcess(t, f.store, f.clock), newProcess(t, f.store, f.clock)
	wrong := "eqh_" + tok.ID + "_" + strings.Repeat("x", 43)
	for i, p := range []*process{a, b, a, b, a} {
		if _, err := p.sess.TokenPrincipal(ctx, bearer); err != nil {
			t.Fatalf("the right secret after %d wrong ones: %v", i, err)
		}
		_, err := p.sess.TokenPrincipal(ctx, wrong)
		wantCode(t, "a wrong secret", err, hub.CodeUnauthorized)
		f.clock.Advance(time.Second)
	}
	_, err = a.sess.TokenPrincipal(ctx, bearer)
	wantCode(t, "the right secret on the process of the fifth wrong one", err, hub.CodeUnauthorized)
	if !strings.Contains(hub.ErrorMessage(err), "refused until") {
		t.Fatalf("the refusal does not say the token is refused for a while: %v", err)
	}
	// The other process learns of it at its next wrong secret for the token.
	_, err = b.sess.TokenPrincipal(ctx, wrong)
	wantCode(t, "another process: a wrong secret", err, hub.CodeUnauthorized)
	if _, err := b.sess.TokenPrincipal(ctx, bearer); !strings.Contains(hub.ErrorMessage(err), "refused until") {
		t.Fatalf("another process: the right secret after its next wrong one: %v", err)
	}
	// A third process that has seen no wrong secret learns of it at its next reload.
	f.clock.Advance(time.Minute)
	if err := c.rs.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.sess.TokenPrincipal(ctx, bearer); !strings.Contains(hub.ErrorMessage(err), "refused until") {
		t.Fatalf("a third process after its reload: %v", err)
	}
	f.clock.Advance(sessions.TokenLockout)
	for _, p := range []*process{a, b, c} {
		if _, err := p.sess.TokenPrincipal(ctx, bearer); err != nil {
			t.Fatalf("the token is still refused after the refusal ended: %v", err)
		}
	}
}

// When the store cannot count a wrong secret, the process counts its own.
func TestWrongSecretsCountedWithoutTheStore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bearer, tok, err := f.sess.CreateAPIToken(ctx, f.principal(t, f.ann.ID), "script", 30, hub.ScopeUpload)
	if err != nil {
		t.Fatal(err)
	}
	f.store.SetHook(func(method string) error {
		if strings.Contains(method, "TokenFailure") || method == "LockToken" {
			return errors.New("the store is away")
		}
		return nil
	})
	wrong := "eqh_" + tok.ID + "_" + strings.Repeat("x", 43)
	for range sessions.MaxTokenFailures {
		_, _ = f.sess.TokenPrincipal(ctx, wrong)
	}
	_, err = f.sess.TokenPrincipal(ctx, bearer)
	wantCode(t, "the right secret after five wrong ones", err, hub.CodeUnauthorized)
}
