// Package mail sends the hub's plain-text messages by e-mail through an
// SMTP server, with the standard library's net/smtp. It insists on
// STARTTLS, unless told that the server is on this machine's loopback (for
// tests and the demo).
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
)

// Settings say which SMTP server to send through and as whom.
type Settings struct {
	Host     string
	Port     int
	From     string // the sender's address, e.g. "Equality hub <hub@example.org>"
	Username string // empty: no authentication
	Password string
	// InsecureLoopback allows a server without STARTTLS, only on a loopback address.
	InsecureLoopback bool
}

// Sender is a hub.Notifier that sends e-mail.
type Sender struct {
	s    Settings
	from *mail.Address
}

// New returns a sender, checking the settings.
func New(s Settings) (*Sender, error) {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return nil, fmt.Errorf("smtp_from: %q is not an e-mail address: %w", s.From, err)
	}
	if s.Host == "" {
		return nil, errors.New("smtp_host: not set")
	}
	if s.Port == 0 {
		s.Port = 587
	}
	return &Sender{s: s, from: from}, nil
}

var _ hub.Notifier = (*Sender)(nil)

// Notify sends one message to the recipients.
func (m *Sender) Notify(ctx context.Context, to []hub.Recipient, subject, text string) error {
	if len(to) == 0 {
		return nil
	}
	addr := net.JoinHostPort(m.s.Host, strconv.Itoa(m.s.Port))
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connecting to the SMTP server %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, m.s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting the SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("SMTP EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: m.s.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	} else if !(m.s.InsecureLoopback && loopback(conn.RemoteAddr())) {
		return fmt.Errorf("the SMTP server %s does not offer STARTTLS: the hub sends mail only over an encrypted connection", addr)
	}
	if m.s.Username != "" {
		// net/smtp's PlainAuth refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", m.s.Username, m.s.Password, m.s.Host)); err != nil {
			return fmt.Errorf("SMTP sign-in: %w", err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	var heads []string
	for _, r := range to {
		if err := c.Rcpt(r.Email); err != nil {
			return fmt.Errorf("SMTP RCPT TO %s: %w", r.Email, err)
		}
		heads = append(heads, (&mail.Address{Name: r.Name, Address: r.Email}).String())
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(Message(m.from, heads, subject, text, time.Now())); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	return c.Quit()
}

// Message returns a plain-text message in UTF-8, its lines ending CRLF.
func Message(from *mail.Address, to []string, subject, text string, at time.Time) []byte {
	var b strings.Builder
	b.WriteString("From: " + from.String() + "\r\n")
	b.WriteString("To: " + strings.Join(to, ", ") + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + at.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	// net/smtp's DATA writer dot-stuffs the lines.
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		b.WriteString(line + "\r\n")
	}
	return []byte(b.String())
}

func loopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}
