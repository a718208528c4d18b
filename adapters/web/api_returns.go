package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
)

// apiStandard answers the current monitoring standard.
func (s *server) apiStandard(c echo.Context) error {
	st, err := s.Monitoring.CurrentStandard()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// apiThemes answers every theme.
func (s *server) apiThemes(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Monitoring.Themes())
}

// apiMapping answers the caller's organisation's current mapping.
func (s *server) apiMapping(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Monitoring.Mapping(principal(c).OrgID))
}

// apiSaveMapping records a new version of the caller's organisation's mapping.
func (s *server) apiSaveMapping(c echo.Context) error {
	var m monitoring.Mapping
	if err := c.Bind(&m); err != nil {
		return hub.Errorf(hub.CodeInvalid, "The body must be a mapping as JSON, as GET /api/v1/mapping answers it")
	}
	saved, err := s.Monitoring.SaveMapping(c.Request().Context(), principal(c), m)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, saved)
}

type apiKey struct {
	Fingerprint string     `json:"fingerprint"`
	UserIDs     []string   `json:"user_ids"`
	Added       time.Time  `json:"added"`
	Expires     *time.Time `json:"expires,omitempty"`
	Revoked     *time.Time `json:"revoked,omitempty"`
}

func toAPIKey(k monitoring.Key) apiKey {
	a := apiKey{Fingerprint: k.Fingerprint, UserIDs: k.UserIDs, Added: k.Added}
	if !k.Expires.IsZero() {
		a.Expires = &k.Expires
	}
	if !k.Revoked.IsZero() {
		a.Revoked = &k.Revoked
	}
	return a
}

// apiKeys lists the caller's organisation's keys.
func (s *server) apiKeys(c echo.Context) error {
	out := []apiKey{}
	for _, k := range s.Monitoring.Keys(principal(c).OrgID) {
		out = append(out, toAPIKey(k))
	}
	return c.JSON(http.StatusOK, out)
}

// apiRegisterKey registers a public key.
func (s *server) apiRegisterKey(c echo.Context) error {
	var body struct {
		Key string `json:"key"`
	}
	if err := c.Bind(&body); err != nil {
		return hub.Errorf(hub.CodeInvalid, `The body must be JSON like {"key": "-----BEGIN PGP PUBLIC KEY BLOCK-----…"}`)
	}
	k, err := s.Monitoring.RegisterKey(c.Request().Context(), principal(c), body.Key)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIKey(k))
}

// apiRevokeKey revokes a key.
func (s *server) apiRevokeKey(c echo.Context) error {
	if err := s.Monitoring.RevokeKey(c.Request().Context(), principal(c), c.Param("fingerprint")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type apiReturn struct {
	ID         string    `json:"id"`
	Theme      string    `json:"theme"`
	Period     string    `json:"period"`
	Standard   string    `json:"standard"`
	Mapping    int       `json:"mapping"`
	Records    int64     `json:"records"`
	Rejected   int64     `json:"rejected"`
	Version    int       `json:"version"`
	Supersedes string    `json:"supersedes,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Restores   int       `json:"restores,omitempty"`
	Key        string    `json:"key"`
	SignedAt   time.Time `json:"signed_at"`
	Uploaded   time.Time `json:"uploaded"`
	Document   string    `json:"document,omitempty"`
	Signature  string    `json:"signature,omitempty"`
	// Damaged says why the return as stored is not what was signed; it is
	// then left out of every table.
	Damaged string `json:"damaged,omitempty"`
	// Outcome and Message answer an upload: new, correction, restored or held.
	Outcome string `json:"outcome,omitempty"`
	Message string `json:"message,omitempty"`
}

func toAPIReturn(r monitoring.Return) apiReturn {
	return apiReturn{ID: r.ID, Theme: r.Theme, Period: string(r.Period), Standard: r.Standard, Mapping: r.Mapping, Records: r.Records,
		Rejected: r.Rejected, Version: r.Version, Supersedes: r.Supersedes, Reason: r.Reason, Restores: r.Restores, Key: r.Key, SignedAt: r.SignedAt,
		Uploaded: r.Uploaded, Document: string(r.Body), Signature: r.Signature, Damaged: r.Damaged}
}

// apiReturns lists the caller's organisation's returns.
func (s *server) apiReturns(c echo.Context) error {
	rs, err := s.Monitoring.Returns(principal(c), monitoring.ReturnFilter{OrgID: principal(c).OrgID, Theme: c.QueryParam("theme")})
	if err != nil {
		return err
	}
	out := []apiReturn{}
	for _, r := range rs {
		out = append(out, toAPIReturn(r))
	}
	return c.JSON(http.StatusOK, out)
}

// apiReturn answers one return with its signed document and signature.
func (s *server) apiReturn(c echo.Context) error {
	r, err := s.Monitoring.Return(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIReturn(r))
}

// apiUpload accepts a signed return.
func (s *server) apiUpload(c echo.Context) error {
	var body struct {
		Document  string `json:"document"`
		Signature string `json:"signature"`
		Reason    string `json:"reason"`
	}
	// The body is read once, within the route's limit, before it is decoded.
	raw, err := readBody(c.Request())
	if err != nil {
		return hub.Errorf(hub.CodeInvalid, "The body could not be read to its end: send it again")
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return hub.Errorf(hub.CodeInvalid, `The body must be JSON like {"document": "…", "signature": "-----BEGIN PGP SIGNATURE-----…", "reason": "…"}`)
	}
	r, outcome, err := s.Monitoring.Upload(c.Request().Context(), principal(c), []byte(body.Document), body.Signature, body.Reason)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if outcome == monitoring.OutcomeHeld {
		status = http.StatusOK
	}
	r.Body, r.Signature = nil, ""
	out := toAPIReturn(r)
	out.Outcome, out.Message = string(outcome), outcome.Describe(r)
	return c.JSON(status, out)
}

// apiPublishStandard proposes a new version of the monitoring standard, to
// take effect on the day given as ?effective=YYYY-MM-DD (or as the
// version's Effective) once a forum member of another organisation
// approves it.
func (s *server) apiPublishStandard(c echo.Context) error {
	st, err := monitoring.DecodeStandard(c.Request().Body)
	if err != nil {
		return err
	}
	if v := strings.TrimSpace(c.QueryParam("effective")); v != "" {
		if st.Effective, err = parseEffective(v); err != nil {
			return err
		}
	}
	proposed, err := s.Monitoring.ProposeStandard(c.Request().Context(), principal(c), st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, proposed)
}

// apiStandards answers every version of the standard, oldest first, with
// where each stands: proposed, approved (and from when) or withdrawn.
func (s *server) apiStandards(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Monitoring.Standards())
}

// apiApproveStandard approves a proposed version of the standard.
func (s *server) apiApproveStandard(c echo.Context) error {
	st, err := s.Monitoring.ApproveStandard(c.Request().Context(), principal(c), c.Param("version"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// apiWithdrawStandard withdraws a version of the standard before it takes effect.
func (s *server) apiWithdrawStandard(c echo.Context) error {
	st, err := s.Monitoring.WithdrawStandard(c.Request().Context(), principal(c), c.Param("version"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// apiAddTheme adds a theme of returns.
func (s *server) apiAddTheme(c echo.Context) error {
	var t monitoring.Theme
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return hub.Errorf(hub.CodeInvalid, "The body must be a theme as JSON, as GET /api/v1/themes lists them: %v", err)
	}
	if err := s.Monitoring.AddTheme(c.Request().Context(), principal(c), t); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}
