package demo

import (
	"bufio"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/partnership/equalityhub/hub/monitoring"
)

// ExtractOptions says what synthetic extract to make.
type ExtractOptions struct {
	Rows  int
	Seed  uint64
	Messy float64 // the share of rows with a mistake a real extract might have, e.g. 0.01
	// Rates sets how likely each measure's yes/no column is yes, by measure ID; 0.5 when missing.
	Rates map[string]float64
	// Weights multiplies how often answers appear, by question key and answer
	// code, e.g. {"ethnicity": {"caribbean": 3}} for a service that meets
	// some groups more than their share of the population.
	Weights map[string]map[string]float64
	// Bias multiplies a measure's rate for records in a category, e.g.
	// {"arrested": {"caribbean": 1.3}}, so that gaps show in the demo's indicators.
	Bias map[string]map[string]float64
	// Profile, when set, is who the records are about: each question's
	// answers are drawn in its shares (then multiplied by Weights) instead of
	// loosely like a shire county. In Weights and Bias, "group:CODE" stands
	// for every answer of one of the standard's broad groups, e.g. "group:black".
	Profile Profile
	// OneOf names measures of which each record is exactly one, drawn in the
	// proportions of their rates: e.g. complaints and compliments.
	OneOf []string
	// Period, when set, adds a date column: each record dated on a day of the
	// period, up to Today.
	Period monitoring.Period
	// Today is the last day a record may be dated; zero: today.
	Today time.Time
}

// WriteExtract writes a synthetic record-level extract for a theme, in an
// organisation's own columns and codes, the same for the same options. Answers
// follow the options' profile, or weights loosely like a shire county's
// population without one; a measure that is a part of another marked in a
// column (complaints upheld of complaints) is only ever marked within it, its
// rate then being the share of the whole. With Messy, some rows carry unknown
// codes, stray text in yes/no columns or missing cells.
func WriteExtract(w io.Writer, l *monitoring.Layout, m monitoring.Mapping, o ExtractOptions) error {
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	local := localCodes(m)
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	var header []string
	for _, q := range l.Questions {
		header = append(header, m.Column(q.Key))
	}
	var flags []monitoring.Measure
	for _, ms := range l.Theme.Measures {
		if ms.Column != "" {
			flags = append(flags, ms)
			header = append(header, m.Column(ms.Column))
		}
	}
	header = append(header, m.Column(monitoring.RecordIDColumn))
	var dates *rand.Rand
	var first time.Time
	var days int
	if o.Period != "" {
		// Dates come from a generator of their own, so that the rest of the extract is the same with or without them.
		dates = rand.New(rand.NewPCG(o.Seed^0x5eed, o.Seed))
		var last time.Time
		first, last = o.Period.Bounds()
		today := o.Today
		if today.IsZero() {
			today = time.Now()
		}
		if today.Before(last) {
			last = today
		}
		days = max(1, int(last.Sub(first).Hours()/24))
		header = append(header, m.Column(monitoring.DateColumn))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	weights := make([][]float64, len(l.Questions))
	for i, q := range l.Questions {
		weights[i] = answerWeights(q)
		if shares, ok := o.Profile[q.Key]; ok {
			for ai, a := range q.Answers() {
				weights[i][ai] = shares[a.Code]
			}
		}
		for ai, a := range q.Answers() {
			weights[i][ai] *= factor(o.Weights[q.Key], a)
		}
	}
	// bias[fi][qi][ai] multiplies the rate of flag fi for answer ai of question qi.
	bias := make([][][]float64, len(flags))
	rates := make([]float64, len(flags))
	parent := make([]int, len(flags)) // the flag a flag is a part of, or -1
	oneOf := make([]bool, len(flags))
	for fi, ms := range flags {
		rates[fi] = 0.5
		if rate, ok := o.Rates[ms.ID]; ok {
			rates[fi] = rate
		}
		parent[fi] = slices.IndexFunc(flags, func(f monitoring.Measure) bool { return ms.Of != "" && f.ID == ms.Of })
		oneOf[fi] = slices.Contains(o.OneOf, ms.ID)
		bias[fi] = make([][]float64, len(l.Questions))
		for qi, q := range l.Questions {
			bias[fi][qi] = make([]float64, len(q.Answers()))
			for ai, a := range q.Answers() {
				bias[fi][qi][ai] = factor(o.Bias[ms.ID], a)
			}
		}
	}
	// codes[qi][ai] is how the organisation writes answer ai of question qi.
	codes := make([][]string, len(l.Questions))
	notKnown := make([]int, len(l.Questions))
	for qi, q := range l.Questions {
		for ai, a := range q.Answers() {
			code := a.Code
			if c, ok := local[q.Key][a.Code]; ok {
				code = c
			}
			codes[qi] = append(codes[qi], code)
			if a.Code == monitoring.NotKnown {
				notKnown[qi] = ai
			}
		}
	}
	row := make([]string, len(header))
	chosen := make([]int, len(l.Questions))
	rate := make([]float64, len(flags))
	yes := make([]bool, len(flags))
	for n := range o.Rows {
		for qi := range l.Questions {
			ai := pick(r, weights[qi])
			chosen[qi] = ai
			row[qi] = codes[qi][ai]
			if ai == notKnown[qi] && r.IntN(2) == 0 {
				row[qi] = ""
			}
		}
		for fi := range flags {
			rate[fi] = rates[fi]
			for qi, ai := range chosen {
				rate[fi] *= bias[fi][qi][ai]
			}
		}
		if slices.Contains(oneOf, true) {
			total := 0.0
			for fi := range flags {
				if oneOf[fi] {
					total += rate[fi]
				}
			}
			x := r.Float64() * total
			for fi := range flags {
				if oneOf[fi] {
					yes[fi] = x >= 0 && x < rate[fi]
					x -= rate[fi]
				}
			}
		}
		for fi := range flags {
			if !oneOf[fi] && parent[fi] < 0 {
				yes[fi] = r.Float64() < rate[fi]
			}
		}
		for fi := range flags {
			if parent[fi] >= 0 {
				yes[fi] = yes[parent[fi]] && r.Float64() < rate[fi]
			}
		}
		for fi := range flags {
			row[len(l.Questions)+fi] = "N"
			if yes[fi] {
				row[len(l.Questions)+fi] = "Y"
			}
		}
		if dates != nil {
			row[len(row)-2] = "R" + itoa(n+1)
			row[len(row)-1] = first.AddDate(0, 0, dates.IntN(days)).Format("2006-01-02")
		} else {
			row[len(row)-1] = "R" + itoa(n+1)
		}
		if o.Messy > 0 && r.Float64() < o.Messy {
			mess(r, row, len(l.Questions))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// mess spoils one cell the way real extracts are spoilt.
func mess(r *rand.Rand, row []string, questions int) {
	switch r.IntN(4) {
	case 0:
		row[r.IntN(questions)] = "UNK" + itoa(r.IntN(9))
	case 1:
		if len(row) > questions+1 {
			row[questions] = "maybe"
		} else {
			row[0] = "??"
		}
	case 2:
		row[r.IntN(questions)] = "=HYPERLINK(\"http://x\")"
	default:
		row[0] = strings.ToLower(row[0]) + " "
	}
}

// localCodes inverts a mapping: for each question, the first local code of each standard code.
func localCodes(m monitoring.Mapping) map[string]map[string]string {
	out := map[string]map[string]string{}
	for q, codes := range m.Codes {
		out[q] = map[string]string{}
		for local, std := range codes {
			if prev, ok := out[q][std]; !ok || local < prev {
				out[q][std] = local
			}
		}
	}
	return out
}

// answerWeights weights a question's answers roughly as a shire county's
// population answers them, with a few in a hundred "prefer not to say" and
// "not known", like real monitoring returns.
func answerWeights(q monitoring.Question) []float64 {
	as := q.Answers()
	n := len(q.Categories)
	ws := make([]float64, len(as))
	for i := range as {
		switch {
		case as[i].Code == monitoring.PreferNotToSay:
			ws[i] = 0.03
		case as[i].Code == monitoring.NotKnown:
			ws[i] = 0.04
		case q.Key == "age" || q.Key == "sex":
			ws[i] = 1 // spread evenly
		case q.Key == "disability" || q.Key == "pregnancy-maternity":
			// The last answer ("No", "Neither") is by far the most common.
			ws[i] = 1 / float64(n-i) / float64(n-i) / float64(n-i)
		default:
			ws[i] = 1 / float64(i+1) / float64(i+1)
			if q.Key == "ethnicity" && i == 0 {
				ws[i] = 6 // most of a shire county is White British
			}
		}
	}
	return ws
}

// factor is the product of the multipliers that apply to an answer: its own
// code's, and its broad group's under "group:CODE".
func factor(ms map[string]float64, a monitoring.Category) float64 {
	f := 1.0
	if m, ok := ms[a.Code]; ok {
		f *= m
	}
	if m, ok := ms["group:"+a.Group]; ok && a.Group != "" {
		f *= m
	}
	return f
}

func pick(r *rand.Rand, ws []float64) int {
	total := 0.0
	for _, w := range ws {
		total += w
	}
	x := r.Float64() * total
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// Mapping returns a demo organisation's mapping to a standard: the police and
// the councils' HR systems keep codes and column names of their own, as real
// partners do; the others use the standard's as they are (version 0).
func Mapping(orgID string, s monitoring.Standard) monitoring.Mapping {
	var prefix string
	var columns map[string]string
	switch orgID {
	case "northshire-police":
		prefix = "P"
		columns = map[string]string{"ethnicity": "Self-defined ethnicity", "sex": "Gender", "age": "Age band", "arrested": "Arrest", monitoring.RecordIDColumn: "record_ref"}
	case "northshire-county", "northam-city":
		prefix = "HR"
		columns = map[string]string{"sex": "Legal sex", "disability": "Disabled", monitoring.RecordIDColumn: "record_ref"}
	default:
		return monitoring.Mapping{OrgID: orgID, Standard: s.Version}
	}
	m := monitoring.Mapping{OrgID: orgID, Version: 1, Standard: s.Version, Note: "codes of our own system", Columns: columns, Codes: map[string]map[string]string{}}
	for _, q := range s.Questions {
		m.Codes[q.Key] = map[string]string{}
		for i, c := range q.Categories {
			m.Codes[q.Key][prefix+itoa(i+1)] = c.Code
		}
		m.Codes[q.Key][prefix+"98"] = monitoring.PreferNotToSay
		m.Codes[q.Key][prefix+"99"] = monitoring.NotKnown
	}
	return m
}
