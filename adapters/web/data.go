package web

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/publication"
)

type dataPage struct {
	Org        hub.Organisation
	Returns    []monitoring.Return
	Themes     map[string]string // theme ID to name
	Keys       []monitoring.Key
	Mapping    monitoring.Mapping
	CanUpload  bool
	CanKeys    bool
	CanPicture bool   // may open the partnership picture
	CanPublish bool   // may publish the organisation's tables
	CanReturns bool   // may read the organisation's returns
	Uploaded   string // the ID of a return just sent
	Outcome    string // what became of it, in a sentence
	KeyChanged bool
}

// data is the Data area: the organisation's returns.
func (s *server) data(c echo.Context) error {
	p := principal(c)
	o, err := s.Directory.Organisation(p.OrgID)
	if err != nil {
		return err
	}
	pg := dataPage{Org: o, Themes: map[string]string{}, Mapping: s.Monitoring.Mapping(o.ID), Keys: s.Monitoring.Keys(o.ID),
		CanUpload: s.allowed(c, monitoring.PermReturnsUpload, o.ID), CanKeys: s.allowed(c, monitoring.PermKeysManage, o.ID),
		CanPicture: s.allowed(c, picture.PermRead, o.ID), CanPublish: s.allowed(c, publication.PermPublish, o.ID),
		CanReturns: s.allowed(c, monitoring.PermReturnsRead, o.ID),
		Uploaded:   c.QueryParam("uploaded"), KeyChanged: c.QueryParam("keys") == "1"}
	for _, t := range s.Monitoring.Themes() {
		pg.Themes[t.ID] = t.Name
	}
	if pg.CanReturns {
		if pg.Returns, err = s.Monitoring.Returns(p, monitoring.ReturnFilter{OrgID: o.ID}); err != nil {
			return err
		}
	}
	for _, r := range pg.Returns {
		if r.ID == pg.Uploaded {
			pg.Outcome = monitoring.Outcome(c.QueryParam("outcome")).Describe(r)
		}
	}
	return s.ok(c, "data", "Data", pg)
}

type returnPage struct {
	Return    monitoring.Return
	Theme     monitoring.Theme
	Org       hub.Organisation
	Key       monitoring.Key
	Tables    []countTable
	Revoked   bool // the key was revoked after the return was accepted
	Corrected []monitoring.Return
}

// countTable is one question's counts: a row per answer, a column per measure.
type countTable struct {
	Question monitoring.Question
	Measures []monitoring.Measure
	Rows     []countRow
}

type countRow struct {
	Label  string
	Group  string
	Counts []int64
}

func tablesOf(l *monitoring.Layout, counts []int64) []countTable {
	var ts []countTable
	for qi, q := range l.Questions {
		t := countTable{Question: q, Measures: l.Theme.Measures}
		for ai, a := range q.Answers() {
			r := countRow{Label: a.Label, Group: q.GroupOf(a.Code)}
			for mi := range l.Theme.Measures {
				r.Counts = append(r.Counts, counts[l.Index(qi, ai, mi)])
			}
			t.Rows = append(t.Rows, r)
		}
		ts = append(ts, t)
	}
	return ts
}

// returnDetail shows one return: its counts, signature and history.
func (s *server) returnDetail(c echo.Context) error {
	r, err := s.Monitoring.Return(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	l, err := s.Monitoring.Layout(r.Theme, r.Standard)
	if err != nil {
		return err
	}
	o, _ := s.Directory.Organisation(r.OrgID)
	k, _ := s.Monitoring.KeyOf(r.Key)
	pg := returnPage{Return: r, Theme: l.Theme, Org: o, Key: k, Revoked: !k.Revoked.IsZero()}
	if len(r.Counts) == l.Size() {
		pg.Tables = tablesOf(l, r.Counts)
	}
	all, err := s.Monitoring.Returns(principal(c), monitoring.ReturnFilter{OrgID: r.OrgID, Theme: r.Theme})
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.Period == r.Period {
			pg.Corrected = append(pg.Corrected, x)
		}
	}
	return s.ok(c, "return", l.Theme.Name+" "+string(r.Period), pg)
}

// returnFile downloads a return's signed document or its signature.
func (s *server) returnFile(c echo.Context) error {
	r, err := s.Monitoring.Return(c.Request().Context(), principal(c), c.Param("id"))
	if err != nil {
		return err
	}
	name := r.OrgID + "-" + r.Theme + "-" + string(r.Period) + "-v" + strconv.Itoa(r.Version) + ".json"
	if c.Param("file") == "signature" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`.asc"`)
		return c.Blob(http.StatusOK, "application/pgp-signature", []byte(r.Signature))
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/json", r.Body)
}

type uploadPage struct {
	Themes   []monitoring.Theme
	Theme    string
	Period   string
	Reason   string
	Problems []hub.Problem
	More     int64
	// After an extract was aggregated:
	Draft    string // the return document to sign, in base64: a browser changes the line endings of a form's text
	DraftOf  string
	Counted  int64
	Rejected int64
	// Skipped are the records of a staff extract the theme does not count, and why.
	Skipped    int64
	SkippedWhy string
	NotCounted []monitoring.NotCounted // optional measures the extract has no column for
	Tables     []countTable
}

// upload shows the upload page.
func (s *server) upload(c echo.Context) error {
	return s.ok(c, "upload", "Upload a return", uploadPage{Themes: s.Monitoring.Themes(), Theme: c.QueryParam("theme")})
}

// readUpload reads one uploaded file of the form, within a limit.
func readUpload(c echo.Context, field string, limit int64) ([]byte, bool, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, false, nil
	}
	if fh.Size > limit {
		return nil, true, hub.Errorf(hub.CodeTooLarge, "The file %s is larger than the %d MB allowed", hub.Excerpt(fh.Filename), limit>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, true, hub.Errorf(hub.CodeInvalid, "The file %s could not be read", fh.Filename)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil, true, hub.Errorf(hub.CodeTooLarge, "The file %s is larger than the %d MB allowed", hub.Excerpt(fh.Filename), limit>>20)
	}
	return b, true, nil
}

// uploadReturn accepts a signed return, or aggregates an extract into a return to sign.
func (s *server) uploadReturn(c echo.Context) error {
	p := principal(c)
	pg := uploadPage{Themes: s.Monitoring.Themes(), Theme: c.FormValue("theme"), Period: c.FormValue("period"), Reason: c.FormValue("reason")}
	again := func(err error) error {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict && code != hub.CodeTooLarge && code != hub.CodeForbidden {
			return err
		}
		pg.Problems = hub.ErrorProblems(err)
		pg.Problems = append([]hub.Problem{{Message: hub.ErrorMessage(err)}}, pg.Problems...)
		return s.render(c, statusOf[code], "upload", "Error: Upload a return", pg)
	}
	if doc, ok, err := readUpload(c, "return", s.Monitoring.Limits.MaxReturnBytes); ok || err != nil {
		if err != nil {
			return again(err)
		}
		sig, _, err := readUpload(c, "signature", 64<<10)
		if err != nil {
			return again(err)
		}
		if len(sig) == 0 {
			return again(&hub.Error{Code: hub.CodeInvalid, Message: "Add the signature file made with hubctl sign", Problems: []hub.Problem{{Field: "signature", Message: "Choose the signature file (.asc) of the return"}}})
		}
		r, outcome, err := s.Monitoring.Upload(c.Request().Context(), p, doc, string(sig), pg.Reason)
		if err != nil {
			return again(err)
		}
		return c.Redirect(http.StatusSeeOther, "/data?uploaded="+r.ID+"&outcome="+string(outcome))
	}
	extract, ok, err := readUpload(c, "extract", s.Monitoring.Limits.MaxExtractBytes)
	if err != nil {
		return again(err)
	}
	if !ok {
		return again(&hub.Error{Code: hub.CodeInvalid, Message: "Choose a file to upload", Problems: []hub.Problem{{Field: "extract", Message: "Choose an extract (CSV or Excel) or a signed return"}}})
	}
	draft, agg, l, err := s.Monitoring.AggregateExtract(p, pg.Theme, pg.Period, strings.ToLower(fileName(c, "extract")), extract, s.Spreadsheets)
	if err != nil {
		return again(err)
	}
	pg.Draft, pg.DraftOf = base64.StdEncoding.EncodeToString(draft), fileName(c, "extract")
	pg.Counted, pg.Rejected = agg.Records()
	pg.Skipped, pg.SkippedWhy = agg.Skipped(), l.Theme.SelectWords()
	pg.NotCounted = agg.NotCounted()
	pg.Problems, pg.More = agg.Problems()
	pg.Tables = tablesOf(l, agg.Counts())
	return s.ok(c, "upload", "Check and sign the return", pg)
}

func fileName(c echo.Context, field string) string {
	if fh, err := c.FormFile(field); err == nil {
		return fh.Filename
	}
	return ""
}

// draftFile hands back a drafted return document as a file to sign.
func (s *server) draftFile(c echo.Context) error {
	doc, err := base64.StdEncoding.DecodeString(c.FormValue("draft"))
	if err != nil {
		return hub.Errorf(hub.CodeInvalid, "The drafted return did not come back whole: count the extract again")
	}
	if _, _, err := monitoring.Decode(doc, s.Monitoring); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="return.json"`)
	return c.Blob(http.StatusOK, "application/json", doc)
}

type keysPage struct {
	Keys     []monitoring.Key
	Armored  string
	Problems []hub.Problem
}

// keys lists the organisation's signing keys.
func (s *server) keys(c echo.Context) error {
	return s.ok(c, "keys", "Signing keys", keysPage{Keys: s.Monitoring.Keys(principal(c).OrgID)})
}

// registerKey adds a public key.
func (s *server) registerKey(c echo.Context) error {
	armored := c.FormValue("key")
	if _, err := s.Monitoring.RegisterKey(c.Request().Context(), principal(c), armored); err != nil {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict {
			return err
		}
		return s.render(c, statusOf[code], "keys", "Error: Signing keys", keysPage{Keys: s.Monitoring.Keys(principal(c).OrgID), Armored: armored,
			Problems: []hub.Problem{{Field: "key", Message: hub.ErrorMessage(err)}}})
	}
	return c.Redirect(http.StatusSeeOther, "/data/keys")
}

// revokeKey stops a key signing.
func (s *server) revokeKey(c echo.Context) error {
	if err := s.Monitoring.RevokeKey(c.Request().Context(), principal(c), c.Param("fingerprint")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/data/keys")
}

// standardPage shows the monitoring standard.
func (s *server) standardPage(c echo.Context) error {
	st, err := s.Monitoring.CurrentStandard()
	if err != nil {
		return err
	}
	return s.ok(c, "standard", st.Title, s.standardData(c, st, nil))
}

type standardView struct {
	Standard   monitoring.Standard
	Versions   []monitoring.Standard
	Themes     []monitoring.Theme
	CanPublish bool
	Problems   []hub.Problem
}

func (s *server) standardData(c echo.Context, st monitoring.Standard, ps []hub.Problem) standardView {
	return standardView{Standard: st, Versions: s.Monitoring.Standards(), Themes: s.Monitoring.Themes(),
		CanPublish: s.allowed(c, monitoring.PermStandardEdit, hub.DomainPartnership), Problems: ps}
}

// publishStandard publishes a new version of the standard from an uploaded file.
func (s *server) publishStandard(c echo.Context) error {
	b, ok, err := readUpload(c, "standard", 1<<20)
	if err == nil && !ok {
		err = &hub.Error{Code: hub.CodeInvalid, Message: "Choose the file of the new version", Problems: []hub.Problem{{Field: "standard", Message: "Choose a standard file (.json)"}}}
	}
	if err == nil {
		var st monitoring.Standard
		if st, err = monitoring.DecodeStandard(bytes.NewReader(b)); err == nil {
			err = s.Monitoring.PublishStandard(c.Request().Context(), principal(c), st)
		}
	}
	if err != nil {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict && code != hub.CodeTooLarge {
			return err
		}
		st, _ := s.Monitoring.CurrentStandard()
		ps := append([]hub.Problem{{Field: "standard", Message: hub.ErrorMessage(err)}}, hub.ErrorProblems(err)...)
		return s.render(c, statusOf[code], "standard", "Error: "+st.Title, s.standardData(c, st, ps))
	}
	return c.Redirect(http.StatusSeeOther, "/standard")
}

type mappingPage struct {
	Org      hub.Organisation
	Mapping  monitoring.Mapping
	History  []monitoring.Mapping
	Standard monitoring.Standard
}

// mappingPage shows how the organisation's codes map to the standard.
func (s *server) mappingPage(c echo.Context) error {
	p := principal(c)
	o, err := s.Directory.Organisation(p.OrgID)
	if err != nil {
		return err
	}
	hist, err := s.Monitoring.Mappings(p, o.ID)
	if err != nil {
		return err
	}
	m := s.Monitoring.Mapping(o.ID)
	st, _ := s.Monitoring.Standard(m.Standard)
	return s.ok(c, "mapping", "Your mapping", mappingPage{Org: o, Mapping: m, History: hist, Standard: st})
}
