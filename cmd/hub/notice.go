package main

import (
	"log/slog"

	"github.com/partnership/equalityhub/adapters/mail"
	"github.com/partnership/equalityhub/config"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/notice"
)

// teller returns who tells people by e-mail that something waits for
// them: nil, telling no one, when no SMTP server is set.
func teller(cfg config.Config, dir *directory.Service, auth hub.Authorizer, log *slog.Logger) (*notice.Service, error) {
	if cfg.SMTPHost == "" {
		log.Info("no SMTP server set: no e-mail is sent; the home page lists what waits for each person")
		return nil, nil
	}
	sender, err := mail.New(mail.Settings{Host: cfg.SMTPHost, Port: int(cfg.SMTPPort), From: cfg.SMTPFrom,
		Username: cfg.SMTPUsername, Password: string(cfg.SMTPPassword), InsecureLoopback: cfg.SMTPInsecureLoopback})
	if err != nil {
		return nil, err
	}
	orgName := func(id string) string {
		if o, err := dir.Organisation(id); err == nil {
			return o.Name
		}
		return id
	}
	log.Info("people are told by e-mail when something waits for them", "smtp_host", cfg.SMTPHost, "smtp_port", cfg.SMTPPort)
	return notice.New(sender, auth, dir.People, orgName, cfg.BaseURL, dir.Partnership().Name+" equality hub", log), nil
}
