package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// The API routes in the route table and the paths in openapi.json must agree,
// both ways, and each operation must declare (x-token-scope) the scope an API
// token needs for it: the scope the code requires of the route's use.
func TestOpenAPIDocumentMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct {
				Type        string `json:"type"`
				Scheme      string `json:"scheme"`
				Description string `json:"description"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json is not OpenAPI 3: %q", doc.OpenAPI)
	}
	bearer := doc.Components.SecuritySchemes["bearer"]
	if bearer.Type != "http" || bearer.Scheme != "bearer" {
		t.Errorf("openapi.json's bearer scheme is %+v", bearer)
	}
	for _, scope := range hub.TokenScopes {
		if !strings.Contains(bearer.Description, "`"+string(scope)+"`") {
			t.Errorf("the bearer scheme does not describe the scope %s", scope)
		}
	}
	documented := map[string]hub.TokenScope{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			var o struct {
				OperationID string         `json:"operationId"`
				Scope       hub.TokenScope `json:"x-token-scope"`
			}
			if json.Unmarshal(op, &o) != nil || o.OperationID == "" {
				t.Errorf("%s %s has no operationId", method, path)
			}
			if !o.Scope.Valid() {
				t.Errorf("%s %s declares the token scope %q, not one of %v", method, path, o.Scope, hub.TokenScopes)
			}
			documented[strings.ToUpper(method)+" "+path] = o.Scope
		}
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	routed := map[string]hub.TokenScope{}
	for _, r := range (&server{}).table() {
		if p, ok := strings.CutPrefix(r.path, "/api/v1"); ok {
			routed[r.method+" "+param.ReplaceAllString(p, "{$1}")] = tokenUse(r.method, r.perm).Scope()
		}
	}
	for _, k := range slices.Sorted(maps.Keys(routed)) {
		declared, ok := documented[k]
		if !ok {
			t.Errorf("route %s is not in openapi.json", k)
		} else if declared != routed[k] {
			t.Errorf("openapi.json says %s needs a token of scope %q; the hub requires %q", k, declared, routed[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(documented)) {
		if _, ok := routed[k]; !ok {
			t.Errorf("openapi.json describes %s, which no route serves", k)
		}
	}
}

// Every route names a permission and whose thing it touches.
func TestEveryRouteIsGuarded(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range (&server{}).table() {
		if r.perm.Object == "" || r.perm.Action == "" || r.dom == nil || r.h == nil {
			t.Errorf("%s %s lacks a permission, domain or handler", r.method, r.path)
		}
		if seen[r.method+" "+r.path] {
			t.Errorf("%s %s is listed twice", r.method, r.path)
		}
		seen[r.method+" "+r.path] = true
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/organisations/x?saved=1": "/organisations/x?saved=1",
		"":                         "/",
		"https://evil.example/":    "/",
		"//evil.example/":          "/",
		"/\\evil.example":          "/",
		"javascript:alert(1)":      "/",
		"/ok\r\nSet-Cookie: x=1":   "/",
		"relative":                 "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEveryCodeHasAStatus(t *testing.T) {
	codes := []hub.Code{hub.CodeInvalid, hub.CodeNotFound, hub.CodeConflict, hub.CodeUnauthorized, hub.CodeForbidden, hub.CodeTooLarge, hub.CodeUnavailable, hub.CodeInternal}
	for _, code := range codes {
		status := statusOf[code]
		if status < 400 || http.StatusText(status) == "" {
			t.Errorf("%s maps to %d", code, status)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
