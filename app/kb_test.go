package app

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// resultTitles are the titles of the listed results.
func resultTitles(s *kbScreen) []string {
	var out []string
	for _, o := range s.rows.Objects {
		out = append(out, o.(*resultRow).hit.Title)
	}
	return out
}

// row finds the result row of article id.
func row(s *kbScreen, id string) *resultRow {
	for _, o := range s.rows.Objects {
		if r := o.(*resultRow); r.hit.ID == id {
			return r
		}
	}
	return nil
}

// openArticle taps the result row of id and waits for its view.
func (h *harness) openArticle(id string) *articleView {
	h.t.Helper()
	s := h.u.kbs
	h.wait("result row "+id, func() bool { return row(s, id) != nil })
	test.Tap(row(s, id))
	h.wait("article "+id, func() bool { return s.article != nil && s.article.a.ID == id })
	return s.article
}

func TestSearchAsYouType(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	h.wait("newest articles", func() bool { return len(s.rows.Objects) > 0 })
	test.Type(s.search, "Spooler")
	h.wait("spooler hit", func() bool { return row(s, "kb-druck-001") != nil && strings.HasPrefix(s.info.Text, "Results:") })
	r := row(s, "kb-druck-001")
	if r.hit.Title != "Druckauftrag bleibt in der Warteschlange hängen" {
		t.Errorf("hit title %q", r.hit.Title)
	}
	// The snippet's matches are bold in the primary colour.
	marked := false
	for _, seg := range snippetSegments(r.hit.Snippet) {
		ts := seg.(*widget.TextSegment)
		if ts.Style.TextStyle.Bold && ts.Style.ColorName == theme.ColorNamePrimary && strings.Contains(strings.ToLower(ts.Text), "spooler") {
			marked = true
		}
	}
	if !marked {
		t.Errorf("snippet %q has no highlighted match", r.hit.Snippet)
	}
	if got := texts(test.TempWidgetRenderer(t, r).Objects()[0]); !has(got, "Druckauftrag bleibt") || !has(got, "Published") {
		t.Errorf("result row shows %q", got)
	}

	// Only the newest search reaches the screen: start two searches at
	// once; the first one's results are dropped whatever the order.
	s.search.SetText("Buchungsperiode gesperrt")
	s.runSearch()
	s.search.SetText("Zebra Etiketten leer")
	s.runSearch()
	h.wait("zebra hit", func() bool { return row(s, "kb-druck-004") != nil })
	h.settle()
	if row(s, "kb-fibu-001") != nil && resultTitles(s)[0] == "Buchung abgewiesen: Buchungsperiode ist gesperrt (FIBU-4711)" {
		t.Errorf("stale results shown: %q", resultTitles(s))
	}
	if s.search.Text != "Zebra Etiketten leer" || resultTitles(s)[0] != "Etikettendrucker druckt nach Treiber-Update leere Etiketten" {
		t.Errorf("results for %q: %q", s.search.Text, resultTitles(s))
	}

	// A query that matches nothing says so.
	s.search.SetText("xqzzyv")
	h.wait("no results", func() bool { return len(s.rows.Objects) == 0 })
	if !strings.Contains(s.info.Text, "No article matches") {
		t.Errorf("info %q", s.info.Text)
	}
}

func TestFacetsFilter(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	h.wait("facets", func() bool { return len(s.facets.Items) == 3 && len(s.rows.Objects) > 0 })
	statusBox := s.facets.Items[0].Detail.(*fyne.Container)
	var review *widget.Check
	for _, o := range statusBox.Objects {
		if c := o.(*widget.Check); strings.HasPrefix(c.Text, "In review (") {
			review = c
		}
	}
	if review == nil {
		t.Fatalf("no 'In review' status facet: %q", texts(statusBox))
	}
	if review.Text != "In review (4)" {
		t.Errorf("facet %q, want 4 demo articles in review", review.Text)
	}
	test.Tap(review)
	h.wait("filtered", func() bool { return len(s.rows.Objects) == 4 })
	for _, o := range s.rows.Objects {
		if st := o.(*resultRow).hit.Status; st != kb.StatusReview {
			t.Errorf("filtered list holds a %s article", st)
		}
	}
	// With text, the filter still applies.
	s.search.SetText("MRP")
	h.wait("filtered search", func() bool { return strings.HasPrefix(s.info.Text, "Results:") })
	h.settle()
	for _, o := range s.rows.Objects {
		if st := o.(*resultRow).hit.Status; st != kb.StatusReview {
			t.Errorf("filtered search holds a %s article", st)
		}
	}
	if row(s, "kb-mrp-002") == nil {
		t.Errorf("the MRP article in review is missing: %q", resultTitles(s))
	}
}

func TestArticleRendering(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	v := h.openArticle("kb-fibu-001")
	got := texts(v.root)
	for _, want := range []string{
		"Buchung abgewiesen: Buchungsperiode ist gesperrt (FIBU-4711)", // title
		"Ursache",            // a heading
		"Vorläufig gesperrt", // a table cell
		"Published",          // metadata
		"Edit", "History",
	} {
		if !has(got, want) {
			t.Errorf("article view lacks %q", want)
		}
	}
	if has(got, "Publish") && button(v.root, "Publish") != nil {
		t.Error("a specialist sees the Publish button")
	}
}

func TestMarkdownTableImageAndBlocks(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	test.NewTempApp(t)
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.White)
	f, err := os.Create(filepath.Join(dir, "shot.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	md := "# Title\n\n## Lösung\n\nText with **bold** and `code` and a [link](https://example.com).\n\n" +
		"| Status | Bedeutung |\n|---|--:|\n| Offen | alle *dürfen* |\n| Gesperrt |\n\n" +
		"1. one\n2. two\n   - nested\n\n```\nERROR PRN-2031\n```\n\n> quoted\n\n![Screenshot](shot.png)\n\n![missing](nope.png)\n\n<script>alert(1)</script>\n"
	box := renderMarkdown(md, dir)
	got := texts(box)
	for _, want := range []string{"Title", "Lösung", "bold", "code", "link", "Status", "Offen", "dürfen", "Gesperrt", "one", "nested", "ERROR PRN-2031", "quoted", "[missing]"} {
		if !has(got, want) {
			t.Errorf("rendered markdown lacks %q: %q", want, got)
		}
	}
	if has(got, "alert") {
		t.Error("raw HTML was rendered")
	}
	var images, tables int
	var headings []string
	for _, o := range box.Objects {
		switch o := o.(type) {
		case *widget.RichText:
			for _, s := range o.Segments {
				switch s := s.(type) {
				case *widget.ImageSegment:
					images++
					if !strings.HasSuffix(s.Source.Path(), "shot.png") {
						t.Errorf("image source %s", s.Source)
					}
				case *widget.TextSegment:
					if s.Style == widget.RichTextStyleHeading || s.Style == widget.RichTextStyleSubHeading {
						headings = append(headings, s.Text)
					}
				}
			}
		case *fyne.Container:
			tables++
			// Three rows of two cells; the short row is padded.
			if n := len(o.Objects); n != 3 {
				t.Errorf("table has %d rows, want 3", n)
			}
			for _, row := range o.Objects {
				if n := len(row.(*fyne.Container).Objects); n != 2 {
					t.Errorf("table row has %d cells, want 2", n)
				}
			}
		}
	}
	if images != 1 || tables != 1 || strings.Join(headings, "|") != "Title|Lösung" {
		t.Errorf("images %d, tables %d, headings %q", images, tables, headings)
	}
}

func TestNewArticleNeedsTitle(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	test.Tap(s.newBtn)
	e := findEditor(t, h)
	test.Type(e.body, "## Problem\n\nnur Text")
	test.Tap(e.save)
	if !strings.Contains(h.dialogText(), "give the article a title") {
		t.Fatalf("no title error, dialog %q", h.dialogText())
	}
	test.Tap(h.overlayButton("OK"))
	test.Type(e.title, "Testartikel Druck")
	test.Tap(e.save)
	h.wait("new article", func() bool { return s.article != nil && s.article.a.Title == "Testartikel Druck" })
	a := s.article.a
	if a.Status != kb.StatusDraft || a.Author != "tester" || a.Rev != 1 {
		t.Errorf("new article: status %s, author %q, rev %d", a.Status, a.Author, a.Rev)
	}
	// A draft can be submitted for review by its author.
	test.Tap(s.article.submit)
	h.wait("in review", func() bool { return s.article.a.Status == kb.StatusReview })
}

func TestLargeKnowledgeBaseListsWithoutScan(t *testing.T) {
	old := recentScanMax
	recentScanMax = 10
	t.Cleanup(func() { recentScanMax = old })
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	h.wait("listing", func() bool { return len(s.rows.Objects) > 0 })
	if !strings.HasPrefix(s.info.Text, "Articles: 40,") {
		t.Errorf("info %q", s.info.Text)
	}
	if len(s.rows.Objects) != 40 {
		t.Errorf("%d rows, want the 40 demo articles", len(s.rows.Objects))
	}
}

func TestArrowKeysBrowseResults(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	test.Type(s.search, "Buchungsperiode gesperrt")
	h.wait("results", func() bool { return strings.HasPrefix(s.info.Text, "Results:") && len(s.hits) > 1 })
	h.settle()
	first, second := s.hits[0].ID, s.hits[1].ID
	// The first listing opened its first article; with none of the
	// results open, Down opens the first.
	s.selected = ""
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	h.wait("first result", func() bool { return s.article != nil && s.article.a.ID == first })
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	h.wait("second result", func() bool { return s.article != nil && s.article.a.ID == second })
	s.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	h.wait("first again", func() bool { return s.article != nil && s.article.a.ID == first })
	if s.search.Text != "Buchungsperiode gesperrt" {
		t.Errorf("the arrow keys changed the query to %q", s.search.Text)
	}
}

func TestEditingAnotherArticleAsksFirst(t *testing.T) {
	h := newHarness(t, kb.RoleTeamLead)
	s := h.u.kbs
	v := h.openArticle("kb-fibu-001")
	test.Tap(v.edit)
	first := h.u.editor
	test.Type(first.body, "Entwurf ")
	// From the review queue, the lead edits another article.
	h.u.kbs.edit(kb.Article{ID: "kb-mrp-002", Title: "MRP", Status: kb.StatusReview})
	if !strings.Contains(h.dialogText(), "unsaved changes") {
		t.Fatalf("no warning, dialog %q", h.dialogText())
	}
	test.Tap(h.overlayButton("No"))
	if h.u.editor != first || s.root.Objects[0] != first.root {
		t.Fatal("the editor with unsaved changes was replaced")
	}
	h.u.kbs.edit(kb.Article{ID: "kb-mrp-002", Title: "MRP", Status: kb.StatusReview})
	test.Tap(h.overlayButton("Yes"))
	if h.u.editor == first || h.u.editor == nil || h.u.editor.orig.ID != "kb-mrp-002" {
		t.Fatal("the second article is not in the editor")
	}
}

func TestImportFolder(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	dir := t.TempDir()
	files := map[string]string{
		"gut.md":     "---\ntitle: Lieferschein druckt doppelt\nstatus: draft\ntags: [druck]\n---\n## Problem\n\nDoppelt.\n",
		"kaputt.md":  "---\ntitle: [unclosed\n---\nText\n",
		"fertig.md":  "---\ntitle: Veröffentlicht vom Spezialisten\nstatus: published\n---\nText\n",
		"notes.txt":  "not markdown",
		"sub/neu.md": "# Neuer Artikel aus Unterordner\n\nInhalt.\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.wait("listing", func() bool { return len(s.rows.Objects) > 0 })
	s.importDir(dir)
	h.wait("summary", func() bool { return strings.Contains(h.dialogText(), "New articles:") })
	text := h.dialogText()
	for _, want := range []string{"New articles: 2", "not imported: 2", "kaputt.md", "fertig.md"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	h.wait("imported article listed", func() bool {
		for _, title := range resultTitles(s) {
			if title == "Neuer Artikel aus Unterordner" {
				return true
			}
		}
		return false
	})
	arts, err := h.u.kb.List(context.Background(), kb.Filter{Tag: "druck"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range arts {
		if a.Title == "Lieferschein druckt doppelt" {
			found = true
			if a.Status != kb.StatusDraft || !strings.HasSuffix(a.Source, "gut.md") {
				t.Errorf("imported article: status %s, source %q", a.Status, a.Source)
			}
		}
	}
	if !found {
		t.Error("gut.md was not imported")
	}
}

// BenchmarkSearchToScreen measures what the user waits for after the
// debounce: from starting a search (typed query, background search on the
// 40 demo articles) to the result rows on the screen.
func BenchmarkSearchToScreen(b *testing.B) {
	h := newHarness(b, kb.RoleSpecialist)
	s := h.u.kbs
	h.wait("listing", func() bool { return len(s.rows.Objects) > 0 })
	h.settle()
	queries := []string{"Buchungsperiode gesperrt", "Drucker Warteschlange", "PRN-2031", "MRP Bestellvorschläge doppelt", "Kerberos clock skew"}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := queries[i%len(queries)]
		i++
		s.search.SetText(q)
		if s.timer != nil {
			s.timer.Stop()
		}
		s.info.SetText("")
		s.runSearch()
		h.wait("results", func() bool { return strings.HasPrefix(s.info.Text, "Results:") && len(s.rows.Objects) > 0 })
	}
}

// The article view exports the article as a standalone HTML page (goldmark:
// the table becomes an HTML table); an existing file is not overwritten.
func TestArticleHTMLExport(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	v := h.openArticle("kb-fibu-001")
	test.Tap(v.html)
	if !strings.Contains(h.dialogText(), "Export the article as HTML") && h.overlayButton("Write") == nil {
		t.Fatalf("no export dialog: %q", h.dialogText())
	}
	path := filepath.Join(t.TempDir(), "kb-fibu-001.html")
	if err := writeArticleHTML(v.a, path); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>Buchung abgewiesen: Buchungsperiode ist gesperrt (FIBU-4711)</title>", "<table>", "Vorläufig gesperrt"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("exported page lacks %q", want)
		}
	}
	if err := writeArticleHTML(v.a, path); err == nil {
		t.Error("an existing file was overwritten")
	}
}

// The facet filters, the info line and the results are laid out below
// one another also after the first search fills the facets, with an
// empty knowledge base as with the demo articles.
func TestFacetsDoNotCoverTheInfoLine(t *testing.T) {
	for _, seed := range []bool{false, true} {
		h := newHarnessSeeded(t, kb.RoleSpecialist, seed)
		s := h.u.kbs
		h.wait("facets", func() bool { return len(s.facets.Items) == 3 && s.info.Text != "" })
		h.settle()
		d := fyne.CurrentApp().Driver()
		facetsEnd := d.AbsolutePositionForObject(s.facets).Y + s.facets.MinSize().Height
		if info := d.AbsolutePositionForObject(s.info).Y; info < facetsEnd {
			t.Errorf("seeded %v: the info line %q starts at y=%.0f, inside the facets (to y=%.0f)", seed, s.info.Text, info, facetsEnd)
		}
		// The scroll reaches the last result.
		if got, want := s.column.Content.Size().Height, s.column.Content.MinSize().Height; got < want {
			t.Errorf("seeded %v: the scrolled column is %.0f high, its content needs %.0f", seed, got, want)
		}
	}
}
