package kb

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// markdown is the goldmark converter: GitHub-flavoured Markdown (tables,
// strikethrough, autolinks, task lists) and heading ids. Raw HTML is left
// out and dangerous link targets (javascript: and the like) are dropped,
// because goldmark's renderer is not told to be unsafe.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// RenderHTML renders a Markdown body as an HTML fragment: GFM tables,
// strikethrough and autolinks, images, and no raw HTML passthrough.
func RenderHTML(md string) (string, error) {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(md), &b); err != nil {
		return "", fmt.Errorf("render Markdown: %w", err)
	}
	return b.String(), nil
}
