package app

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/bridge"
	"werkbank/cases"
)

// casesScreen is the case list (what is due first, with coloured SLA
// clocks) and the detail of the selected case with its activities and
// actions.
type casesScreen struct {
	u *ui
	// all is the list as read; items the part that matches the filter.
	all      []cases.Summary
	items    []cases.Summary
	filter   *widget.Entry
	list     *widget.List
	openOnly *widget.Check
	count    *widget.Label

	// cur is the case shown in the detail, nil when none is selected.
	cur    *cases.Case
	curSLA cases.SLA
	// selected is the id of the selected case.
	selected string

	detail *fyne.Container
	empty  fyne.CanvasObject
	body   fyne.CanvasObject
	head   *widget.Label
	facts  *widget.Label
	clocks *fyne.Container
	acts   *fyne.Container
	// tabs holds the activities, the attachments (attBox) and the
	// similar solved cases (simBox).
	tabs    *container.AppTabs
	attTab  *container.TabItem
	attBox  *fyne.Container
	simTab  *container.TabItem
	simBox  *fyne.Container
	similar []cases.SimilarCase
	kind    *widget.Select
	note    *widget.Entry
	addNote *widget.Button
	actions map[string]*widget.Button
	// ctForm is the open contracts dialog's form (for tests).
	ctForm *contractForm
	// fixBox lists the vendor fixes in the fixes dialog.
	fixBox *fyne.Container
	// escDialog is the open escalation dialog's form (for tests).
	escDialog *escalateForm

	// audit verifies audit logs and recordings for bundles (remote) and
	// redactor removes secrets (logs).
	audit    cases.AuditVerifier
	redactor cases.Redactor
}

// stateColor is the colour of an SLA state; grey for paused and finished
// clocks.
func stateColor(st cases.State, running bool) color.Color {
	if !running {
		if st == cases.StateBreached {
			return theme.Color(theme.ColorNameError)
		}
		return theme.Color(theme.ColorNameDisabled)
	}
	switch st {
	case cases.StateBreached:
		return theme.Color(theme.ColorNameError)
	case cases.StateDueSoon:
		return theme.Color(theme.ColorNameWarning)
	}
	return theme.Color(theme.ColorNameSuccess)
}

// stateLabel translates an SLA state.
func stateLabel(st cases.State) string {
	switch st {
	case cases.StateBreached:
		return lang.X("cases.state.breached", "breached")
	case cases.StateDueSoon:
		return lang.X("cases.state.due_soon", "due soon")
	}
	return lang.X("cases.state.ok", "ok")
}

// statusLabel translates a case status.
func statusLabel(st cases.Status) string {
	return lang.X("cases.status."+string(st), strings.ReplaceAll(string(st), "_", " "))
}

// priorityLabel translates a priority ("2 high").
func priorityLabel(p cases.Priority) string {
	return lang.X(fmt.Sprintf("cases.prio.%d", p), p.String())
}

// hours formats a service-time duration as 3h05m.
func hours(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("%s%dh%02dm", sign, int(d.Hours()), int(d.Minutes())%60)
}

// buildCasesScreen is the navigation constructor of the cases screen.
func buildCasesScreen(u *ui) fyne.CanvasObject {
	s := &casesScreen{u: u, actions: map[string]*widget.Button{}}
	u.cs = s
	s.audit = bridge.AuditVerifier(u.ws.Dir)
	var err error
	if s.redactor, err = bridge.Redactor(); err != nil {
		// The cases package's basic redaction (nil) still applies.
		fyne.LogError("cases: redaction rules", err)
	}
	s.list = widget.NewList(func() int { return len(s.items) }, s.newRow, s.updateRow)
	s.list.OnSelected = func(id widget.ListItemID) {
		if id < len(s.items) {
			s.open(s.items[id].ID)
		}
	}
	s.openOnly = widget.NewCheck(lang.X("cases.openonly", "Open cases only"), func(bool) { s.reload() })
	s.openOnly.Checked = true
	s.count = widget.NewLabel("")
	newBtn := widget.NewButtonWithIcon(lang.X("cases.new", "New case"), theme.ContentAddIcon(), s.newCaseDialog)
	reload := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.reload)
	fixes := widget.NewButtonWithIcon(lang.X("cases.fixes", "Vendor fixes"), theme.ListIcon(), s.fixesDialog)
	contracts := widget.NewButtonWithIcon(lang.X("cases.contracts", "Contracts"), theme.SettingsIcon(), s.contractsDialog)
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder(lang.X("cases.filter", "Filter by id, title, customer… — Enter searches everything"))
	s.filter.ActionItem = widget.NewButtonWithIcon("", theme.SearchIcon(), func() { s.searchAll(s.filter.Text) })
	s.filter.OnChanged = func(string) { s.applyFilter() }
	s.filter.OnSubmitted = s.searchAll
	top := container.NewVBox(
		container.New(&flowLayout{}, s.openOnly, s.count, reload, contracts, fixes, newBtn),
		s.filter)
	left := container.NewBorder(top, nil, nil, nil, s.list)

	s.buildDetail()
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.42
	u.onShow["cases"] = s.reload
	s.reload()
	return split
}

func (s *casesScreen) newRow() fyne.CanvasObject {
	sw := canvas.NewRectangle(theme.Color(theme.ColorNameSuccess))
	sw.SetMinSize(fyne.NewSize(10, 10))
	sw.CornerRadius = 5
	title := widget.NewLabel("C-2026-0000-XXX · title")
	title.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewLabel("customer")
	sub.Truncation = fyne.TextTruncateEllipsis
	due := widget.NewLabel("due 00:00")
	return container.NewBorder(nil, nil, container.NewCenter(sw), due, container.NewVBox(title, sub))
}

func (s *casesScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.items) {
		return
	}
	it := s.items[id]
	box := o.(*fyne.Container)
	mid := box.Objects[0].(*fyne.Container)
	sw := box.Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle)
	due := box.Objects[2].(*widget.Label)
	sw.FillColor = stateColor(it.State, it.Running)
	sw.Refresh()
	// The title leads: the id is long and alike in every row.
	mid.Objects[0].(*widget.Label).SetText(fmt.Sprintf("P%d · %s", it.Priority, it.Title))
	mid.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s", it.Customer, statusLabel(it.Status), it.ID))
	due.SetText(dueText(it))
}

// dueText says when the governing clock is due, or why it is not running.
func dueText(it cases.Summary) string {
	switch {
	case !it.Status.Open():
		return statusLabel(it.Status)
	case it.Running && it.Due != nil:
		return fmt.Sprintf("%s %s · %s", lang.X("cases.clock."+it.Clock, it.Clock), it.Due.Local().Format("02.01. 15:04"), stateLabel(it.State))
	case it.Paused && it.Remaining != nil:
		return lang.X("cases.paused", "paused, {{.Left}} left", map[string]any{"Left": hours(*it.Remaining)})
	}
	return stateLabel(it.State)
}

// reload reads the list in the background and keeps the selection.
func (s *casesScreen) reload() {
	openOnly := s.openOnly.Checked
	s.u.goBackground(func(ctx context.Context) {
		items, err := s.u.cases.List(ctx, openOnly)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.err.list", "The cases could not be listed."), err)
				return
			}
			s.all = items
			s.applyFilter()
		})
	})
}

// applyFilter shows the cases whose id, title, customer or assignee
// contain every word of the filter, and keeps the selection.
func (s *casesScreen) applyFilter() {
	words := strings.Fields(strings.ToLower(s.filter.Text))
	s.items = s.items[:0:0]
	for _, it := range s.all {
		hay := strings.ToLower(it.ID + " " + it.Title + " " + it.Customer + " " + it.Assignee)
		match := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				match = false
				break
			}
		}
		if match {
			s.items = append(s.items, it)
		}
	}
	s.count.SetText(lang.X("cases.count", "{{.N}} cases", map[string]any{"N": len(s.items)}))
	s.list.UnselectAll()
	s.list.Refresh()
	for i, it := range s.items {
		if it.ID == s.selected {
			s.list.Select(i)
			return
		}
	}
}

// open loads a case into the detail.
func (s *casesScreen) open(id string) {
	s.selected = id
	s.u.goBackground(func(ctx context.Context) {
		c, err := s.u.cases.Get(ctx, id)
		var sla cases.SLA
		if err == nil {
			sla, err = s.u.cases.SLA(&c)
		}
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.err.open", "The case could not be opened."), err)
				return
			}
			if s.selected == id {
				s.show(&c, sla)
			}
		})
	})
}

func (s *casesScreen) buildDetail() {
	s.empty = widget.NewLabelWithStyle(lang.X("cases.none", "Select a case on the left."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	s.head = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.head.Wrapping = fyne.TextWrapWord
	s.facts = widget.NewLabel("")
	s.facts.Wrapping = fyne.TextWrapWord
	s.clocks = container.NewVBox()
	s.acts = container.NewVBox()
	kinds := make([]string, len(noteKinds))
	for i, k := range noteKinds {
		kinds[i] = kindLabel(k)
	}
	s.kind = newSelect(kinds, nil)
	s.kind.SetSelectedIndex(0)
	s.note = wrapEntry()
	s.note.SetPlaceHolder(lang.X("cases.note.hint", "What was done or found? Stays in the log, cannot be changed."))
	s.note.SetMinRowsVisible(2)
	s.addNote = widget.NewButtonWithIcon(lang.X("cases.note.add", "Add to log"), theme.ContentAddIcon(), s.addActivity)
	btn := func(key, label string, icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, f)
		s.actions[key] = b
		return b
	}
	// The buttons flow into more rows when the detail is narrow (German
	// labels are long), instead of widening the window or cutting labels.
	bar := container.New(&flowLayout{},
		btn("status", lang.X("cases.act.status", "Status…"), theme.MediaPlayIcon(), s.statusDialog),
		btn("priority", lang.X("cases.act.priority", "Priority…"), theme.WarningIcon(), s.priorityDialog),
		btn("mail", lang.X("cases.act.mail", "Message…"), theme.MailComposeIcon(), s.messageDialog),
		btn("escalate", lang.X("cases.act.escalate", "Escalate…"), theme.UploadIcon(), s.escalateDialog),
		btn("bundle", lang.X("cases.act.bundle", "Bundle…"), theme.DownloadIcon(), s.bundleDialog),
		btn("draft", lang.X("cases.act.draft", "KB draft"), theme.DocumentCreateIcon(), s.draftArticle),
		btn("fix", lang.X("cases.fix.record", "Record vendor fix…"), theme.ConfirmIcon(), s.recordFixDialog),
		btn("attach", lang.X("cases.attach", "Attach log…"), theme.FileIcon(), s.attachDialog),
		btn("remote", lang.X("cases.act.remote", "Remote session…"), theme.ComputerIcon(), s.openRemote),
	)
	noteRow := container.NewBorder(nil, nil, s.kind, s.addNote, s.note)
	top := container.NewVBox(s.head, s.facts, widget.NewSeparator(), s.clocks, bar)
	s.simBox = container.NewVBox()
	s.simTab = container.NewTabItem(lang.X("cases.similar.tab", "Similar solved cases ({{.N}})", map[string]any{"N": 0}), container.NewVScroll(s.simBox))
	s.tabs = container.NewAppTabs(container.NewTabItem(lang.X("cases.activities", "Activities"), container.NewVScroll(s.acts)), s.buildAttachments(), s.simTab)
	s.body = container.NewBorder(top, noteRow, nil, nil, s.tabs)
	s.detail = container.NewStack(s.empty)
}

// show puts c into the detail.
func (s *casesScreen) show(c *cases.Case, sla cases.SLA) {
	s.cur, s.curSLA = c, sla
	s.head.SetText(fmt.Sprintf("%s: %s", c.ID, c.Title))
	var f strings.Builder
	fmt.Fprintf(&f, "%s: %s · %s: %s\n", lang.X("cases.customer", "Customer"), c.Customer, lang.X("cases.contract", "Contract"), c.Contract)
	fmt.Fprintf(&f, "%s: %s · %s: %s · %s: %d", lang.X("cases.priority", "Priority"), priorityLabel(c.Priority), lang.X("cases.status", "Status"), statusLabel(c.Status), lang.X("cases.level", "Level"), c.Level)
	if c.Assignee != "" {
		fmt.Fprintf(&f, " · %s: %s", lang.X("cases.assignee", "Assignee"), c.Assignee)
	}
	if len(c.Systems) > 0 || c.Product != "" {
		fmt.Fprintf(&f, "\n%s: %s · %s", lang.X("cases.systems", "Systems"), strings.Join(c.Systems, ", "), c.Product)
	}
	if c.Description != "" {
		f.WriteString("\n\n" + c.Description)
	}
	s.facts.SetText(f.String())
	s.clocks.Objects = nil
	for _, clk := range []*cases.Clock{&sla.Reaction, &sla.Resolution, sla.Vendor} {
		if clk != nil {
			s.clocks.Add(clockRow(*clk))
		}
	}
	s.clocks.Refresh()
	s.acts.Objects = nil
	for i := len(c.Activities) - 1; i >= 0; i-- {
		s.acts.Add(activityRow(c.Activities[i]))
	}
	s.acts.Refresh()
	s.showAttachments(c)
	open := c.Status.Open()
	setEnabled(s.actions["escalate"], open && c.Status != cases.StatusWaitingVendor)
	setEnabled(s.actions["draft"], !open)
	setEnabled(s.actions["priority"], open)
	setEnabled(s.actions["remote"], open)
	setEnabled(s.actions["fix"], c.Escalation != nil)
	s.detail.Objects = []fyne.CanvasObject{s.body}
	s.detail.Refresh()
	s.loadSimilar(c.ID)
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// clockRow shows one SLA clock with its colour.
func clockRow(c cases.Clock) fyne.CanvasObject {
	sw := canvas.NewRectangle(stateColor(c.State, c.Running))
	sw.SetMinSize(fyne.NewSize(14, 14))
	sw.CornerRadius = 7
	text := fmt.Sprintf("%s: %s", lang.X("cases.clock."+c.Name, c.Name), stateLabel(c.State))
	switch {
	case c.DoneAt != nil:
		text += " · " + lang.X("cases.clock.done", "done {{.At}}, {{.Used}} used", map[string]any{"At": c.DoneAt.Local().Format("02.01.2006 15:04"), "Used": hours(c.Used)})
	case c.Running && c.Due != nil:
		text += " · " + lang.X("cases.clock.due", "due {{.At}}, {{.Left}} left", map[string]any{"At": c.Due.Local().Format("02.01.2006 15:04"), "Left": hours(c.Remaining)})
	case c.Paused:
		text += " · " + lang.X("cases.paused", "paused, {{.Left}} left", map[string]any{"Left": hours(c.Remaining)})
	default:
		text += " · " + lang.X("cases.clock.used", "{{.Used}} used", map[string]any{"Used": hours(c.Used)})
	}
	if c.Target > 0 {
		text += " · " + lang.X("cases.clock.target", "target {{.T}}", map[string]any{"T": hours(c.Target)})
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewCenter(sw), nil, l)
}

// noteKinds are the kinds of activity a user adds by hand, in the order
// of the kind choice next to the note.
var noteKinds = []cases.Kind{cases.KindNote, cases.KindCall, cases.KindMail, cases.KindRemote}

// kindLabel is the translated name of an activity kind.
func kindLabel(k cases.Kind) string {
	return lang.X("cases.kind."+string(k), strings.ReplaceAll(string(k), "_", " "))
}

// activityRow shows one activity of the log.
func activityRow(a cases.Activity) fyne.CanvasObject {
	head := fmt.Sprintf("%s · %s · %s", a.At.Local().Format("02.01.2006 15:04"), a.By, kindLabel(a.Kind))
	switch a.Kind {
	case cases.KindStatus:
		head += fmt.Sprintf(" (%s → %s)", statusLabel(cases.Status(a.From)), statusLabel(cases.Status(a.To)))
	case cases.KindPriority:
		head += fmt.Sprintf(" (P%s → P%s)", a.From, a.To)
	case cases.KindCreated:
		head += fmt.Sprintf(" (P%s)", a.To)
	default:
		if a.From != "" || a.To != "" {
			head += fmt.Sprintf(" (%s → %s)", a.From, a.To)
		}
	}
	h := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.Wrapping = fyne.TextWrapWord
	body := widget.NewLabel(activityText(a))
	body.Wrapping = fyne.TextWrapWord
	return container.NewVBox(h, body)
}

// activityText is an activity's text; one that Werkbank wrote is shown in
// the user's language.
func activityText(a cases.Activity) string {
	if a.System == nil {
		return a.Text
	}
	src := cases.SystemTextTemplate(a.System.Code)
	if src == "" {
		return a.Text // a code of a newer version
	}
	data := make(map[string]any, len(a.System.Args))
	for k, v := range a.System.Args {
		data[k] = v
	}
	return lang.X("cases.sys."+a.System.Code, src, data)
}

// openRemote shows the remote-sessions screen with the case chosen.
func (s *casesScreen) openRemote() {
	if s.cur != nil {
		s.u.openRemoteFor(s.cur.ID)
	}
}

// addActivity appends the typed note to the log.
func (s *casesScreen) addActivity() {
	if s.cur == nil || strings.TrimSpace(s.note.Text) == "" {
		return
	}
	id, text, kind, by := s.cur.ID, s.note.Text, noteKinds[max(s.kind.SelectedIndex(), 0)], s.by()
	s.run(lang.X("cases.err.note", "The activity could not be added."), func(ctx context.Context) error {
		_, err := s.u.cases.AddActivity(ctx, id, cases.Activity{Kind: kind, By: by, Text: text})
		return err
	}, func() { s.note.SetText("") })
}

// run does a change in the background, then reloads the list and the case
// and calls done (on the Fyne goroutine) when it worked. f must not touch
// widgets: callers read what they need before.
func (s *casesScreen) run(what string, f func(ctx context.Context) error, done func()) {
	id := s.selected
	s.u.goBackground(func(ctx context.Context) {
		err := f(ctx)
		s.u.do(func() {
			if err != nil {
				s.u.showError(what, err)
				return
			}
			if done != nil {
				done()
			}
			s.reload()
			if id != "" {
				s.open(id)
			}
		})
	})
}
