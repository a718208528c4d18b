//go:build !unix

package embeddb

// lockFile does nothing on platforms without flock; only the in-process
// check in lockDir protects the directory there.
func lockFile(string) (func(), error) {
	return func() {}, nil
}
