package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/partnership/equalityhub/hub/disclosure"
	"github.com/partnership/equalityhub/hub/picture"
)

// palette holds colours that stay apart for people with common colour
// blindness, each dark enough to stand out from the page and to carry white
// text (4.5:1 or more); the partnership's total is drawn in black. The table
// beside every chart carries the same figures.
var palette = []string{"#1d70b8", "#b4460b", "#6f2c91", "#00703c", "#b0135f", "#00726b", "#6d4c1b", "#d4351c"}

// colourOf is the colour of the j-th column of a chart.
func colourOf(j int, c picture.Column) string {
	if c.All {
		return "#0b0c0c"
	}
	return palette[j%len(palette)]
}

// The charts are drawn in a viewBox 360 units wide and scale to the width
// of the page: on a phone about 340 to 360 pixels, where text reads at its
// own size (13 to 15 pixels); on a desktop at most 480 pixels (the CSS
// max-width), where it reads a third larger.
const (
	chartW     = 360
	fontLabel  = 15 // row labels
	fontSmall  = 13 // ticks and values
	lineHeight = 18
)

// textWidth estimates the width of text in Arial at a font size.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;'|!", r):
			w += 0.28
		case r == ' ':
			w += 0.28
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w', r == '%':
			w += 0.72
		default:
			w += 0.55
		}
	}
	return w * size
}

// wrap breaks text into lines no wider than width at a font size.
func wrap(s string, size, width float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && textWidth(try, size) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// textLines writes wrapped text as one <text> with a <tspan> a line.
func textLines(b *strings.Builder, x, y float64, lines []string, class string) {
	fmt.Fprintf(b, `<text x="%g" y="%g" class="%s">`, x, y, class)
	for i, l := range lines {
		dy := 0
		if i > 0 {
			dy = lineHeight
		}
		fmt.Fprintf(b, `<tspan x="%g" dy="%d">%s</tspan>`, x, dy, html.EscapeString(l))
	}
	b.WriteString(`</text>`)
}

// niceScale returns a rounded maximum for an axis from 0 that holds hi,
// and the step between its ticks: 1, 2 or 5 times a power of ten, at most
// five steps. Counts step by whole numbers; per cent stops at 100.
func niceScale(hi float64, counts bool) (top, step float64) {
	if hi <= 0 {
		hi = 1
	}
	raw := hi / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw {
			break
		}
	}
	if counts && step < 1 {
		step = 1
	}
	top = math.Ceil(hi/step-1e-9) * step
	if !counts && top > 100 && hi <= 100 {
		top = 100
	}
	return top, step
}

// tickText writes a tick's value: per cent, or a count with thousands separators.
func tickText(v float64, counts bool) string {
	if counts {
		return groupDigits(int64(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + "%"
}

// groupDigits writes 12345 as "12,345".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// valueText says a shown share in per cent, or a count, for a label.
func valueText(r disclosure.RateCell, counts bool) string {
	if counts {
		return r.Text
	}
	s := strconv.FormatFloat(r.Value, 'f', 1, 64) + "%"
	if r.Status == disclosure.StatusRounded {
		return "about " + s
	}
	return s
}

// noRate reports whether a share has no value because its whole is 0.
func noRate(r disclosure.RateCell) bool {
	return r.Status == disclosure.StatusZero && strings.HasPrefix(r.Text, "no rate")
}

// legendItem is one entry of a chart's legend.
type legendItem struct {
	Name, Colour, Note string
	Key                string // the letter beside each of its bars, so that a bar reads without telling colours apart
	Line               int    // the line style of a line chart; -1 for a bar's swatch
}

// legend writes a chart's legend in HTML, so that it wraps and keeps its
// size on a phone; each swatch shows the bar's colour or the line's
// colour, dashes and marker.
func legend(items []legendItem) string {
	var b strings.Builder
	b.WriteString(`<ul class="app-chart-legend">`)
	for _, it := range items {
		b.WriteString(`<li class="app-chart-legend__item">`)
		if it.Line < 0 {
			fmt.Fprintf(&b, `<svg class="app-chart-legend__key" aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 18 18"><rect x="1" y="1" width="16" height="16" fill="%s"></rect></svg>`, it.Colour)
		} else {
			fmt.Fprintf(&b, `<svg class="app-chart-legend__key" aria-hidden="true" focusable="false" width="36" height="18" viewBox="0 0 36 18"><line x1="1" y1="9" x2="35" y2="9" stroke="%s" stroke-width="2.5"%s></line>%s</svg>`,
				it.Colour, dashOf(it.Line), marker(it.Line, 18, 9, it.Colour, ""))
		}
		if it.Key != "" {
			fmt.Fprintf(&b, `<strong class="app-chart-legend__letter">%s</strong> `, it.Key)
		}
		b.WriteString(`<span>` + html.EscapeString(it.Name))
		if it.Note != "" {
			fmt.Fprintf(&b, ` <span class="app-muted">(%s)</span>`, html.EscapeString(it.Note))
		}
		b.WriteString(`</span></li>`)
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// chartColumns are the bars of a share chart for one row: one per shown column.
type barChart struct {
	title, axis, summary string
	counts               bool
	rows                 []string
	series               []picture.Column
	values               [][]disclosure.RateCell // row by series
}

// shareChart draws a picture as grouped horizontal bars: one group per row
// of the table, one bar per partner, each labelled with its value. With a
// whole it shows the measure per 100 of it; without, each partner's
// make-up: the row's count per 100 of the partner's total. Withheld values
// are a gap with the word "withheld". The chart has a value axis with
// gridlines, a title and a description in words, and a legend; the table
// beside it gives every figure.
func shareChart(res picture.Result) template.HTML {
	if len(res.Shown) == 0 || len(res.Table.Rows) == 0 {
		return ""
	}
	c := barChart{rows: res.Table.Rows, series: res.Shown}
	measure, question := res.Measure.Label, strings.ToLower(res.Question.Label)
	if res.Rates != nil {
		c.values = res.Rates
		c.title = fmt.Sprintf("%s as a per cent of %s, by %s and partner", measure, strings.ToLower(res.Whole.Label), question)
		c.axis = "Per cent of " + strings.ToLower(res.Whole.Label)
	} else {
		for i := range res.Table.Rows {
			var line []disclosure.RateCell
			for j := range res.Shown {
				line = append(line, disclosure.Rate(res.Table.Cells[i][j], res.Table.ColTotals[j], 100))
			}
			c.values = append(c.values, line)
		}
		c.title = fmt.Sprintf("%s by %s: each partner's make-up, as a per cent of its total", measure, question)
		c.axis = "Per cent of each partner's " + strings.ToLower(measure)
	}
	type point struct {
		v            float64
		text         string
		row, partner string
	}
	var hi, lo *point
	withheld := 0
	for i, row := range c.rows {
		for j, col := range c.series {
			r := c.values[i][j]
			if r.Status.Suppressed() {
				withheld++
				continue
			}
			if noRate(r) {
				continue
			}
			p := point{r.Value, valueText(r, c.counts), row, col.Name}
			if hi == nil || p.v > hi.v {
				hi = &p
			}
			if lo == nil || p.v < lo.v {
				lo = &p
			}
		}
	}
	c.summary = "No share can be shown: the counts it needs are withheld."
	if hi != nil {
		c.summary = fmt.Sprintf("The highest shown is %s (%s, %s); the lowest is %s (%s, %s).", hi.text, hi.partner, hi.row, lo.text, lo.partner, lo.row)
		if withheld > 0 {
			c.summary += fmt.Sprintf(" %d of the %d bars are withheld to protect small counts.", withheld, len(c.rows)*len(c.series))
		}
		c.summary += " The table gives every figure."
	}
	max := 0.0
	if hi != nil {
		max = hi.v
	}
	return c.draw(max)
}

func (c barChart) draw(hi float64) template.HTML {
	const padL, padR, keyW, barH, barGap, groupGap = 4.0, 4.0, 16.0, 16.0, 3.0, 12.0
	x0, x1 := padL+keyW, float64(chartW)-padR
	top, step := niceScale(hi, c.counts)
	scale := func(v float64) float64 { return x0 + (x1-x0)*v/top }
	var body, grid strings.Builder
	y := 16.0
	axisLines := wrap(c.axis, fontSmall, x1-x0)
	textLines(&body, x0, y, axisLines, "app-chart__axis-title")
	y += float64(len(axisLines)-1)*lineHeight + 22
	ticks := func(at float64) {
		for v := 0.0; v <= top+step/2; v += step {
			anchor := "middle"
			switch {
			case v == 0:
				anchor = "start"
			case v+step > top+step/2:
				anchor = "end"
			}
			fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" text-anchor="%s" class="app-chart__tick">%s</text>`, scale(v), at, anchor, tickText(v, c.counts))
		}
	}
	ticks(y)
	plotTop := y + 8
	y = plotTop + 4
	bars := 0
	for i, row := range c.rows {
		lines := wrap(row, fontLabel, x1-x0)
		y += fontLabel
		textLines(&body, x0, y, lines, "app-chart__label")
		y += float64(len(lines)-1)*lineHeight + 6
		for j, col := range c.series {
			r := c.values[i][j]
			label := col.Name + ", " + row + ": "
			mid := y + barH/2 + fontSmall*0.35
			fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="app-chart__letter">%s</text>`, padL, mid, seriesKey(j))
			switch {
			case r.Status.Suppressed():
				gap(&body, x0, y, barH, "withheld", colourOf(j, col), label+r.Text)
			case noRate(r):
				gap(&body, x0, y, barH, "no one in the group", colourOf(j, col), label+r.Text)
			default:
				w := math.Max(scale(r.Value)-x0, 1)
				colour := colourOf(j, col)
				fmt.Fprintf(&body, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
					x0, y, w, barH, colour, html.EscapeString(label+valueText(r, c.counts)))
				text := valueText(r, c.counts)
				tw := textWidth(text, fontSmall)
				if x0+w+4+tw <= x1 {
					fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="app-chart__value">%s</text>`, x0+w+4, mid, html.EscapeString(text))
				} else {
					fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" text-anchor="end" class="app-chart__value app-chart__value--inside">%s</text>`, x0+w-4, mid, html.EscapeString(text))
				}
			}
			bars++
			y += barH + barGap
		}
		if i < len(c.rows)-1 {
			y += groupGap
		}
	}
	plotBottom := y
	for v := 0.0; v <= top+step/2; v += step {
		class := "app-chart__grid"
		if v == 0 {
			class = "app-chart__axis"
		}
		fmt.Fprintf(&grid, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"></line>`, scale(v), plotTop, scale(v), plotBottom, class)
	}
	height := plotBottom + 6
	if bars > 12 { // a long chart has its scale at the foot too
		ticks(plotBottom + 18)
		height = plotBottom + 26
	}
	items := make([]legendItem, len(c.series))
	for j, col := range c.series {
		items[j] = legendItem{Name: col.Name, Colour: colourOf(j, col), Line: -1, Key: seriesKey(j)}
	}
	svg := fmt.Sprintf(`<svg class="app-chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 %d %.0f" width="100%%" xmlns="http://www.w3.org/2000/svg">`+
		`<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>%s%s</svg>`,
		chartW, math.Ceil(height), html.EscapeString(c.title), html.EscapeString(c.summary), grid.String(), body.String())
	return figure(c.title, c.summary, legend(items), svg)
}

// gap draws a bar that cannot be drawn: a dashed outline in the partner's
// colour with the reason in a word or two.
func gap(b *strings.Builder, x, y, h float64, word, colour, title string) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" stroke="%s" class="app-chart__gap"><title>%s</title></rect>`,
		x+0.75, y+0.75, textWidth(word, fontSmall)+12, h-1.5, colour, html.EscapeString(title))
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="app-chart__withheld">%s</text>`, x+6, y+h/2+fontSmall*0.35, word)
}

// figure sets a chart in a figure: its title and what it shows in words,
// the legend, then the chart.
func figure(title, summary, legend, svg string) template.HTML {
	return template.HTML(`<figure class="app-figure"><figcaption><p class="govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1">` +
		html.EscapeString(title) + `</p><p class="govuk-body-s">` + html.EscapeString(summary) + `</p></figcaption>` +
		legend + svg + `</figure>`)
}

// dashOf is the dash pattern of the k-th line of a line chart.
func dashOf(k int) string {
	return []string{"", ` stroke-dasharray="8 4"`, ` stroke-dasharray="2 4"`, ` stroke-dasharray="12 4 3 4"`}[k%4]
}

// marker draws the k-th line's marker centred on x, y: a circle, a square,
// a triangle, a diamond, an upside-down triangle.
func marker(k int, x, y float64, colour, title string) string {
	t := ""
	if title != "" {
		t = "<title>" + html.EscapeString(title) + "</title>"
	}
	const r = 5.0
	switch k % 5 {
	case 1:
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#ffffff">%s</rect>`, x-r+1, y-r+1, 2*r-2, 2*r-2, colour, t)
	case 2:
		return fmt.Sprintf(`<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s" stroke="#ffffff">%s</path>`, x, y-r-1, x+r+1, y+r, x-r-1, y+r, colour, t)
	case 3:
		return fmt.Sprintf(`<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s" stroke="#ffffff">%s</path>`, x, y-r-1, x+r+1, y, x, y+r+1, x-r-1, y, colour, t)
	case 4:
		return fmt.Sprintf(`<path d="M%.1f %.1fL%.1f %.1fL%.1f %.1fZ" fill="%s" stroke="#ffffff">%s</path>`, x, y+r+1, x+r+1, y-r, x-r-1, y-r, colour, t)
	}
	return fmt.Sprintf(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="#ffffff">%s</circle>`, x, y, r, colour, t)
}

// trendChart draws one row of a trend as a line a partner across the
// periods, from 0 to a rounded maximum, with the periods along the foot.
// A withheld point, or a period without figures, breaks the line; the foot
// says how many points of each period are withheld and the legend which.
// It has a title and a description in words; the table after it gives
// every figure.
func trendChart(tr picture.Trend, row int, counts bool) template.HTML {
	if len(tr.Partners) == 0 || row < 0 || row >= len(tr.Rows) || len(tr.Periods) == 0 {
		return ""
	}
	label := tr.Rows[row].Label
	var title, axis string
	switch {
	case counts:
		title = fmt.Sprintf("%s: %s by year and partner", label, strings.ToLower(tr.Measure.Label))
		axis = tr.Measure.Label
	case tr.Whole != nil:
		title = fmt.Sprintf("%s: %s as a per cent of %s, by year and partner", label, strings.ToLower(tr.Measure.Label), strings.ToLower(tr.Whole.Label))
		axis = "Per cent of " + strings.ToLower(tr.Whole.Label)
	default:
		title = fmt.Sprintf("%s as a per cent of each partner's %s, by year", label, strings.ToLower(tr.Measure.Label))
		axis = "Per cent of each partner's " + strings.ToLower(tr.Measure.Label)
	}
	hi := 0.0
	shown := 0
	withheld := make([]int, len(tr.Periods))
	var said []string
	items := make([]legendItem, len(tr.Partners))
	for j, col := range tr.Partners {
		items[j] = legendItem{Name: col.Name, Colour: colourOf(j, col), Line: j}
		var first, last *picture.Point
		var gaps, none []string
		for k, p := range tr.Points[j][row] {
			switch {
			case p.OK():
				if first == nil {
					first = &tr.Points[j][row][k]
				}
				last = &tr.Points[j][row][k]
				hi = math.Max(hi, p.Share.Value)
				shown++
			case p.Withheld():
				withheld[k]++
				gaps = append(gaps, string(p.Period))
			default:
				none = append(none, string(p.Period))
			}
		}
		var notes []string
		if len(gaps) > 0 {
			notes = append(notes, "withheld in "+strings.Join(gaps, ", "))
		}
		if len(none) > 0 {
			notes = append(notes, "no figure for "+strings.Join(none, ", "))
		}
		items[j].Note = strings.Join(notes, "; ")
		switch {
		case first == nil:
			said = append(said, col.Name+": no figure can be shown")
		case first == last:
			said = append(said, fmt.Sprintf("%s: %s in %s", col.Name, valueText(first.Share, counts), first.Period))
		default:
			said = append(said, fmt.Sprintf("%s: %s in %s, %s in %s", col.Name, valueText(first.Share, counts), first.Period, valueText(last.Share, counts), last.Period))
		}
		if len(gaps) > 0 {
			said[len(said)-1] += " (withheld in " + strings.Join(gaps, ", ") + ")"
		}
	}
	summary := strings.Join(said, "; ") + ". The table gives every figure."
	visible := "A line a partner; the table after the chart gives every figure."
	if n := sum(withheld); n > 0 {
		visible = fmt.Sprintf("A line a partner; %d of its points are withheld to protect small counts, which breaks the line there. The table after the chart gives every figure.", n)
	}
	const padL, padR, plotH = 50.0, 14.0, 200.0
	x0, x1 := padL, float64(chartW)-padR
	top, step := niceScale(hi, counts)
	var b strings.Builder
	axisLines := wrap(axis, fontSmall, float64(chartW)-8)
	textLines(&b, 4, 16, axisLines, "app-chart__axis-title")
	y0 := 16 + float64(len(axisLines)-1)*lineHeight + 16
	y1 := y0 + plotH
	ys := func(v float64) float64 { return y1 - plotH*v/top }
	band := (x1 - x0) / float64(len(tr.Periods))
	xs := func(k int) float64 { return x0 + band*(float64(k)+0.5) }
	for v := 0.0; v <= top+step/2; v += step {
		class := "app-chart__grid"
		if v == 0 {
			class = "app-chart__axis"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="%s"></line>`, x0, ys(v), x1, ys(v), class)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" class="app-chart__tick">%s</text>`, x0-6, ys(v)+fontSmall*0.35, tickText(v, counts))
	}
	for k, p := range tr.Periods {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="app-chart__tick">%s</text>`, xs(k), y1+20, html.EscapeString(string(p)))
		if withheld[k] > 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="app-chart__withheld">%d withheld</text>`, xs(k), y1+38, withheld[k])
		}
	}
	for j, col := range tr.Partners {
		colour := colourOf(j, col)
		width := 2.5
		if col.All {
			width = 3.5
		}
		var path strings.Builder
		pen := false
		for k, p := range tr.Points[j][row] {
			if !p.OK() {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f", cmd, xs(k), ys(p.Share.Value))
			pen = true
		}
		if path.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="%g" stroke-linejoin="round"%s></path>`, path.String(), colour, width, dashOf(j))
		}
	}
	for j, col := range tr.Partners {
		for k, p := range tr.Points[j][row] {
			if p.OK() {
				b.WriteString(marker(j, xs(k), ys(p.Share.Value), colourOf(j, col), fmt.Sprintf("%s, %s: %s", col.Name, p.Period, valueText(p.Share, counts))))
			}
		}
	}
	height := y1 + 46
	svg := fmt.Sprintf(`<svg class="app-chart app-chart--line" role="img" aria-labelledby="trend-title trend-desc" viewBox="0 0 %d %.0f" width="100%%" xmlns="http://www.w3.org/2000/svg">`+
		`<title id="trend-title">%s</title><desc id="trend-desc">%s</desc>%s</svg>`,
		chartW, height, html.EscapeString(title), html.EscapeString(summary), b.String())
	return figure(title, visible, legend(items), svg)
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// seriesKey is the letter of a chart's j-th series: A, B, C …
func seriesKey(j int) string {
	if j < 26 {
		return string(rune('A' + j))
	}
	return fmt.Sprint(j + 1)
}
