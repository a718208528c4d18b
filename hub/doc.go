// Package hub is the domain of the partnership equality hub: the partnership,
// its organisations and people, their roles, the error vocabulary and the
// interfaces the domain needs from the outside world. Capabilities live in
// subpackages (directory, sessions, ...). Package hub and its subpackages import
// no adapter: storage, sign-in, keys and the web are reached through the
// interfaces declared here.
package hub
