//go:build !unix

package main

// restrictNewFiles does nothing where there is no umask; the files' access
// is that of the directory they are made in.
func restrictNewFiles() {}
