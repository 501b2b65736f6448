package kb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// writeFiles writes files (slash path → content) below dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	// Something already in the store must survive a bad import untouched.
	keep, err := s.Save(ctx, Article{ID: "keep", Title: "Bleibt", Body: "unverändert"}, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"with-id.md":                 "---\nid: KB-1\ntitle: Mit ID\ntags: [druck]\n---\n\nText eins\n",
		"Drucker/Spooler hängt.md":   "# Spooler hängt\n\nText zwei\n",
		"Drucker/tief/Drei.MD":       "Kein Titel hier\n",
		".git/ignored.md":            "# versteckt\n",
		"notes.txt":                  "no markdown",
		"broken/yaml.md":             "---\ntitle: x\n  bad: indent\n---\nbody\n",
		"broken/latin1.md":           "# Gr\xfc\xdfe\n",
		"broken/empty.md":            "",
		"broken/unknown.md":          "---\ntitle: Mit Extra\nkategorie: Druck\n---\nx\n",
		"dup/a.md":                   "---\nid: same\ntitle: A\n---\n",
		"dup/b.md":                   "---\nid: same\ntitle: B\n---\n",
		"keep-attempt/overwrite.md":  "---\nid: keep\ntitle: Bleibt\nstatus: published\n---\nüberschrieben\n",
		"broken/status-published.md": "---\ntitle: Veröffentlicht\nstatus: published\n---\nx\n",
		"slug/a b.md":                "# Eins\n",
		"slug/a-b.md":                "# Zwei\n",
		strings.Repeat("sehr-langer-ordnername/", 5) + "kapitel-1.md": "# Kapitel 1\n",
		strings.Repeat("sehr-langer-ordnername/", 5) + "kapitel-2.md": "# Kapitel 2\n",
	})
	// A 50 MB file, sparse so that the test stays cheap: refused unread.
	big, err := os.Create(filepath.Join(root, "broken", "huge.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()

	rep, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: alice})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 9 || rep.Updated != 0 {
		t.Fatalf("report %+v", rep)
	}
	wantErrs := map[string]string{
		"broken/yaml.md:3:":           "not valid YAML",
		"broken/latin1.md:1:":         "not UTF-8",
		"broken/empty.md:":            "empty file",
		"broken/huge.md:":             "limit of 10 MiB",
		"dup/b.md:":                   `duplicate id "same": dup/a.md`,
		"keep-attempt/overwrite.md:":  "may not publish",
		"broken/status-published.md:": "may not publish",
	}
	if len(rep.Errors) != len(wantErrs) {
		t.Errorf("errors: %v", rep.Errors)
	}
	for _, e := range rep.Errors {
		msg := e.Error()
		found := false
		for prefix, text := range wantErrs {
			if strings.HasPrefix(msg, prefix) && strings.Contains(msg, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("unexpected import error %q", msg)
		}
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Error(), `broken/unknown.md:3: unknown front-matter key "kategorie"`) {
		t.Errorf("warnings %v", rep.Warnings)
	}
	want := map[string]struct{ title, source string }{
		"KB-1":                   {"Mit ID", "with-id.md"},
		"drucker-spooler-haengt": {"Spooler hängt", "Drucker/Spooler hängt.md"},
		"drucker-tief-drei":      {"Drei", "Drucker/tief/Drei.MD"},
		"broken-unknown":         {"Mit Extra", "broken/unknown.md"},
		"same":                   {"A", "dup/a.md"},
	}
	for id, w := range want {
		a, err := s.Get(ctx, id)
		if err != nil || a.Title != w.title || a.Source != w.source || a.Rev != 1 || a.Status != StatusDraft || a.Author != "alice" {
			t.Errorf("article %s = %+v, %v; want %+v", id, a, err, w)
		}
	}
	got, err := s.Get(ctx, "keep")
	if err != nil || got.Rev != keep.Rev || got.Body != keep.Body {
		t.Fatalf("existing article damaged: %+v, %v", got, err)
	}
	if n := s.docCount(t); n != 10 {
		t.Fatalf("index holds %d, want 10", n)
	}
	// Paths with the same slug, and long paths with the same start, get
	// ids of their own.
	ids := map[string]bool{}
	all, _ := s.List(ctx, Filter{})
	for _, a := range all {
		if strings.HasPrefix(a.Source, "slug/") || strings.HasPrefix(a.Source, "sehr-") {
			if !ValidID(a.ID) || len(a.ID) > 101 || ids[a.ID] {
				t.Errorf("article from %s has id %q", a.Source, a.ID)
			}
			ids[a.ID] = true
		}
	}
	if len(ids) != 4 || !ids["slug-a-b"] {
		t.Errorf("ids %v", ids)
	}

	// Re-import: unchanged files make no revision; a changed one does.
	writeFiles(t, root, map[string]string{"with-id.md": "---\nid: KB-1\ntitle: Mit ID\ntags: [druck, neu]\n---\n\nText eins\n"})
	rep, err = s.Import(ctx, os.DirFS(root), ImportOptions{By: alice})
	if err != nil || rep.Added != 0 || rep.Updated != 1 || rep.Unchanged != 8 {
		t.Fatalf("re-import report %+v, %v", rep, err)
	}
	a, _ := s.Get(ctx, "KB-1")
	if a.Rev != 2 || len(a.Tags) != 2 {
		t.Fatalf("re-imported article %+v", a)
	}
	if h, _ := s.History(ctx, "drucker-spooler-haengt"); len(h) != 1 {
		t.Fatalf("unchanged article got revisions: %+v", h)
	}
}

func TestImportStatusAndRoles(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"a.md": "# A\n",
		"b.md": "---\nstatus: review\n---\n# B\n",
	})
	if _, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: alice, Status: StatusPublished}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("specialist imports as published: %v", err)
	}
	if _, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: alice, Status: "bogus"}); err == nil {
		t.Fatal("bogus status accepted")
	}
	rep, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: admin, Status: StatusPublished, Prefix: "demo/"})
	if err != nil || rep.Added != 2 || len(rep.Errors) != 0 {
		t.Fatalf("admin import: %+v, %v", rep, err)
	}
	for _, id := range []string{"demo-a", "demo-b"} {
		a, err := s.Get(ctx, id)
		if err != nil || a.Status != StatusPublished || a.Reviewer != "root" || !strings.HasPrefix(a.Source, "demo/") {
			t.Fatalf("%s = %+v, %v", id, a, err)
		}
	}
	// Without --status the front matter decides, and an existing article
	// keeps its status when the file names none.
	rep, err = s.Import(ctx, os.DirFS(root), ImportOptions{By: admin, Prefix: "demo/"})
	if err != nil || rep.Updated != 1 || rep.Unchanged != 1 {
		t.Fatalf("re-import: %+v, %v", rep, err)
	}
	if a, _ := s.Get(ctx, "demo-a"); a.Status != StatusPublished {
		t.Fatalf("demo-a lost its status: %+v", a)
	}
	if b, _ := s.Get(ctx, "demo-b"); b.Status != StatusReview {
		t.Fatalf("demo-b status %s, want review from its front matter", b.Status)
	}
	// Files limits the import to the named files.
	rep, err = s.Import(ctx, os.DirFS(root), ImportOptions{By: alice, Files: []string{"a.md"}, Prefix: "one/"})
	if err != nil || rep.Added != 1 {
		t.Fatalf("single-file import: %+v, %v", rep, err)
	}
	if _, err := s.Get(ctx, "one-b"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Files imported more than asked: %v", err)
	}
	if _, err := s.Import(ctx, os.DirFS(filepath.Join(root, "missing")), ImportOptions{By: alice}); err == nil {
		t.Fatal("import of a missing folder succeeded")
	}
}

// cancelFS cancels a context when the file system is asked for file n.
type cancelFS struct {
	fs.FS
	n      int
	cancel context.CancelFunc
	mu     sync.Mutex
	opened int
}

func (c *cancelFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opened++
	if c.opened == c.n {
		c.cancel()
	}
	c.mu.Unlock()
	return c.FS.Open(name)
}

func TestImportCancelledLeavesConsistentStore(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	root := t.TempDir()
	files := map[string]string{}
	for i := range batchSize + 500 {
		files[fmt.Sprintf("f/%05d.md", i)] = fmt.Sprintf("# Artikel %d\n\nText %d\n", i, i)
	}
	writeFiles(t, root, files)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfs := &cancelFS{FS: os.DirFS(root), n: batchSize + 100, cancel: cancel}
	rep, err := s.Import(ctx, cfs, ImportOptions{By: alice})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %+v, %v", rep, err)
	}
	s.close()
	s = openTestStore(t, dir)
	all, err := s.List(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != rep.Added {
		t.Fatalf("store holds %d articles, the report says %d were added", len(all), rep.Added)
	}
	if n := s.docCount(t); n != uint64(len(all)) || s.ix.appliedSeq() != s.seq(t) {
		t.Fatalf("index holds %d at %d, store %d at %d", n, s.ix.appliedSeq(), len(all), s.seq(t))
	}
	// The import can simply be run again.
	var progress []int
	rep, err = s.Import(context.Background(), os.DirFS(root), ImportOptions{By: alice, Progress: func(done, total int) {
		if total != batchSize+500 {
			t.Errorf("progress total %d", total)
		}
		progress = append(progress, done)
	}})
	if err != nil || rep.Added+rep.Unchanged != batchSize+500 || rep.Updated != 0 {
		t.Fatalf("second import: %+v, %v", rep, err)
	}
	if len(progress) != 2 || progress[0] != batchSize || progress[1] != batchSize+500 {
		t.Fatalf("progress %v", progress)
	}
}

// An import keeps the front matter's created and updated times (so "newest
// first" means what the articles say), while the revision records when it
// was stored; an updated time in the future is not believed.
func TestImportKeepsFrontMatterTimes(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"old.md":    "---\nid: old\ntitle: Alt\ncreated: 2024-03-01T08:00:00Z\nupdated: 2025-09-02T15:40:00Z\n---\nText\n",
		"future.md": "---\nid: future\ntitle: Zukunft\ncreated: 2024-03-01T08:00:00Z\nupdated: 2099-01-01T00:00:00Z\n---\nText\n",
	})
	if _, err := s.Import(ctx, os.DirFS(root), ImportOptions{By: admin}); err != nil {
		t.Fatal(err)
	}
	old, err := s.Get(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if want := "2025-09-02T15:40:00Z"; old.Updated.UTC().Format("2006-01-02T15:04:05Z") != want {
		t.Errorf("updated = %v, want %s", old.Updated, want)
	}
	hist, err := s.History(ctx, "old")
	if err != nil || len(hist) != 1 {
		t.Fatalf("history: %v %v", hist, err)
	}
	if hist[0].At.Year() != 2026 {
		t.Errorf("revision time = %v, want the time of the import (2026, the test clock)", hist[0].At)
	}
	fut, err := s.Get(ctx, "future")
	if err != nil {
		t.Fatal(err)
	}
	if fut.Updated.Year() != 2026 {
		t.Errorf("future updated kept: %v", fut.Updated)
	}
	// Saving again through the editor moves Updated to the time of the save.
	old.Body = "Neu"
	saved, err := s.Save(ctx, old, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Updated.Year() != 2026 {
		t.Errorf("edited updated = %v, want the save time", saved.Updated)
	}
}

// Search after Close is an error, not a panic.
func TestSearchAfterClose(t *testing.T) {
	s := openTestStore(t, t.TempDir())
	s.close()
	if _, err := s.Search(context.Background(), Query{Text: "Drucker"}); err == nil {
		t.Fatal("search on a closed store succeeded")
	}
}
