package kb

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"strings"
)

// page is the frame of an exported article: the body comes from goldmark
// (no raw HTML passes through it), everything else is escaped by
// html/template.
var page = template.Must(template.New("article").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.A.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d1d1f}
.meta{color:#555;font-size:.9rem;border-bottom:1px solid #ddd;padding-bottom:.5rem}
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}code{font-family:ui-monospace,monospace}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}th{background:#f0f0f0}
img{max-width:100%}
</style>
</head>
<body>
<h1>{{.A.Title}}</h1>
<p class="meta">{{.A.ID}} · {{.A.Status}}{{if .A.Product}} · {{.A.Product}}{{end}}{{if .A.Module}} / {{.A.Module}}{{end}}{{if .A.Versions}} · {{.Versions}}{{end}}{{if .A.Tags}} · {{.Tags}}{{end}}{{if .A.Author}} · {{.A.Author}}{{end}}{{if .A.Reviewer}} / {{.A.Reviewer}}{{end}} · rev {{.A.Rev}} · {{.A.Updated.Format "2006-01-02"}}</p>
{{.Body}}
</body>
</html>
`))

// ArticleHTML renders a as a standalone HTML page: title, a metadata line
// and the body rendered by RenderHTML.
func ArticleHTML(a Article) ([]byte, error) {
	body, err := RenderHTML(a.Body)
	if err != nil {
		return nil, fmt.Errorf("render article %s: %w", a.ID, err)
	}
	lang := a.Lang
	if lang == "" {
		lang = "de"
	}
	var b bytes.Buffer
	err = page.Execute(&b, map[string]any{
		"A":        a,
		"Lang":     lang,
		"Versions": strings.Join(a.Versions, ", "),
		"Tags":     strings.Join(a.Tags, ", "),
		// RenderHTML's output is goldmark's safe rendering.
		"Body": template.HTML(body),
	})
	if err != nil {
		return nil, fmt.Errorf("render article %s: %w", a.ID, err)
	}
	return b.Bytes(), nil
}

// indexEntry is one line of an HTML export's index.
type indexEntry struct {
	Name    string
	Article Article
}

var indexPage = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Werkbank – Knowledge base</title>
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}li{margin:.3rem 0}small{color:#666}</style>
</head>
<body>
<h1>Werkbank – Knowledge base</h1>
<ul>
{{range .}}<li><a href="{{.Name}}">{{.Article.Title}}</a> <small>{{.Article.ID}} · {{.Article.Status}}</small></li>
{{end}}</ul>
</body>
</html>
`))

// writeHTMLIndex writes the index page of an HTML export.
func writeHTMLIndex(file string, entries []indexEntry) error {
	var b bytes.Buffer
	if err := indexPage.Execute(&b, entries); err != nil {
		return fmt.Errorf("render index: %w", err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}
