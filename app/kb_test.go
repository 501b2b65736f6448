package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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

func TestEditSaveHistoryDiffRestore(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := h.u.kbs
	v := h.openArticle("kb-fibu-001")
	test.Tap(v.edit)
	if s.root.Objects[0] == s.browse {
		t.Fatal("the editor did not open")
	}
	e := findEditor(t, h)
	if !strings.Contains(strings.Join(texts(e.root), "\n"), "saved as a draft") {
		t.Error("a specialist editing a published article is not told it becomes a draft")
	}
	// Unsaved changes: closing asks, and "No" keeps the editor.
	test.Type(e.body, "Neue Zeile: Periode im Kalender prüfen.\n")
	if !e.dirty || h.u.unsaved == nil || !h.u.unsaved() {
		t.Fatal("typing did not mark the editor dirty")
	}
	h.wait("preview", func() bool { return has(texts(e.preview), "Neue Zeile: Periode im Kalender prüfen.") })
	test.Tap(e.cancel)
	if !strings.Contains(h.dialogText(), "Discard your changes") {
		t.Fatalf("no unsaved-changes warning, dialog: %q", h.dialogText())
	}
	test.Tap(h.overlayButton("No"))
	if s.root.Objects[0] == s.browse {
		t.Fatal("the editor closed although the user chose to keep the changes")
	}
	test.Type(e.note, "Kalender-Hinweis")
	// Ctrl+S in the body saves, like the Save button.
	e.body.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault})
	h.wait("editor closed", func() bool { return s.root.Objects[0] == s.browse })
	h.wait("saved article shown", func() bool { return s.article != nil && s.article.a.Rev == 2 })
	if s.article.a.Status != kb.StatusDraft {
		t.Errorf("the specialist's edit was saved as %s, want draft", s.article.a.Status)
	}
	stored, err := h.u.kb.Get(context.Background(), "kb-fibu-001")
	if err != nil || !strings.Contains(stored.Body, "Periode im Kalender") {
		t.Fatalf("stored body: %v %q", err, stored.Body)
	}

	// History: two revisions; revision 1 against the current one shows
	// the added line.
	test.Tap(s.article.history)
	hv := findHistory(t, h)
	h.wait("revisions", func() bool { return len(hv.revs) == 2 && len(hv.against.Options) == 3 })
	if got := hv.revs[1].Note; got != "Kalender-Hinweis" {
		t.Errorf("revision note %q", got)
	}
	hv.list.Select(1) // newest first: index 1 is revision 1
	h.wait("diff", func() bool { return strings.Contains(hv.summary.Text, "Revision 1 → 2") })
	var added, statusRemoved bool
	for _, seg := range hv.diff.Segments {
		ts := seg.(*widget.TextSegment)
		if strings.HasPrefix(ts.Text, "+ ") && strings.Contains(ts.Text, "Periode im Kalender") && ts.Style.ColorName == theme.ColorNameSuccess {
			added = true
		}
		if strings.HasPrefix(ts.Text, "− ") && strings.Contains(ts.Text, "Published") && ts.Style.ColorName == theme.ColorNameError {
			statusRemoved = true
		}
	}
	if !added || !statusRemoved {
		t.Errorf("diff lacks the added line (%v) or the status change (%v): %q", added, statusRemoved, texts(hv.diff))
	}

	// Restore revision 1: its content becomes revision 3; the article
	// keeps its current status (draft).
	test.Tap(hv.restore)
	test.Tap(h.overlayButton("Yes"))
	h.wait("restored", func() bool { return s.article != nil && s.article.a.Rev == 3 })
	if strings.Contains(s.article.a.Body, "Periode im Kalender") || s.article.a.Status != kb.StatusDraft {
		t.Errorf("restore: status %s, body still has the new line: %v", s.article.a.Status, strings.Contains(s.article.a.Body, "Periode im Kalender"))
	}
	if h.u.kbs.history != nil {
		t.Error("after restore the history is still shown instead of the article")
	}
}

// findEditor returns the open editor.
func findEditor(t *testing.T, h *harness) *editor {
	t.Helper()
	if h.u.editor == nil {
		t.Fatal("no editor open")
	}
	return h.u.editor
}

// findHistory returns the history view on the right.
func findHistory(t *testing.T, h *harness) *historyView {
	t.Helper()
	if h.u.kbs.history == nil {
		t.Fatal("no history shown")
	}
	return h.u.kbs.history
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

func TestReviewQueue(t *testing.T) {
	h := newHarness(t, kb.RoleTeamLead)
	h.u.selectScreen("review")
	r := h.u.review
	h.wait("queue", func() bool { return len(r.arts) == 4 })
	if r.info.Text != "Waiting for review: 4" || !strings.Contains(r.hint.Text, "publish it or send it back") {
		t.Errorf("info %q, hint %q", r.info.Text, r.hint.Text)
	}
	var idx = -1
	for i, a := range r.arts {
		if a.ID == "kb-mrp-002" {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("kb-mrp-002 is not in the queue")
	}
	r.list.Select(idx)
	h.wait("open", func() bool { return r.article != nil && r.article.a.ID == "kb-mrp-002" })
	if !r.article.publish.Visible() || !r.sendBack.Visible() {
		t.Fatal("a team lead cannot publish or send back")
	}
	if got := reviewCount(h); got != 4 {
		t.Errorf("navigation shows %d articles waiting for review, want 4", got)
	}
	test.Tap(r.article.publish)
	h.wait("published", func() bool { return len(r.arts) == 3 })
	if got := reviewCount(h); got != 3 {
		t.Errorf("after publishing the navigation shows %d waiting, want 3", got)
	}
	a, err := h.u.kb.Get(context.Background(), "kb-mrp-002")
	if err != nil || a.Status != kb.StatusPublished || a.Reviewer != "tester" {
		t.Fatalf("after approve: %v, status %s, reviewer %q", err, a.Status, a.Reviewer)
	}

	// Send back with a note.
	r.list.Select(0)
	first := r.arts[0].ID
	h.wait("open", func() bool { return r.article != nil && r.article.a.ID == first })
	test.Tap(r.sendBack)
	var note *widget.Entry
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine {
			note = e
		}
	}
	if note == nil {
		t.Fatal("no note field")
	}
	test.Type(note, "Bitte Logauszug ergänzen")
	test.Tap(h.overlayButton("Send back"))
	h.wait("sent back", func() bool { return len(r.arts) == 2 })
	hist, err := h.u.kb.History(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Status != kb.StatusDraft || !strings.Contains(last.Note, "Bitte Logauszug ergänzen") {
		t.Errorf("last revision %+v", last)
	}
}

func TestSpecialistCannotPublish(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	h.u.selectScreen("review")
	r := h.u.review
	h.wait("queue", func() bool { return len(r.arts) == 4 })
	if !strings.Contains(r.hint.Text, "Only team leads") {
		t.Errorf("hint %q", r.hint.Text)
	}
	r.list.Select(0)
	h.wait("open", func() bool { return r.article != nil })
	if r.article.publish.Visible() || r.sendBack.Visible() || r.article.archive.Visible() {
		t.Error("a specialist sees publish, archive or send back")
	}
	// The store refuses too, and the user is told in plain words.
	id := r.article.a.ID
	r.article.setStatus(kb.StatusPublished, "try")
	h.wait("error dialog", func() bool { return h.dialogText() != "" })
	if !strings.Contains(h.dialogText(), "Only team leads") {
		t.Errorf("dialog %q", h.dialogText())
	}
	_, err := h.u.kb.SetStatus(context.Background(), id, kb.StatusPublished, h.u.user, "")
	if !errors.Is(err, kb.ErrForbidden) {
		t.Errorf("store let a specialist publish: %v", err)
	}
	// After switching to team lead in settings the button appears.
	h.u.setUser(kb.User{Name: "tester", Role: kb.RoleTeamLead})
	h.wait("reload", func() bool { return r.article == nil || r.article.publish.Visible() })
}

// reviewCount is the count shown next to the review queue in the
// navigation.
func reviewCount(h *harness) int {
	for _, s := range h.u.screens {
		if s.id == "review" {
			return s.count
		}
	}
	return -1
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

func TestActionsByRoleAndStatus(t *testing.T) {
	// Which buttons the article view offers, by role and status (the
	// HTML export is always there).
	ids := map[kb.Status]string{
		kb.StatusDraft: "kb-mrp-003", kb.StatusReview: "kb-mrp-002",
		kb.StatusPublished: "kb-fibu-001", kb.StatusArchived: "kb-appserver-004",
	}
	want := map[kb.Role]map[kb.Status]string{
		kb.RoleSpecialist: {
			kb.StatusDraft:     "Edit History Submit for review HTML…",
			kb.StatusReview:    "Edit History Back to draft HTML…",
			kb.StatusPublished: "Edit History HTML…",
			kb.StatusArchived:  "History HTML…",
		},
		kb.RoleTeamLead: {
			kb.StatusDraft:     "Edit History Submit for review Publish HTML…",
			kb.StatusReview:    "Edit History Publish Back to draft HTML…",
			kb.StatusPublished: "Edit History Archive HTML…",
			kb.StatusArchived:  "Edit History Publish Back to draft HTML…",
		},
	}
	for role, byStatus := range want {
		h := newHarness(t, role)
		for st, id := range ids {
			v := h.openArticle(id)
			if v.a.Status != st {
				t.Fatalf("%s is %s, want %s", id, v.a.Status, st)
			}
			var shown []string
			for _, o := range v.actions.Objects {
				if b := o.(*widget.Button); b.Visible() {
					shown = append(shown, b.Text)
				}
			}
			if got := strings.Join(shown, " "); got != byStatus[st] {
				t.Errorf("%s on a %s article sees %q, want %q", role, st, got, byStatus[st])
			}
		}
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

func TestRevisionNotesInTheUsersLanguage(t *testing.T) {
	// The notes Werkbank writes into an article's history read German in
	// a German window; a user's own note stays as written, even one that
	// looks like a system note.
	newHarnessIn(t, kb.RoleSpecialist, false, "de_DE.UTF-8")
	for _, c := range []struct {
		r    kb.Revision
		want string
	}{
		{kb.Revision{Note: "restored revision 3", NoteCode: kb.NoteRestored, NoteArgs: []string{"3"}}, "Revision 3 wiederhergestellt"},
		{kb.Revision{Note: "imported from erp/drucker.md", NoteCode: kb.NoteImported, NoteArgs: []string{"erp/drucker.md"}}, "importiert aus erp/drucker.md"},
		{kb.Revision{Note: "status review → published", NoteCode: kb.NoteStatus, NoteArgs: []string{"review", "published"}}, "Status In Prüfung → Veröffentlicht"},
		{kb.Revision{Note: "Kalender-Hinweis ergänzt"}, "Kalender-Hinweis ergänzt"},
		{kb.Revision{Note: "restored revision after review"}, "restored revision after review"},
	} {
		if got := revisionNote(c.r); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
}
