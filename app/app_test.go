package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"werkbank/assets"
	"werkbank/kb"
	"werkbank/workspace"
)

// harness is a real main window on a temporary workspace with the demo
// articles, driven by the Fyne test driver. Work that the screens hand to
// the Fyne goroutine is queued and run by wait, on the test goroutine.
type harness struct {
	t     testing.TB
	u     *ui
	w     fyne.Window
	queue chan func()
	// winClosed is set by tests that close the window themselves (the
	// test driver panics on a second Close).
	winClosed bool
}

// newHarness builds the window for a user with the given role, with the
// demo articles.
func newHarness(t testing.TB, role kb.Role) *harness {
	t.Helper()
	return newHarnessSeeded(t, role, true)
}

// newHarnessSeeded builds the window; seed imports the demo articles
// before the window is built.
func newHarnessSeeded(t testing.TB, role kb.Role, seed bool) *harness {
	t.Helper()
	return newHarnessIn(t, role, seed, "en_US.UTF-8")
}

// newHarnessIn builds the window with the UI in the language of the
// locale (LANG), e.g. "de_DE.UTF-8"; the English locale is restored for
// the tests that follow.
func newHarnessIn(t testing.TB, role kb.Role, seed bool, locale string) *harness {
	t.Helper()
	t.Setenv("LANG", locale)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	a := test.NewTempApp(t)
	if err := loadTranslations(a.Preferences()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(locale, "en") {
		t.Cleanup(func() {
			t.Setenv("LANG", "en_US.UTF-8")
			if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
				t.Error(err)
			}
		})
	}
	saveUser(a.Preferences(), kb.User{Name: "tester", Role: role})
	ctx := context.Background()
	ws, err := workspace.Open(ctx, workspace.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	u, err := newUI(ctx, ws, a)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, u: u, queue: make(chan func(), 4096)}
	u.do = func(f func()) { h.queue <- f }
	t.Cleanup(func() {
		// Let pending callbacks run so that no goroutine blocks, then
		// close the stores and the workspace.
		go func() {
			for range h.queue {
			}
		}()
		u.close()
		if err := ws.Close(); err != nil {
			t.Error(err)
		}
	})
	if !ws.Fresh {
		t.Fatal("a new workspace must be fresh")
	}
	if seed {
		rep, err := u.seedDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) > 0 || rep.Added < 30 {
			t.Fatalf("seeding: %d added, errors %v", rep.Added, rep.Errors)
		}
	}
	h.w = test.NewWindow(u.content())
	u.win = h.w
	h.w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() {
		if !h.winClosed {
			h.w.Close()
		}
	})
	return h
}

// wait runs queued callbacks until cond holds, failing after 60 s (a guard against hangs, not a timing goal).
func (h *harness) wait(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(60 * time.Second)
	for !cond() {
		select {
		case f := <-h.queue:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settle runs queued callbacks until nothing arrives for 300 ms.
func (h *harness) settle() {
	for {
		select {
		case f := <-h.queue:
			f()
		case <-time.After(300 * time.Millisecond):
			return
		}
	}
}

// texts collects the visible text below o: labels, entries, buttons and
// rich-text segments, including what sits in scrolls, splits and stacks.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	var seg func(s widget.RichTextSegment)
	seg = func(s widget.RichTextSegment) {
		switch s := s.(type) {
		case *widget.TextSegment:
			out = append(out, s.Text)
		case *widget.HyperlinkSegment:
			out = append(out, s.Text)
		case *widget.ListSegment:
			for _, c := range s.Items {
				seg(c)
			}
		case *widget.ParagraphSegment:
			for _, c := range s.Texts {
				seg(c)
			}
		}
	}
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case nil:
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		case *container.Split:
			walk(o.Leading)
			walk(o.Trailing)
		case *widget.RichText:
			for _, s := range o.Segments {
				seg(s)
			}
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			if o.Visible() {
				out = append(out, o.Text)
			}
		case *widget.PopUp:
			walk(o.Content)
		case fyne.Widget:
			for _, c := range test.LaidOutObjects(o) {
				if c != o {
					switch c.(type) {
					case *widget.Label, *widget.RichText, *widget.Button:
						walk(c)
					}
				}
			}
		}
	}
	walk(o)
	return out
}

// has reports whether texts, joined, contain sub (the Markdown parser may
// split a sentence into several segments).
func has(texts []string, sub string) bool {
	return strings.Contains(strings.Join(texts, ""), sub)
}

// button finds the visible button with the given text below o.
func button(o fyne.CanvasObject, text string) *widget.Button {
	for _, c := range test.LaidOutObjects(o) {
		if b, ok := c.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	return nil
}

// overlayButton finds a button of the topmost dialog.
func (h *harness) overlayButton(text string) *widget.Button {
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	return button(top, text)
}

// dialogText is the text of the topmost dialog, "" when none is open.
func (h *harness) dialogText() string {
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var out []string
	for _, c := range test.LaidOutObjects(top) {
		switch c := c.(type) {
		case *widget.Label:
			out = append(out, c.Text)
		case *widget.RichText:
			out = append(out, texts(c)...)
		}
	}
	return strings.Join(out, "\n")
}

func TestMainWindowNavigation(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	ids := map[string]bool{}
	for _, s := range h.u.screens {
		ids[s.id] = true
	}
	for _, id := range []string{"cases", "kb", "review", "remote", "logs", "settings"} {
		if !ids[id] {
			t.Errorf("no %s screen in the navigation", id)
		}
	}
	// The first screen is the knowledge base with the newest articles.
	h.wait("newest articles", func() bool { return len(h.u.kbs.rows.Objects) > 0 })
	if !strings.Contains(h.u.kbs.info.Text, "Newest articles") {
		t.Errorf("info line %q", h.u.kbs.info.Text)
	}
	// The navigation counts the articles waiting for review from the start.
	h.wait("review count", func() bool { return reviewCount(h) == 4 })
	// Placeholders say in plain words what comes.
	h.u.selectScreen("settings")
	if got := texts(h.u.body); !has(got, h.u.ws.Dir) {
		t.Errorf("settings do not show the data folder %s: %q", h.u.ws.Dir, got)
	}
	if got := h.u.userLbl.Text; got != "tester · Specialist" {
		t.Errorf("top bar user %q", got)
	}
}

func TestSettingsChangeRole(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	s := newSettingsScreen(h.u)
	h.w.SetContent(s.root)
	s.name.SetText("  ")
	test.Tap(s.save)
	if !strings.Contains(h.dialogText(), "Please enter your name") || h.u.user.Name != "tester" {
		t.Fatalf("an empty name was accepted: user %+v, dialog %q", h.u.user, h.dialogText())
	}
	test.Tap(h.overlayButton("OK"))
	s.name.SetText("")
	test.Type(s.name, "Anna Berg")
	s.role.SetSelected("Team lead")
	test.Tap(s.save)
	if h.u.user != (kb.User{Name: "Anna Berg", Role: kb.RoleTeamLead}) {
		t.Fatalf("user after save: %+v", h.u.user)
	}
	if got := loadUser(h.u.app.Preferences()); got != h.u.user {
		t.Errorf("preferences hold %+v, want %+v", got, h.u.user)
	}
	if got := h.u.userLbl.Text; got != "Anna Berg · Team lead" {
		t.Errorf("top bar user %q", got)
	}
	s.language.SetSelected("Deutsch")
	if got := h.u.app.Preferences().String(prefLanguage); got != "de" {
		t.Errorf("language preference %q, want de", got)
	}
	if !strings.Contains(h.dialogText(), "next time") {
		t.Errorf("no notice that the language applies after a restart: %q", h.dialogText())
	}
	// An unknown role in the preferences falls back to specialist.
	h.u.app.Preferences().SetString(prefUserRole, "boss")
	if got := loadUser(h.u.app.Preferences()).Role; got != kb.RoleSpecialist {
		t.Errorf("unknown role loads as %s", got)
	}
}

func TestHumanErrors(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	if got := humanError(kb.ErrForbidden); !strings.Contains(got, "Only team leads") {
		t.Errorf("forbidden: %q", got)
	}
	if got := humanError(workspace.ErrInUse); !strings.Contains(got, "Another Werkbank window") {
		t.Errorf("in use: %q", got)
	}
	if got := humanError(fmt.Errorf("save: %w", kb.ErrInvalid)); !strings.Contains(got, "cannot be saved") || !strings.Contains(got, "invalid article") {
		t.Errorf("invalid: %q", got)
	}
	if got := humanError(context.Canceled); !strings.Contains(got, "cancelled") {
		t.Errorf("canceled: %q", got)
	}
}

func TestFirstStartSeedsWithNotice(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	s := h.u.kbs
	h.u.seedDemoAsync()
	if !strings.Contains(h.dialogText(), "Loading the demo articles") {
		t.Errorf("no notice while seeding: %q", h.dialogText())
	}
	h.wait("seeded articles listed", func() bool { return len(s.rows.Objects) >= 30 })
	h.wait("notice gone", func() bool { return h.dialogText() == "" })
	// The first article is opened so that the screen is not empty.
	h.wait("first article", func() bool { return s.article != nil })
	arts, err := h.u.kb.List(context.Background(), kb.Filter{})
	if err != nil || len(arts) != len(s.rows.Objects) {
		t.Errorf("store holds %d articles (%v), list shows %d", len(arts), err, len(s.rows.Objects))
	}
}

func TestScreensFitTheWindow(t *testing.T) {
	// No screen may need more than 1280×800, at any moment and in either
	// language (German labels are longer): wrapped text measured before
	// its first layout (one word a line) once made the real window taller
	// than the screen, long German button bars made it wider.
	for _, locale := range []string{"en_US.UTF-8", "de_DE.UTF-8"} {
		t.Run(locale[:2], func(t *testing.T) { screensFit(t, locale) })
	}
}

// screensFit walks every screen of the window in the locale's language.
func screensFit(t *testing.T, locale string) {
	h := newHarnessIn(t, kb.RoleTeamLead, true, locale)
	if want := map[string]string{"en": "Knowledge base", "de": "Wissensbasis"}[locale[:2]]; lang.X("nav.kb", "?") != want {
		t.Fatalf("the UI is not in %s: %q", locale, lang.X("nav.kb", "?"))
	}
	if _, err := h.u.cases.SeedDemo(context.Background(), assets.Demo); err != nil {
		t.Fatal(err)
	}
	fits := func(what string) {
		t.Helper()
		if got := h.w.Content().MinSize(); got.Width > 1280 || got.Height > 800 {
			t.Errorf("%s needs %v", what, got)
		}
	}
	fits("the first screen")
	for _, s := range h.u.screens {
		h.u.selectScreen(s.id)
		fits("screen " + s.id)
		h.settle()
		fits("screen " + s.id + " after loading")
	}
	h.u.selectScreen("kb")
	for _, it := range h.u.kbs.facets.Items {
		it.Open = true
	}
	h.u.kbs.facets.Refresh()
	fits("all facets open")
	h.openArticle("kb-fibu-001")
	fits("the article")
	test.Tap(h.u.kbs.article.history)
	fits("the history")
	h.settle()
	fits("the loaded history")
	test.Tap(h.u.kbs.newBtn)
	fits("the editor")

	h.u.selectScreen("cases")
	h.wait("the case list", func() bool { return h.u.cs != nil && len(h.u.cs.items) > 0 })
	for i := range h.u.cs.items {
		h.u.cs.list.Select(i)
		h.wait("the case detail", func() bool { return h.u.cs.cur != nil && h.u.cs.cur.ID == h.u.cs.items[i].ID })
		h.settle()
		fits("the case " + h.u.cs.cur.ID)
	}

	h.u.selectScreen("logs")
	h.wait("the log screen", func() bool { return h.u.ls != nil })
	logs, err := fs.Glob(assets.Demo, "demo/logs/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("demo logs %v: %v", logs, err)
	}
	data, err := fs.ReadFile(assets.Demo, logs[0])
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), path.Base(logs[0]))
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.ls.openFile(file)
	h.wait("the index", func() bool { return h.u.ls.ix != nil })
	h.settle()
	fits("the opened log")
}

func TestCloseAsksAboutUnsavedChangesAndStopsWork(t *testing.T) {
	h := newHarness(t, kb.RoleSpecialist)
	h.wait("listing", func() bool { return len(h.u.kbs.rows.Objects) > 0 })
	test.Tap(h.u.kbs.newBtn)
	test.Type(h.u.editor.body, "halb fertig")
	h.u.confirmClose(h.w)
	if !strings.Contains(h.dialogText(), "unsaved changes") {
		t.Fatalf("no warning on close, dialog %q", h.dialogText())
	}
	test.Tap(h.overlayButton("No"))
	if h.u.ctx.Err() != nil {
		t.Fatal("the window closed although the user kept the changes")
	}
	h.u.confirmClose(h.w)
	h.winClosed = true
	test.Tap(h.overlayButton("Yes"))
	if h.u.ctx.Err() == nil {
		t.Fatal("closing did not cancel the screens' work")
	}
	// After close no background work starts and the store is closed.
	h.u.close()
	ran := false
	h.u.goBackground(func(context.Context) { ran = true })
	h.u.wg.Wait()
	if ran {
		t.Error("background work started after close")
	}
}
