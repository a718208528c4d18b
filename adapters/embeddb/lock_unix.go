//go:build unix

package embeddb

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile opens or creates the file at path and takes an exclusive,
// non-blocking flock on it. The lock also conflicts with a second lock taken
// on the same file within this process. The returned function releases the
// lock and closes the file; the file itself is left in place.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}

	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()

		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("already used by another running embedded database (lock file " + path + " is held)")
		}

		return nil, fmt.Errorf("lock %s: %w", path, err)
	}

	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}
