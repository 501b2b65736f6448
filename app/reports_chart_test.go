package app

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestChartFontDrawsUmlauts checks that the chart font has real glyphs for
// German letters: "ä" differs from "a" only by the dots above it, and the
// words are not spelled out ("Fälle" is narrower than "Faelle").
func TestChartFontDrawsUmlauts(t *testing.T) {
	for _, r := range "äöüÄÖÜß…–" {
		if _, ok := chartFace().GlyphAdvance(r); !ok {
			t.Errorf("the chart font has no glyph for %q", r)
		}
	}
	if textWidth("Fälle") >= textWidth("Faelle") {
		t.Fatalf("width of Fälle %d, of Faelle %d: umlauts are spelled out", textWidth("Fälle"), textWidth("Faelle"))
	}
	draw := func(s string) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		fillRect(img, img.Bounds(), paper)
		text(img, 5, 20, s, ink)
		return img
	}
	a, ae := draw("a"), draw("ä")
	var diffAbove, diffBelow int
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			if a.RGBAAt(x, y) != ae.RGBAAt(x, y) {
				if y < 20-6 { // above the x-height of a 12 px font
					diffAbove++
				} else {
					diffBelow++
				}
			}
		}
	}
	if diffAbove == 0 || diffBelow != 0 {
		t.Fatalf("ä differs from a by %d pixels above the x-height and %d below; want dots above only", diffAbove, diffBelow)
	}

	ch := barChart{title: "Fälle nach Priorität – Überblick", cats: []string{"Größe", "Qualität"}, yFmt: func(v float64) string { return "" },
		series: []chartSeries{{name: "Fälle", color: priorityColors[0], values: []float64{3, math.NaN()}}}}
	img := ch.render()
	if out := os.Getenv("WERKBANK_CHART_PNG"); out != "" {
		f, err := os.Create(filepath.Clean(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
