package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/partnership/equalityhub/hub/picture"
)

// palette holds colours that stay apart for people with common colour
// blindness; the table beside every chart carries the same figures.
var palette = []string{"#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#b58840", "#6f72af"}

// shareChart draws the shares of a picture (the measure out of its whole, per
// 100) as grouped horizontal bars: one group per row of the table, one bar per
// partner. Withheld shares are left out of the chart and said in the table.
// The chart has a title and a description that says what it shows in words.
func shareChart(res picture.Result) template.HTML {
	if res.Rates == nil || len(res.Shown) == 0 {
		return ""
	}
	const labelW, barMax, barH, gap = 250, 420, 12, 14
	top := 16*len(res.Shown) + 16 // below the legend
	rows := len(res.Table.Rows)
	groupH := barH*len(res.Shown) + gap
	height := top + rows*groupH + 20
	var b strings.Builder
	type point struct {
		v            float64
		row, partner string
	}
	var hi, lo *point
	for i, row := range res.Table.Rows {
		y := top + i*groupH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="app-chart__label">%s</text>`, labelW-8, y+barH*len(res.Shown)/2+4, html.EscapeString(row))
		for j, col := range res.Shown {
			r := res.Rates[i][j]
			if r.Status.Suppressed() || r.Text == "" || strings.HasPrefix(r.Text, "no rate") {
				continue
			}
			w := int(r.Value / 100 * barMax)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s, %s: %s</title></rect>`,
				labelW, y+j*barH, max(w, 1), barH-2, palette[j%len(palette)], html.EscapeString(col.Name), html.EscapeString(row), html.EscapeString(r.Text))
			p := point{r.Value, row, col.Name}
			if hi == nil || p.v > hi.v {
				hi = &p
			}
			if lo == nil || p.v < lo.v {
				lo = &p
			}
		}
	}
	var legend strings.Builder
	for j, col := range res.Shown {
		x, y := labelW, 12+j*16
		fmt.Fprintf(&legend, `<rect x="%d" y="%d" width="10" height="10" fill="%s"></rect><text x="%d" y="%d" class="app-chart__legend">%s</text>`,
			x, y-9, palette[j%len(palette)], x+14, y, html.EscapeString(col.Name))
	}
	summary := "No share can be shown: the counts it needs are withheld."
	if hi != nil {
		summary = fmt.Sprintf("%s per 100 %s, by %s and partner. The highest share shown is %.1f (%s, %s); the lowest is %.1f (%s, %s). The table gives every figure.",
			res.Measure.Label, strings.ToLower(res.Whole.Label), strings.ToLower(res.Question.Label), hi.v, hi.partner, hi.row, lo.v, lo.partner, lo.row)
	}
	svg := fmt.Sprintf(`<svg class="app-chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`+
		`<title id="chart-title">%s as a share of %s, by %s</title><desc id="chart-desc">%s</desc>%s%s`+
		`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#0b0c0c"></line></svg>`,
		labelW+barMax+40, height,
		html.EscapeString(res.Measure.Label), html.EscapeString(strings.ToLower(res.Whole.Label)), html.EscapeString(strings.ToLower(res.Question.Label)),
		html.EscapeString(summary), legend.String(), b.String(), labelW, top-6, labelW, height)
	return template.HTML(`<figure class="app-figure">` + svg + `<figcaption class="govuk-body-s">` + html.EscapeString(summary) + `</figcaption></figure>`)
}
