package kb

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Export writes the current version of every article into dir as a
// Markdown file with front matter, and returns how many it wrote. Each
// article goes to its Source path when it has a safe, unused one (so that
// export and import round-trip, Source included), else to <id>.md.
// Existing files of the same names are overwritten.
func (s *Store) Export(ctx context.Context, dir string) (int, error) {
	return s.export(ctx, dir, false)
}

// ExportHTML writes the current version of every article into dir as a
// standalone HTML page (title, metadata, body rendered with goldmark) at
// the place Export would put its Markdown file, with .html instead of .md,
// plus an index.html that links them all. It returns how many articles it
// wrote.
func (s *Store) ExportHTML(ctx context.Context, dir string) (int, error) {
	return s.export(ctx, dir, true)
}

// export writes every article as Markdown, or as HTML pages with an index.
func (s *Store) export(ctx context.Context, dir string, html bool) (int, error) {
	names, err := s.exportNames(ctx)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n := 0
	var index []indexEntry
	for _, e := range names {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		a, err := s.Get(ctx, e.id)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		name := e.name
		var data []byte
		if html {
			name = strings.TrimSuffix(name, path.Ext(name)) + ".html"
			data, err = ArticleHTML(a)
			index = append(index, indexEntry{Name: name, Article: a})
		} else {
			data, err = MarshalMarkdown(a)
		}
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		file := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return n, fmt.Errorf("export %s: %w", a.ID, err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return n, fmt.Errorf("export %s: %w", a.ID, err)
		}
		n++
	}
	if html {
		if err := writeHTMLIndex(filepath.Join(dir, "index.html"), index); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
	}
	return n, nil
}

// exportName is where Export writes an article.
type exportName struct{ id, name string }

// exportNames assigns every article its file name, in id order: its Source
// when safe and not taken (compared case-insensitively, for file systems
// that ignore case), else <id>.md.
func (s *Store) exportNames(ctx context.Context) ([]exportName, error) {
	var out []exportName
	used := make(map[string]bool)
	err := s.db.View(func(tx *bolt.Tx) error {
		return scanHeads(tx, "", func(h head) (bool, error) {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			a, err := getContent(tx, h.rec.Seq)
			if err != nil {
				return false, fmt.Errorf("article %s: %w", h.ID, err)
			}
			name := a.Source
			if !safeSource(name) || used[strings.ToLower(name)] {
				name = h.ID + ".md"
				for i := 2; used[strings.ToLower(name)]; i++ {
					name = fmt.Sprintf("%s-%d.md", h.ID, i)
				}
			}
			used[strings.ToLower(name)] = true
			out = append(out, exportName{id: h.ID, name: name})
			return true, nil
		})
	})
	return out, err
}

// safeSource reports whether a Source path can be written below the export
// folder on every platform: a relative slash path to a .md file, without
// hidden or reserved parts.
func safeSource(p string) bool {
	if p == "" || !fs.ValidPath(p) || !strings.EqualFold(path.Ext(p), ".md") || strings.ContainsAny(p, "\\:*?\"<>|") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") || strings.TrimSpace(part) != part {
			return false
		}
	}
	return true
}
