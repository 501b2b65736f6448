package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
	"werkbank/kb"
	"werkbank/logs"
)

// richText returns the text of a rendered list row.
func richText(o any) string {
	rt, ok := o.(*widget.RichText)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, s := range rt.Segments {
		if t, ok := s.(*widget.TextSegment); ok {
			b.WriteString(t.Text)
			if !t.Style.Inline {
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

func TestLogsScreen(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	ctx := t.Context()
	if _, err := h.u.kb.Save(ctx, kb.Article{Title: "Buchungsperiode gesperrt", Body: "Periode öffnen.", Status: kb.StatusPublished,
		Signatures: []string{"/Periode \\d+ gesperrt/"}}, kb.User{Name: "lead", Role: kb.RoleTeamLead}, ""); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 1; i <= 3000; i++ {
		switch {
		case i%500 == 0:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:%02d,000 ERROR [w] de.acme.Buchung - Buchung %d abgewiesen: Periode 11 gesperrt (pwd=geheim)\n", i/60%60, i%60, i)
			b.WriteString("java.lang.IllegalStateException: gesperrt\n\tat de.acme.Buchung.post(Buchung.java:42)\n\tat de.acme.Job.run(Job.java:7)\n")
		case i%7 == 0:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:%02d,000 WARN  [w] de.acme.Pool - Pool knapp: %d frei\n", i/60%60, i%60, i%5)
		default:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:%02d,000 INFO  [w] de.acme.Session - Anmeldung Benutzer U%d\n", i/60%60, i%60, i)
		}
	}
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	h.u.selectScreen("logs")
	h.wait("the log screen", func() bool { return h.u.ls != nil })
	ls := h.u.ls
	// Without a file the buttons say why they do nothing.
	test.Tap(findButton(t, h, "Next error"))
	if ls.status.Text != "Open a log file first." {
		t.Errorf("next error without a file: status %q", ls.status.Text)
	}
	ls.openFile(path)
	h.wait("the index", func() bool { return ls.ix != nil })
	h.wait("the templates", func() bool { return len(ls.templates) > 0 })
	if len(ls.templates) != 5 || ls.templates[0].Template != "Anmeldung Benutzer <*>" {
		t.Errorf("templates %+v", ls.templates)
	}
	if ls.ix.Lines() != 3018 || ls.length() != 3000 {
		t.Fatalf("%d lines, %d entries", ls.ix.Lines(), ls.length())
	}
	h.wait("the suggested known problems", func() bool { return strings.Contains(ls.status.Text, "1 known problems") })
	if len(ls.timeline.Objects) != 1 || !strings.Contains(strings.Join(texts(ls.timeline), " "), "peak 1 errors") {
		t.Errorf("timeline %q", texts(ls.timeline))
	}
	row := ls.createItem()
	ls.updateItem(0, row)
	if got := richText(row); !strings.Contains(got, "       1  2026-11-27 10:00:01,000 INFO") {
		t.Errorf("first row %q", got)
	}

	// Next error: the first ERROR entry, folded with its stack trace.
	test.Tap(findButton(t, h, "Next error"))
	if ls.sel < 0 {
		t.Fatal("no error selected")
	}
	e := ls.ix.Entry(ls.entryAt(ls.sel))
	if e.Level != "ERROR" || e.First != 500 {
		t.Fatalf("next error at %+v", e)
	}
	ls.updateItem(ls.sel, row)
	if got := richText(row); !strings.Contains(got, "Periode 11 gesperrt") || !strings.Contains(got, "[+3 lines]") {
		t.Errorf("folded error row %q", got)
	}
	errRow := ls.sel
	ls.toggle(errRow)
	ls.updateItem(errRow, row)
	if got := richText(row); !strings.Contains(got, "Buchung.java:42") || strings.Count(got, "\n") != 3 {
		t.Errorf("unfolded row %q", got)
	}
	test.Tap(findButton(t, h, "Next error"))
	if e := ls.ix.Entry(ls.entryAt(ls.sel)); e.First != 1003 {
		t.Errorf("second error at %+v", e)
	}

	// Level filter and regex search with highlight.
	ls.level.SetSelectedIndex(2)
	h.wait("the error filter", func() bool { return len(ls.view) == 6 })
	ls.level.SetSelectedIndex(0)
	h.wait("all entries", func() bool { return ls.view == nil })
	ls.search.SetText("U12\\d\\b")
	ls.search.OnSubmitted(ls.search.Text)
	h.wait("the search", func() bool { return len(ls.view) == 9 })
	ls.updateItem(0, row)
	rt := row.(*widget.RichText)
	var hit bool
	for _, s := range rt.Segments {
		if ts := s.(*widget.TextSegment); ts.Text == "U120" && ts.Style.ColorName == theme.ColorNamePrimary {
			hit = true
		}
	}
	if !hit {
		t.Errorf("match not highlighted: %q", richText(row))
	}
	ls.search.SetText("([")
	ls.search.OnSubmitted(ls.search.Text)
	if !strings.Contains(ls.status.Text, "Not a valid regular expression") {
		t.Errorf("status %q", ls.status.Text)
	}

	// Time range: a time alone is on the file's first day.
	ls.search.SetText("")
	ls.from.SetText("10:01")
	ls.to.SetText("10:01:59")
	ls.from.OnSubmitted(ls.from.Text)
	h.wait("the time filter", func() bool { return len(ls.view) == 60 })
	if e := ls.ix.Entry(ls.entryAt(0)); e.First != 60 {
		t.Errorf("first entry in range: %+v", e)
	}
	ls.to.SetText("morgen")
	ls.to.OnSubmitted(ls.to.Text)
	if !strings.Contains(ls.status.Text, "Not a time: morgen") {
		t.Errorf("status %q", ls.status.Text)
	}
	ls.from.SetText("")
	ls.to.SetText("")

	// Known problems from the article's signature were suggested on
	// opening; a hit jumps to its line.
	if len(ls.hits) == 0 {
		t.Fatal("no known problems")
	}
	if msg := hitText(ls.hits[0]); msg != "Known problem: Buchungsperiode gesperrt — 6 matching lines" {
		t.Errorf("hit %q", msg)
	}
	ls.hitsList.Select(0)
	if ls.view != nil || ls.ix.Entry(ls.entryAt(ls.sel)).First != 500 {
		t.Errorf("jump to evidence: view %v, row %d", ls.view != nil, ls.sel)
	}

	// A finding: the selected error with its stack trace goes to a case,
	// redacted and with the file's hash.
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Buchung abgewiesen", Customer: "Huber KG", Priority: 2, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	ls.markFinding()
	h.wait("the finding dialog", func() bool { return h.overlayButton("Add to case") != nil })
	for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.MultiLine {
			e.SetText("Periode war gesperrt")
		}
	}
	test.Tap(h.overlayButton("Add to case"))
	h.wait("the finding note", func() bool { return strings.Contains(ls.status.Text, "Finding added to case "+c.ID) })
	if !strings.Contains(ls.status.Text, "Masked before saving: 1 password") {
		t.Errorf("status %q", ls.status.Text)
	}
	got, err := h.u.cases.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	note := got.Activities[len(got.Activities)-1]
	if !strings.Contains(note.Text, "Finding: app.log, lines 500–503") || !strings.Contains(note.Text, "Periode war gesperrt") ||
		strings.Contains(note.Text, "geheim") || !strings.Contains(note.Text, "Buchung.java:42") || !strings.HasPrefix(note.Ref, "log:") {
		t.Errorf("finding note %+v", note)
	}

	// Bad input: a clear message, the screen stays usable.
	bin := filepath.Join(t.TempDir(), "core")
	if err := os.WriteFile(bin, append([]byte("\x7fELF"), make([]byte, 64)...), 0o600); err != nil {
		t.Fatal(err)
	}
	ls.openFile(bin)
	h.wait("the error dialog", func() bool { return strings.Contains(h.dialogText(), "looks binary") })
	if ls.ix != nil || ls.length() != 0 {
		t.Error("binary file shown")
	}
}

// findButton finds a visible button with the given text in the window.
func findButton(t *testing.T, h *harness, text string) *widget.Button {
	t.Helper()
	b := button(h.w.Content(), text)
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

func TestLogsPreviewBeforeIndex(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	h.u.selectScreen("logs")
	h.wait("the log screen", func() bool { return h.u.ls != nil })
	ls := h.u.ls
	var b strings.Builder
	for i := 1; i <= 1500; i++ {
		fmt.Fprintf(&b, "2026-11-27 10:00:00 ERROR line %d\n", i)
	}
	path := filepath.Join(t.TempDir(), "big.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ls.preview = readHead(t.Context(), path, previewLines)
	if ls.length() != previewLines {
		t.Fatalf("preview of %d lines", ls.length())
	}
	row := ls.createItem()
	ls.updateItem(999, row)
	rt := row.(*widget.RichText)
	if got := richText(row); !strings.Contains(got, "1000  2026-11-27 10:00:00 ERROR line 1000") ||
		rt.Segments[1].(*widget.TextSegment).Style.ColorName != theme.ColorNameError {
		t.Errorf("preview row %q", got)
	}
	if readHead(t.Context(), filepath.Join(t.TempDir(), "missing.log"), 10) != nil {
		t.Error("preview of a missing file")
	}
}

func TestLogsMergeTwoFiles(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	h.u.selectScreen("logs")
	h.wait("the log screen", func() bool { return h.u.ls != nil })
	ls := h.u.ls
	dir := t.TempDir()
	app := filepath.Join(dir, "app.log")
	db := filepath.Join(dir, "db.log")
	if err := os.WriteFile(app, []byte("2026-11-27 10:00:01 INFO app start\n2026-11-27 10:00:03 ERROR app failed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, []byte("2026-11-27 10:00:02 LOG checkpoint\n2026-11-27 10:00:04 LOG shutdown\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ls.mergeWith(db)
	if !strings.Contains(ls.status.Text, "Open the first log") {
		t.Errorf("merge without an open log: %q", ls.status.Text)
	}
	ls.openFile(app)
	h.wait("the first log", func() bool { return ls.ix != nil })
	ls.mergeWith(db)
	h.wait("the merged view", func() bool { return ls.merged != nil && ls.ix != nil && ls.ix.Lines() == 4 })
	if ls.fileLbl.Text != "A = app.log, B = db.log" {
		t.Errorf("legend %q", ls.fileLbl.Text)
	}
	row := ls.createItem()
	var got []string
	for i := 0; i < 4; i++ {
		ls.updateItem(i, row)
		got = append(got, richText(row))
	}
	want := []string{"A      1  2026-11-27 10:00:01 INFO app start", "B      1  2026-11-27 10:00:02 LOG checkpoint",
		"A      2  2026-11-27 10:00:03 ERROR app failed", "B      2  2026-11-27 10:00:04 LOG shutdown"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("merged rows %q", got)
	}
	ls.sel = 0
	ls.markFinding()
	if !strings.Contains(ls.status.Text, "original file") {
		t.Errorf("finding on a merged view: %q", ls.status.Text)
	}
	tmp := ls.merged.tmp
	ls.openFile(app)
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("merged copy left behind: %v", err)
	}
	h.wait("the log again", func() bool { return ls.ix != nil })
}

func TestTimelineBars(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	pts := []logs.MinuteCount{{Minute: t0, Count: 2}, {Minute: t0.Add(3 * time.Minute), Count: 5}}
	bars, w := timelineBars(pts)
	if fmt.Sprint(bars) != "[2 0 0 5]" || w != time.Minute {
		t.Errorf("bars %v width %v", bars, w)
	}
	// A day of errors groups into at most maxBars bars of whole minutes.
	pts = append(pts, logs.MinuteCount{Minute: t0.Add(24 * time.Hour), Count: 1})
	bars, w = timelineBars(pts)
	if len(bars) > maxBars || w != 7*time.Minute || bars[0] != 7 || bars[len(bars)-1] != 1 {
		t.Errorf("%d bars of %v: first %d last %d", len(bars), w, bars[0], bars[len(bars)-1])
	}
	if bars, _ := timelineBars(nil); bars != nil {
		t.Errorf("bars without points: %v", bars)
	}
}
