package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/duty"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/sharing"
	"github.com/partnership/equalityhub/hub/strategy"
)

// demoPassphrase locks the demo organisations' private keys, written to the
// data directory so that a newcomer can sign a return with hubctl.
const demoPassphrase = "demo partnership passphrase"

// seedDemoReturns gives each demo organisation a signing key and a few years
// of signed returns, made as hub/demo says (from synthetic extracts, and the
// councils' population baselines from census proportions). It carries on
// where an earlier start stopped: each organisation's key is made once (kept
// in the data directory before it is registered), and each return is made
// only when none is held for its theme and period, so a start stopped half
// way leaves nothing missing for good.
func seedDemoReturns(ctx context.Context, mon *monitoring.Service, dir *directory.Service, dataDir string, log *slog.Logger) error {
	std, err := mon.CurrentStandard()
	if err != nil {
		return err
	}
	keyDir := filepath.Join(dataDir, "demo-keys")
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return err
	}
	start, made := time.Now(), 0
	for _, o := range dir.Organisations() {
		themes := demoThemes(o.ID, mon.Themes())
		if len(themes) == 0 {
			continue
		}
		var missing []monitoring.Theme
		for _, t := range themes {
			if slices.ContainsFunc(demo.Periods(t), func(p monitoring.Period) bool { return !mon.Holds(o.ID, t.ID, p) }) {
				missing = append(missing, t)
			}
		}
		if len(missing) == 0 {
			continue
		}
		signer, err := demoSigner(ctx, mon, keyDir, o.ID, o.Name)
		if err != nil {
			return fmt.Errorf("the demo key of %s: %w", o.ID, err)
		}
		n, err := seedDemoReturnsOf(ctx, mon, std, signer, o.ID, missing)
		signer.Close()
		made += n
		if err != nil {
			return err
		}
	}
	if made > 0 {
		log.Info("demo returns signed and loaded", "returns", made, "took", time.Since(start).Round(time.Millisecond), "keys", keyDir)
	}
	return nil
}

// seedDemoReturnsOf signs and loads the demo returns of one organisation
// that the hub does not hold yet, and says how many it loaded.
func seedDemoReturnsOf(ctx context.Context, mon *monitoring.Service, std monitoring.Standard, signer *pgp.Signer, orgID string, themes []monitoring.Theme) (int, error) {
	made := 0
	m := mon.Mapping(orgID)
	for _, t := range themes {
		l, err := monitoring.NewLayout(std, t)
		if err != nil {
			return made, err
		}
		for _, period := range demo.Periods(t) {
			if mon.Holds(orgID, t.ID, period) {
				continue
			}
			content, err := demo.Content(l, m, orgID, period)
			if err != nil {
				return made, fmt.Errorf("the demo return %s %s of %s: %w", t.ID, period, orgID, err)
			}
			doc := content.Encode(l)
			sig, err := signer.Sign(doc)
			if err != nil {
				return made, err
			}
			if err := mon.SeedReturn(ctx, orgID, doc, sig); err != nil {
				return made, fmt.Errorf("the demo return %s %s of %s: %w", t.ID, period, orgID, err)
			}
			made++
		}
	}
	return made, nil
}

// demoSigner opens the demo organisation's key kept in keyDir, or makes one
// (written to keyDir first, so that a start stopped before registering it
// registers the same key next time), and registers it with the hub.
func demoSigner(ctx context.Context, mon *monitoring.Service, keyDir, orgID, orgName string) (*pgp.Signer, error) {
	privFile := filepath.Join(keyDir, orgID+"-private.asc")
	priv, err := os.ReadFile(privFile)
	if errors.Is(err, os.ErrNotExist) {
		p, pub, _, err := pgp.GenerateKey(keyUserName(orgName)+" demo returns", "", []byte(demoPassphrase))
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(keyDir, orgID+"-public.asc"), []byte(pub)); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(privFile, []byte(p)); err != nil {
			return nil, err
		}
		priv = []byte(p)
	} else if err != nil {
		return nil, err
	}
	signer, err := pgp.NewSigner(string(priv), []byte(demoPassphrase))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", privFile, err)
	}
	pub, err := signer.PublicKey()
	if err == nil {
		err = mon.SeedKey(ctx, orgID, pub) // registers a key once; again is nothing
	}
	if err != nil {
		signer.Close()
		return nil, err
	}
	return signer, nil
}

// keyUserName makes an organisation's name fit an OpenPGP user ID, in which
// brackets and angle brackets mark a comment and an address: "Riverside
// (North) Council" becomes "Riverside North Council".
func keyUserName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune("()<>", r) || r == 0 {
			return -1
		}
		return r
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// writeFileAtomic writes a file readable by the hub's account only, whole or
// not at all.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// demoThemes chooses the themes an organisation returns in the demo, as
// hub/demo says.
func demoThemes(orgID string, all []monitoring.Theme) []monitoring.Theme {
	var out []monitoring.Theme
	for _, id := range demo.Themes(orgID) {
		if i := slices.IndexFunc(all, func(t monitoring.Theme) bool { return t.ID == id }); i >= 0 {
			out = append(out, all[i])
		}
	}
	return out
}

// seedDemoProtocols signs the demo partnership's sharing protocols, once.
func seedDemoProtocols(ctx context.Context, sh *sharing.Service, now time.Time) error {
	for _, d := range demo.Protocols() {
		p := sharing.Protocol{ID: d.ID, Title: d.Title, Purpose: d.Purpose, Providers: d.Providers, Themes: d.Themes,
			Level: sharing.Aggregate, Threshold: 5, LawfulBasis: "The public sector equality duty, Equality Act 2010 section 149; UK GDPR Article 6(1)(e)",
			Start: time.Date(now.Year()-1, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(now.Year()+2, 3, 31, 0, 0, 0, 0, time.UTC),
			Submitted: true, Created: now}
		for _, r := range d.Recipients {
			p.Recipients = append(p.Recipients, sharing.Recipient(r))
		}
		for _, org := range p.Parties() {
			p.Signatures = append(p.Signatures, sharing.Signature{OrgID: org, Name: "Demo signatory", At: now})
		}
		if err := sh.Seed(ctx, p); err != nil {
			return fmt.Errorf("the demo protocol %s: %w", d.ID, err)
		}
	}
	return nil
}

// seedDemoEIAs walks two joint impact assessments through the service as the
// demo people would, once: one led by the county with the city and the NHS
// trust from screening to publication, and one signed after its decision date.
func seedDemoEIAs(ctx context.Context, eias *eia.Service, dir *directory.Service, now time.Time) error {
	if eias.Dashboard(now).Total > 0 {
		return nil
	}
	as := func(id string) hub.Principal {
		p, _ := dir.Principal("demo-"+id, "session")
		return p
	}
	author, adv := as("county-forum"), as("advisory-disability")
	signers := []hub.Principal{as("county-director"), as("city-cabinet"), as("nhs-director")}
	brown := eia.Brown{Aware: true, BeforeDecision: true, Substance: true, Personal: true, Continuing: true, Recorded: true}
	screen := func(relevant ...hub.Characteristic) eia.Screening {
		sc := eia.Screening{Relevance: map[hub.Characteristic]eia.Relevance{}, Conclusion: eia.NoFullAssessment, Reason: "No group is affected differently"}
		for _, ch := range hub.Characteristics() {
			sc.Relevance[ch] = eia.Relevance{Reason: "The service is the same for everyone"}
		}
		for _, ch := range relevant {
			sc.Relevance[ch] = eia.Relevance{Relevant: true, Reason: "Users' survey and the partnership's satisfaction returns"}
			sc.Conclusion, sc.Reason = eia.FullAssessment, "Older and disabled people use the libraries most"
		}
		return sc
	}
	e, err := eias.Create(ctx, author, eia.EIA{Title: "Library service redesign", Subject: eia.SubjectService, Summary: "Moving library services into community hubs",
		Participants: []string{"northam-city", "northshire-nhs"}, Decision: "Cabinet decision on the joint library and health information service",
		DecisionDate: now.AddDate(0, 1, 0), ReviewDate: now.AddDate(1, 1, 0)})
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error {
			_, err := eias.UpdateScreening(ctx, author, e.ID, screen(hub.Age, hub.Disability))
			return err
		},
		func() error {
			_, err := eias.UpdateAssessment(ctx, author, e.ID, eia.Assessment{
				Evidence: []eia.Evidence{{Kind: eia.EvidenceHub, Title: "Customer satisfaction by disability, all partners", Link: "/data/picture?theme=customer-satisfaction&measure=satisfied&question=disability&period=2025-26-Q4&grouping=broad", Date: now, Summary: "Disabled users are a little less satisfied than others"},
					{Kind: eia.EvidenceExternal, Title: "Library users' consultation, summer 2026", Link: "Northshire County Council consultation report", Date: now.AddDate(0, -3, 0), Summary: "Older and disabled users worry about travelling further"}},
				Impacts: map[string]eia.Impact{string(hub.Age): {Effect: eia.Negative, Reasoning: "Longer journeys for older people in villages", Evidence: []int{1}},
					string(hub.Disability): {Effect: eia.Negative, Reasoning: "Step access at two hubs", Evidence: []int{1}}},
				Alternatives: "Keeping every branch with shorter hours", Conclusion: eia.Adjust, ConclusionReason: "A mobile library and step-free access before the move"})
			return err
		},
		func() error {
			_, err := eias.AddAction(ctx, author, e.ID, eia.Action{Text: "Run a mobile library to rural villages", OwnerOrg: "northshire-county", OwnerPerson: "Priya Shah",
				Due: now.AddDate(0, 6, 0), Status: eia.ActionOpen, StrategyLink: "objective-accessible-services"})
			return err
		},
		func() error { _, err := eias.OpenScrutiny(ctx, author, e.ID, now.AddDate(0, 0, 14)); return err },
		func() error {
			c, err := eias.Comment(ctx, adv, e.ID, "assessment", "Will the mobile library have step-free access for wheelchair users?", true)
			if err != nil {
				return err
			}
			return eias.Respond(ctx, author, e.ID, c.ID, "Yes: the vehicle has a lift, and this is now part of the action")
		},
	}
	for _, s := range signers {
		s := s
		steps = append(steps, func() error { _, err := eias.SignOff(ctx, s, e.ID, 1, brown); return err })
	}
	steps = append(steps, func() error { _, err := eias.Publish(ctx, author, e.ID); return err })
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("the demo assessment: %w", err)
		}
	}
	late, err := eias.Create(ctx, author, eia.EIA{Title: "Car parking charges review", Subject: eia.SubjectBudget, Summary: "New charges at council car parks",
		Participants: []string{"northam-city", "northshire-nhs"}, Decision: "Budget decision on parking charges",
		DecisionDate: now.AddDate(0, 0, -10), ReviewDate: now.AddDate(1, 0, 0)})
	if err != nil {
		return err
	}
	if _, err := eias.UpdateScreening(ctx, author, late.ID, screen()); err != nil {
		return err
	}
	for _, s := range signers {
		if _, err := eias.SignOff(ctx, s, late.ID, 1, brown); err != nil {
			return fmt.Errorf("the demo retrospective assessment: %w", err)
		}
	}
	return nil
}

// demoForum names a forum member of each public body of the demo partnership.
var demoForum = map[string]string{"northshire-county": "county-forum", "eastvale-district": "eastvale-forum", "riverford-borough": "riverford-forum",
	"northam-city": "city-forum", "northshire-police": "police-forum", "northshire-fire": "fire-forum", "northshire-nhs": "nhs-forum"}

// seedDemoStrategy gives the demo partnership its strategy, with baselines
// read from the demo's returns through v, a quarterly report, and every
// partner's framework levels. What an earlier start made is kept; what it did
// not make (it may have stopped half way) is made now.
func seedDemoStrategy(ctx context.Context, strat *strategy.Service, fw *framework.Service, dir *directory.Service, v strategy.Values, now time.Time) error {
	levelsMissing := false
	for org, themes := range framework.DemoLevels() {
		for theme := range themes {
			if _, ok := fw.Assessment(org, "eflg", theme); !ok {
				levelsMissing = true
			}
		}
	}
	if err := seedDemoDuties(ctx, strat, dir, now); err != nil {
		return err
	}
	if len(strat.Objectives()) > 0 && len(strat.Reports()) > 0 && !levelsMissing {
		return nil
	}
	objectives, err := strategy.DemoObjectives(now, v)
	if err != nil {
		return err
	}
	for _, o := range objectives {
		if err := strat.Seed(ctx, o); err != nil { // an objective already held is kept as it is
			return err
		}
	}
	for org, themes := range framework.DemoLevels() {
		actor, err := dir.Principal("demo-"+demoForum[org], "session")
		if err != nil {
			return err
		}
		for theme, level := range themes {
			if _, ok := fw.Assessment(org, "eflg", theme); ok {
				continue
			}
			if _, err := fw.Record(ctx, actor, org, "eflg", theme, level, nil, "Self-assessment for the partnership's framework review"); err != nil {
				return fmt.Errorf("the demo level of %s for %s: %w", org, theme, err)
			}
		}
	}
	if len(strat.Reports()) > 0 {
		return nil
	}
	actor, err := dir.Principal("demo-county-forum", "session")
	if err != nil {
		return err
	}
	_, err = strat.MakeReport(ctx, actor, strategy.QuarterOf(now), v)
	return err
}

// seedDemoDuties records, for each public body of the demo partnership, the
// equality information it published outside the hub: most within the year,
// one due soon and one overdue, so that the duty calendar has a story.
func seedDemoDuties(ctx context.Context, strat *strategy.Service, dir *directory.Service, now time.Time) error {
	held := map[string]bool{}
	for _, r := range strat.DutyRecords() {
		held[r.OrgID] = true
	}
	ago := map[string]int{"northshire-county": 13, "northam-city": 8, "eastvale-district": 11, "riverford-borough": 4,
		"northshire-police": 3, "northshire-fire": 6, "northshire-nhs": 9} // months since each last published
	for _, o := range dir.Organisations() {
		months, ok := ago[o.ID]
		if !ok || held[o.ID] {
			continue
		}
		actor, err := dir.Principal("demo-"+demoForum[o.ID], "session")
		if err != nil {
			return err
		}
		r := duty.Record{Kind: duty.Information, Date: now.AddDate(0, -months, 0), Title: "Equality information report, " + o.Name,
			URL: "https://" + o.ID + ".example/equality"}
		if _, err := strat.RecordPublication(ctx, actor, r); err != nil {
			return fmt.Errorf("the demo publication of %s: %w", o.ID, err)
		}
	}
	return nil
}
