package sharing_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/hubtest"
	"github.com/partnership/equalityhub/hub/sharing"
)

type refusingStore struct{}

// FindProtocols holds one protocol, "any", shared by the police.
func (refusingStore) FindProtocols(context.Context) ([]sharing.Protocol, error) {
	return []sharing.Protocol{{ID: "any", Providers: []string{"northshire-police"}, Recipients: []sharing.Recipient{sharing.Forum}, Submitted: true}}, nil
}
func (refusingStore) SaveProtocol(context.Context, sharing.Protocol) error {
	return errors.New("nothing refused may be saved")
}

type noSharer struct{}

func (noSharer) SetSharingLines([]hub.SharingLine) error { return nil }
func (noSharer) SharingAllowed(string, string, string, string) (string, bool, error) {
	return "", false, nil
}

// The reason a protocol is suspended is bounded like every reason, and holds
// no control or invisible formatting characters.
func TestSuspendReasonIsBounded(t *testing.T) {
	auth := hubtest.NewAuthorizer(hubtest.DefaultRules())
	forum := hubtest.Principal("pf", "northshire-police", hub.RoleForumMember)
	if err := auth.SetSubjectRoles(forum.PersonID, forum.OrgID, forum.Roles); err != nil {
		t.Fatal(err)
	}
	clock := hub.NewFixedClock(time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC))
	svc := sharing.NewService(refusingStore{}, auth, noSharer{}, hub.NewReadSide(hubtest.NewStore(), 0, clock), clock, &hubtest.Log{})
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{strings.Repeat("r", hub.MaxReasonLength+1), "data breach\x1b[2J", "breach \u202e"} {
		err := svc.Suspend(context.Background(), forum, "any", reason)
		if ps := hub.ErrorProblems(err); !hub.IsCode(err, hub.CodeInvalid) || len(ps) != 1 || ps[0].Field != "reason" {
			t.Errorf("a reason of %d bytes: %v", len(reason), err)
		}
	}
}
