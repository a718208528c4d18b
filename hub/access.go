package hub

// Permission names an action on a kind of object. Every page and API route
// needs one, and the policy engine decides who holds it.
type Permission struct {
	Object string
	Action string
}

// String returns "object:action".
func (p Permission) String() string { return p.Object + ":" + p.Action }

// The permissions of the hub. The policy files in policies/ say which role holds which.
var (
	PermPublicRead     = Permission{"public", "read"}       // published pages, open to anyone
	PermProfile        = Permission{"profile", "read"}      // one's own profile
	PermTokensManage   = Permission{"tokens", "manage"}     // one's own API tokens
	PermOrgRead        = Permission{"organisation", "read"} // an organisation's page, members and roles
	PermOrgManage      = Permission{"organisation", "manage"}
	PermMembersManage  = Permission{"members", "manage"} // grant and revoke roles
	PermDataRead       = Permission{"data", "read"}
	PermProtocolsRead  = Permission{"protocols", "read"}
	PermEIARead        = Permission{"eia", "read"}
	PermStrategyRead   = Permission{"strategy", "read"}
	PermFrameworkRead  = Permission{"framework", "read"}
	PermDirectoryRead  = Permission{"directory", "read"} // the list of partner organisations
	PermPartnershipAdm = Permission{"partnership", "manage"}
)

// DomainPartnership is the access domain of what belongs to the partnership as a
// whole rather than to one organisation. Other domains are organisation IDs.
const DomainPartnership = "partnership"

// SubjectAnonymous is the policy subject of a visitor who has not signed in.
const SubjectAnonymous = "anonymous"

// RoleLine says that a subject holds a role in an organisation, for the policy engine.
type RoleLine struct {
	Subject string
	Role    Role
	OrgID   string
}

// Authorizer decides access. It is the only place access is decided.
type Authorizer interface {
	// Allowed reports whether subject, acting for organisation org, may take the
	// permission's action on an object in domain dom (an organisation ID or
	// DomainPartnership).
	Allowed(subject, org, dom string, perm Permission) (bool, error)
	// SetRoleLines replaces every role line. Cached decisions are dropped.
	SetRoleLines(lines []RoleLine) error
	// SetSubjectRoles replaces the role lines of one subject. Cached decisions are dropped.
	SetSubjectRoles(subject, org string, roles []Role) error
}

// RoleLinesOf returns the role lines of a person.
func RoleLinesOf(p Person) []RoleLine {
	var ls []RoleLine
	for _, r := range p.Roles() {
		ls = append(ls, RoleLine{Subject: p.ID, Role: r, OrgID: p.OrgID})
	}
	return ls
}

// Authorize returns nil when the principal may act, an unauthorized error when
// a visitor must sign in first, and a forbidden error otherwise.
func Authorize(a Authorizer, p Principal, perm Permission, dom string) error {
	sub, org := SubjectAnonymous, ""
	if p.SignedIn() {
		sub, org = p.PersonID, p.OrgID
	}
	ok, err := a.Allowed(sub, org, dom, perm)
	if err != nil {
		return Internal(err, "deciding access")
	}
	if ok {
		return nil
	}
	if !p.SignedIn() {
		return Errorf(CodeUnauthorized, "Sign in to see this page")
	}
	return Errorf(CodeForbidden, "You do not have access to this: it needs a role you do not hold, or it belongs to another organisation")
}

// SharingLine says that an active protocol lets one owner's data of one theme
// reach one recipient between two dates (YYYY-MM-DD, inclusive).
type SharingLine struct {
	Owner     string // the providing organisation
	Recipient string // "org:ID", "body:board", "body:forum", "body:advisory-group" or "public"
	Theme     string
	Start     string
	End       string
	Protocol  string // the protocol's ID
}

// Sharer decides whether data may flow from one organisation to a recipient,
// by the lines of the protocols in force. It is the same policy engine as the
// Authorizer, with a second policy type.
type Sharer interface {
	// SetSharingLines replaces every sharing line. Cached decisions are dropped.
	SetSharingLines(lines []SharingLine) error
	// SharingAllowed says whether owner's data of theme may reach recipient on
	// day (YYYY-MM-DD), and under which protocol.
	SharingAllowed(recipient, owner, theme, day string) (protocol string, ok bool, err error)
}
