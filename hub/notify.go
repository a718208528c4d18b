package hub

import (
	"context"
	"time"
)

// Recipient is someone the hub writes to.
type Recipient struct {
	Name, Email string
}

// Notifier sends a plain-text message to people, e.g. by e-mail.
type Notifier interface {
	Notify(ctx context.Context, to []Recipient, subject, text string) error
}

// Wait is something that starts to wait for an organisation: a protocol sent
// for its signature, an assessment ready for its sign-off, scrutiny opened
// for the advisory group, a challenge to its level. The people of OrgID who
// hold Perm in Domain are the ones it waits for.
type Wait struct {
	Key    string // the thing and what it waits for, e.g. "protocols/ID/sign/ORG": each person is told of it once
	OrgID  string // the organisation it waits for; "" for everyone who holds Perm in Domain
	Perm   Permission
	Domain string
	What   string    // e.g. "Protocol \"County workforce\" waits for your organisation's signature"
	Path   string    // the hub page where it is given, e.g. "/protocols/ID"
	Date   time.Time // the date that matters: a decision date, or when scrutiny closes; zero: none
	// DateWords says what Date is, e.g. "The decision is due on".
	DateWords string
	By        string // the person whose change made it wait, who is not told; "" for none
}

// Teller tells the people a thing waits for, best effort: it never fails
// the change that made it wait.
type Teller interface {
	Tell(ctx context.Context, w Wait)
}
