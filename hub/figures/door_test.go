package figures

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneDoor fails when code other than the server's wiring takes the
// monitoring reader (every organisation's counts, unchecked), or reads a
// return's counts outside the packages that hold them: every figure about
// another organisation must come through the gate.
func TestOneDoor(t *testing.T) {
	root := filepath.Join("..", "..")
	reader := regexp.MustCompile(`\.Reader\(\)`)
	counts := regexp.MustCompile(`\.Counts\[`)
	allowedReader := map[string]bool{"cmd/hub/main.go": true}
	// publication reads only the publisher's own return (OwnLatest).
	allowedCounts := map[string]bool{"hub/figures/protect.go": true, "hub/figures/table.go": true, "hub/publication/publication.go": true}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := string(src)
		if !strings.Contains(text, "hub/monitoring\"") && !strings.HasPrefix(rel, "hub/monitoring/") {
			return nil
		}
		if reader.MatchString(text) && strings.Contains(text, "monitoring") && !allowedReader[rel] && !strings.HasPrefix(rel, "hub/monitoring/") && !strings.HasPrefix(rel, "adapters/") {
			t.Errorf("%s takes the monitoring reader: only cmd/hub/main.go hands it to the gate", rel)
		}
		if counts.MatchString(text) && !allowedCounts[rel] && !strings.HasPrefix(rel, "hub/monitoring/") && !strings.HasPrefix(rel, "adapters/mongo/") {
			t.Errorf("%s reads a return's counts: figures about organisations come through hub/figures", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
