// Package figures is the gate: every figure a person sees that is derived
// from another organisation's monitoring returns passes through it. For
// each viewer it decides the flow of each partner's data through the
// sharing protocols in force (the policy engine), shows only what the
// theme and year's protected pattern releases, and puts the read on the
// record, refusing it when it cannot be recorded. The pattern is decided
// once for everything that can be derived from a theme's returns for a
// year (every partner and the partnership, detailed answers, broad groups
// and totals, quarters and the year, each measure), whoever asks, so that
// colleagues, restarts and several hub processes cannot combine views into
// more than it allows. A viewer's own organisation's figures are never
// withheld from them.
package figures

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/audit"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/sharing"
)

// PermRead lets a person ask for figures of the partnership; what each
// partner's figures show is decided by the protocols.
var PermRead = hub.Permission{Object: "data", Action: "read"}

// Gate is the one door to other organisations' figures.
type Gate struct {
	src      monitoring.Reader
	sharing  *sharing.Service
	dir      *directory.Service
	auth     hub.Authorizer
	log      audit.Log
	refusals Refuser // nil: each refusal is an entry
	clock    hub.Clock
	store    Store

	mu       sync.Mutex
	patterns map[string]*protected // by theme and year
	building map[string]*sync.Mutex
	releases map[string]Release // by theme and year
}

// New returns the gate. It is the only holder of the monitoring reader.
func New(src monitoring.Reader, sh *sharing.Service, dir *directory.Service, auth hub.Authorizer, log audit.Log, clock hub.Clock, store Store) *Gate {
	return &Gate{src: src, sharing: sh, dir: dir, auth: auth, log: log, clock: clock, store: store,
		patterns: map[string]*protected{}, building: map[string]*sync.Mutex{}, releases: map[string]Release{}}
}

// threshold is the partnership's threshold for a theme: the partners' own,
// or a higher one a protocol in force sets for the theme.
func (g *Gate) threshold(theme string) int {
	t := PartnerThreshold
	for _, p := range g.sharing.Protocols() {
		if p.Threshold > t && slices.Contains(p.Themes, theme) && p.StateAt(g.clock.Now()) == sharing.Active {
			t = p.Threshold
		}
	}
	return t
}

// pattern returns the protected pattern of a theme and year for the
// returns held now, deciding it when they changed.
func (g *Gate) pattern(ctx context.Context, t monitoring.Theme, year monitoring.Period) (*protected, error) {
	std, err := g.src.CurrentStandard()
	if err != nil {
		return nil, err
	}
	l, err := g.src.Layout(t.ID, std.Version)
	if err != nil {
		return nil, err
	}
	thr := g.threshold(t.ID)
	sn := g.snapshot(t, l, year, thr)
	slot := t.ID + "/" + string(year)
	g.mu.Lock()
	if p, ok := g.patterns[slot]; ok && p.key == sn.key {
		g.mu.Unlock()
		return p, nil
	}
	b, ok := g.building[slot]
	if !ok {
		b = &sync.Mutex{}
		g.building[slot] = b
	}
	g.mu.Unlock()
	b.Lock()
	defer b.Unlock()
	g.mu.Lock()
	p, ok := g.patterns[slot]
	old := g.releases[slot]
	g.mu.Unlock()
	if ok && p.key == sn.key {
		return p, nil // decided by another request while this one waited
	}
	p, err = build(t, l, year, sn, thr, history(old, func(question string) int64 {
		if q, ok := l.Standard.Question(question); ok && q.Sensitive {
			return max(int64(thr), SensitiveThreshold)
		}
		return int64(thr)
	}))
	if err != nil {
		return nil, hub.Internal(err, "protecting "+t.Name+" "+string(year))
	}
	if err := g.kept(ctx, p, slot); err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.patterns[slot] = p
	g.mu.Unlock()
	return p, nil
}

// Warm decides the pattern of the latest year of every theme held (what
// the pages show first), so that the first person to ask does not wait;
// older years are decided when first asked for.
func (g *Gate) Warm(ctx context.Context) error {
	for _, t := range g.src.Themes() {
		for _, p := range g.src.Periods(t.ID)[:min(1, len(g.src.Periods(t.ID)))] {
			y := yearOf(p)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if _, err := g.pattern(ctx, t, y); err != nil {
				return err
			}
		}
	}
	return nil
}

// flow says whether a viewer may see an organisation's data of a theme,
// under which protocol, and if not, why in words.
func (g *Gate) flow(viewer hub.Principal, org, theme string) (protocol string, ok bool, why string, err error) {
	if viewer.SignedIn() && viewer.OrgID == org {
		return "", true, "", nil
	}
	p, ok, err := g.sharing.Flow(viewer, org, theme)
	if err != nil {
		return "", false, "", err
	}
	if !ok {
		t, _ := g.src.Theme(theme)
		return "", false, "No sharing protocol in force lets you see " + g.name(org) + "'s " + strings.ToLower(t.Name) + " data", nil
	}
	return p.ID, true, "", nil
}

func (g *Gate) name(org string) string {
	if o, err := g.dir.Organisation(org); err == nil {
		return o.Name
	}
	return org
}

// record puts reads of other organisations' data on the record; a read
// that cannot be recorded is refused.
func (g *Gate) record(ctx context.Context, viewer hub.Principal, reads []read, detail string) error {
	for _, r := range reads {
		if _, err := g.log.Record(ctx, audit.Entry{PersonID: viewer.PersonID, OrgID: viewer.OrgID, Action: audit.ActionRead,
			Object: "returns/" + r.owner + "/" + r.theme + "/" + r.period, Owner: r.owner, Protocol: r.protocol, Detail: detail}); err != nil {
			return hub.Internal(err, "recording a read")
		}
	}
	return nil
}

// Refuser puts refusals on the record, summarising a flood (audit.Refusals).
type Refuser interface {
	Refused(ctx context.Context, who string, e audit.Entry) error
}

// RefuseTo has refused flows go on the record through r, so that a page
// that asks for many partners' figures does not fill the record with
// refusals; without it, each refusal is an entry.
func (g *Gate) RefuseTo(r Refuser) { g.refusals = r }

// refuse puts a refused flow on the record.
func (g *Gate) refuse(ctx context.Context, viewer hub.Principal, owner, theme, period string) error {
	e := audit.Entry{PersonID: viewer.PersonID, OrgID: viewer.OrgID, Action: audit.ActionDenied,
		Object: "returns/" + owner + "/" + theme + "/" + period, Owner: owner, Detail: "no protocol in force"}
	var err error
	if g.refusals != nil {
		// Counted apart from the person's refused requests, which a page's
		// withheld partners must not crowd out.
		err = g.refusals.Refused(ctx, "figures for "+viewer.PersonID, e)
	} else {
		_, err = g.log.Record(ctx, e)
	}
	if err != nil {
		return hub.Internal(err, "recording a refusal")
	}
	return nil
}

type read struct{ owner, theme, period, protocol string }

func invalid(field, msg string) error {
	return &hub.Error{Code: hub.CodeInvalid, Message: msg, Problems: []hub.Problem{{Field: field, Message: msg}}}
}

// own returns a viewer's own count, never withheld.
func own(v int64) disclosure.Cell {
	if v == 0 {
		return disclosure.Cell{Status: disclosure.StatusZero, Text: "0"}
	}
	return disclosure.Cell{Value: v, Status: disclosure.StatusReleased, Text: hub.Thousands(v)}
}

// Holders returns the organisations that hold a return of a theme in the
// year of a period: who collects it, not what it says, so no flow is
// decided and nothing is recorded.
func (g *Gate) Holders(theme string, period monitoring.Period) []string {
	t, ok := g.src.Theme(theme)
	if !ok || len(period) < 7 {
		return nil
	}
	var out []string
	for _, o := range g.dir.Organisations() {
		for _, p := range periodsOf(t, yearOf(period)) {
			if _, ok := g.src.Latest(o.ID, t.ID, p); ok {
				out = append(out, o.ID)
				break
			}
		}
	}
	return out
}
