package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"werkbank/cases"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestCaseAttachmentsTab(t *testing.T) {
	h, s := casesHarness(t)
	it := selectCase(h, s, "Produktion steht")
	if s.attTab.Text != "Attachments (0)" || !strings.Contains(strings.Join(texts(s.attBox), "\n"), "No attachments yet") {
		t.Fatalf("tab %q, content %q", s.attTab.Text, texts(s.attBox))
	}
	content := []byte(strings.Repeat("2026-11-27 05:58:01 ERROR [BDE] queue stalled at message 4711\n", 400))
	logPath := filepath.Join(t.TempDir(), "bde-queue.log")
	if err := os.WriteFile(logPath, content, 0o600); err != nil {
		t.Fatal(err)
	}
	s.attach(it.ID, logPath)
	h.wait("the attachments tab", func() bool { return s.attTab.Text == "Attachments (1)" })
	a := s.cur.Attachments[0]
	shown := strings.Join(texts(s.attBox), "\n")
	for _, want := range []string{"bde-queue.log", "24.2 KiB", "tester", a.SHA256} {
		if !strings.Contains(shown, want) {
			t.Errorf("the attachment row lacks %q:\n%s", want, shown)
		}
	}

	// "Open in log viewer" shows it in the Logs screen under its name.
	var view, save *widget.Button
	for _, b := range buttons(s.attBox) {
		switch b.Text {
		case "Open in Logs":
			view = b
		case "Save copy…":
			save = b
		}
	}
	if view == nil || save == nil {
		t.Fatalf("buttons %v", buttons(s.attBox))
	}
	test.Tap(view)
	ls := h.u.ls
	if ls == nil {
		t.Fatal("the log viewer did not open")
	}
	h.wait("the attachment indexed", func() bool { return ls.ix != nil && ls.ix.Lines() == 400 })
	if ls.fileLbl.Text != "bde-queue.log" {
		t.Errorf("the viewer names the file %q", ls.fileLbl.Text)
	}
	// A finding in it goes to its case, naming the file by its name.
	ls.selectRow(2)
	ls.markFinding()
	h.wait("the finding dialog", func() bool { return h.overlayButton("Add to case") != nil })
	if txt := h.dialogText(); !strings.Contains(txt, it.ID) {
		t.Errorf("the finding dialog does not offer the attachment's case %s first: %q", it.ID, txt)
	}
	test.Tap(h.overlayButton("Add to case"))
	h.wait("the finding note", func() bool { return strings.Contains(ls.status.Text, "Finding added to case "+it.ID) })
	got, err := h.u.cases.Get(context.Background(), it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if note := got.Activities[len(got.Activities)-1]; !strings.Contains(note.Text, "Finding: bde-queue.log, lines 3") {
		t.Errorf("finding %q", note.Text)
	}

	// A copy is checked against the SHA-256 on the way out.
	dst := filepath.Join(t.TempDir(), "copy.log")
	copyTo := func() error {
		wc, err := storage.Writer(storage.NewFileURI(dst))
		if err != nil {
			t.Fatal(err)
		}
		return s.writeCopy(context.Background(), wc, a.SHA256)
	}
	if err := copyTo(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(dst); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("copy: %d bytes, %v", len(got), err)
	}
	// A stored file that was changed is reported, and its copy removed.
	src := h.u.cases.AttachmentPath(a.SHA256)
	if err := os.Chmod(src, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, bytes.Replace(content, []byte("4711"), []byte("4712"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := copyTo(); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("copy of a changed attachment: %v", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the copy of a changed attachment is left behind: %v", err)
	}

	// A file missing on this workstation is said in plain words.
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	h.u.selectScreen("cases")
	test.Tap(view)
	if txt := h.dialogText(); !strings.Contains(txt, "not on this workstation") {
		t.Fatalf("dialog %q", txt)
	}
}
