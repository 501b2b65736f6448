// Package app is Werkbank's Fyne user interface: one file per screen. It
// depends on the domain packages and never the reverse.
//
// The main window is a navigation list on the left, a top bar (title, status
// area for sync, current user) and the selected screen. Screens are listed in
// defaultScreens (this file); a domain engineer plugs in a screen by adding
// an entry whose constructor lives in his own file.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/assets"
	"werkbank/cases"
	"werkbank/kb"
	"werkbank/workspace"
)

// appID is the Fyne application id (also in FyneApp.toml); preferences are
// stored under it.
const appID = "de.werkbank.app"

// Run opens the main window on ws and returns when it closes.
func Run(ctx context.Context, ws *workspace.Workspace) error {
	a := fyneapp.NewWithID(appID)
	if err := loadTranslations(a.Preferences()); err != nil {
		fyne.LogError("load translations", err)
	}
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	u, err := newUI(ctx, ws, a)
	if err != nil {
		return err
	}
	defer u.close()
	w := a.NewWindow(lang.X("app.title", "Werkbank"))
	u.win = w
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w.SetContent(u.content())
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()
	w.SetCloseIntercept(func() { u.confirmClose(w) })
	u.do = func(f func()) {
		if u.ctx.Err() == nil {
			fyne.Do(f)
		}
	}
	if ws.Fresh {
		u.seedDemoAsync()
	}
	u.startCases(ws.Fresh)
	u.focusStart()
	// Quit when the caller's context ends (e.g. Ctrl-C in the terminal).
	parent := ctx
	u.goBackground(func(uctx context.Context) {
		<-uctx.Done()
		if parent.Err() != nil {
			fyne.Do(a.Quit)
		}
	})
	w.ShowAndRun()
	return nil
}

// screen is one entry of the navigation.
type screen struct {
	// id is stable (used in tests and preferences).
	id string
	// label is shown in the navigation, already translated.
	label string
	// count, when positive, is shown after the label (e.g. articles
	// waiting for review).
	count int
	icon  fyne.Resource
	// build makes the screen's content once, on first selection.
	build func(u *ui) fyne.CanvasObject
}

// ui holds what every screen needs: the window's context, the workspace,
// the domain stores and the current user. Its methods run on the Fyne
// goroutine unless they say otherwise.
type ui struct {
	// ctx is cancelled when the window closes; screens own goroutines
	// that stop on it.
	ctx    context.Context
	cancel context.CancelFunc
	ws     *workspace.Workspace
	app    fyne.App
	// win is the main window; tests set their test window (see window
	// for the fallback while it is nil).
	win fyne.Window

	kb *kb.Store
	// cases is the case store; cs is the cases screen once built.
	cases *cases.Store
	cs    *casesScreen
	// rs is the remote-sessions screen once built.
	rs *remoteScreen
	// ls is the log viewer once built.
	ls *logsScreen
	// sync is the sync status in the top bar (app/sync.go).
	sync *syncBar

	// user is the local current user (settings), until sync brings
	// real accounts.
	user kb.User
	// onUser are called after the user or role changed in settings.
	onUser []func()

	screens []screen
	built   map[string]fyne.CanvasObject
	nav     *widget.List
	body    *fyne.Container
	// status is the top bar's status area (sync status goes here).
	status  *fyne.Container
	userLbl *widget.Label

	kbs    *kbScreen
	review *reviewScreen
	// editor is the open article editor, nil when none is open.
	editor *editor
	// onShow are called when the screen with that id is selected.
	onShow map[string]func()
	// unsaved reports unsaved changes in an open editor (nil: none open).
	unsaved func() bool

	// do runs a function on the Fyne goroutine: fyne.Do in the app, a
	// queue that the test drains in tests.
	do func(func())

	// mu guards closed; wg tracks the goroutines of the screens, waited
	// for on close.
	mu        sync.Mutex
	closed    bool
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// newUI opens the stores on ws and prepares the screens. It does not show
// a window, so tests and the screenshot step can use content() directly.
func newUI(ctx context.Context, ws *workspace.Workspace, a fyne.App) (*ui, error) {
	ctx, cancel := context.WithCancel(ctx)
	store, err := kb.Open(ctx, kb.Config{DB: ws.DB, IndexDir: ws.Path("index")})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("open the knowledge base in %s: %w", ws.Dir, err)
	}
	caseStore, err := cases.Open(ctx, cases.Config{DB: ws.DB, AttachDir: ws.Path("attachments")})
	if err != nil {
		cancel()
		return nil, errors.Join(fmt.Errorf("open the cases in %s: %w", ws.Dir, err), store.Close())
	}
	u := &ui{
		ctx: ctx, cancel: cancel, ws: ws, app: a,
		kb:     store,
		cases:  caseStore,
		user:   loadUser(a.Preferences()),
		built:  map[string]fyne.CanvasObject{},
		onShow: map[string]func(){},
		do:     fyne.Do,
	}
	u.screens = u.defaultScreens()
	return u, nil
}

// defaultScreens is the navigation registry. To plug in a screen, add an
// entry with your constructor (e.g. build: buildCasesScreen).
func (u *ui) defaultScreens() []screen {
	return []screen{
		{id: "cases", label: lang.X("nav.cases", "Cases"), icon: theme.DocumentIcon(), build: buildCasesScreen},
		{id: "reports", label: lang.X("nav.reports", "Team report"), icon: theme.GridIcon(), build: buildReportsScreen},
		{id: "kb", label: lang.X("nav.kb", "Knowledge base"), icon: theme.SearchIcon(), build: buildKBScreen},
		{id: "review", label: lang.X("nav.review", "Review queue"), icon: theme.ConfirmIcon(), build: buildReviewScreen},
		{id: "remote", label: lang.X("nav.remote", "Remote sessions"), icon: theme.ComputerIcon(), build: buildRemoteScreen},
		{id: "logs", label: lang.X("nav.logs", "Logs"), icon: theme.ListIcon(), build: buildLogsScreen},
		{id: "settings", label: lang.X("nav.settings", "Settings"), icon: theme.SettingsIcon(), build: buildSettingsScreen},
	}
}

// content builds the main window's content: top bar, navigation and the
// knowledge base as the first screen.
func (u *ui) content() fyne.CanvasObject {
	u.body = container.NewStack()
	u.nav = widget.NewList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.DocumentIcon()), widget.NewLabel("Knowledge base"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Icon).SetResource(u.screens[id].icon)
			s := u.screens[id]
			if s.count > 0 {
				box.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s (%d)", s.label, s.count))
			} else {
				box.Objects[1].(*widget.Label).SetText(s.label)
			}
		},
	)
	u.nav.OnSelected = func(id widget.ListItemID) { u.show(u.screens[id].id) }

	u.status = container.NewHBox()
	u.startSync()
	u.userLbl = widget.NewLabel("")
	u.refreshUserLabel()
	u.onUser = append(u.onUser, u.refreshUserLabel)
	title := widget.NewLabelWithStyle(lang.X("app.title", "Werkbank"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, widget.NewSeparator(), title, container.NewHBox(u.status, u.userLbl))

	split := container.NewHSplit(u.nav, u.body)
	split.Offset = 0.16
	u.selectScreen("kb")
	return container.NewBorder(top, nil, nil, nil, split)
}

// setCount shows n after the navigation label of screen id (nothing
// when n is 0).
func (u *ui) setCount(id string, n int) {
	for i := range u.screens {
		if u.screens[i].id == id && u.screens[i].count != n {
			u.screens[i].count = n
			if u.nav != nil {
				u.nav.RefreshItem(i)
			}
		}
	}
}

// selectScreen selects the navigation entry with the given id.
func (u *ui) selectScreen(id string) {
	for i, s := range u.screens {
		if s.id == id {
			u.nav.Select(i)
			return
		}
	}
}

// show puts the screen with the given id into the body, building it on
// first use.
func (u *ui) show(id string) {
	obj, ok := u.built[id]
	if !ok {
		for _, s := range u.screens {
			if s.id == id {
				obj = s.build(u)
				u.built[id] = obj
				break
			}
		}
	}
	if obj == nil {
		return
	}
	u.body.Objects = []fyne.CanvasObject{obj}
	u.body.Refresh()
	if f := u.onShow[id]; f != nil {
		f()
	}
}

// articleChanged tells the knowledge-base screens that a was saved.
func (u *ui) articleChanged(a kb.Article) {
	if u.kbs != nil {
		if a.ID != "" && u.kbs.selected == a.ID {
			u.kbs.showArticle(a)
		}
		u.kbs.runSearch()
	}
	if u.review != nil {
		u.review.reload()
	}
}

// refreshUserLabel shows the current user and role in the top bar.
func (u *ui) refreshUserLabel() {
	name := u.user.Name
	if name == "" {
		name = lang.X("user.unnamed", "(no name)")
	}
	u.userLbl.SetText(name + " · " + roleLabel(u.user.Role))
}

// setUser changes the current user and tells the screens.
func (u *ui) setUser(usr kb.User) {
	u.user = usr
	saveUser(u.app.Preferences(), usr)
	for _, f := range u.onUser {
		f()
	}
}

// window returns the window for dialogs.
func (u *ui) window() fyne.Window {
	if u.win != nil {
		return u.win
	}
	ws := u.app.Driver().AllWindows()
	if len(ws) > 0 {
		return ws[0]
	}
	return nil
}

// showError tells the user in plain words what failed. what is a
// translated sentence saying what was being done.
func (u *ui) showError(what string, err error) {
	fyne.LogError(what, err)
	w := u.window()
	if w == nil {
		return
	}
	dialog.ShowError(fmt.Errorf("%s\n\n%s", what, humanError(err)), w)
}

// goBackground runs f in a goroutine owned by the ui: it is waited for on
// close and gets the window's context. After close it does nothing.
func (u *ui) goBackground(f func(ctx context.Context)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		f(u.ctx)
	}()
}

// focusStart focuses the knowledge-base search field.
func (u *ui) focusStart() {
	if u.kbs != nil && u.window() != nil {
		u.window().Canvas().Focus(u.kbs.search)
	}
}

// close cancels the screens' goroutines, waits for them and closes the
// stores. The workspace itself belongs to the caller.
func (u *ui) close() {
	u.closeOnce.Do(func() {
		u.cancel()
		u.mu.Lock()
		u.closed = true
		u.mu.Unlock()
		u.wg.Wait()
		if u.ls != nil {
			u.ls.close()
		}
		if err := u.kb.Close(); err != nil {
			fyne.LogError("close the knowledge base", err)
		}
	})
}

// confirmClose closes w, asking first when an editor has unsaved changes.
func (u *ui) confirmClose(w fyne.Window) {
	if u.unsaved == nil || !u.unsaved() {
		u.cancel()
		w.Close()
		return
	}
	dialog.ShowConfirm(lang.X("kb.ed.unsaved", "Unsaved changes"),
		lang.X("app.close.unsaved", "An article has unsaved changes. Close Werkbank anyway and lose them?"),
		func(ok bool) {
			if ok {
				u.cancel()
				w.Close()
			}
		}, w)
}

// seedDemo imports the demo articles (first start), keeping the statuses
// of their front matter.
func (u *ui) seedDemo(ctx context.Context) (kb.ImportReport, error) {
	sub, err := fs.Sub(assets.Demo, "demo/articles")
	if err != nil {
		return kb.ImportReport{}, fmt.Errorf("demo articles: %w", err)
	}
	rep, err := u.kb.Import(ctx, sub, kb.ImportOptions{By: kb.User{Name: "demo", Role: kb.RoleAdmin}})
	if err != nil {
		return rep, fmt.Errorf("import the demo articles: %w", err)
	}
	return rep, nil
}

// seedDemoAsync seeds the demo articles in the background with a short
// notice, reports import errors, and refreshes the screens.
func (u *ui) seedDemoAsync() {
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(lang.X("app.seed.title", "First start"),
		container.NewVBox(widget.NewLabel(lang.X("app.seed.text", "Loading the demo articles into the knowledge base…")), bar), u.window())
	d.Show()
	u.goBackground(func(ctx context.Context) {
		rep, err := u.seedDemo(ctx)
		u.do(func() {
			d.Hide()
			if err != nil {
				u.showError(lang.X("app.seed.err", "The demo articles could not be loaded."), err)
				return
			}
			if len(rep.Errors) > 0 {
				lines := make([]string, len(rep.Errors))
				for i, e := range rep.Errors {
					lines[i] = e.Error()
				}
				u.showError(lang.X("app.seed.partial", "Demo articles that could not be loaded: {{.N}}. The others are there.", map[string]any{"N": len(rep.Errors)}),
					errors.New(strings.Join(lines, "\n")))
			}
			u.articleChanged(kb.Article{})
		})
	})
}
