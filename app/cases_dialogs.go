package app

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/bridge"
	"werkbank/cases"
	"werkbank/kb"
)

// by is the name activities are logged under.
func (s *casesScreen) by() string {
	if n := strings.TrimSpace(s.u.user.Name); n != "" {
		return n
	}
	return "unknown"
}

func priorityOptions() []string {
	out := make([]string, 4)
	for p := cases.PriorityEmergency; p <= cases.PriorityLow; p++ {
		out[p-1] = priorityLabel(p)
	}
	return out
}

// wrapEntry is a multi-line entry that wraps words.
func wrapEntry() *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	return e
}

func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(lang.X("cases.required", "required"))
	}
	return nil
}

// newCaseDialog asks for a new case and opens it.
func (s *casesScreen) newCaseDialog() {
	title, customer, desc, systems, reason := widget.NewEntry(), widget.NewEntry(), wrapEntry(), widget.NewEntry(), widget.NewEntry()
	title.Validator, customer.Validator = required, required
	prio := newSelect(priorityOptions(), nil)
	prio.SetSelectedIndex(2)
	contract := newSelect(s.u.cases.ContractNames(), nil)
	contract.SetSelected("Standard")
	systems.SetPlaceHolder(lang.X("cases.systems.hint", "comma-separated"))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("cases.title", "Title"), title),
		widget.NewFormItem(lang.X("cases.customer", "Customer"), customer),
		widget.NewFormItem(lang.X("cases.priority", "Priority"), prio),
		widget.NewFormItem(lang.X("cases.reason", "Impact on the business"), reason),
		widget.NewFormItem(lang.X("cases.contract", "Contract"), contract),
		widget.NewFormItem(lang.X("cases.systems", "Systems"), systems),
		widget.NewFormItem(lang.X("cases.description", "Description"), desc),
	}
	d := dialog.NewForm(lang.X("cases.new", "New case"), lang.X("cases.create", "Create"), lang.X("cases.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		n := cases.NewCase{Title: title.Text, Customer: customer.Text, Priority: cases.Priority(prio.SelectedIndex() + 1), Contract: contract.Selected,
			Description: desc.Text, Reason: reason.Text, By: s.by()}
		for _, sys := range strings.Split(systems.Text, ",") {
			if sys = strings.TrimSpace(sys); sys != "" {
				n.Systems = append(n.Systems, sys)
			}
		}
		var created cases.Case
		s.run(lang.X("cases.err.new", "The case could not be created."), func(ctx context.Context) error {
			var err error
			created, err = s.u.cases.Create(ctx, n)
			return err
		}, func() { s.selected = created.ID; s.open(created.ID) })
	}, s.u.window())
	d.Resize(fyne.NewSize(560, 520))
	d.Show()
}

// statusDialog changes the status with a reason.
func (s *casesScreen) statusDialog() {
	if s.cur == nil {
		return
	}
	var opts []string
	var sts []cases.Status
	for _, st := range cases.Statuses {
		if st != s.cur.Status && st != cases.StatusWaitingVendor {
			opts, sts = append(opts, statusLabel(st)), append(sts, st)
		}
	}
	sel := newSelect(opts, nil)
	reason := wrapEntry()
	reason.SetPlaceHolder(lang.X("cases.status.hint", "Why? For \"solved\": the solution."))
	id := s.cur.ID
	showForm(lang.X("cases.status.title", "Change the status of {{.ID}}", map[string]any{"ID": s.cur.ID}), lang.X("cases.ok", "Change"), lang.X("cases.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("cases.status", "Status"), sel),
		widget.NewFormItem(lang.X("cases.reason.short", "Reason"), reason),
	}, func(ok bool) {
		if !ok || sel.SelectedIndex() < 0 {
			return
		}
		st, why, by := sts[sel.SelectedIndex()], reason.Text, s.by()
		s.run(lang.X("cases.err.status", "The status could not be changed."), func(ctx context.Context) error {
			_, err := s.u.cases.SetStatus(ctx, id, st, why, by)
			return err
		}, nil)
	}, s.u.window())
}

// priorityDialog changes the priority; the reason is required.
func (s *casesScreen) priorityDialog() {
	if s.cur == nil {
		return
	}
	sel := newSelect(priorityOptions(), nil)
	sel.SetSelectedIndex(int(s.cur.Priority) - 1)
	reason := wrapEntry()
	reason.Validator = required
	reason.SetPlaceHolder(lang.X("cases.reason.hint", "How does the problem affect the customer's business now?"))
	id := s.cur.ID
	showForm(lang.X("cases.priority.title", "Change the priority of {{.ID}}", map[string]any{"ID": s.cur.ID}), lang.X("cases.ok", "Change"), lang.X("cases.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("cases.priority", "Priority"), sel),
		widget.NewFormItem(lang.X("cases.reason", "Impact on the business"), reason),
	}, func(ok bool) {
		if !ok {
			return
		}
		p, why, by := cases.Priority(sel.SelectedIndex()+1), reason.Text, s.by()
		s.run(lang.X("cases.err.priority", "The priority could not be changed."), func(ctx context.Context) error {
			_, err := s.u.cases.SetPriority(ctx, id, p, why, by)
			return err
		}, nil)
	}, s.u.window())
}

// messageDialog renders a customer message with a live preview, logs it
// and copies it to the clipboard.
func (s *casesScreen) messageDialog() {
	if s.cur == nil {
		return
	}
	c, sla := *s.cur, s.curSLA
	names := cases.TemplateNames()
	labels := make([]string, len(names))
	for i, n := range names {
		labels[i] = lang.X("cases.tmpl."+n, strings.ReplaceAll(n, "_", " "))
	}
	tmpl := newSelect(labels, nil)
	langLabels := make([]string, len(cases.Languages))
	for i, l := range cases.Languages {
		langLabels[i] = languageLabel(l)
	}
	lng := newSelect(langLabels, nil)
	lng.SetSelectedIndex(0)
	text := wrapEntry()
	text.SetPlaceHolder(lang.X("cases.mail.hint", "Questions, workaround or a remark"))
	preview := widget.NewLabel("")
	preview.Wrapping = fyne.TextWrapWord
	input := func() cases.MessageInput {
		return cases.MessageInput{Template: cases.Template(names[max(tmpl.SelectedIndex(), 0)]), Lang: cases.Languages[max(lng.SelectedIndex(), 0)], Text: text.Text, Sender: s.by()}
	}
	update := func() {
		msg, err := cases.RenderMessage(&c, sla, input())
		if err != nil {
			preview.SetText(humanError(err))
			return
		}
		preview.SetText(msg.Subject + "\n\n" + msg.Body)
	}
	tmpl.OnChanged, lng.OnChanged, text.OnChanged = func(string) { update() }, func(string) { update() }, func(string) { update() }
	for i, n := range names {
		if n == string(cases.TemplateReceived) {
			tmpl.SetSelectedIndex(i)
		}
	}
	choices := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel(lang.X("cases.mail.template", "Template")), nil, tmpl),
		container.NewBorder(nil, nil, widget.NewLabel(lang.X("cases.mail.lang", "Language")), nil, lng))
	form := container.NewBorder(container.NewVBox(choices, text), nil, nil, nil, container.NewVScroll(preview))
	d := dialog.NewCustomConfirm(lang.X("cases.mail.title", "Message to the customer about {{.ID}}", map[string]any{"ID": c.ID}), lang.X("cases.mail.log", "Log and copy"), lang.X("cases.cancel", "Cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		in, by := input(), s.by()
		var msg cases.Message
		s.run(lang.X("cases.err.mail", "The message could not be logged."), func(ctx context.Context) error {
			var err error
			msg, err = s.u.cases.SendMessage(ctx, c.ID, in, by)
			return err
		}, func() {
			s.u.app.Clipboard().SetContent(msg.Subject + "\n\n" + msg.Body)
		})
	}, s.u.window())
	d.Resize(fyne.NewSize(640, 560))
	d.Show()
}

// missingLabel is the translated name of a missing checklist item.
func missingLabel(m string) string {
	switch m {
	case cases.MissingReproduced:
		return lang.X("cases.missing.reproduced", m)
	case cases.MissingDescription:
		return lang.X("cases.missing.description", m)
	case cases.MissingDone:
		return lang.X("cases.missing.done", m)
	case cases.MissingFindings:
		return lang.X("cases.missing.findings", m)
	case cases.MissingLogs:
		return lang.X("cases.missing.logs", m)
	}
	return m
}

// escalateDialog shows the 3rd-level checklist; what is missing is listed
// live and the escalation is refused until it is complete.
func (s *casesScreen) escalateDialog() {
	if s.cur == nil {
		return
	}
	c := *s.cur
	repro, desc, done, findings, loc := widget.NewEntry(), wrapEntry(), wrapEntry(), wrapEntry(), widget.NewEntry()
	repro.SetPlaceHolder(lang.X("cases.esc.repro.hint", "e.g. ERPplus 8.0.2.1144 standard demo system"))
	findings.SetPlaceHolder(lang.X("cases.esc.findings.hint", "one finding per line; attach the logs to the case"))
	loc.SetPlaceHolder(lang.X("cases.esc.loc.hint", "optional, e.g. mrp/mrp_netto.p line 1440"))
	desc.SetText(c.Description)
	missing := widget.NewLabel("")
	missing.Wrapping = fyne.TextWrapWord
	esc := func() cases.Escalation {
		return cases.Escalation{ReproducedOn: repro.Text, Description: desc.Text, Done: done.Text, Findings: strings.Split(findings.Text, "\n"), SourceLocation: loc.Text, By: s.by()}
	}
	var confirm *widget.Button
	check := func() {
		m := cases.Checklist(&c, esc())
		if len(m) == 0 {
			missing.SetText(lang.X("cases.esc.complete", "The checklist is complete."))
			confirm.Enable()
			return
		}
		for i := range m {
			m[i] = missingLabel(m[i])
		}
		missing.SetText(lang.X("cases.esc.missing", "Missing: {{.M}}", map[string]any{"M": strings.Join(m, "; ")}))
		confirm.Disable()
	}
	for _, e := range []*widget.Entry{repro, desc, done, findings, loc} {
		e.OnChanged = func(string) { check() }
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.X("cases.esc.repro", "Reproduced on (demo system version)"), repro),
		widget.NewFormItem(lang.X("cases.esc.desc", "Exact description and context"), desc),
		widget.NewFormItem(lang.X("cases.esc.done", "Activities already done"), done),
		widget.NewFormItem(lang.X("cases.esc.findings", "Findings"), findings),
		widget.NewFormItem(lang.X("cases.esc.loc", "Location in the standard source"), loc),
	)
	var d dialog.Dialog
	confirm = widget.NewButton(lang.X("cases.esc.confirm", "Escalate"), func() {
		e := esc()
		d.Hide()
		s.run(lang.X("cases.err.escalate", "The case could not be escalated."), func(ctx context.Context) error {
			_, err := s.u.cases.Escalate(ctx, c.ID, e)
			return err
		}, nil)
	})
	confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.X("cases.cancel", "Cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.X("cases.esc.title", "Escalate {{.ID}} to the vendor's 3rd level", map[string]any{"ID": c.ID}),
		container.NewBorder(nil, container.NewVBox(missing, container.NewHBox(cancel, confirm)), nil, nil, container.NewVScroll(form)), s.u.window())
	check()
	d.Resize(fyne.NewSize(720, 600))
	d.Show()
	s.escDialog = &escalateForm{repro: repro, desc: desc, done: done, findings: findings, missing: missing, confirm: confirm}
}

// escalateForm gives tests access to the open escalation dialog.
type escalateForm struct {
	repro, desc, done, findings *widget.Entry
	missing                     *widget.Label
	confirm                     *widget.Button
}

// attachDialog picks a local file (e.g. a log the customer sent) and
// attaches it to the case.
func (s *casesScreen) attachDialog() {
	if s.cur == nil {
		return
	}
	id := s.cur.ID
	s.u.choosePath(lang.X("cases.attach.title", "File to attach to the case"), lang.X("cases.err.attach", "The file could not be attached."),
		func(path string) { s.attach(id, path) })
}

// attach copies the file into the attachments and logs it on the case.
func (s *casesScreen) attach(id, path string) {
	by := s.by()
	s.run(lang.X("cases.err.attach", "The file could not be attached."), func(ctx context.Context) error {
		_, err := s.u.cases.AttachFile(ctx, id, path, by)
		return err
	}, nil)
}

// bundleDialog asks where to write the escalation bundle.
func (s *casesScreen) bundleDialog() {
	if s.cur == nil {
		return
	}
	dir := exportDir()
	path := widget.NewEntry()
	path.SetText(filepath.Join(dir, s.cur.ID+"-bundle.zip"))
	path.Validator = required
	id := s.cur.ID
	showForm(lang.X("cases.bundle.title", "Escalation bundle of {{.ID}}", map[string]any{"ID": s.cur.ID}), lang.X("cases.bundle.write", "Write"), lang.X("cases.cancel", "Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.X("cases.bundle.path", "Archive"), path),
	}, func(ok bool) {
		if ok {
			s.writeBundle(id, path.Text)
		}
	}, s.u.window())
}

// writeBundle writes the bundle in the background and says where it is.
func (s *casesScreen) writeBundle(id, path string) {
	var res cases.BundleResult
	opt := cases.BundleOptions{Verifier: s.audit, Redactor: s.redactor, By: s.by()}
	s.u.goBackground(func(ctx context.Context) {
		var err error
		res, err = s.u.cases.Bundle(ctx, id, path, opt)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.err.bundle", "The bundle could not be written."), err)
				return
			}
			if w := s.u.window(); w != nil {
				dialog.ShowInformation(lang.X("cases.act.bundle", "Bundle…"), lang.X("cases.bundle.done", "Written: {{.P}} ({{.N}} files)", map[string]any{"P": res.Path, "N": len(res.Files) + 3}), w)
			}
		})
	})
}

// draftArticle turns the solved case into a knowledge-base draft.
func (s *casesScreen) draftArticle() {
	if s.cur == nil {
		return
	}
	id, drafter, by := s.cur.ID, bridge.Drafter(s.u.kb, s.u.user), s.by()
	var articleID string
	s.run(lang.X("cases.err.draft", "The article draft could not be created."), func(ctx context.Context) error {
		var err error
		articleID, err = s.u.cases.DraftArticle(ctx, id, drafter, by)
		return err
	}, func() {
		s.u.articleChanged(kb.Article{})
		if w := s.u.window(); w != nil {
			dialog.ShowInformation(lang.X("cases.act.draft", "KB draft"), lang.X("cases.draft.done", "Draft article {{.ID}} created and linked to the case.", map[string]any{"ID": articleID}), w)
		}
	})
}
