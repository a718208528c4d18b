package monitoring_test

import (
	"context"
	"testing"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Seen from each version of a return, the hub says every version of its
// theme and period, the one in force, and the one that replaced it; another
// organisation's person is refused.
func TestReturnVersions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v1 := uploaded(t, f, 3711)
	var vs []monitoring.Return
	vs = append(vs, v1)
	for _, n := range []int64{3800, 3900} {
		c, l := content(t, n)
		doc := c.Encode(l)
		r, _, err := f.svc.Upload(ctx, f.police, doc, sig("AAA", doc), "late records")
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, r)
	}
	other := uploadedFor(t, f, "2024-25")
	for i, r := range vs {
		v, err := f.svc.ReturnVersions(f.police, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.All) != 3 || v.All[0].ID != vs[2].ID || v.All[2].ID != v1.ID {
			t.Errorf("version %d: all %+v", r.Version, v.All)
		}
		if v.Current.ID != vs[2].ID {
			t.Errorf("version %d: current is version %d, want 3", r.Version, v.Current.Version)
		}
		want := ""
		if i+1 < len(vs) {
			want = vs[i+1].ID
		}
		if v.Next.ID != want {
			t.Errorf("version %d: replaced by %q, want %q", r.Version, v.Next.ID, want)
		}
	}
	if v, err := f.svc.ReturnVersions(f.police, other); err != nil || len(v.All) != 1 || v.Current.ID != other.ID || v.Next.ID != "" {
		t.Errorf("a return of another period: %+v %v", v, err)
	}
	stranger := hub.Principal{PersonID: "sam", OrgID: "county", Roles: []hub.Role{hub.RoleMember, hub.RoleDataSteward}}
	if _, err := f.svc.ReturnVersions(stranger, v1); !hub.IsCode(err, hub.CodeForbidden) {
		t.Errorf("another organisation's person: %v", err)
	}
}

// uploadedFor uploads a return of the police for period.
func uploadedFor(t *testing.T, f fixture, period string) monitoring.Return {
	t.Helper()
	doc := f.doc(t, period, 10)
	r, _, err := f.svc.Upload(context.Background(), f.police, doc, sig("AAA", doc), "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}
