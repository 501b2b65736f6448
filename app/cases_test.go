package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/assets"
	"werkbank/cases"
	"werkbank/kb"
)

// notifyRecorder records the desktop notifications of the app.
type notifyRecorder struct {
	fyne.App
	got []*fyne.Notification
}

func (r *notifyRecorder) SendNotification(n *fyne.Notification) { r.got = append(r.got, n) }

// casesHarness is the main window with the demo cases on the cases screen.
func casesHarness(t *testing.T) (*harness, *casesScreen) {
	t.Helper()
	h := newHarness(t, kb.RoleSpecialist)
	n, err := h.u.cases.SeedDemo(context.Background(), assets.Demo)
	if err != nil || n < 12 {
		t.Fatalf("seed demo cases: %d, %v", n, err)
	}
	h.u.selectScreen("cases")
	h.wait("the case list", func() bool { return h.u.cs != nil && len(h.u.cs.items) > 0 })
	return h, h.u.cs
}

func TestCaseListSortedWithColours(t *testing.T) {
	h, s := casesHarness(t)
	want, err := h.u.cases.List(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.items) != len(want) {
		t.Fatalf("list shows %d cases, store has %d open", len(s.items), len(want))
	}
	for i := range want {
		if s.items[i].ID != want[i].ID {
			t.Fatalf("row %d is %s, want %s", i, s.items[i].ID, want[i].ID)
		}
	}
	if s.items[0].State != cases.StateBreached {
		t.Fatalf("first row is not breached: %+v", s.items[0])
	}
	// The rendered row carries the clock's colour and the due time.
	row := s.newRow()
	s.updateRow(0, row)
	sw := row.(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle)
	if sw.FillColor != theme.Color(theme.ColorNameError) {
		t.Fatalf("breached row colour %v", sw.FillColor)
	}
	if txt := strings.Join(texts(row), " "); !strings.Contains(txt, s.items[0].ID) || !strings.Contains(txt, "breached") {
		t.Fatalf("row text %q", txt)
	}
	for i, it := range s.items {
		if it.State == cases.StateDueSoon {
			s.updateRow(i, row)
			if sw.FillColor != theme.Color(theme.ColorNameWarning) {
				t.Fatalf("due-soon row colour %v", sw.FillColor)
			}
		}
	}
	// The filter narrows the list to matching cases.
	test.Type(s.filter, "lindenau")
	if len(s.items) == 0 || len(s.items) == len(want) {
		t.Fatalf("filter shows %d of %d cases", len(s.items), len(want))
	}
	for _, it := range s.items {
		if it.Customer != "Stadtwerke Lindenau" {
			t.Fatalf("filter lets %s of %s through", it.ID, it.Customer)
		}
	}
	s.filter.SetText("")
	if len(s.items) != len(want) {
		t.Fatal("clearing the filter does not show every case again")
	}
	// Showing solved and closed cases too.
	test.Tap(s.openOnly)
	all, _ := h.u.cases.List(context.Background(), false)
	h.wait("all cases", func() bool { return len(s.items) == len(all) })
}

// selectCase selects the case with the title prefix and waits for its detail.
func selectCase(h *harness, s *casesScreen, title string) cases.Summary {
	h.t.Helper()
	for i, it := range s.items {
		if strings.HasPrefix(it.Title, title) {
			s.list.Select(i)
			h.wait("the detail of "+it.ID, func() bool { return s.cur != nil && s.cur.ID == it.ID })
			return it
		}
	}
	h.t.Fatalf("no case %q in the list", title)
	return cases.Summary{}
}

func TestCaseDetailNoteAndEscalation(t *testing.T) {
	h, s := casesHarness(t)
	it := selectCase(h, s, "Produktion steht")
	detail := strings.Join(texts(s.detail), "\n")
	for _, want := range []string{it.ID, "Kraus Maschinenbau GmbH", "Premium 24/7", "reaction: ok", "resolution: due soon", "Workaround: Schnittstellenjob"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	before := len(s.cur.Activities)
	s.kind.SetSelectedIndex(1) // call
	test.Type(s.note, "Rückruf: Queue abgearbeitet")
	test.Tap(s.addNote)
	h.wait("the new activity", func() bool { return s.cur != nil && len(s.cur.Activities) == before+1 })
	stored, err := h.u.cases.Get(context.Background(), it.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := stored.Activities[len(stored.Activities)-1]
	if last.Kind != cases.KindCall || last.Text != "Rückruf: Queue abgearbeitet" || last.By != "tester" || s.note.Text != "" {
		t.Fatalf("stored activity %+v", last)
	}

	// The checklist names what is missing and keeps the button disabled.
	s.escalateDialog()
	f := s.escDialog
	if !strings.Contains(f.missing.Text, cases.MissingReproduced) || !strings.Contains(f.missing.Text, cases.MissingLogs) || !f.confirm.Disabled() {
		t.Fatalf("empty checklist: %q, disabled %t", f.missing.Text, f.confirm.Disabled())
	}
	test.Type(f.repro, "ERPplus 8.0.2.1144 Demo")
	test.Type(f.done, "Job neu gestartet")
	test.Type(f.findings, "Queue hängt nach Timeout")
	if !strings.Contains(f.missing.Text, cases.MissingLogs) || strings.Contains(f.missing.Text, cases.MissingReproduced) || !f.confirm.Disabled() {
		t.Fatalf("checklist without logs: %q", f.missing.Text)
	}

	// Attaching the customer's log completes the checklist.
	logPath := filepath.Join(t.TempDir(), "bde-queue.log")
	if err := os.WriteFile(logPath, []byte("2026-11-27 05:58 ERROR BDE queue stalled\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.attach(it.ID, logPath)
	h.wait("the attachment", func() bool { return s.cur != nil && s.cur.ID == it.ID && len(s.cur.Attachments) == 1 })
	s.escalateDialog()
	f = s.escDialog
	test.Type(f.repro, "ERPplus 8.0.2.1144 Demo")
	test.Type(f.done, "Job neu gestartet")
	test.Type(f.findings, "Queue hängt nach Timeout")
	if f.confirm.Disabled() {
		t.Fatalf("checklist with the log attached: %q", f.missing.Text)
	}

	// A case with logs attached can be escalated from the dialog.
	it = selectCase(h, s, "REST-API")
	s.escalateDialog()
	f = s.escDialog
	test.Type(f.repro, "ERPplus 8.0.2.1144 Demo")
	test.Type(f.done, "Access-Log ausgewertet")
	test.Type(f.findings, "API-5040 nach 120 s")
	if !strings.Contains(f.missing.Text, "complete") || f.confirm.Disabled() {
		t.Fatalf("complete checklist: %q", f.missing.Text)
	}
	test.Tap(f.confirm)
	h.wait("the escalation", func() bool { return s.cur != nil && s.cur.ID == it.ID && s.cur.Status == cases.StatusWaitingVendor })
	if s.cur.Level != 3 || s.curSLA.Vendor == nil || !s.actions["escalate"].Disabled() {
		t.Fatalf("escalated case %+v", s.cur)
	}

	// The bundle goes where the user says, never over an existing file.
	out := filepath.Join(t.TempDir(), "bundle.zip")
	s.writeBundle(it.ID, out)
	h.wait("the bundle", func() bool { _, err := os.Stat(out); return err == nil })
	if err := os.WriteFile(out+".keep", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.writeBundle(it.ID, out+".keep")
	h.settle()
	if b, _ := os.ReadFile(out + ".keep"); string(b) != "x" {
		t.Fatal("an existing file was overwritten by the bundle")
	}
}

func TestSLANotifications(t *testing.T) {
	h, _ := casesHarness(t)
	rec := &notifyRecorder{App: h.u.app}
	h.u.app = rec
	w := &slaWatch{u: h.u, seen: map[string]cases.State{}}
	w.check(context.Background())
	h.settle()
	if len(rec.got) != 1 || !strings.Contains(rec.got[0].Title, "cases need attention") || !strings.Contains(rec.got[0].Content, "due soon") {
		t.Fatalf("notifications %+v", rec.got)
	}
	// Nothing new: no second notification.
	w.check(context.Background())
	h.settle()
	if len(rec.got) != 1 {
		t.Fatalf("repeated notification: %+v", rec.got[1:])
	}
	one := notification([]cases.Summary{{ID: "C-1", Title: "T", Customer: "K", Clock: "resolution", State: cases.StateDueSoon}})
	if one.Title != "SLA due soon: C-1" {
		t.Fatalf("single notification %+v", one)
	}
}

// countImages counts the images below o.
func countImages(o fyne.CanvasObject) int {
	switch o := o.(type) {
	case *canvas.Image:
		return 1
	case *fyne.Container:
		n := 0
		for _, c := range o.Objects {
			n += countImages(c)
		}
		return n
	case *container.Scroll:
		return countImages(o.Content)
	}
	return 0
}

func TestTeamReportExport(t *testing.T) {
	h, _ := casesHarness(t)
	h.u.selectScreen("reports")
	h.wait("the charts", func() bool {
		obj := h.u.built["reports"]
		return obj != nil && countImages(obj) == 3 && strings.Contains(strings.Join(texts(obj), " "), "open cases")
	})
	rep, err := h.u.cases.TeamReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := &reportsScreen{u: h.u, rep: rep, charts: reportCharts(rep, chartTitles())}
	dir := t.TempDir()
	pngPath, htmlPath := filepath.Join(dir, "r.png"), filepath.Join(dir, "r.html")
	if err := r.export("png", pngPath); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() != chartW || img.Bounds().Dy() != 3*chartH {
		t.Fatalf("PNG %v: %v", img.Bounds(), err)
	}
	if err := r.export("html", htmlPath); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(htmlPath)
	if strings.Count(string(page), "<img") != 3 || !strings.Contains(string(page), "ERPplus 8.0 Disposition") || !strings.Contains(string(page), "Open cases by age") {
		t.Fatalf("HTML report:\n%.2000s", page)
	}
	if err := r.export("png", pngPath); err == nil {
		t.Fatal("export over an existing file")
	}
}

func TestVendorFixDelivery(t *testing.T) {
	h, s := casesHarness(t)
	it := selectCase(h, s, "Dispositionslauf")
	if s.actions["fix"].Disabled() {
		t.Fatal("an escalated case cannot record a fix")
	}
	s.recordFix(cases.Fix{ID: "BF-9", Version: "8.0.2.1150", Title: "Deadlock MRP", Cases: []string{it.ID}, By: "tester"}, []string{"Huber Haustechnik KG"})
	h.wait("the fix list", func() bool {
		return s.fixBox != nil && strings.Contains(strings.Join(texts(s.fixBox), " "), "BF-9 · 8.0.2.1150")
	})
	var sel *widget.Select
	for _, o := range s.fixBox.Objects {
		if row, ok := o.(*fyne.Container); ok && strings.Contains(strings.Join(texts(row), " "), "Berger Antriebstechnik AG") {
			for _, c := range row.Objects {
				if w, ok := c.(*widget.Select); ok {
					sel = w
				}
			}
		}
	}
	if sel == nil || sel.Selected != "pending" {
		t.Fatalf("no pending delivery row for the case's customer: %v", texts(s.fixBox))
	}
	sel.SetSelected("installed")
	h.wait("the delivery", func() bool {
		f, err := h.u.cases.GetFix(context.Background(), "BF-9")
		return err == nil && f.Deliveries[0].Customer == "Berger Antriebstechnik AG" && f.Deliveries[0].Status == cases.DeliveryInstalled
	})
	h.wait("the delivery in the case log", func() bool {
		if s.cur == nil {
			return false
		}
		last := s.cur.Activities[len(s.cur.Activities)-1]
		return last.Kind == cases.KindFixDelivery && last.To == string(cases.DeliveryInstalled)
	})
	f, _ := h.u.cases.GetFix(context.Background(), "BF-9")
	if f.Done() {
		t.Fatal("the fix is not yet installed at Huber")
	}
}

// TestFirstStartSeedsCasesAndWatches starts the cases' background work as
// the first start does: the demo cases arrive, the watch notifies, and the
// goroutine stops when the window closes (the harness waits for it).
func TestFirstStartSeedsCasesAndWatches(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	rec := &notifyRecorder{App: h.u.app}
	h.u.app = rec
	h.u.startCases(true)
	h.wait("the demo cases and the first notification", func() bool {
		list, err := h.u.cases.List(context.Background(), false)
		return err == nil && len(list) >= 12 && len(rec.got) == 1
	})
	h.u.selectScreen("cases")
	h.wait("the case list", func() bool { return h.u.cs != nil && len(h.u.cs.items) > 0 })
}

func TestContractEditor(t *testing.T) {
	h, s := casesHarness(t)
	s.contractsDialog()
	f := s.ctForm
	if f.name.Text != "Premium 24/7" || !f.allHours[0].Checked || f.reaction[0].Text != "30m" || f.resolution[3].Text != "72h" {
		t.Fatalf("form shows %q, 24/7 %t, P1 reaction %q, P4 resolution %q", f.name.Text, f.allHours[0].Checked, f.reaction[0].Text, f.resolution[3].Text)
	}
	if !strings.Contains(f.preview.Text, "Fronleichnam") {
		t.Fatalf("Bavarian holidays missing from the preview: %q", f.preview.Text)
	}
	// A broken service-hours text is refused; the stored contract stays.
	f.hours.SetText("mon 17:00-08:00")
	s.saveContract(f)
	h.settle()
	if c, _ := h.u.cases.Contract("Premium 24/7"); c.Hours.String() != "mon-fri 07:00-19:00; sat 08:00-12:00" {
		t.Fatalf("a refused form changed the contract: %s", c.Hours)
	}
	f.hours.SetText("mon-fri 06:00-20:00")
	f.holidays.SetText("2026-12-24, 2026-12-31")
	f.reaction[3].SetText("10h")
	s.saveContract(f)
	h.wait("the saved contract", func() bool {
		c, err := h.u.cases.Contract("Premium 24/7")
		return err == nil && c.Targets[cases.PriorityLow].Reaction == cases.Duration(10*time.Hour) && len(c.Holidays) == 2 && c.Hours.String() == "mon-fri 06:00-20:00"
	})
}

func TestCaseDialogsSpeakGerman(t *testing.T) {
	h, s := germanDemoCases(t)
	selectCase(h, s, "Produktion steht")
	// The checklist of the escalation names what is missing in German.
	s.escalateDialog()
	if got := s.escDialog.missing.Text; !strings.Contains(got, "Standard-Demosystem nachgestellt") || strings.Contains(got, "reproduced") {
		t.Errorf("missing items %q", got)
	}
	test.Tap(h.overlayButton("Abbrechen"))
	// The message dialog names its templates and languages.
	s.messageDialog()
	if txt := strings.Join(texts(h.w.Canvas().Overlays().Top()), "\n"); !strings.Contains(txt, "Eingangsbestätigung") || !strings.Contains(txt, "Deutsch") {
		t.Errorf("message dialog:\n%s", txt)
	}
}

func TestSystemTextsInTheUsersLanguage(t *testing.T) {
	// What Werkbank writes into the activity log (an assignment, a
	// collected log, a remote session) reads German in a German window.
	h := newHarnessIn(t, kb.RoleSpecialist, false, "de_DE.UTF-8")
	ctx := context.Background()
	c, err := h.u.cases.Create(ctx, cases.NewCase{Title: "Druckauftrag hängt", Customer: "ACME", Priority: 3, By: "anna", Reason: "ein Drucker"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.u.cases.Assign(ctx, c.ID, "Müller", "anna"); err != nil {
		t.Fatal(err)
	}
	h.u.selectScreen("cases")
	h.wait("the case list", func() bool { return h.u.cs != nil && len(h.u.cs.items) > 0 })
	s := h.u.cs
	selectCase(h, s, "Druckauftrag")
	h.wait("the activities", func() bool { return strings.Contains(strings.Join(texts(s.acts), "\n"), "zugewiesen an Müller") })
	if txt := strings.Join(texts(s.acts), "\n"); strings.Contains(txt, "assigned to") {
		t.Errorf("English in the German log:\n%s", txt)
	}
	// Every code renders with its values; a code this version does not
	// know shows the stored English text.
	for _, code := range cases.SystemTextCodes() {
		m := cases.NewSystemText(code, "to", "X", "cause", "X", "solution", "X", "article", "X", "reproduced_on", "X",
			"description", "X", "fix", "X", "version", "X", "customer", "X", "name", "X", "size", "1", "sha256", "X", "source", "X",
			"target", "X", "command", "X", "status", "0", "duration", "1s", "error", "X", "files", "1", "failed", "0", "recording", "X",
			"session", "X", "reason", "X")
		got := activityText(m.Activity(cases.KindNote, "anna"))
		if got == "" || strings.Contains(got, "no value") || got == m.English() {
			t.Errorf("%s: %q", code, got)
		}
	}
	unknown := cases.NewSystemText("from_a_newer_version").Activity(cases.KindNote, "anna")
	unknown.Text = "stored text"
	if got := activityText(unknown); got != "stored text" {
		t.Errorf("unknown code: %q", got)
	}
}

func TestCaseActionOpensRemoteSession(t *testing.T) {
	h, s := germanDemoCases(t)
	it := selectCase(h, s, "Produktion steht")
	act := button(s.detail, "Fernwartung…")
	if act == nil || act.Disabled() {
		t.Fatalf("no enabled remote action on an open case: %q", texts(s.detail))
	}
	test.Tap(act)
	h.wait("the remote screen with the case chosen", func() bool { return h.u.rs != nil && h.u.rs.selectedCase() == it.ID })
	if len(h.u.body.Objects) != 1 || h.u.body.Objects[0] != h.u.built["remote"] {
		t.Fatal("the remote screen is not shown")
	}
	if !strings.HasPrefix(h.u.rs.caseSel.Selected, it.ID+" — ") {
		t.Fatalf("case choice shows %q", h.u.rs.caseSel.Selected)
	}

	// A closed case gets no remote session from its detail.
	h.u.selectScreen("cases")
	all, err := h.u.cases.List(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	test.Tap(s.openOnly)
	h.wait("the closed cases too", func() bool { return len(s.items) == len(all) })
	for i, c := range s.items {
		if c.Status == cases.StatusClosed {
			s.list.Select(i)
			h.wait("the closed case's detail", func() bool { return s.cur != nil && s.cur.ID == c.ID })
			if !s.actions["remote"].Disabled() {
				t.Fatalf("remote action enabled on the closed case %s", c.ID)
			}
			return
		}
	}
	t.Fatal("the demo cases have no closed case")
}

// germanDemoCases opens the cases screen of a German window on the demo
// cases.
func germanDemoCases(t *testing.T) (*harness, *casesScreen) {
	t.Helper()
	h := newHarnessIn(t, kb.RoleSpecialist, false, "de_DE.UTF-8")
	if _, err := h.u.cases.SeedDemo(context.Background(), assets.Demo); err != nil {
		t.Fatal(err)
	}
	h.u.selectScreen("cases")
	h.wait("the case list", func() bool { return h.u.cs != nil && len(h.u.cs.items) > 0 })
	return h, h.u.cs
}
