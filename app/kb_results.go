package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// searchEntry is the knowledge-base search field: a one-line entry whose
// Up and Down keys step through the results.
type searchEntry struct {
	widget.Entry
	step func(delta int)
}

// newSearchEntry makes a search field that calls step(+1) on Down and
// step(-1) on Up.
func newSearchEntry(step func(delta int)) *searchEntry {
	e := &searchEntry{step: step}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Up and Down; other keys edit the text.
func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDown:
		e.step(1)
	case fyne.KeyUp:
		e.step(-1)
	default:
		e.Entry.TypedKey(k)
	}
}

// excerpt is the start of a Markdown body as one line of plain text.
func excerpt(body string) string {
	var b strings.Builder
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "```") {
			continue
		}
		line = strings.NewReplacer("*", "", "`", "").Replace(strings.TrimLeft(line, ">*-| "))
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(line)
		if b.Len() > 200 {
			break
		}
	}
	r := []rune(b.String())
	if len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return string(r)
}

// resultRow is one search result: title, status, product and tags, and
// the snippet with the matches in bold.
type resultRow struct {
	widget.BaseWidget
	hit   kb.Hit
	onTap func()
	bg    *canvas.Rectangle
}

// newResultRow makes a result row that calls onTap when tapped.
func newResultRow(h kb.Hit, onTap func()) *resultRow {
	r := &resultRow{hit: h, onTap: onTap, bg: canvas.NewRectangle(theme.Color(theme.ColorNameBackground))}
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row.
func (r *resultRow) CreateRenderer() fyne.WidgetRenderer {
	title := widget.NewLabelWithStyle(r.hit.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	meta := []string{articleStatusLabel(r.hit.Status)}
	if r.hit.Product != "" {
		meta = append(meta, r.hit.Product)
	}
	if len(r.hit.Tags) > 0 {
		meta = append(meta, strings.Join(r.hit.Tags, ", "))
	}
	metaText := widget.NewRichText(&widget.TextSegment{Text: strings.Join(meta, " · "),
		Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}})
	metaText.Truncation = fyne.TextTruncateEllipsis
	snippet := widget.NewRichText(spaceBeforeSegments(snippetSegments(r.hit.Snippet))...)
	snippet.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, metaText, snippet)
	return widget.NewSimpleRenderer(container.NewStack(r.bg, box))
}

// Tapped opens the article.
func (r *resultRow) Tapped(*fyne.PointEvent) { r.onTap() }

// setSelected highlights the row of the open article.
func (r *resultRow) setSelected(on bool) {
	if on {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	}
	r.bg.Refresh()
}

// snippetSegments turns a snippet with <mark>…</mark> into segments, the
// marked parts bold in the primary colour.
func snippetSegments(snippet string) []widget.RichTextSegment {
	plain := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameForeground}
	mark := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Bold: true}}
	var segs []widget.RichTextSegment
	rest := snippet
	for rest != "" {
		i := strings.Index(rest, "<mark>")
		if i < 0 {
			segs = append(segs, &widget.TextSegment{Style: plain, Text: rest})
			break
		}
		if i > 0 {
			segs = append(segs, &widget.TextSegment{Style: plain, Text: rest[:i]})
		}
		rest = rest[i+len("<mark>"):]
		j := strings.Index(rest, "</mark>")
		if j < 0 {
			segs = append(segs, &widget.TextSegment{Style: mark, Text: rest})
			break
		}
		segs = append(segs, &widget.TextSegment{Style: mark, Text: rest[:j]})
		rest = rest[j+len("</mark>"):]
	}
	return segs
}
