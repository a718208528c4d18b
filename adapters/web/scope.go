package web

import (
	"net/http"

	"github.com/partnership/equalityhub/hub"
)

// tokenUse says what a request to a route needing perm does, for an API
// token's scope: a GET or HEAD changes nothing and reads; any other method
// changes what perm guards.
func tokenUse(method string, perm hub.Permission) hub.TokenUse {
	return hub.UseOf(perm, method != http.MethodGet && method != http.MethodHead)
}
