package app

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"werkbank/cases"
)

// The team-lead charts are drawn with the standard image package so that
// the screen and the PNG/HTML export show the same pictures.

// chartSeries is one coloured series of a bar chart.
type chartSeries struct {
	name   string
	color  color.RGBA
	values []float64 // one per category
}

// barChart is a grouped or stacked bar chart.
type barChart struct {
	title   string
	cats    []string
	series  []chartSeries
	stacked bool
	// yMax fixes the top of the axis (e.g. 100 for percentages); zero
	// scales to the data.
	yMax float64
	yFmt func(float64) string
	// empty is the text drawn when there are no categories.
	empty string
}

// priorityColors are the series colours of priorities 1…4.
var priorityColors = []color.RGBA{
	{0xc6, 0x28, 0x28, 0xff}, {0xef, 0x6c, 0x00, 0xff}, {0x1e, 0x88, 0xe5, 0xff}, {0x7c, 0xb3, 0x42, 0xff},
}

const (
	chartW, chartH = 760, 320
	padL, padR     = 60, 20
	padT, padB     = 40, 70
)

var (
	ink   = color.RGBA{0x21, 0x21, 0x21, 0xff}
	grid  = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	paper = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

func fillRect(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r.Intersect(img.Bounds()), &image.Uniform{c}, image.Point{}, draw.Src)
}

// chartFace is Go Regular at 12 px: it covers Latin-1 and the usual
// punctuation, so "Fälle", "Priorität", "…" and "–" are drawn as written.
// Its metrics are fixed, so every chart looks the same on every system.
var chartFace = sync.OnceValue(func() font.Face {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(fmt.Sprintf("parse the embedded Go Regular font: %v", err)) // the font is compiled in; this cannot fail at run time
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 12, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(fmt.Sprintf("make the chart font face: %v", err))
	}
	return face
})

// faceMu guards chartFace: an opentype face caches glyphs and is not safe
// for concurrent use.
var faceMu sync.Mutex

// text draws s with its baseline at (x, y).
func text(img *image.RGBA, x, y int, s string, c color.Color) {
	faceMu.Lock()
	defer faceMu.Unlock()
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: chartFace(), Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func textWidth(s string) int {
	faceMu.Lock()
	defer faceMu.Unlock()
	return font.MeasureString(chartFace(), s).Round()
}

// render draws the chart.
func (ch barChart) render() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	fillRect(img, img.Bounds(), paper)
	text(img, padL, 22, ch.title, ink)
	top := ch.yMax
	if top == 0 {
		for i := range ch.cats {
			sum := 0.0
			for _, s := range ch.series {
				switch v := s.values[i]; {
				case math.IsNaN(v):
				case ch.stacked:
					sum += v
				default:
					sum = math.Max(sum, v)
				}
			}
			top = math.Max(top, sum)
		}
		// A multiple of the four grid steps keeps the tick labels whole.
		top = math.Max(4, math.Ceil(top/4)*4)
	}
	plotW, plotH := chartW-padL-padR, chartH-padT-padB
	y0 := padT + plotH
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := y0 - int(float64(plotH)*float64(i)/4)
		fillRect(img, image.Rect(padL, y, padL+plotW, y+1), grid)
		label := ch.yFmt(v)
		text(img, padL-6-textWidth(label), y+4, label, ink)
	}
	fillRect(img, image.Rect(padL, padT, padL+1, y0), ink)
	if len(ch.cats) == 0 {
		text(img, padL+20, padT+plotH/2, ch.empty, ink)
		return img
	}
	slot := plotW / len(ch.cats)
	bars := len(ch.series)
	if ch.stacked {
		bars = 1
	}
	barW := max(2, (slot-16)/max(1, bars))
	for i, cat := range ch.cats {
		x := padL + i*slot + 8
		base := y0
		for j, s := range ch.series {
			if math.IsNaN(s.values[i]) {
				continue
			}
			h := int(float64(plotH) * s.values[i] / top)
			if ch.stacked {
				fillRect(img, image.Rect(x, base-h, x+barW, base), s.color)
				base -= h
				continue
			}
			bx := x + j*barW
			fillRect(img, image.Rect(bx, y0-h, bx+barW-1, y0), s.color)
			// The value above the bar, so that 0 % is visible too.
			if label := ch.yFmt(s.values[i]); textWidth(label) <= barW {
				text(img, bx+(barW-textWidth(label))/2, y0-h-3, label, ink)
			}
		}
		if ch.stacked && base < y0 {
			sum := 0.0
			for _, s := range ch.series {
				if !math.IsNaN(s.values[i]) {
					sum += s.values[i]
				}
			}
			label := ch.yFmt(sum)
			text(img, x+(barW-textWidth(label))/2, base-3, label, ink)
		}
		label := []rune(cat)
		for len(label) > 1 && textWidth(string(label)) > slot-4 {
			label = append(label[:len(label)-2], '…')
		}
		text(img, padL+i*slot+(slot-textWidth(string(label)))/2, y0+16, string(label), ink)
	}
	lx := padL
	for _, s := range ch.series {
		fillRect(img, image.Rect(lx, chartH-22, lx+12, chartH-10), s.color)
		text(img, lx+16, chartH-11, s.name, ink)
		lx += 28 + textWidth(s.name)
	}
	return img
}

// ageLabel is the translated label of an age range of open cases,
// recognised by its upper end (cases.AgeBuckets).
func ageLabel(b cases.AgeBucket) string {
	const day = 24 * time.Hour
	switch b.Max {
	case day:
		return lang.X("reports.age.day", "< 1 day")
	case 3 * day:
		return lang.X("reports.age.days3", "1–3 days")
	case 7 * day:
		return lang.X("reports.age.days7", "3–7 days")
	case 28 * day:
		return lang.X("reports.age.weeks4", "1–4 weeks")
	case 0:
		return lang.X("reports.age.older", "> 4 weeks")
	}
	return b.Label
}

// reportCharts turns the team report into its three charts.
func reportCharts(rep cases.TeamReport, titles [3]string) []barChart {
	var months []string
	idx := map[string]int{}
	for _, c := range rep.Compliance {
		if _, ok := idx[c.Month]; !ok {
			idx[c.Month] = len(months)
			months = append(months, c.Month)
		}
	}
	pct := func(v float64) string {
		if math.IsNaN(v) {
			return "–"
		}
		return fmt.Sprintf("%.0f%%", v)
	}
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	empty := lang.X("reports.nodata", "no data")
	comp := barChart{title: titles[0], cats: months, yMax: 100, yFmt: pct, empty: empty}
	age := barChart{title: titles[1], stacked: true, yFmt: count, empty: empty}
	for _, b := range rep.OpenByAge {
		age.cats = append(age.cats, ageLabel(b))
	}
	for p := 1; p <= 4; p++ {
		// No finished case of a priority in a month is "no data", not 0 %.
		cs := chartSeries{name: fmt.Sprintf("P%d", p), color: priorityColors[p-1], values: make([]float64, len(months))}
		for i := range cs.values {
			cs.values[i] = math.NaN()
		}
		for _, c := range rep.Compliance {
			if int(c.Priority) == p && c.Total > 0 {
				cs.values[idx[c.Month]] = 100 * float64(c.Met) / float64(c.Total)
			}
		}
		comp.series = append(comp.series, cs)
		as := chartSeries{name: fmt.Sprintf("P%d", p), color: priorityColors[p-1]}
		for _, b := range rep.OpenByAge {
			as.values = append(as.values, float64(b.Count[p]))
		}
		age.series = append(age.series, as)
	}
	esc := barChart{title: titles[2], yFmt: count, empty: empty}
	es := chartSeries{name: lang.X("reports.series.escalations", "Escalations"), color: color.RGBA{0x5e, 0x35, 0xb1, 0xff}}
	for _, e := range rep.Escalations {
		esc.cats = append(esc.cats, e.Product)
		es.values = append(es.values, float64(e.Count))
	}
	esc.series = []chartSeries{es}
	return []barChart{comp, age, esc}
}

// combined stacks the charts into one picture.
func combined(charts []barChart) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH*len(charts)))
	for i, ch := range charts {
		r := ch.render()
		draw.Draw(img, r.Bounds().Add(image.Pt(0, i*chartH)), r, image.Point{}, draw.Src)
	}
	return img
}

// writePNG writes img to a new file at path; an existing file is refused.
func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode PNG: %w", err)
	}
	return writeNew(path, buf.Bytes())
}

// writeNew writes data durably to a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	return nil
}

// reportHTML is the report as one HTML page with the charts embedded and
// the numbers as tables.
func reportHTML(rep cases.TeamReport, charts []barChart, title string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>\n", html.EscapeString(title))
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p>%s · open: %d · breached: %d</p>\n", html.EscapeString(title), rep.At.Format("2006-01-02 15:04"), rep.Open, rep.Breached)
	for _, ch := range charts {
		var buf bytes.Buffer
		if err := png.Encode(&buf, ch.render()); err != nil {
			return "", fmt.Errorf("encode chart: %w", err)
		}
		fmt.Fprintf(&b, "<h2>%s</h2>\n<img alt=\"%s\" src=\"data:image/png;base64,%s\">\n", html.EscapeString(ch.title), html.EscapeString(ch.title), base64.StdEncoding.EncodeToString(buf.Bytes()))
		b.WriteString("<table><tr><th></th>")
		for _, s := range ch.series {
			fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(s.name))
		}
		b.WriteString("</tr>\n")
		for i, cat := range ch.cats {
			fmt.Fprintf(&b, "<tr><td>%s</td>", html.EscapeString(cat))
			for _, s := range ch.series {
				fmt.Fprintf(&b, "<td>%s</td>", ch.yFmt(s.values[i]))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String(), nil
}
