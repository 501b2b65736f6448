package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// previewDelay is how long the preview waits after the last keystroke.
const previewDelay = 250 * time.Millisecond

// editor edits one article: metadata fields on top, the Markdown body on
// the left and its live preview on the right. Saving creates a revision.
type editor struct {
	u    *ui
	orig kb.Article
	// done is called when the editor closes: with the saved revision, or
	// nil when the user cancelled.
	done func(saved *kb.Article)

	title, tags, product, module, versions, note *saveEntry
	signatures, body                             *saveEntry
	preview                                      *fyne.Container
	save, cancel                                 *widget.Button
	root                                         fyne.CanvasObject

	dirty  bool
	saving bool
	timer  *time.Timer
}

// newEditor opens an editor on a.
func newEditor(u *ui, a kb.Article, done func(saved *kb.Article)) *editor {
	e := &editor{u: u, orig: a, done: done}
	entry := func(text, hint string) *saveEntry {
		w := newSaveEntry(false, e.doSave)
		w.SetText(text)
		w.SetPlaceHolder(hint)
		w.OnChanged = func(string) { e.dirty = true }
		return w
	}
	e.title = entry(a.Title, lang.X("kb.ed.title.hint", "A short description of the problem"))
	e.tags = entry(strings.Join(a.Tags, ", "), lang.X("kb.ed.list.hint", "comma-separated"))
	e.product = entry(a.Product, "ERP+")
	e.module = entry(a.Module, lang.X("kb.ed.module.hint", "e.g. Finance, Printing"))
	e.versions = entry(strings.Join(a.Versions, ", "), lang.X("kb.ed.list.hint", "comma-separated"))
	e.note = entry("", lang.X("kb.ed.note.hint", "What did you change? (optional)"))
	e.signatures = newSaveEntry(true, e.doSave)
	e.signatures.SetText(strings.Join(a.Signatures, "\n"))
	e.signatures.SetPlaceHolder(lang.X("kb.ed.sig.hint", "One per line: text from the log, or /regular expression/"))
	e.signatures.SetMinRowsVisible(2)
	e.signatures.OnChanged = func(string) { e.dirty = true }
	e.body = newSaveEntry(true, e.doSave)
	e.body.Wrapping = fyne.TextWrapWord
	e.body.TextStyle = fyne.TextStyle{Monospace: true}
	e.body.SetText(a.Body)
	e.body.SetPlaceHolder("## Problem\n\n## Ursache\n\n## Lösung")
	e.body.OnChanged = func(string) {
		e.dirty = true
		e.schedulePreview()
	}
	e.preview = container.NewStack()
	e.renderPreview()

	e.save = widget.NewButtonWithIcon(lang.X("kb.ed.save", "Save"), theme.DocumentSaveIcon(), e.doSave)
	e.save.Importance = widget.HighImportance
	e.cancel = widget.NewButtonWithIcon(lang.X("kb.ed.cancel", "Close"), theme.CancelIcon(), e.close)

	heading := lang.X("kb.ed.new", "New article")
	if a.ID != "" {
		heading = lang.X("kb.ed.edit", "Edit: {{.T}}", map[string]any{"T": a.Title})
	}
	head := widget.NewLabelWithStyle(heading, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateEllipsis
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(e.cancel, e.save), head)
	top := container.NewVBox(bar)
	if st := e.saveStatus(); st != a.Status && a.ID != "" {
		n := widget.NewLabel(lang.X("kb.ed.asdraft", "Your role may not publish: this change is saved as a draft, and a team lead publishes it again."))
		n.Wrapping = fyne.TextWrapWord
		n.Importance = widget.WarningImportance
		top.Add(wrapped(n))
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.X("kb.ed.title", "Title"), e.title),
		widget.NewFormItem(lang.X("kb.ed.product", "Product / module"), container.NewGridWithColumns(2, e.product, e.module)),
		widget.NewFormItem(lang.X("kb.ed.tags", "Tags / versions"), container.NewGridWithColumns(2, e.tags, e.versions)),
		widget.NewFormItem(lang.X("kb.ed.sigs", "Error signatures"), e.signatures),
		widget.NewFormItem(lang.X("kb.ed.note", "Revision note"), e.note),
	)
	top.Add(form)
	split := container.NewHSplit(e.body, container.NewVScroll(container.NewPadded(e.preview)))
	e.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
	u.unsaved = func() bool { return e.dirty }
	return e
}

// saveStatus is the status the article is saved with: its own, unless the
// user may not publish and it is published or archived, then a draft.
func (e *editor) saveStatus() kb.Status {
	st := e.orig.Status
	if st == "" {
		return kb.StatusDraft
	}
	if !e.u.user.Role.CanPublish() && (st == kb.StatusPublished || st == kb.StatusArchived) {
		return kb.StatusDraft
	}
	return st
}

// schedulePreview re-renders the preview previewDelay after the last
// keystroke.
func (e *editor) schedulePreview() {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.timer = time.AfterFunc(previewDelay, func() {
		if e.u.ctx.Err() == nil {
			e.u.do(e.renderPreview)
		}
	})
}

// renderPreview renders the body now.
func (e *editor) renderPreview() {
	e.preview.Objects = []fyne.CanvasObject{renderMarkdown(e.body.Text, e.u.ws.Path("attachments"))}
	e.preview.Refresh()
}

// article is the edited article.
func (e *editor) article() kb.Article {
	a := e.orig
	a.Title = strings.TrimSpace(e.title.Text)
	a.Body = e.body.Text
	a.Tags = splitList(e.tags.Text, ",")
	a.Product = strings.TrimSpace(e.product.Text)
	a.Module = strings.TrimSpace(e.module.Text)
	a.Versions = splitList(e.versions.Text, ",")
	a.Signatures = splitList(e.signatures.Text, "\n")
	a.Status = e.saveStatus()
	if a.Author == "" {
		a.Author = e.u.user.Name
	}
	return a
}

// splitList splits s at sep, trimmed, without empty or repeated items.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// errNoTitle reports an article without a title.
var errNoTitle = errors.New("the title is empty")

// doSave saves the article as a new revision in the background and closes
// the editor when the revision is durable.
func (e *editor) doSave() {
	if e.saving {
		return
	}
	a := e.article()
	if a.Title == "" {
		e.u.showError(lang.X("kb.err.notitle", "Please give the article a title."), errNoTitle)
		return
	}
	note := strings.TrimSpace(e.note.Text)
	by := e.u.user
	e.saving = true
	e.save.Disable()
	e.u.goBackground(func(ctx context.Context) {
		saved, err := e.u.kb.Save(ctx, a, by, note)
		e.u.do(func() {
			e.saving = false
			e.save.Enable()
			if err != nil {
				e.u.showError(lang.X("kb.err.save", "The article could not be saved. Your text is still in the editor."), err)
				return
			}
			e.dirty = false
			e.finish(&saved)
		})
	})
}

// close leaves the editor, asking first when there are unsaved changes.
func (e *editor) close() {
	if !e.dirty {
		e.finish(nil)
		return
	}
	dialog.ShowConfirm(lang.X("kb.ed.unsaved", "Unsaved changes"),
		lang.X("kb.ed.discard", "Discard your changes to this article?"),
		func(ok bool) {
			if ok {
				e.finish(nil)
			}
		}, e.u.window())
}

// finish closes the editor.
func (e *editor) finish(saved *kb.Article) {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.u.unsaved = nil
	e.u.editor = nil
	e.done(saved)
}

// saveEntry is an entry of the editor in which Ctrl+S (Cmd+S on macOS)
// saves the article.
type saveEntry struct {
	widget.Entry
	save func()
}

// newSaveEntry makes a one-line or multi-line entry that calls save on
// Ctrl+S.
func newSaveEntry(multiLine bool, save func()) *saveEntry {
	e := &saveEntry{save: save}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut saves on Ctrl+S and leaves other shortcuts to the entry.
func (e *saveEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.KeyName == fyne.KeyS && cs.Modifier == fyne.KeyModifierShortcutDefault {
		e.save()
		return
	}
	e.Entry.TypedShortcut(s)
}
