package app

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	gmtext "github.com/yuin/goldmark/text"
)

// markdownParser parses GitHub-flavoured Markdown (tables, strikethrough,
// autolinks, task lists). Raw HTML is never rendered: the walker below
// ignores HTML nodes.
var markdownParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// mdRenderer turns Markdown into Fyne widgets: runs of ordinary blocks
// become one RichText, each table a grid of RichText cells.
type mdRenderer struct {
	src []byte
	// imageDir resolves relative image paths; empty means relative
	// images show their alternative text.
	imageDir string
}

// renderMarkdown renders src (an article body) as a vertical box of
// widgets. Relative image paths are resolved against imageDir.
func renderMarkdown(src, imageDir string) *fyne.Container {
	r := &mdRenderer{src: []byte(src), imageDir: imageDir}
	doc := markdownParser.Parse(gmtext.NewReader(r.src))
	box := container.NewVBox()
	var run []widget.RichTextSegment
	flush := func() {
		if len(run) > 0 {
			rt := widget.NewRichText(spaceBeforeSegments(run)...)
			rt.Wrapping = fyne.TextWrapWord
			box.Add(rt)
			run = nil
		}
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if t, ok := n.(*extast.Table); ok {
			flush()
			box.Add(r.table(t))
			continue
		}
		run = append(run, r.block(n)...)
	}
	flush()
	return box
}

// block converts one block node into RichText segments.
func (r *mdRenderer) block(n ast.Node) []widget.RichTextSegment {
	switch t := n.(type) {
	case *ast.Heading:
		var style widget.RichTextStyle
		switch t.Level {
		case 1:
			style = widget.RichTextStyleHeading
		case 2:
			style = widget.RichTextStyleSubHeading
		default:
			style = widget.RichTextStyleParagraph
			style.TextStyle.Bold = true
		}
		return []widget.RichTextSegment{&widget.TextSegment{Style: style, Text: plainText(r.src, n)}}
	case *ast.Paragraph, *ast.TextBlock:
		segs := r.inlines(n, widget.RichTextStyleInline)
		return append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	case *ast.List:
		return r.list(t, 0)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(r.src))
		}
		code := strings.TrimRight(b.String(), "\n")
		if code == "" {
			return nil
		}
		return []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleCodeBlock, Text: code}}
	case *ast.Blockquote:
		var segs []widget.RichTextSegment
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			segs = append(segs, r.inlines(c, widget.RichTextStyleBlockquote)...)
		}
		return segs
	case *ast.ThematicBreak:
		return []widget.RichTextSegment{&widget.SeparatorSegment{}}
	case *extast.Table:
		// Tables nested in other blocks: render as text rows.
		var segs []widget.RichTextSegment
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, plainText(r.src, c))
			}
			segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: strings.Join(cells, " | ")})
		}
		return segs
	}
	// HTML blocks and unknown nodes are not rendered (no raw HTML).
	return nil
}

// list renders a list as paragraphs that start with a bullet or number,
// nested lists indented. (Fyne's ListSegment wraps long items badly, one
// character a line, when an item holds a long code span.)
func (r *mdRenderer) list(l *ast.List, depth int) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	n := l.Start
	if n == 0 {
		n = 1
	}
	indent := strings.Repeat("    ", depth)
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		marker := indent + "•  "
		if l.IsOrdered() {
			marker = fmt.Sprintf("%s%d.  ", indent, n)
			n++
		}
		bullet := widget.RichTextStyleInline
		bullet.TextStyle.Bold = true
		segs = append(segs, &widget.TextSegment{Style: bullet, Text: marker})
		first := true
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			if sub, ok := c.(*ast.List); ok {
				segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
				segs = append(segs, r.list(sub, depth+1)...)
				first = true
				continue
			}
			if !first {
				segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph},
					&widget.TextSegment{Style: widget.RichTextStyleInline, Text: indent + "    "})
			}
			segs = append(segs, r.inlines(c, widget.RichTextStyleInline)...)
			first = false
		}
		if !first {
			segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
		}
	}
	return segs
}

// inlines converts the inline children of n into segments in base style.
func (r *mdRenderer) inlines(n ast.Node, base widget.RichTextStyle) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		segs = append(segs, r.inline(c, base)...)
	}
	return segs
}

// inline converts one inline node.
func (r *mdRenderer) inline(n ast.Node, base widget.RichTextStyle) []widget.RichTextSegment {
	switch t := n.(type) {
	case *ast.Text:
		s := string(t.Value(r.src))
		var segs []widget.RichTextSegment
		if s != "" {
			segs = append(segs, &widget.TextSegment{Style: base, Text: s})
		}
		switch {
		case t.HardLineBreak():
			segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
		case t.SoftLineBreak():
			segs = append(segs, &widget.TextSegment{Style: base, Text: " "})
		}
		return segs
	case *ast.String:
		return []widget.RichTextSegment{&widget.TextSegment{Style: base, Text: string(t.Value)}}
	case *ast.CodeSpan:
		return []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleCodeInline, Text: plainText(r.src, n)}}
	case *ast.Emphasis:
		st := base
		if t.Level >= 2 {
			st.TextStyle.Bold = true
		} else {
			st.TextStyle.Italic = true
		}
		return r.inlines(n, st)
	case *extast.Strikethrough:
		st := base
		st.ColorName = theme.ColorNamePlaceHolder
		return r.inlines(n, st)
	case *ast.Link:
		return []widget.RichTextSegment{hyperlink(plainText(r.src, n), string(t.Destination))}
	case *ast.AutoLink:
		dest := string(t.URL(r.src))
		if t.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(dest, "mailto:") {
			dest = "mailto:" + dest
		}
		return []widget.RichTextSegment{hyperlink(string(t.Label(r.src)), dest)}
	case *ast.Image:
		if seg := r.image(string(t.Destination), plainText(r.src, n)); seg != nil {
			return []widget.RichTextSegment{seg}
		}
		alt := plainText(r.src, n)
		if alt == "" {
			alt = string(t.Destination)
		}
		st := base
		st.TextStyle.Italic = true
		return []widget.RichTextSegment{&widget.TextSegment{Style: st, Text: "[" + alt + "]"}}
	case *extast.TaskCheckBox:
		mark := "☐ "
		if t.IsChecked {
			mark = "☑ "
		}
		return []widget.RichTextSegment{&widget.TextSegment{Style: base, Text: mark}}
	}
	// Raw HTML and unknown inlines: their text children only.
	return r.inlines(n, base)
}

// hyperlink makes a link segment; unparsable targets become plain text.
func hyperlink(label, dest string) widget.RichTextSegment {
	u, err := url.Parse(dest)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
		return &widget.TextSegment{Style: widget.RichTextStyleInline, Text: label}
	}
	if label == "" {
		label = dest
	}
	return &widget.HyperlinkSegment{Text: label, URL: u}
}

// image makes an image segment for http(s) URLs, file URIs, absolute
// paths and paths relative to the image folder that exist; nil otherwise.
func (r *mdRenderer) image(dest, title string) widget.RichTextSegment {
	var uri fyne.URI
	switch {
	case strings.HasPrefix(dest, "http://"), strings.HasPrefix(dest, "https://"), strings.HasPrefix(dest, "file://"):
		u, err := storage.ParseURI(dest)
		if err != nil {
			return nil
		}
		uri = u
	default:
		p := filepath.FromSlash(dest)
		if !filepath.IsAbs(p) {
			if r.imageDir == "" {
				return nil
			}
			p = filepath.Join(r.imageDir, p)
		}
		if _, err := os.Stat(p); err != nil {
			return nil
		}
		uri = storage.NewFileURI(p)
	}
	return &widget.ImageSegment{Source: uri, Title: title, Alignment: fyne.TextAlignLeading}
}

// table renders a GFM table as rows of equally wide cells, the header
// bold on a tinted background.
func (r *mdRenderer) table(t *extast.Table) fyne.CanvasObject {
	cols := len(t.Alignments)
	if cols == 0 {
		cols = 1
	}
	var rows []fyne.CanvasObject
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		_, header := row.(*extast.TableHeader)
		var cells []fyne.CanvasObject
		i := 0
		for c := row.FirstChild(); c != nil && i < cols; c = c.NextSibling() {
			base := widget.RichTextStyleInline
			if header {
				base.TextStyle.Bold = true
			}
			if cell, ok := c.(*extast.TableCell); ok {
				switch cell.Alignment {
				case extast.AlignRight:
					base.Alignment = fyne.TextAlignTrailing
				case extast.AlignCenter:
					base.Alignment = fyne.TextAlignCenter
				}
			}
			rt := widget.NewRichText(spaceBeforeSegments(r.inlines(c, base))...)
			rt.Wrapping = fyne.TextWrapWord
			cells = append(cells, tableCell(rt, header))
			i++
		}
		for ; i < cols; i++ {
			cells = append(cells, tableCell(widget.NewRichText(), header))
		}
		// One grid per row: each row is as high as its own tallest cell,
		// the columns line up because every row has the same count.
		rows = append(rows, container.New(layout.NewGridLayoutWithColumns(cols), cells...))
	}
	return container.New(layout.NewCustomPaddedVBoxLayout(0), rows...)
}

// tableCell frames a cell's content.
func tableCell(content fyne.CanvasObject, header bool) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	if header {
		bg.FillColor = theme.Color(theme.ColorNameHeaderBackground)
	}
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	return container.NewStack(bg, content)
}

// plainText concatenates the text of n's descendants.
func plainText(src []byte, n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// spaceBeforeSegments moves the space between two inline text segments
// from the end of the first to the start of the second. Fyne wraps a
// segment whose first word does not fit on the line character by
// character ("D / r / uckerzuordnung"); with a leading space it breaks at
// the space and moves the whole word to the next line.
func spaceBeforeSegments(segs []widget.RichTextSegment) []widget.RichTextSegment {
	for i := 0; i+1 < len(segs); i++ {
		a, ok1 := segs[i].(*widget.TextSegment)
		b, ok2 := segs[i+1].(*widget.TextSegment)
		if !ok1 || !ok2 || !a.Style.Inline || !b.Style.Inline || b.Text == "" {
			continue
		}
		if strings.HasSuffix(a.Text, " ") && !strings.HasPrefix(b.Text, " ") {
			a.Text = strings.TrimSuffix(a.Text, " ")
			b.Text = " " + b.Text
		}
	}
	return segs
}
