//go:build unix

package main

import "syscall"

// restrictNewFiles makes every file and directory the hub creates from now on
// readable and writable by its own account only (0600 and 0700), whatever
// mode the code or a library asks for: the embedded database's files, made by
// SQLite with 0644, hold every partner's returns.
func restrictNewFiles() {
	syscall.Umask(0o077)
}
