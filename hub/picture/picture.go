// Package picture assembles the partnership picture: one theme's counts for
// several partners side by side, each partner's column shown only when a
// protocol in force lets the viewer see it, protected by the disclosure
// engine for anyone but the data's owner, with the indicators computed from
// the counts, and every look put on the record.
package picture

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/indicators"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/sharing"
)

// PermRead lets a person ask for the partnership picture; what each partner's
// column shows is decided by the protocols.
var PermRead = hub.Permission{Object: "data", Action: "read"}

// SensitiveThreshold is the least threshold for questions the standard marks sensitive.
const SensitiveThreshold = 10

// Request is what a person asks to see.
type Request struct {
	Theme    string
	Measure  string
	Question string
	Period   string
	Partners []string // organisation IDs; empty: every partner
	Broad    bool     // broad groups rather than detailed categories
}

// Column is one partner's column.
type Column struct {
	OrgID    string
	Name     string
	Shown    bool
	Why      string // why it is not shown
	Protocol string // the protocol it is shown under; empty for the viewer's own organisation
	Own      bool
}

// Result is a protected table and its indicators.
type Result struct {
	Request       Request
	Theme         monitoring.Theme
	Measure       monitoring.Measure
	Whole         *monitoring.Measure // the measure this one is a part of, for rates
	Question      monitoring.Question
	Columns       []Column // every partner asked for
	Shown         []Column // the columns of the table, in order
	Table         disclosure.Protected
	Rates         [][]disclosure.RateCell // row by shown column: Measure of Whole, per 100; nil without a whole
	Gaps          []indicators.Value      // per shown column: White minus other ethnic groups' rate; nil unless the question is ethnicity and there is a whole
	GapDefinition string
	Protected     bool // the disclosure engine was applied
	// Against the population: for community safety themes by ethnic group,
	// each partner's rate per 1,000 people of each broad group and its ratio
	// to the White group's, when a population return can be seen.
	Population      string // whose population return, e.g. "Northshire County Council, 2025-26"
	Disproportions  []Disproportion
	RateDefinition  string
	RatioDefinition string
}

// Disproportion is one partner's rates by broad group against the population.
type Disproportion struct {
	Partner string
	Groups  []GroupRate
}

// GroupRate is one broad group's rate per 1,000 people and its ratio to the reference group's.
type GroupRate struct {
	Group string
	Rate  indicators.Value
	Ratio indicators.Value // against White; not OK for the White group itself
}

// Service assembles pictures.
type Service struct {
	mon     *monitoring.Service
	sharing *sharing.Service
	dir     *directory.Service
	auth    hub.Authorizer
	log     audit.Log

	mu       sync.Mutex
	ledger   *disclosure.Ledger
	released map[string]disclosure.Protected // tables already released, by recipient and content
}

// maxReleased bounds the memory of released tables; past it the memory starts again.
const maxReleased = 20000

// NewService returns the picture service.
func NewService(mon *monitoring.Service, sh *sharing.Service, dir *directory.Service, auth hub.Authorizer, log audit.Log) *Service {
	return &Service{mon: mon, sharing: sh, dir: dir, auth: auth, log: log, ledger: disclosure.NewLedger(), released: map[string]disclosure.Protected{}}
}

// Table assembles the picture a principal asked for.
func (s *Service) Table(ctx context.Context, actor hub.Principal, req Request) (Result, error) {
	if err := hub.Authorize(s.auth, actor, PermRead, actor.OrgID); err != nil {
		return Result{}, err
	}
	theme, ok := s.mon.Theme(req.Theme)
	if !ok {
		return Result{}, invalid("theme", "Choose a theme")
	}
	period, err := monitoring.ParsePeriod(req.Period, theme.Frequency)
	if err != nil {
		return Result{}, invalid("period", hub.ErrorMessage(err))
	}
	std, err := s.mon.CurrentStandard()
	if err != nil {
		return Result{}, err
	}
	l, err := monitoring.NewLayout(std, theme)
	if err != nil {
		return Result{}, err
	}
	res := Result{Request: req, Theme: theme}
	mi := -1
	for i, m := range theme.Measures {
		if m.ID == req.Measure {
			mi, res.Measure = i, m
		}
	}
	if mi < 0 {
		mi, res.Measure = 0, theme.Measures[0]
	}
	wi := -1
	if res.Measure.Of != "" {
		for i, m := range theme.Measures {
			if m.ID == res.Measure.Of {
				wi = i
				w := m
				res.Whole = &w
			}
		}
	}
	qi := -1
	for i, q := range l.Questions {
		if q.Key == req.Question {
			qi, res.Question = i, q
		}
	}
	if qi < 0 {
		return Result{}, invalid("question", "Choose a characteristic the theme is broken down by")
	}

	// Rows: the question's answers, or its broad groups.
	type row struct {
		label   string
		answers []int
		codes   []string
	}
	var rows []row
	answers := res.Question.Answers()
	if req.Broad && len(res.Question.Groups) > 0 {
		for _, g := range res.Question.Groups {
			r := row{label: g.Label}
			for ai, a := range answers {
				if a.Group == g.Code {
					r.answers, r.codes = append(r.answers, ai), append(r.codes, a.Code)
				}
			}
			rows = append(rows, r)
		}
		for ai, a := range answers[len(res.Question.Categories):] {
			rows = append(rows, row{label: a.Label, answers: []int{len(res.Question.Categories) + ai}, codes: []string{a.Code}})
		}
	} else {
		for ai, a := range answers {
			rows = append(rows, row{label: a.Label, answers: []int{ai}, codes: []string{a.Code}})
		}
	}

	partners := req.Partners
	if len(partners) == 0 {
		for _, o := range s.dir.Organisations() {
			if o.Kind.PublicBody() {
				partners = append(partners, o.ID)
			}
		}
	}
	rules := disclosure.PartnerRules()
	var shownReturns []monitoring.Return
	for _, org := range partners {
		o, err := s.dir.Organisation(org)
		if err != nil {
			return Result{}, err
		}
		c := Column{OrgID: org, Name: o.Name, Own: actor.OrgID == org}
		p, ok, err := s.sharing.Flow(actor, org, theme.ID)
		switch {
		case err != nil:
			return Result{}, err
		case !ok:
			c.Why = "No sharing protocol in force lets you see " + o.Name + "'s " + strings.ToLower(theme.Name) + " data"
			if _, err := s.log.Record(ctx, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: audit.ActionDenied, Object: "returns/" + org + "/" + theme.ID + "/" + string(period), Owner: org, Detail: "no protocol in force"}); err != nil {
				return Result{}, hub.Internal(err, "recording a refusal")
			}
		default:
			r, found := s.mon.Latest(org, theme.ID, period)
			switch {
			case !found:
				c.Why = o.Name + " has no return for " + string(period)
			case r.Standard != std.Version:
				c.Why = o.Name + "'s return was made under standard " + r.Standard + ", which cannot be set beside " + std.Version
			default:
				c.Shown, c.Protocol = true, p.ID
				if !c.Own {
					if p.Threshold > rules.Threshold {
						rules.Threshold = p.Threshold
					}
					if p.Round > rules.Round {
						rules.Round = p.Round
					}
				}
				shownReturns = append(shownReturns, r)
				res.Shown = append(res.Shown, c)
			}
		}
		res.Columns = append(res.Columns, c)
	}
	if len(res.Shown) == 0 {
		return res, nil
	}
	// Answers about gender identity, sexual orientation, pregnancy and
	// maternity are few and sensitive: their small counts are held back harder.
	if res.Question.Sensitive && rules.Threshold < SensitiveThreshold {
		rules.Threshold = SensitiveThreshold
	}

	// The table of the measure, and of its whole for rates.
	build := func(m int, measure string) (disclosure.Table, [][]disclosure.Population) {
		t := disclosure.Table{Cols: make([]string, len(res.Shown))}
		pops := make([][]disclosure.Population, len(rows))
		for j, c := range res.Shown {
			t.Cols[j] = c.Name
		}
		for i, r := range rows {
			t.Rows = append(t.Rows, r.label)
			line := make([]int64, len(res.Shown))
			for j, ret := range shownReturns {
				for _, ai := range r.answers {
					line[j] += ret.Counts[l.Index(qi, ai, m)]
				}
				pops[i] = append(pops[i], disclosure.Atoms([]string{ret.OrgID}, r.codes, theme.ID+"/"+string(period)+"/"+measure))
			}
			t.Counts = append(t.Counts, line)
		}
		return t, pops
	}
	onlyOwn := len(res.Shown) == 1 && res.Shown[0].Own
	// Populations of different themes, periods or measures never overlap, so
	// the ledger keeps each apart: a differencing attack needs the same one.
	protect := func(t disclosure.Table, pops [][]disclosure.Population, measure string) (disclosure.Protected, error) {
		if onlyOwn {
			return disclosure.Protect(t, disclosure.Rules{Threshold: 1})
		}
		recipient := recipientKey(actor) + "/" + theme.ID + "/" + string(period) + "/" + measure
		// The same table asked for again by the same person is the table they
		// were given: it tells them nothing new, and needs no new checks.
		key := fmt.Sprint(recipient, rules, t.Cols, t.Rows, t.Counts)
		s.mu.Lock()
		defer s.mu.Unlock()
		if p, ok := s.released[key]; ok {
			return p, nil
		}
		p, err := disclosure.ProtectAgainst(s.ledger, recipient, t, pops, rules)
		if err != nil {
			return p, err
		}
		if len(s.released) >= maxReleased {
			s.released = map[string]disclosure.Protected{}
		}
		s.released[key] = p
		return p, nil
	}
	t, pops := build(mi, res.Measure.ID)
	if res.Table, err = protect(t, pops, res.Measure.ID); err != nil {
		return Result{}, err
	}
	res.Protected = !onlyOwn
	if res.Whole != nil {
		wt, wpops := build(wi, res.Whole.ID)
		whole, err := protect(wt, wpops, res.Whole.ID)
		if err != nil {
			return Result{}, err
		}
		for i := range rows {
			var line []disclosure.RateCell
			for j := range res.Shown {
				line = append(line, disclosure.Rate(res.Table.Cells[i][j], whole.Cells[i][j], 100))
			}
			res.Rates = append(res.Rates, line)
		}
		if res.Question.Key == "ethnicity" {
			res.GapDefinition = "The share of White people who are " + strings.ToLower(res.Measure.Label) + " minus the share of people of all other ethnic groups, in percentage points, with its 95% interval; prefer not to say and not known are left out."
			for _, ret := range shownReturns {
				var wn, wd, on, od int64
				for ai, a := range res.Question.Categories {
					n, d := ret.Counts[l.Index(qi, ai, mi)], ret.Counts[l.Index(qi, ai, wi)]
					if a.Group == "white" {
						wn, wd = wn+n, wd+d
					} else {
						on, od = on+n, od+d
					}
				}
				if wd < int64(rules.Threshold) || od < int64(rules.Threshold) {
					res.Gaps = append(res.Gaps, indicators.Value{Reason: "withheld: a group is too small to compare"})
					continue
				}
				res.Gaps = append(res.Gaps, indicators.ProportionGap(wn, wd, on, od))
			}
		}
	}
	if theme.Area == "community safety" && res.Question.Key == "ethnicity" {
		s.disproportion(ctx, actor, &res, shownReturns, l, qi, mi, period, rules)
	}
	for _, c := range res.Shown {
		if c.Own {
			continue
		}
		if _, err := s.log.Record(ctx, audit.Entry{PersonID: actor.PersonID, OrgID: actor.OrgID, Action: audit.ActionRead, Object: "returns/" + c.OrgID + "/" + theme.ID + "/" + string(period), Owner: c.OrgID, Protocol: c.Protocol,
			Detail: fmt.Sprintf("%s by %s, %s", res.Measure.Label, res.Question.Label, period)}); err != nil {
			return Result{}, hub.Internal(err, "recording a read")
		}
	}
	return res, nil
}

// disproportion sets each shown partner's rates per 1,000 people of each
// broad ethnic group, and their ratios to the White group's, from a
// population return the viewer may see for the same year. Rates are worked
// out from whole groups, and withheld where a group's count is small.
func (s *Service) disproportion(ctx context.Context, actor hub.Principal, res *Result, rets []monitoring.Return, l *monitoring.Layout, qi, mi int, period monitoring.Period, rules disclosure.Rules) {
	popTheme, ok := s.mon.Theme("population")
	if !ok {
		return
	}
	year := monitoring.Period(fmt.Sprintf("%d-%02d", period.Year(), (period.Year()+1)%100))
	var pop monitoring.Return
	var popOrg string
	for _, o := range s.dir.Organisations() {
		if _, ok, err := s.sharing.Flow(actor, o.ID, popTheme.ID); err != nil || !ok {
			continue
		}
		if r, found := s.mon.Latest(o.ID, popTheme.ID, year); found && r.Standard == l.Standard.Version {
			pop, popOrg = r, o.Name
			break
		}
	}
	if popOrg == "" {
		return
	}
	pl, err := monitoring.NewLayout(l.Standard, popTheme)
	if err != nil {
		return
	}
	pqi := -1
	for i, q := range pl.Questions {
		if q.Key == "ethnicity" {
			pqi = i
		}
	}
	if pqi < 0 {
		return
	}
	res.Population = popOrg + ", " + string(year)
	res.RateDefinition, res.RatioDefinition = indicators.StopSearchRateDefinition, indicators.StopSearchDisproportionalityDefinition
	q := res.Question
	sums := func(counts []int64, layout *monitoring.Layout, qIndex, m int, group string) int64 {
		var n int64
		for ai, a := range q.Categories {
			if a.Group == group {
				n += counts[layout.Index(qIndex, ai, m)]
			}
		}
		return n
	}
	for j, r := range rets {
		d := Disproportion{Partner: res.Shown[j].Name}
		whiteN, whiteP := sums(r.Counts, l, qi, mi, "white"), sums(pop.Counts, pl, pqi, 0, "white")
		for _, g := range q.Groups {
			n, p := sums(r.Counts, l, qi, mi, g.Code), sums(pop.Counts, pl, pqi, 0, g.Code)
			gr := GroupRate{Group: g.Label}
			if n > 0 && n < int64(rules.Threshold) && !res.Shown[j].Own {
				gr.Rate = indicators.Value{Reason: "withheld: fewer than " + fmt.Sprint(rules.Threshold)}
				gr.Ratio = gr.Rate
			} else {
				gr.Rate = indicators.RatePer(n, p, 1000)
				if g.Code != "white" {
					gr.Ratio = indicators.RateRatio(n, p, whiteN, whiteP)
				}
			}
			d.Groups = append(d.Groups, gr)
		}
		res.Disproportions = append(res.Disproportions, d)
	}
}

// recipientKey is who the ledger remembers releases to: the person.
func recipientKey(p hub.Principal) string { return "person:" + p.PersonID }

func invalid(field, msg string) error {
	return &hub.Error{Code: hub.CodeInvalid, Message: msg, Problems: []hub.Problem{{Field: field, Message: msg}}}
}
