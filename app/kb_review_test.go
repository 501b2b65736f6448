package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

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
