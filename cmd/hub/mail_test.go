package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// mailbox is a small SMTP server on loopback that keeps every message it
// is given: enough of SMTP for the hub (EHLO, MAIL, RCPT, DATA, QUIT).
type mailbox struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []sentMail
}

// sentMail is one message as the server received it.
type sentMail struct {
	From string
	To   []string
	Data string
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailbox{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go m.serve(c)
		}
	}()
	return m
}

func (m *mailbox) port() string { return strings.Split(m.ln.Addr().String(), ":")[1] }

func (m *mailbox) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	say := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
	say("220 mailbox ready")
	var cur sentMail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO":
			say("250-mailbox\r\n250 8BITMIME")
		case "MAIL":
			cur = sentMail{From: line}
			say("250 OK")
		case "RCPT":
			to := line[strings.Index(line, "<")+1 : strings.LastIndex(line, ">")]
			cur.To = append(cur.To, to)
			say("250 OK")
		case "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			m.mu.Lock()
			m.msgs = append(m.msgs, cur)
			m.mu.Unlock()
			say("250 kept")
		case "RSET", "NOOP":
			say("250 OK")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 not here")
		}
	}
}

// to returns the messages sent to an address.
func (m *mailbox) to(addr string) []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sentMail
	for _, msg := range m.msgs {
		for _, to := range msg.To {
			if to == addr {
				out = append(out, msg)
			}
		}
	}
	return out
}

func (m *mailbox) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.msgs)
}

// When a forum member sends a protocol for signature, the hub e-mails each
// person who signs for a party, once, with the link to the protocol; no one
// else. Sent again (refused), signed by one party, nothing more is sent.
func TestProtocolSentForSignatureIsMailedToTheSigners(t *testing.T) {
	box := startMailbox(t)
	h := mustStartHub(t, map[string]string{"HUB_SMTP_HOST": "127.0.0.1", "HUB_SMTP_PORT": box.port(),
		"HUB_SMTP_FROM": "Equality hub <hub@partnership.example>", "HUB_SMTP_INSECURE_LOOPBACK": "true"})
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	mustPost(t, forum, "/protocols", countyProtocol("County workforce for the police"), "drafting")
	_, list := forum.get("/protocols")
	at := protocolLink(t, list, "County workforce for the police")
	time.Sleep(200 * time.Millisecond)
	if n := box.count(); n != 0 {
		t.Fatalf("a draft was mailed: %d messages", n)
	}
	mustPost(t, forum, at+"/submit", nil, "sending for signature")
	signers := []string{"police-chief@northshire-police.example", "police-forum@northshire-police.example", "county-director@northshire-county.example"}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && len(box.to(signers[0])) == 0 {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // let any further message arrive
	for _, who := range signers {
		got := box.to(who)
		if len(got) != 1 {
			t.Errorf("%s received %d messages, want 1", who, len(got))
			continue
		}
		body := got[0].Data
		for _, want := range []string{h.URL + at, "County workforce for the police", "signature", "Subject: "} {
			if !strings.Contains(body, want) {
				t.Errorf("the message to %s does not say %q:\n%s", who, want, body)
			}
		}
		if len(got[0].To) != 1 {
			t.Errorf("the message to %s went to others too: %v", who, got[0].To)
		}
	}
	if got := box.to(signers[0]); len(got) > 0 && !strings.Contains(got[0].Data, "Northshire Police") {
		t.Error("the message to the police does not name the police as the organisation it waits for")
	}
	for _, who := range []string{"police-steward@northshire-police.example", "fire-forum@northshire-fire.example", "county-steward@northshire-county.example", "county-forum@northshire-county.example"} {
		if got := box.to(who); len(got) != 0 {
			t.Errorf("%s, who does not sign for a party, was mailed", who)
		}
	}
	before := box.count()
	if status, _, _ := forum.post(at+"/submit", nil); status == http.StatusOK {
		t.Log("sending again was accepted")
	}
	director := h.visitor(t)
	director.signIn("northshire-county", "county-director")
	mustPost(t, director, at+"/sign", nil, "the county signing")
	time.Sleep(time.Second)
	if n := box.count(); n != before {
		t.Errorf("%d more messages after the protocol was sent again and signed", n-before)
	}
}

// With no SMTP server set, sending a protocol for signature e-mails no one
// and still works.
func TestNoMailWithoutSMTP(t *testing.T) {
	box := startMailbox(t)
	h := mustStartHub(t, nil)
	forum := h.visitor(t)
	forum.signIn(countyForum.org, countyForum.subject)
	mustPost(t, forum, "/protocols", countyProtocol("County workforce for the police"), "drafting")
	_, list := forum.get("/protocols")
	at := protocolLink(t, list, "County workforce for the police")
	mustPost(t, forum, at+"/submit", nil, "sending for signature")
	time.Sleep(time.Second)
	if n := box.count(); n != 0 {
		t.Errorf("%d messages sent with no SMTP server set", n)
	}
	if w := waitingSection(t, forum); !strings.Contains(w, "County workforce") {
		t.Error("the protocol is not shown as waiting on the home page")
	}
}
