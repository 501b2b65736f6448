package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

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
