package web

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/hub"
)

// The API document states the limits the hub enforces: each text it takes or
// gives that the hub bounds has a maxLength equal to the hub's constant, and
// no maxLength in it is a number of its own.
func TestOpenAPIMaxLengthsAreTheHubs(t *testing.T) {
	var doc any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	at := func(path ...string) map[string]any {
		var o any = doc
		for _, p := range path {
			m, ok := o.(map[string]any)
			if !ok {
				t.Fatalf("openapi.json has no %s", strings.Join(path, "/"))
			}
			o = m[p]
		}
		m, ok := o.(map[string]any)
		if !ok {
			t.Fatalf("openapi.json has no %s", strings.Join(path, "/"))
		}
		return m
	}
	schemas := []string{"components", "schemas"}
	upload := []string{"paths", "/returns", "post", "requestBody", "content", "application/json", "schema", "properties"}
	for _, c := range []struct {
		path []string
		want int
	}{
		{append(schemas, "Mapping", "properties", "Note"), hub.MaxReasonLength},
		{append(schemas, "Return", "properties", "reason"), hub.MaxReasonLength},
		{append(upload, "reason"), hub.MaxReasonLength},
		{append(schemas, "Organisation", "properties", "name"), hub.MaxNameLength},
		{append(schemas, "Person", "properties", "name"), hub.MaxNameLength},
		{append(schemas, "Standard", "properties", "Title"), hub.MaxNameLength},
		{append(schemas, "Theme", "properties", "Name"), hub.MaxNameLength},
		{append(schemas, "Theme", "properties", "Description"), hub.MaxNoteLength},
	} {
		got, ok := at(c.path...)["maxLength"].(float64)
		if !ok || int(got) != c.want {
			t.Errorf("%s: maxLength %v, want %d", strings.Join(c.path, "/"), at(c.path...)["maxLength"], c.want)
		}
	}
	limits := map[int]bool{hub.MaxNameLength: true, hub.MaxReasonLength: true, hub.MaxNoteLength: true, hub.LinkText.Max: true}
	var walk func(path string, o any)
	walk = func(path string, o any) {
		switch v := o.(type) {
		case map[string]any:
			if n, ok := v["maxLength"].(float64); ok && !limits[int(n)] {
				t.Errorf("%s: maxLength %v is none of the hub's limits", path, n)
			}
			for k, x := range v {
				walk(path+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path, x)
			}
		}
	}
	walk("", doc)
}

// Every form field that states a limit states the hub's own, in its maxlength
// and in words: a page cannot ask for a limit the hub does not have.
func TestFormsStateTheHubsLimits(t *testing.T) {
	maxlength := regexp.MustCompile(`maxlength="((?:\{\{.*?\}\}|[^"{])*)"`)
	upTo := regexp.MustCompile(`upTo "([a-z]+)"|maxLength "([a-z]+)"`)
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	stated := 0
	for _, f := range files {
		b, _ := fs.ReadFile(templateFiles, f)
		for _, m := range maxlength.FindAllStringSubmatch(string(b), -1) {
			stated++
			if !strings.Contains(m[1], "maxLength") && m[1] != "64" && m[1] != "100" {
				t.Errorf("%s: maxlength=%q is not one of the hub's limits", f, m[1])
			}
		}
		for _, m := range upTo.FindAllStringSubmatch(string(b), -1) {
			if _, ok := textKinds[m[1]+m[2]]; !ok {
				t.Errorf("%s: no kind of text %q", f, m[1]+m[2])
			}
		}
	}
	if stated < 25 {
		t.Errorf("only %d form fields state a limit", stated)
	}
	if got := funcs["upTo"].(func(string) string)("reason"); got != "Up to 2,000 characters" {
		t.Errorf("upTo reason = %q", got)
	}
	if got := funcs["maxLength"].(func(string) int)("note"); got != hub.MaxNoteLength {
		t.Errorf("maxLength note = %d", got)
	}
}
