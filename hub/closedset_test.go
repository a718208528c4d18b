package hub_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// checkRejection asserts err is an invalid error naming the input and listing every valid name.
func checkRejection(t *testing.T, input string, err error, valid []string) {
	t.Helper()
	if !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("parsing %q: %v, want an invalid error", input, err)
	}
	msg := hub.ErrorMessage(err)
	if !strings.Contains(msg, input) {
		t.Errorf("message %q does not name the input %q", msg, input)
	}
	for _, v := range valid {
		if !strings.Contains(msg, v) {
			t.Errorf("message %q does not list %q", msg, v)
		}
	}
}

func TestParseRole(t *testing.T) {
	var names []string
	for _, r := range hub.Roles() {
		names = append(names, string(r))
		got, err := hub.ParseRole(" " + string(r) + " ")
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		if r.Label() == string(r) || r.Label() == "" {
			t.Errorf("role %q has no label", r)
		}
	}
	if len(names) != 8 {
		t.Fatalf("Roles() = %v, want the 8 grantable roles", names)
	}
	for _, bad := range []string{"superuser", "Admin", "member", ""} {
		_, err := hub.ParseRole(bad)
		checkRejection(t, bad, err, names)
	}
	if hub.RoleMember.Label() != "Member" {
		t.Errorf("RoleMember.Label() = %q", hub.RoleMember.Label())
	}
}

func TestParseCharacteristic(t *testing.T) {
	cs := hub.Characteristics()
	if len(cs) != 9 {
		t.Fatalf("Characteristics() has %d, want the nine of the Act", len(cs))
	}
	var names []string
	for _, c := range cs {
		names = append(names, string(c))
		if got, err := hub.ParseCharacteristic(string(c)); err != nil || got != c {
			t.Errorf("ParseCharacteristic(%q) = %q, %v", c, got, err)
		}
	}
	for _, bad := range []string{"income", "Race", "gender"} {
		_, err := hub.ParseCharacteristic(bad)
		checkRejection(t, bad, err, names)
	}
	if hub.Disability.Label() != "Disability" || hub.MarriageAndCivilPartnership.Label() != "Marriage and civil partnership" {
		t.Error("characteristic labels are wrong")
	}
}

func TestParseOrgKind(t *testing.T) {
	var names []string
	for _, k := range hub.OrgKinds() {
		names = append(names, string(k))
		if got, err := hub.ParseOrgKind(string(k)); err != nil || got != k {
			t.Errorf("ParseOrgKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, bad := range []string{"council", "POLICE", ""} {
		_, err := hub.ParseOrgKind(bad)
		checkRejection(t, bad, err, names)
	}
	if !hub.KindPolice.PublicBody() || hub.KindVoluntary.PublicBody() || hub.KindOther.PublicBody() {
		t.Error("PublicBody is wrong: police are bound by the duty, voluntary and other bodies are not")
	}
}

func TestParseBody(t *testing.T) {
	for _, b := range hub.Bodies() {
		if got, err := hub.ParseBody(string(b)); err != nil || got != b {
			t.Errorf("ParseBody(%q) = %q, %v", b, got, err)
		}
	}
	if _, err := hub.ParseBody("cabinet"); !hub.IsCode(err, hub.CodeInvalid) {
		t.Errorf("ParseBody(cabinet) = %v, want invalid", err)
	}
	want := map[hub.Body]hub.Role{hub.BodyBoard: hub.RoleBoardMember, hub.BodyForum: hub.RoleForumMember, hub.BodyAdvisoryGroup: hub.RoleAdvisoryMember}
	for b, r := range want {
		if b.Role() != r {
			t.Errorf("%s.Role() = %s, want %s", b, b.Role(), r)
		}
	}
}

func TestUnmarshalText(t *testing.T) {
	var v struct {
		Role           hub.Role           `json:"role"`
		Characteristic hub.Characteristic `json:"characteristic"`
	}
	if err := json.Unmarshal([]byte(`{"role":"data-steward","characteristic":"race"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Role != hub.RoleDataSteward || v.Characteristic != hub.Race {
		t.Fatalf("decoded %+v", v)
	}
	if err := json.Unmarshal([]byte(`{"role":"overlord"}`), &v); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("decoding an unknown role: %v, want the parse error", err)
	}
	if err := json.Unmarshal([]byte(`{"characteristic":"height"}`), &v); !hub.IsCode(err, hub.CodeInvalid) {
		t.Fatalf("decoding an unknown characteristic: %v, want the parse error", err)
	}
	var r hub.Role = hub.RoleAnalyst
	if err := r.UnmarshalText([]byte("nobody")); err == nil || r != hub.RoleAnalyst {
		t.Fatalf("a failed UnmarshalText changed the role to %q (err %v)", r, err)
	}
	b, err := json.Marshal(map[string]any{"r": hub.RoleEIAAuthor, "c": hub.SexualOrientation})
	if err != nil || string(b) != `{"c":"sexual-orientation","r":"eia-author"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
}
