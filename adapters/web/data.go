package web

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
	Held       bool   // it was held already: nothing changed
	Found      bool   // it is among Returns, so it can be linked to
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
	outcome := monitoring.Outcome(c.QueryParam("outcome"))
	pg.Held = pg.Uploaded != "" && outcome == monitoring.OutcomeHeld
	for _, r := range pg.Returns {
		if r.ID == pg.Uploaded {
			pg.Outcome, pg.Found = outcome.DescribeFor(r, pg.Themes[r.Theme]), true
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
	Current   monitoring.Return // the version of the theme and period that is current
	Next      monitoring.Return // the version that replaced this one, if it is not current
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
	v, err := s.Monitoring.ReturnVersions(principal(c), r)
	if err != nil {
		return err
	}
	pg.Corrected, pg.Current, pg.Next = v.All, v.Current, v.Next
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
	Themes []monitoring.Theme
	Theme  string
	Period string
	Reason string
	// After a refusal: which form was sent ("extract" or "return"), the
	// problems in the order of its fields, and each field's message.
	Sent    string
	Summary []summaryItem
	Errors  map[string]string
	// After an extract was aggregated, the records that could not be counted:
	Problems []hub.Problem
	More     int64
	// After an extract was aggregated:
	Draft    string // the return document to sign, in base64: a browser changes the line endings of a form's text
	DraftOf  string
	Counted  int64
	Rejected int64
	// Skipped are the records of a staff extract the theme does not count, and why.
	Skipped     int64
	SkippedWhy  string
	NotCounted  []monitoring.NotCounted // optional measures the extract has no column for
	Tables      []countTable
	DraftTheme  string // the theme's name
	DraftPeriod monitoring.Period
	Held        *monitoring.Return // the organisation's current return of the theme and period, if any
}

// Refused says the page answers a form it refused: the files chosen must be chosen again.
func (p uploadPage) Refused() bool { return p.Sent != "" && len(p.Summary) > 0 }

// summaryItem is one line of an error summary, linking to the field it is about.
type summaryItem struct {
	Href string
	Text string
}

// uploadForms are the fields of the upload page's two forms, in the order
// they are shown; the first is the file input that a problem with the file
// as a whole is shown beside.
var uploadForms = map[string][]string{
	"extract": {"extract", "theme", "period"},
	"return":  {"return", "signature", "reason"},
}

// refusal lays out a refused form's problems: each beside its field, and in a
// summary linking to them. A problem with no field of the form is about the
// file sent, and is shown beside fileField with its row and column.
func refusal(form, fileField string, err error) ([]summaryItem, map[string]string) {
	fields := uploadForms[form]
	ofForm := map[string]bool{}
	for _, f := range fields {
		ofForm[f] = true
	}
	byField := map[string][]string{}
	add := func(field, msg string) {
		msg = strings.TrimSpace(msg)
		if msg == "" || slices.Contains(byField[field], msg) {
			return
		}
		byField[field] = append(byField[field], msg)
	}
	headline, problems := hub.ErrorMessage(err), hub.ErrorProblems(err)
	aboutFile := len(problems) == 0
	for _, p := range problems {
		if !ofForm[p.Field] {
			aboutFile = true
		}
	}
	switch {
	case aboutFile:
		add(fileField, headline)
	case hub.ErrorCode(err) == hub.CodeConflict:
		add(problems[0].Field, headline)
	}
	for _, p := range problems {
		if ofForm[p.Field] {
			add(p.Field, p.Message)
		} else {
			add(fileField, locatedMessage(p))
		}
	}
	var summary []summaryItem
	errs := map[string]string{}
	for _, f := range fields {
		ms := byField[f]
		for _, m := range ms {
			summary = append(summary, summaryItem{Href: "#" + f, Text: m})
		}
		if len(ms) == 0 {
			continue
		}
		const shown = 3
		var beside []string
		for i, m := range ms {
			if i == shown {
				beside = append(beside, fmt.Sprintf("And %d more problems, listed at the top of the page", len(ms)-shown))
				break
			}
			beside = append(beside, strings.TrimSuffix(m, "."))
		}
		errs[f] = strings.Join(beside, ". ")
	}
	return summary, errs
}

// alreadySaysRow finds a message that names the row it is about itself.
var alreadySaysRow = regexp.MustCompile(`(?i)\bafter (row|its item) \d`)

// locatedMessage says a problem with a file, with the row and column it is
// about when the message does not say them already. The header (row 1) and
// the file as a whole need no row.
func locatedMessage(p hub.Problem) string {
	var where []string
	if p.Row > 1 && !alreadySaysRow.MatchString(p.Message) {
		where = append(where, fmt.Sprintf("Row %d", p.Row))
	}
	if p.Column != "" && !strings.Contains(p.Message, p.Column) {
		if len(where) == 0 {
			where = append(where, "Column “"+p.Column+"”")
		} else {
			where = append(where, "column “"+p.Column+"”")
		}
	}
	if len(where) == 0 {
		return p.Message
	}
	return strings.Join(where, ", ") + ": " + p.Message
}

// upload shows the upload page.
func (s *server) upload(c echo.Context) error {
	return s.ok(c, "upload", "Upload a return", uploadPage{Themes: s.Monitoring.Themes(), Theme: c.QueryParam("theme"), Period: hub.Clip(c.QueryParam("period"))})
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
		return nil, true, hub.Errorf(hub.CodeInvalid, "The file %s could not be read", hub.Excerpt(fh.Filename))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil, true, hub.Errorf(hub.CodeTooLarge, "The file %s is larger than the %d MB allowed", hub.Excerpt(fh.Filename), limit>>20)
	}
	return b, true, nil
}

// uploadReturn accepts a signed return, or aggregates an extract into a return
// to sign: whichever of the page's two forms was sent. The form is read as it
// arrives: an extract is counted as it comes, without the hub holding it
// whole (a workbook, which can only be read whole, is held once).
func (s *server) uploadReturn(c echo.Context) error {
	p := principal(c)
	pg := uploadPage{Themes: s.Monitoring.Themes(), Theme: c.FormValue("theme"), Period: c.FormValue("period")}
	pg.Sent = "extract"
	if c.FormValue("form") == "return" {
		pg.Sent = "return"
	}
	again := func(err error, fileField string) error {
		code := hub.ErrorCode(err)
		if code != hub.CodeInvalid && code != hub.CodeConflict && code != hub.CodeTooLarge && code != hub.CodeForbidden {
			return err
		}
		drain(c)
		pg.Reason = c.FormValue("reason")
		pg.Summary, pg.Errors = refusal(pg.Sent, fileField, err)
		return s.render(c, statusOf[code], "upload", "Error: Upload a return", pg)
	}
	var (
		doc, sig       []byte
		hasDoc, hasExt bool
		extractName    string
		draft          []byte
		agg            *monitoring.Aggregator
		l              *monitoring.Layout
	)
	if f := streamedForm(c); f != nil {
		for {
			part, err := f.nextFile()
			if err != nil {
				return again(err, pg.Sent)
			}
			if part == nil {
				break
			}
			switch part.FormName() {
			case "return":
				pg.Sent, hasDoc = "return", true
				if doc, err = readPart(part, s.Monitoring.Limits.MaxReturnBytes); err != nil {
					return again(err, "return")
				}
			case "signature":
				pg.Sent = "return"
				if sig, err = readPart(part, 64<<10); err != nil {
					return again(err, "signature")
				}
			case "extract":
				if pg.Sent == "return" {
					// Not counted: the form sent is the signed return's.
					_, _ = io.Copy(io.Discard, part)
					continue
				}
				if hasExt {
					return again(hub.Errorf(hub.CodeInvalid, "Choose one extract at a time"), "extract")
				}
				hasExt, extractName = true, part.FileName()
				// The fields before the file on the page say what it is for.
				pg.Theme, pg.Period = c.FormValue("theme"), c.FormValue("period")
				draft, agg, l, err = s.Monitoring.AggregateExtract(p, pg.Theme, pg.Period, strings.ToLower(extractName), part, s.Spreadsheets)
				if err != nil {
					return again(err, "extract")
				}
			default:
				_, _ = io.Copy(io.Discard, part)
			}
		}
	}
	pg.Reason = c.FormValue("reason")
	if pg.Sent == "return" {
		var missing []hub.Problem
		if !hasDoc {
			missing = append(missing, hub.Problem{Field: "return", Message: "Choose the signed return (.json)"})
		}
		if len(sig) == 0 {
			missing = append(missing, hub.Problem{Field: "signature", Message: "Choose the signature file (.asc) of the return, made with hubctl sign"})
		}
		if err := hub.Invalid("Choose the signed return and its signature", missing); err != nil {
			return again(err, "return")
		}
		r, outcome, err := s.Monitoring.Upload(c.Request().Context(), p, doc, string(sig), pg.Reason)
		if err != nil {
			return again(err, "return")
		}
		return c.Redirect(http.StatusSeeOther, "/data?uploaded="+r.ID+"&outcome="+string(outcome))
	}
	if !hasExt {
		// Everything else wrong with the form is said at the same time.
		_, _, slotErr := s.Monitoring.CheckSlot(pg.Theme, pg.Period)
		ps := append(hub.ErrorProblems(slotErr), hub.Problem{Field: "extract", Message: "Choose an extract to count (.csv or .xlsx)"})
		return again(hub.Invalid("Choose an extract to count", ps), "extract")
	}
	pg.Sent = ""
	pg.Draft, pg.DraftOf = base64.StdEncoding.EncodeToString(draft), extractName
	pg.Counted, pg.Rejected = agg.Records()
	pg.Skipped, pg.SkippedWhy = agg.Skipped(), l.Theme.SelectWords()
	pg.NotCounted = agg.NotCounted()
	pg.Problems, pg.More = agg.Problems()
	pg.Tables = tablesOf(l, agg.Counts())
	pg.DraftTheme = l.Theme.Name
	if period, err := monitoring.ParsePeriod(pg.Period, l.Theme.Frequency); err == nil {
		pg.DraftPeriod = period
		if held, ok := s.Monitoring.OwnLatest(p, l.Theme.ID, period); ok {
			pg.Held = &held
		}
	}
	return s.ok(c, "upload", "Check and sign the return", pg)
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

// standardPage shows the monitoring standard in effect, and any version
// proposed or approved that has not yet taken effect.
func (s *server) standardPage(c echo.Context) error {
	st, err := s.Monitoring.CurrentStandard()
	if err != nil {
		return err
	}
	v := s.standardData(c, st, nil)
	if version := c.QueryParam("version"); version != "" {
		v.Done = map[string]string{"proposed": "Version " + version + " is proposed: a forum member of another organisation approves it",
			"approved": "Version " + version + " is approved", "withdrawn": "Version " + version + " is withdrawn"}[c.QueryParam("done")]
	}
	return s.ok(c, "standard", st.Title, v)
}

type standardView struct {
	Standard   monitoring.Standard
	Versions   []monitoring.Standard
	Pending    []pendingStandard
	Themes     []monitoring.Theme
	CanPublish bool
	Today      string // the earliest day a proposal may take effect, as year-month-day
	Effective  string // the day given, sent back with a problem
	Problems   []hub.Problem
	Done       string // what the person just did, in words
}

// pendingStandard is a version proposed, or approved and not yet in
// effect, as the standard page shows it.
type pendingStandard struct {
	monitoring.Standard
	Approved                bool
	ProposedBy, ProposedOrg string // names
	ApprovedBy, ApprovedOrg string
	CanApprove              bool
	OwnOrganisationProposed bool
	Changes                 []string // what it changes from the version in effect, in words
	CanWithdraw             bool
}

func (s *server) personName(id string) string {
	if p, err := s.Directory.Person(id); err == nil {
		return p.DisplayName()
	}
	if id == "" {
		return "the hub"
	}
	return id
}

func (s *server) standardData(c echo.Context, st monitoring.Standard, ps []hub.Problem) standardView {
	forum := s.allowed(c, monitoring.PermStandardEdit, hub.DomainPartnership)
	v := standardView{Standard: st, Themes: s.Monitoring.Themes(), CanPublish: forum, Problems: ps,
		Today: monitoring.Day(s.Clock.Now()).Format(time.DateOnly)}
	for _, o := range s.Monitoring.Standards() {
		if o.InEffectAt(s.Clock.Now()) {
			v.Versions = append(v.Versions, o)
		}
	}
	me := principal(c)
	for _, p := range s.Monitoring.PendingStandards() {
		ps := pendingStandard{Standard: p, Approved: p.Approval() == monitoring.StateApproved,
			ProposedBy: s.personName(p.ProposedBy), ProposedOrg: s.orgName(p.ProposedOrg), CanWithdraw: forum, Changes: p.ChangesFrom(st)}
		if ps.Approved {
			ps.ApprovedBy, ps.ApprovedOrg = s.personName(p.ApprovedBy), s.orgName(p.ApprovedOrg)
		} else {
			ps.OwnOrganisationProposed = me.SignedIn() && me.OrgID == p.ProposedOrg
			ps.CanApprove = forum && !ps.OwnOrganisationProposed
		}
		v.Pending = append(v.Pending, ps)
	}
	return v
}

// standardProblem shows the standard page again with what went wrong,
// for the errors a person can put right; any other error is returned.
func (s *server) standardProblem(c echo.Context, err error, field, effective string) error {
	code := hub.ErrorCode(err)
	if code != hub.CodeInvalid && code != hub.CodeConflict && code != hub.CodeTooLarge && code != hub.CodeForbidden {
		return err
	}
	if code == hub.CodeForbidden && !s.allowed(c, monitoring.PermStandardEdit, hub.DomainPartnership) {
		return err // not a forum member: the ordinary refusal
	}
	st, cerr := s.Monitoring.CurrentStandard()
	if cerr != nil {
		return cerr
	}
	var ps []hub.Problem
	if found := hub.ErrorProblems(err); len(found) > 0 {
		ps = found
	} else {
		ps = []hub.Problem{{Field: field, Message: hub.ErrorMessage(err)}}
	}
	// A problem in the file is named at the file; one of the date, at the date.
	if field == "standard" && len(hub.ErrorProblems(err)) > 0 && !slices.ContainsFunc(ps, func(p hub.Problem) bool { return p.Field == "effective" }) {
		ps = append([]hub.Problem{{Field: "standard", Message: hub.ErrorMessage(err)}}, ps...)
	}
	v := s.standardData(c, st, ps)
	v.Effective = effective
	return s.render(c, statusOf[code], "standard", "Error: "+st.Title, v)
}

// publishStandard proposes a new version of the standard from an uploaded
// file, to take effect on the day given once another organisation approves it.
func (s *server) publishStandard(c echo.Context) error {
	effective := strings.TrimSpace(c.FormValue("effective"))
	b, ok, err := readUpload(c, "standard", 1<<20)
	if err == nil && !ok {
		err = &hub.Error{Code: hub.CodeInvalid, Message: "Choose the file of the new version", Problems: []hub.Problem{{Field: "standard", Message: "Choose a standard file (.json)"}}}
	}
	var st monitoring.Standard
	if err == nil {
		st, err = monitoring.DecodeStandard(bytes.NewReader(b))
	}
	if err == nil {
		st.Effective, err = parseEffective(effective)
	}
	if err == nil {
		_, err = s.Monitoring.ProposeStandard(c.Request().Context(), principal(c), st)
	}
	if err != nil {
		return s.standardProblem(c, err, "standard", effective)
	}
	return c.Redirect(http.StatusSeeOther, "/standard?done=proposed&version="+url.QueryEscape(st.Version)+"#proposed")
}

// parseEffective reads the day a proposed version is to take effect.
func parseEffective(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil // the standard service says it is needed
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, &hub.Error{Code: hub.CodeInvalid, Message: "The date the new version takes effect is not a date",
			Problems: []hub.Problem{{Field: "effective", Message: "Give the date as year-month-day, such as 2027-04-01"}}}
	}
	return d, nil
}

// approveStandard approves a proposed version, for a forum member of
// another organisation than the proposer's.
func (s *server) approveStandard(c echo.Context) error {
	if _, err := s.Monitoring.ApproveStandard(c.Request().Context(), principal(c), c.Param("version")); err != nil {
		return s.standardProblem(c, err, "", "")
	}
	return c.Redirect(http.StatusSeeOther, "/standard?done=approved&version="+url.QueryEscape(c.Param("version")))
}

// withdrawStandard withdraws a version before it takes effect.
func (s *server) withdrawStandard(c echo.Context) error {
	if _, err := s.Monitoring.WithdrawStandard(c.Request().Context(), principal(c), c.Param("version")); err != nil {
		return s.standardProblem(c, err, "", "")
	}
	return c.Redirect(http.StatusSeeOther, "/standard?done=withdrawn&version="+url.QueryEscape(c.Param("version")))
}

type mappingPage struct {
	Org       hub.Organisation
	Mapping   monitoring.Mapping
	History   []monitoring.Mapping
	Standard  monitoring.Standard
	Themes    map[string]string // theme ID to name
	Codes     []mappedQuestion
	CanChange bool       // may save a new version of the mapping
	Form      *codesForm // the codes as a form, for a person who may change them
	Saved     bool       // a new version was just saved
	Current   string     // the version of the standard in effect, when the mapping is for another
}

// mappedQuestion is one question's codes in a mapping, in natural order (P1, P2, P10).
type mappedQuestion struct {
	Question monitoring.Question
	Column   string
	Codes    []mappedCode
}

type mappedCode struct {
	Local, Means string
}

// mappingPage shows how the organisation's codes map to the standard, with
// a form to change them for a person who may; with download=json or
// download=csv it hands the mapping, or its codes, over as a file to change
// and send back with hubctl mapping put.
func (s *server) mappingPage(c echo.Context) error {
	m := s.Monitoring.Mapping(principal(c).OrgID)
	st, ok := s.Monitoring.Standard(m.Standard)
	if !ok {
		st, _ = s.Monitoring.CurrentStandard()
	}
	switch c.QueryParam("download") {
	case "json":
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return hub.Internal(err, "writing the mapping")
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="mapping.json"`)
		return c.Blob(http.StatusOK, "application/json", append(b, '\n'))
	case "csv":
		c.Response().Header().Set("Content-Disposition", `attachment; filename="codes.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", m.CodesCSV(st))
	}
	pg, err := s.mappingData(c, st)
	if err != nil {
		return err
	}
	if pg.CanChange {
		f := codesFormOf(st, m, mappingRows(m))
		pg.Form = &f
	}
	pg.Saved = c.QueryParam("saved") == "1"
	return s.ok(c, "mapping", "Your mapping", pg)
}

// mappingData is what the mapping page shows besides its form.
func (s *server) mappingData(c echo.Context, st monitoring.Standard) (mappingPage, error) {
	p := principal(c)
	o, err := s.Directory.Organisation(p.OrgID)
	if err != nil {
		return mappingPage{}, err
	}
	hist, err := s.Monitoring.Mappings(p, o.ID)
	if err != nil {
		return mappingPage{}, err
	}
	m := s.Monitoring.Mapping(o.ID)
	pg := mappingPage{Org: o, Mapping: m, History: hist, Standard: st, Themes: map[string]string{},
		CanChange: s.allowed(c, monitoring.PermMappingManage, o.ID)}
	for _, t := range s.Monitoring.Themes() {
		pg.Themes[t.ID] = t.Name
	}
	if cur, err := s.Monitoring.CurrentStandard(); err == nil && m.Version > 0 && m.Standard != cur.Version {
		pg.Current = cur.Version
	}
	for _, q := range st.Questions {
		codes := m.Codes[q.Key]
		if len(codes) == 0 {
			continue
		}
		mq := mappedQuestion{Question: q, Column: m.Column(q.Key)}
		for local, std := range codes {
			mq.Codes = append(mq.Codes, mappedCode{Local: local, Means: q.LabelOf(std)})
		}
		slices.SortFunc(mq.Codes, func(a, b mappedCode) int { return naturalCompare(a.Local, b.Local) })
		pg.Codes = append(pg.Codes, mq)
	}
	return pg, nil
}

// naturalCompare orders codes as people read them: the numbers within them
// by their value, so P2 comes before P10.
func naturalCompare(a, b string) int {
	if c := naturalOrder(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func naturalOrder(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsAt(a), digitsAt(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitsAt says how many ASCII digits begin s.
func digitsAt(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
