package mail_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/partnership/equalityhub/adapters/mail"
	"github.com/partnership/equalityhub/hub"
)

// plainServer is an SMTP server on loopback that offers no STARTTLS and
// keeps what it is given.
func plainServer(t *testing.T) (port int, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { c.Write([]byte(s + "\r\n")) }
				say("220 ready")
				var data strings.Builder
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch strings.ToUpper(strings.Fields(line + " x")[0]) {
					case "EHLO", "HELO":
						say("250 plain")
					case "DATA":
						say("354 go on")
						for {
							l, err := r.ReadString('\n')
							if err != nil || l == ".\r\n" {
								break
							}
							data.WriteString(l)
						}
						got <- data.String()
						say("250 kept")
					case "QUIT":
						say("221 bye")
						return
					default:
						say("250 OK")
					}
				}
			}(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, got
}

// The sender insists on STARTTLS: a server that does not offer it is
// refused, and nothing is sent, unless it is on loopback and that is allowed.
func TestSenderInsistsOnSTARTTLS(t *testing.T) {
	port, got := plainServer(t)
	to := []hub.Recipient{{Name: "Joanne Baptiste", Email: "chief@police.example"}}
	strict, err := mail.New(mail.Settings{Host: "127.0.0.1", Port: port, From: "hub@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if err := strict.Notify(context.Background(), to, "A protocol waits", "Open it"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("sent without STARTTLS: %v", err)
	}
	if len(got) != 0 {
		t.Fatal("a message was given to a server without STARTTLS")
	}
	loose, err := mail.New(mail.Settings{Host: "127.0.0.1", Port: port, From: "Equality hub <hub@example.org>", InsecureLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := loose.Notify(context.Background(), to, "A protocol waits for your signature", "Open it: http://hub.example/protocols/p1\n.dot line"); err != nil {
		t.Fatal(err)
	}
	msg := <-got
	for _, want := range []string{"To: \"Joanne Baptiste\" <chief@police.example>", "Subject: A protocol waits for your signature", "Content-Type: text/plain; charset=utf-8", "http://hub.example/protocols/p1", "\r\n..dot line"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message does not have %q:\n%s", want, msg)
		}
	}
	if _, err := mail.New(mail.Settings{Host: "127.0.0.1", Port: port, From: "not an address"}); err == nil {
		t.Error("a sender without a valid address was made")
	}
}
