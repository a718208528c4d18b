package main

import (
	"fmt"
	"os"
)

// prepareDataDir makes the data directory, or tightens an existing one, so
// that only the hub's account can list or open what it keeps there.
func prepareDataDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("the data directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("the data directory: %w", err)
	}
	return nil
}
