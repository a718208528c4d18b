package hub

// Role is what a person may do for their organisation. A closed set.
type Role string

// The roles of the hub.
const (
	RoleAdmin          Role = "admin"           // hub administrator: organisations, identity providers, members
	RoleBoardMember    Role = "board-member"    // partnership board: the partnership picture, approvals
	RoleForumMember    Role = "forum-member"    // equality forum: standard, protocols, data, joint EIAs
	RoleDataSteward    Role = "data-steward"    // prepares, signs and uploads the organisation's returns
	RoleAnalyst        Role = "analyst"         // reads and analyses shared data
	RoleEIAAuthor      Role = "eia-author"      // drafts equality impact assessments
	RoleDecisionMaker  Role = "decision-maker"  // signs EIAs off before the decision
	RoleAdvisoryMember Role = "advisory-member" // third-sector advisory group: scrutiny and challenge
)

// RoleMember is held by everyone who signs in through an organisation's identity
// provider, before and beside any role an administrator grants.
const RoleMember Role = "member"

var roles = newClosedSet[Role]("role",
	string(RoleAdmin), "Hub administrator",
	string(RoleBoardMember), "Partnership board member",
	string(RoleForumMember), "Equality forum member",
	string(RoleDataSteward), "Data steward",
	string(RoleAnalyst), "Analyst",
	string(RoleEIAAuthor), "Impact assessment author",
	string(RoleDecisionMaker), "Decision maker",
	string(RoleAdvisoryMember), "Advisory group member",
)

// Roles lists the roles an administrator can grant, in display order.
func Roles() []Role { return roles.all() }

// ParseRole parses a role name such as "data-steward".
func ParseRole(s string) (Role, error) { return roles.parse(s) }

// String returns the role's name.
func (r Role) String() string { return string(r) }

// Label returns the role's name for people.
func (r Role) Label() string {
	if r == RoleMember {
		return "Member"
	}
	return roles.label(r)
}

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return []byte(r), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Body is a body of the partnership. Membership of a body follows from a role.
type Body string

// The bodies of a partnership.
const (
	BodyBoard         Body = "board"
	BodyForum         Body = "forum"
	BodyAdvisoryGroup Body = "advisory-group"
)

var bodies = newClosedSet[Body]("body",
	string(BodyBoard), "Partnership board",
	string(BodyForum), "Equality forum",
	string(BodyAdvisoryGroup), "Advisory group",
)

// Bodies lists the bodies of a partnership.
func Bodies() []Body { return bodies.all() }

// ParseBody parses a body name.
func ParseBody(s string) (Body, error) { return bodies.parse(s) }

// String returns the body's name.
func (b Body) String() string { return string(b) }

// Label returns the body's name for people.
func (b Body) Label() string { return bodies.label(b) }

// Role returns the role that makes a person a member of the body.
func (b Body) Role() Role {
	switch b {
	case BodyBoard:
		return RoleBoardMember
	case BodyForum:
		return RoleForumMember
	default:
		return RoleAdvisoryMember
	}
}
