// Package apiclient calls the hub's JSON API, as hubctl and scripts do,
// authenticating with an API token. Problem documents come back as the hub's
// own errors, with their codes and messages.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// Client calls one hub as one person.
type Client struct {
	BaseURL string // e.g. https://equality.northshire.example
	Token   string // an API token, eqh_...
	HTTP    *http.Client
}

// New returns a client for the hub at baseURL.
func New(baseURL, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, hub.Errorf(hub.CodeInvalid, "%q is not the address of a hub: give it in full, such as https://equality.northshire.example", baseURL)
	}
	if u.Scheme == "http" && !hub.IsLoopbackHost(u.Hostname()) {
		return nil, hub.Errorf(hub.CodeInvalid, "the hub's address must start with https:// so that the token is not sent in the clear")
	}
	return &Client{BaseURL: u.String(), Token: strings.TrimSpace(token), HTTP: &http.Client{Timeout: 60 * time.Second}}, nil
}

// Grant is a role held, as the API reports it.
type Grant struct {
	Role           string `json:"role"`
	Characteristic string `json:"characteristic,omitempty"`
}

// Person is a person as the API reports them.
type Person struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Organisation string  `json:"organisation"`
	Roles        []Grant `json:"roles"`
}

// Me returns who the token acts as.
func (c *Client) Me(ctx context.Context) (Person, error) {
	var p Person
	return p, c.do(ctx, http.MethodGet, "/api/v1/me", nil, &p)
}

func (c *Client) do(ctx context.Context, method, path string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return hub.Internal(err, "building a request")
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return &hub.Error{Code: hub.CodeUnavailable, Message: "the hub at " + c.BaseURL + " cannot be reached", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var p struct {
			Detail   string   `json:"detail"`
			Code     hub.Code `json:"code"`
			Problems []struct {
				Field, Column, Message string
				Row                    int
			} `json:"problems"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&p) != nil || p.Code == "" {
			return hub.Errorf(hub.CodeInternal, "the hub answered %s", resp.Status)
		}
		e := &hub.Error{Code: p.Code, Message: p.Detail}
		for _, q := range p.Problems {
			e.Problems = append(e.Problems, hub.Problem{Field: q.Field, Row: q.Row, Column: q.Column, Message: q.Message})
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return hub.Internal(fmt.Errorf("decoding %s: %w", path, err), "reading the hub's answer")
	}
	return nil
}

// Standard returns the hub's current monitoring standard.
func (c *Client) Standard(ctx context.Context) (monitoring.Standard, error) {
	var s monitoring.Standard
	return s, c.do(ctx, http.MethodGet, "/api/v1/standard", nil, &s)
}

// Themes returns the hub's themes.
func (c *Client) Themes(ctx context.Context) ([]monitoring.Theme, error) {
	var ts []monitoring.Theme
	return ts, c.do(ctx, http.MethodGet, "/api/v1/themes", nil, &ts)
}

// Mapping returns the caller's organisation's current mapping.
func (c *Client) Mapping(ctx context.Context) (monitoring.Mapping, error) {
	var m monitoring.Mapping
	return m, c.do(ctx, http.MethodGet, "/api/v1/mapping", nil, &m)
}

// SaveMapping sends a new version of the caller's organisation's mapping.
func (c *Client) SaveMapping(ctx context.Context, m monitoring.Mapping) (monitoring.Mapping, error) {
	var out monitoring.Mapping
	return out, c.do(ctx, http.MethodPut, "/api/v1/mapping", jsonBody(m), &out)
}

// Key is a registered key as the API reports it.
type Key struct {
	Fingerprint string     `json:"fingerprint"`
	UserIDs     []string   `json:"user_ids"`
	Added       time.Time  `json:"added"`
	Expires     *time.Time `json:"expires"`
	Revoked     *time.Time `json:"revoked"`
}

// RegisterKey registers an armoured public key for the caller's organisation.
func (c *Client) RegisterKey(ctx context.Context, armored string) (Key, error) {
	var k Key
	return k, c.do(ctx, http.MethodPost, "/api/v1/keys", jsonBody(map[string]string{"key": armored}), &k)
}

// Keys lists the caller's organisation's keys.
func (c *Client) Keys(ctx context.Context) ([]Key, error) {
	var ks []Key
	return ks, c.do(ctx, http.MethodGet, "/api/v1/keys", nil, &ks)
}

// Return is a return as the API reports it.
type Return struct {
	ID         string    `json:"id"`
	Theme      string    `json:"theme"`
	Period     string    `json:"period"`
	Records    int64     `json:"records"`
	Rejected   int64     `json:"rejected"`
	Version    int       `json:"version"`
	Supersedes string    `json:"supersedes"`
	Restores   int       `json:"restores"`
	Key        string    `json:"key"`
	SignedAt   time.Time `json:"signed_at"`
	Uploaded   time.Time `json:"uploaded"`
	Document   string    `json:"document"`
	Signature  string    `json:"signature"`
	Damaged    string    `json:"damaged"`
	Outcome    string    `json:"outcome"` // of an upload: new, correction, restored or held
	Message    string    `json:"message"` // of an upload: what became of it, in a sentence
}

// Upload sends a signed return; created is false when the hub had it already.
func (c *Client) Upload(ctx context.Context, document []byte, signature, reason string) (Return, error) {
	var r Return
	body := map[string]string{"document": string(document), "signature": signature, "reason": reason}
	return r, c.do(ctx, http.MethodPost, "/api/v1/returns", jsonBody(body), &r)
}

// Returns lists the caller's organisation's returns.
func (c *Client) Returns(ctx context.Context) ([]Return, error) {
	var rs []Return
	return rs, c.do(ctx, http.MethodGet, "/api/v1/returns", nil, &rs)
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}
