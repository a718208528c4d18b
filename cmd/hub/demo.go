package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/partnership/equalityhub/adapters/pgp"
	"github.com/partnership/equalityhub/hub"
	"github.com/partnership/equalityhub/hub/demo"
	"github.com/partnership/equalityhub/hub/directory"
	"github.com/partnership/equalityhub/hub/eia"
	"github.com/partnership/equalityhub/hub/framework"
	"github.com/partnership/equalityhub/hub/monitoring"
	"github.com/partnership/equalityhub/hub/picture"
	"github.com/partnership/equalityhub/hub/sharing"
	"github.com/partnership/equalityhub/hub/strategy"
)

// demoPassphrase locks the demo organisations' private keys, written to the
// data directory so that a newcomer can sign a return with hubctl.
const demoPassphrase = "demo partnership passphrase"

// demoYears are the financial years of the demo partnership's returns.
var demoYears = []string{"2023-24", "2024-25", "2025-26"}

// seedDemoReturns gives each demo organisation a signing key and a few years
// of signed returns made from synthetic extracts, once.
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
		themes := demoThemes(o.Kind.PublicBody(), o.ID, mon.Themes())
		if len(themes) == 0 {
			continue
		}
		if len(mon.Keys(o.ID)) > 0 {
			return nil // seeded before
		}
		priv, pub, _, err := pgp.GenerateKey(o.Name+" demo returns", "", []byte(demoPassphrase))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(keyDir, o.ID+"-private.asc"), []byte(priv), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(keyDir, o.ID+"-public.asc"), []byte(pub), 0o644); err != nil {
			return err
		}
		if err := mon.SeedKey(ctx, o.ID, pub); err != nil {
			return err
		}
		signer, err := pgp.NewSigner(priv, []byte(demoPassphrase))
		if err != nil {
			return err
		}
		m := mon.Mapping(o.ID)
		for ti, t := range themes {
			l, err := monitoring.NewLayout(std, t)
			if err != nil {
				signer.Close()
				return err
			}
			for yi, year := range demoYears {
				periods := []string{year}
				if t.Frequency == monitoring.Quarterly {
					periods = []string{year + "-Q1", year + "-Q2", year + "-Q3", year + "-Q4"}
				}
				for pi, period := range periods {
					rows := 1200
					if t.Area == "population" {
						rows = 20000
					}
					var buf bytes.Buffer
					seed := orgSeed(o.ID) + uint64(ti*100+yi*10+pi)
					opts := demo.ExtractOptions{Rows: rows + 37*yi, Seed: seed, Rates: demoRates}
					if t.ID == "stop-and-search" {
						// The demo force searches Black and mixed-heritage people more than their share of the population.
						opts.Rows *= 3
						opts.Weights = map[string]map[string]float64{"ethnicity": {"caribbean": 8, "african": 8, "other-black": 8, "white-and-black-caribbean": 3, "white-and-black-african": 3}}
					}
					if err := demo.WriteExtract(&buf, l, m, opts); err != nil {
						signer.Close()
						return err
					}
					agg, err := monitoring.Aggregate(monitoring.NewCSVRows(&buf, 1<<30), l, m)
					if err != nil {
						signer.Close()
						return err
					}
					counted, rejected := agg.Records()
					p, _ := monitoring.ParsePeriod(period, t.Frequency)
					doc := monitoring.Content{OrgID: o.ID, Theme: t.ID, Period: p, Standard: std.Version, Mapping: m.Version,
						Records: counted, Rejected: rejected, Counts: agg.Counts()}.Encode(l)
					sig, err := signer.Sign(doc)
					if err != nil {
						signer.Close()
						return err
					}
					if err := mon.SeedReturn(ctx, o.ID, doc, sig); err != nil {
						signer.Close()
						return fmt.Errorf("the demo return %s %s of %s: %w", t.ID, period, o.ID, err)
					}
					made++
				}
			}
		}
		signer.Close()
	}
	log.Info("demo returns signed and loaded", "returns", made, "took", time.Since(start).Round(time.Millisecond), "keys", keyDir)
	return nil
}

// demoRates are how often the demo extracts' yes/no measures are yes.
var demoRates = map[string]float64{"arrested": 0.16, "satisfied": 0.78, "sanction-detected": 0.22, "appointed": 0.12, "shortlisted": 0.3, "granted": 0.8, "engaged": 0.65}

// demoThemes chooses the themes an organisation returns in the demo: community
// safety for the police, services and the workforce for every public body, and
// the population for the county council.
func demoThemes(public bool, orgID string, all []monitoring.Theme) []monitoring.Theme {
	if !public {
		return nil
	}
	want := map[string]bool{"customer-satisfaction": true, "service-take-up": true, "workforce-strength": true, "workforce-recruitment": true}
	var out []monitoring.Theme
	for _, t := range all {
		if want[t.ID] || (t.Area == "community safety" && orgID == "northshire-police") || (t.Area == "population" && orgID == "northshire-county") {
			out = append(out, t)
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

// orgSeed gives each organisation's synthetic data a seed of its own.
func orgSeed(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() &^ 0xffff
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
				Evidence: []eia.Evidence{{Kind: eia.EvidenceHub, Title: "Customer satisfaction by ethnic group, all partners", Link: "/data/picture?theme=customer-satisfaction&measure=satisfied&question=ethnicity&period=2025-26-Q4&grouping=broad", Date: now, Summary: "No significant gap between groups"},
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

// seedDemoStrategy gives the demo partnership its strategy, a quarterly
// report, and every partner's framework levels, once.
func seedDemoStrategy(ctx context.Context, strat *strategy.Service, fw *framework.Service, dir *directory.Service, pic *picture.Service, now time.Time) error {
	if len(strat.Objectives()) > 0 {
		return nil
	}
	for _, o := range strategy.DemoObjectives(now) {
		if err := strat.Seed(ctx, o); err != nil {
			return err
		}
	}
	forum := map[string]string{"northshire-county": "county-forum", "eastvale-district": "eastvale-forum", "riverford-borough": "riverford-forum",
		"northam-city": "city-forum", "northshire-police": "police-forum", "northshire-fire": "fire-forum", "northshire-nhs": "nhs-forum"}
	for org, themes := range framework.DemoLevels() {
		actor, err := dir.Principal("demo-"+forum[org], "session")
		if err != nil {
			return err
		}
		for theme, level := range themes {
			if _, err := fw.Record(ctx, actor, org, "eflg", theme, level, nil, "Self-assessment for the partnership's framework review"); err != nil {
				return fmt.Errorf("the demo level of %s for %s: %w", org, theme, err)
			}
		}
	}
	actor, err := dir.Principal("demo-county-forum", "session")
	if err != nil {
		return err
	}
	_, err = strat.MakeReport(ctx, actor, strategy.QuarterOf(now), pic.Values())
	return err
}
