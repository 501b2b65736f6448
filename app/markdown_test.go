package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"werkbank/assets"
)

// BenchmarkRenderMarkdown measures rendering a demo article (with a table,
// a log excerpt and lists) into Fyne widgets, as the article view and the
// editor's live preview do.
func BenchmarkRenderMarkdown(b *testing.B) {
	test.NewTempApp(b)
	data, err := assets.Demo.ReadFile("demo/articles/buchungsperiode-gesperrt.md")
	if err != nil {
		b.Fatal(err)
	}
	src := string(data)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for b.Loop() {
		if box := renderMarkdown(src, ""); len(box.Objects) == 0 {
			b.Fatal("nothing rendered")
		}
	}
}

func TestExcerptAndSnippet(t *testing.T) {
	got := excerpt("## Problem\n\nDer **Drucker** druckt `nichts`.\n\n```\nERROR x\n```\n| a | b |\n")
	if got != "Der Drucker druckt nichts. ERROR x a | b |" {
		t.Errorf("excerpt %q", got)
	}
	segs := snippetSegments("vor <mark>Treffer</mark> nach <mark>offen")
	if len(segs) != 4 {
		t.Fatalf("%d segments", len(segs))
	}
}

func TestSpaceBeforeSegments(t *testing.T) {
	plain := widget.RichTextStyleInline
	bold := widget.RichTextStyleInline
	bold.TextStyle.Bold = true
	segs := spaceBeforeSegments([]widget.RichTextSegment{
		&widget.TextSegment{Style: plain, Text: "in der "},
		&widget.TextSegment{Style: bold, Text: "Druckerzuordnung"},
		&widget.TextSegment{Style: plain, Text: " (Verwaltung"},
		&widget.TextSegment{Style: widget.RichTextStyleParagraph},
	})
	var got []string
	for _, s := range segs {
		got = append(got, s.(*widget.TextSegment).Text)
	}
	if strings.Join(got, "|") != "in der| Druckerzuordnung| (Verwaltung|" {
		t.Errorf("segments %q", got)
	}
}
