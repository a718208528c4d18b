package hub_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// forbiddenPrefixes are import paths no package under hub may depend on.
var forbiddenPrefixes = []string{
	"github.com/partnership/equalityhub/adapters",
	"github.com/partnership/equalityhub/cmd",
	"github.com/partnership/equalityhub/config",
	"github.com/labstack/echo",
	"go.mongodb.org/mongo-driver",
	"github.com/coreos/go-oidc",
	"github.com/ProtonMail/gopenpgp",
	"github.com/casbin",
	"github.com/zitadel",
	"github.com/FerretDB",
}

// forbidden returns the forbidden prefix pkg falls under.
func forbidden(pkg string) (string, bool) {
	for _, p := range forbiddenPrefixes {
		if strings.HasPrefix(pkg, p) {
			return p, true
		}
	}
	return "", false
}

func TestForbiddenMatches(t *testing.T) {
	for _, pkg := range []string{
		"github.com/partnership/equalityhub/adapters/authz",
		"github.com/partnership/equalityhub/cmd/hub",
		"github.com/partnership/equalityhub/config",
		"github.com/labstack/echo/v4",
		"go.mongodb.org/mongo-driver/v2/mongo",
		"github.com/coreos/go-oidc/v3/oidc",
		"github.com/ProtonMail/gopenpgp/v2/crypto",
		"github.com/casbin/casbin/v2",
		"github.com/zitadel/oidc/v3/pkg/op",
		"github.com/FerretDB/FerretDB/ferretdb",
	} {
		if _, ok := forbidden(pkg); !ok {
			t.Errorf("%s is not caught", pkg)
		}
	}
	for _, pkg := range []string{
		"github.com/partnership/equalityhub/hub",
		"github.com/partnership/equalityhub/hub/hubtest",
		"github.com/partnership/equalityhub/policies",
		"net/http",
	} {
		if p, ok := forbidden(pkg); ok {
			t.Errorf("%s is caught by %s", pkg, p)
		}
	}
}

// TestNoAdapterImports checks that hub and its subpackages, their tests
// included, depend on no adapter, command, configuration or infrastructure library.
func TestNoAdapterImports(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goTool, "list", "-deps", "-test", "-f", "{{.ImportPath}}{{range .Imports}}\t{{.}}{{end}}", "./...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("go list -deps -test ./...: %s", msg)
	}
	importers := map[string][]string{}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, "\t")
		if pkg := plainPath(fields[0]); !slices.Contains(pkgs, pkg) {
			pkgs = append(pkgs, pkg)
		}
		for _, imp := range fields[1:] {
			importers[plainPath(imp)] = append(importers[plainPath(imp)], fields[0])
		}
	}
	if !slices.Contains(pkgs, "github.com/partnership/equalityhub/hub") {
		t.Fatalf("go list did not list the hub package itself; output:\n%s", out)
	}
	for _, pkg := range pkgs {
		if p, ok := forbidden(pkg); ok {
			t.Errorf("hub/... depends on %s (forbidden: %s), imported by %s", pkg, p, strings.Join(importers[pkg], ", "))
		}
	}
}

// plainPath drops the " [x.test]" suffix go list gives packages built for a test.
func plainPath(s string) string {
	p, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	return p
}
