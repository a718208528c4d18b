package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// A GET or HEAD reads whatever its permission; another method uploads or
// administers as the hub says of the permission.
func TestTokenUseOfRequest(t *testing.T) {
	upload := hub.Permission{Object: "returns", Action: "upload"}
	for _, c := range []struct {
		method string
		perm   hub.Permission
		want   hub.TokenUse
	}{
		{http.MethodGet, hub.PermDataRead, hub.UseRead},
		{http.MethodHead, upload, hub.UseRead},
		{http.MethodPost, upload, hub.UseUpload},
		{http.MethodPut, hub.PermMembersManage, hub.UseAdminister},
		{http.MethodDelete, hub.PermTokensManage, hub.UseAdminister},
		{http.MethodPost, hub.PermDataRead, hub.UseAdminister},
	} {
		if got := tokenUse(c.method, c.perm); got != c.want {
			t.Errorf("%s %v: %s, want %s", c.method, c.perm, got, c.want)
		}
	}
}

// The form's number of days is read with strconv: text that is not a whole
// number is named beside the field; any whole number goes to the hub, which
// decides the range.
func TestTokenDaysRead(t *testing.T) {
	for _, c := range []struct {
		text    string
		want    int
		message string // "" when read
	}{
		{"30", 30, ""},
		{"00000000000000000000090", 90, ""},
		{"-3", -3, ""},
		{"213504", 213504, ""},
		{"", 0, "Enter how many days the token lasts, from 1 to 90"},
		{"thirty", 0, "whole number, from 1 to 90"},
		{"1.5", 0, "whole number, from 1 to 90"},
		{"-", 0, "whole number, from 1 to 90"},
		{"99999999999999999999", 0, "99999999999999999999 is too large a number of days to count: choose from 1 to 90"},
	} {
		n, p := tokenDays(c.text, 90)
		switch {
		case c.message == "" && (p != nil || n != c.want):
			t.Errorf("%q: %d, %v; want %d", c.text, n, p, c.want)
		case c.message != "" && (p == nil || p.Field != "days" || !strings.Contains(p.Message, c.message)):
			t.Errorf("%q: %v, want a problem with days saying %q", c.text, p, c.message)
		}
	}
}
