// Package notice tells the people something waits for that it waits for
// them: the people of the waiting organisation who hold the permission that
// acts on it, as the policy engine decides, each once per thing, through
// the configured Notifier (e-mail). Telling is best effort: a failure is
// logged and never fails the change that made the thing wait.
package notice

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// People returns every person the hub knows.
type People func() []hub.Person

// OrgName returns an organisation's name.
type OrgName func(id string) string

// Service is a hub.Teller.
type Service struct {
	notifier hub.Notifier
	auth     hub.Authorizer
	people   People
	orgName  OrgName
	baseURL  string
	hubName  string
	log      *slog.Logger

	mu   sync.Mutex
	told map[string]bool // key + "\x00" + person ID
	wg   sync.WaitGroup
}

// New returns a teller that sends through n; with n nil it tells no one.
func New(n hub.Notifier, auth hub.Authorizer, people People, orgName OrgName, baseURL, hubName string, log *slog.Logger) *Service {
	return &Service{notifier: n, auth: auth, people: people, orgName: orgName, baseURL: strings.TrimRight(baseURL, "/"), hubName: hubName, log: log, told: map[string]bool{}}
}

// Recipients returns the people w waits for who have an e-mail address:
// the people of w.OrgID (everyone's, when empty) who hold w.Perm in w.Domain.
func (s *Service) Recipients(w hub.Wait) []hub.Person {
	var out []hub.Person
	for _, p := range s.people() {
		if (w.OrgID != "" && p.OrgID != w.OrgID) || p.ID == w.By {
			continue
		}
		if _, err := mail.ParseAddress(p.Email); err != nil || p.Email == "" {
			continue
		}
		if hub.Authorize(s.auth, hub.PrincipalOf(p, "notice"), w.Perm, w.Domain) != nil {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Tell sends one message to each person w waits for who has not been told
// of w.Key already. Sending happens apart from the change: Tell returns at once.
func (s *Service) Tell(ctx context.Context, w hub.Wait) {
	if s == nil || s.notifier == nil {
		return
	}
	var to []hub.Recipient
	s.mu.Lock()
	for _, p := range s.Recipients(w) {
		k := w.Key + "\x00" + p.ID
		if s.told[k] {
			continue
		}
		s.told[k] = true
		to = append(to, hub.Recipient{Name: p.DisplayName(), Email: p.Email})
	}
	s.mu.Unlock()
	if len(to) == 0 {
		return
	}
	subject, text := s.Message(w)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		// One message to each person, so that no one sees who else was told.
		for _, r := range to {
			if err := s.notifier.Notify(ctx, []hub.Recipient{r}, subject, text); err != nil {
				s.log.Warn("could not send the e-mail telling a person something waits for them", "to", r.Email, "about", w.Key, "err", err)
				continue
			}
			s.log.Info("e-mail sent: something waits for a person", "to", r.Email, "about", w.Key)
		}
	}()
}

// Wait waits until every message being sent has been tried.
func (s *Service) Wait() {
	if s != nil {
		s.wg.Wait()
	}
}

// Message returns the subject and plain text of the message telling of w.
func (s *Service) Message(w hub.Wait) (subject, text string) {
	org := "the advisory group"
	if w.OrgID != "" {
		org = s.orgName(w.OrgID)
	}
	subject = fmt.Sprintf("%s: %s", s.hubName, w.What)
	var b strings.Builder
	fmt.Fprintf(&b, "%s.\n\nIt waits for %s.\n\nOpen it here: %s%s\n", w.What, org, s.baseURL, w.Path)
	if !w.Date.IsZero() {
		fmt.Fprintf(&b, "\n%s %s.\n", w.DateWords, w.Date.Format("2 January 2006"))
	}
	fmt.Fprintf(&b, "\nYou are told because you can act on it for %s in the %s. Sign in to see everything that waits for you on the hub's home page.\n", org, s.hubName)
	return subject, b.String()
}
