//go:build unix

package embeddb

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStartRestrictsTheDirectory: a directory and database files left open to
// other accounts (by an earlier version, or a lax umask) are readable by the
// owner only once the database has started on them.
func TestStartRestrictsTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "equalityhub.sqlite-journal")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	startDB(t, dir)
	for path, want := range map[string]os.FileMode{dir: 0o700, old: 0o600, filepath.Join(dir, lockFileName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", filepath.Base(path), fi.Mode().Perm(), want)
		}
	}
}
