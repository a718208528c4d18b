// Package policies holds the hub's access model and its built-in role
// policies, read by the policy engine at start. To change who may do what,
// edit roles.csv; every route names the permission it needs in the web
// adapter's route table.
package policies

import (
	_ "embed"
	"strings"
)

// Model is the Casbin model: role-based access with one domain per organisation.
//
//go:embed model.conf
var Model string

//go:embed roles.csv
var roles string

// RoleLines returns the built-in policy lines, each as (role, domain, object, action).
func RoleLines() [][]string {
	var lines [][]string
	for _, l := range strings.Split(roles, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		fields := strings.Split(l, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if fields[0] == "p" {
			lines = append(lines, fields[1:])
		}
	}
	return lines
}
