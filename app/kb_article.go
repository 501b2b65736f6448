package app

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// articleActions are what the article view hands back to its screen.
type articleActions struct {
	edit    func(kb.Article)
	history func(kb.Article)
	// changed is called with the new revision after a status change.
	changed func(kb.Article)
}

// articleView shows one article: title, metadata line, the actions the
// current user's role allows, and the rendered body.
type articleView struct {
	u       *ui
	a       kb.Article
	act     articleActions
	actions *fyne.Container
	// Buttons, kept for tests; hidden when the role or status does not
	// allow them.
	edit, history, submit, publish, archive, draft, html *widget.Button
	root                                                 fyne.CanvasObject
}

// newArticleView renders a.
func newArticleView(u *ui, a kb.Article, act articleActions) *articleView {
	v := &articleView{u: u, a: a, act: act}
	title := widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyleHeading, Text: a.Title})
	title.Wrapping = fyne.TextWrapWord
	meta := widget.NewRichText(&widget.TextSegment{Text: metaLine(a),
		Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder}})
	meta.Wrapping = fyne.TextWrapWord

	v.edit = widget.NewButtonWithIcon(lang.X("kb.edit", "Edit"), theme.DocumentCreateIcon(), func() { act.edit(v.a) })
	v.history = widget.NewButtonWithIcon(lang.X("kb.history", "History"), theme.HistoryIcon(), func() { act.history(v.a) })
	v.submit = widget.NewButtonWithIcon(lang.X("kb.submit", "Submit for review"), theme.MailSendIcon(), func() {
		v.setStatus(kb.StatusReview, lang.X("kb.note.submit", "submitted for review"))
	})
	v.publish = widget.NewButtonWithIcon(lang.X("kb.publish", "Publish"), theme.ConfirmIcon(), func() {
		v.setStatus(kb.StatusPublished, lang.X("kb.note.publish", "published"))
	})
	v.publish.Importance = widget.HighImportance
	v.archive = widget.NewButtonWithIcon(lang.X("kb.archive", "Archive"), theme.FolderIcon(), func() {
		dialog.ShowConfirm(lang.X("kb.archive", "Archive"),
			lang.X("kb.archive.confirm", "Archive this article? It stays searchable with the status “Archived”."),
			func(ok bool) {
				if ok {
					v.setStatus(kb.StatusArchived, lang.X("kb.note.archive", "archived"))
				}
			}, u.window())
	})
	v.draft = widget.NewButtonWithIcon(lang.X("kb.todraft", "Back to draft"), theme.ContentUndoIcon(), func() {
		v.setStatus(kb.StatusDraft, lang.X("kb.note.draft", "back to draft"))
	})
	v.html = widget.NewButtonWithIcon(lang.X("kb.html", "HTML…"), theme.DownloadIcon(), v.exportHTML)
	v.actions = container.New(&flowLayout{}, v.edit, v.history, v.submit, v.publish, v.draft, v.archive, v.html)
	v.refreshActions()

	body := renderMarkdown(a.Body, u.ws.Path("attachments"))
	if len(a.Signatures) > 0 {
		segs := []widget.RichTextSegment{&widget.TextSegment{Style: widget.RichTextStyleSubHeading, Text: lang.X("kb.signatures", "Error signatures")}}
		for _, sig := range a.Signatures {
			segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleCodeBlock, Text: sig})
		}
		sigs := widget.NewRichText(segs...)
		sigs.Wrapping = fyne.TextWrapWord
		body.Add(sigs)
	}
	head := container.NewVBox(wrapped(title, meta), v.actions, widget.NewSeparator())
	v.root = container.NewBorder(container.NewPadded(head), nil, nil, nil,
		container.NewVScroll(container.NewPadded(body)))
	return v
}

// metaLine is the article's metadata in one line.
func metaLine(a kb.Article) string {
	parts := []string{articleStatusLabel(a.Status)}
	if pm := strings.Trim(a.Product+" / "+a.Module, " /"); pm != "" {
		parts = append(parts, pm)
	}
	if len(a.Versions) > 0 {
		parts = append(parts, lang.X("kb.meta.versions", "Versions {{.V}}", map[string]any{"V": strings.Join(a.Versions, ", ")}))
	}
	if len(a.Tags) > 0 {
		parts = append(parts, lang.X("kb.meta.tags", "Tags: {{.T}}", map[string]any{"T": strings.Join(a.Tags, ", ")}))
	}
	if a.Author != "" {
		parts = append(parts, lang.X("kb.meta.author", "Author {{.A}}", map[string]any{"A": a.Author}))
	}
	if a.Reviewer != "" {
		parts = append(parts, lang.X("kb.meta.reviewer", "Reviewer {{.R}}", map[string]any{"R": a.Reviewer}))
	}
	if len(a.Cases) > 0 {
		parts = append(parts, lang.X("kb.meta.cases", "Cases: {{.C}}", map[string]any{"C": strings.Join(a.Cases, ", ")}))
	}
	if !a.Updated.IsZero() {
		parts = append(parts, lang.X("kb.meta.updated", "Updated {{.D}}", map[string]any{"D": a.Updated.Local().Format("2006-01-02 15:04")}))
	}
	if a.Rev > 0 {
		parts = append(parts, lang.X("kb.meta.rev", "Revision {{.N}}", map[string]any{"N": a.Rev}))
	}
	return strings.Join(parts, " · ")
}

// refreshActions shows the actions that the status and the current user's
// role allow: anyone edits, sends drafts to review and takes them back;
// only team leads and admins publish, archive and edit archived articles.
func (v *articleView) refreshActions() {
	lead := v.u.user.Role.CanPublish()
	st := v.a.Status
	setVisible(v.edit, lead || st != kb.StatusArchived)
	setVisible(v.submit, st == kb.StatusDraft)
	setVisible(v.publish, lead && (st == kb.StatusDraft || st == kb.StatusReview || st == kb.StatusArchived))
	setVisible(v.draft, st == kb.StatusReview || (lead && st == kb.StatusArchived))
	setVisible(v.archive, lead && st == kb.StatusPublished)
	v.actions.Refresh()
}

// setVisible shows or hides o.
func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// setStatus moves the article to status to in the background and shows
// the new revision.
func (v *articleView) setStatus(to kb.Status, note string) {
	id, by := v.a.ID, v.u.user
	v.u.goBackground(func(ctx context.Context) {
		a, err := v.u.kb.SetStatus(ctx, id, to, by, note)
		v.u.do(func() {
			if err != nil {
				v.u.showError(lang.X("kb.err.status", "The status could not be changed."), err)
				return
			}
			v.act.changed(a)
		})
	})
}

// flowLayout places objects in a row and wraps to the next row when the
// width runs out, so that a bar of buttons never forces the window wider
// (German labels are long).
type flowLayout struct {
	// width is the width of the last layout; MinSize reports the height
	// the rows need at that width.
	width float32
}

// Layout places the visible objects at their minimum size, row by row.
func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.place(objs, size.Width, true)
}

// MinSize is as wide as the widest object and as high as the rows at the
// last layout's width.
func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	width := f.width
	if width < w {
		width = w
	}
	return fyne.NewSize(w, f.place(objs, width, false))
}

// place lays out (when move is set) and returns the total height.
func (f *flowLayout) place(objs []fyne.CanvasObject, width float32, move bool) float32 {
	pad := theme.Padding()
	var x, y, rowH float32
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && x+m.Width > width {
			x, y, rowH = 0, y+rowH+pad, 0
		}
		if move {
			o.Move(fyne.NewPos(x, y))
			o.Resize(m)
		}
		x += m.Width + pad
		rowH = max(rowH, m.Height)
	}
	return y + rowH
}

// wrapLayout gives wrapped text the width of its container and reports
// the height the text needs at that width. Before the first layout it
// reports one line, so that text wrapped at zero width (one word a line)
// never makes the window taller.
type wrapLayout struct {
	width float32
}

// wrapped puts wrapped text widgets into a wrapLayout, one below the
// other.
func wrapped(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&wrapLayout{}, container.NewVBox(objs...))
}

// Layout gives every object the full size.
func (l *wrapLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is no wider than one character and as high as the text at the
// last layout's width.
func (l *wrapLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if l.width == 0 {
		return fyne.NewSize(0, theme.TextSize()+2*theme.InnerPadding())
	}
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}

// exportHTML asks for a file and writes the article there as a standalone
// HTML page (goldmark), for customers and colleagues without Werkbank; an
// existing file is refused.
func (v *articleView) exportHTML() {
	dir := exportDir()
	path := widget.NewEntry()
	path.SetText(filepath.Join(dir, v.a.ID+".html"))
	path.Validator = required
	title := lang.X("kb.html.title", "Export the article as HTML")
	showForm(title, lang.X("reports.write", "Write"), lang.X("cases.cancel", "Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("reports.file", "File"), path)},
		func(ok bool) {
			if !ok {
				return
			}
			if err := writeArticleHTML(v.a, path.Text); err != nil {
				v.u.showError(lang.X("kb.html.err", "The article could not be exported."), err)
				return
			}
			if w := v.u.window(); w != nil {
				dialog.ShowInformation(title, lang.X("reports.written", "Written: {{.P}}", map[string]any{"P": path.Text}), w)
			}
		}, v.u.window())
}

// writeArticleHTML renders a as an HTML page into the new file path.
func writeArticleHTML(a kb.Article, path string) error {
	page, err := kb.ArticleHTML(a)
	if err != nil {
		return err
	}
	return writeNew(path, page)
}
