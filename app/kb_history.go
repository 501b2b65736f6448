package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// diffContext is how many unchanged lines the diff shows around changes.
const diffContext = 3

// historyView lists the revisions of an article and shows the line diff
// between a selected revision and another one (the current by default),
// with a button to restore the selected revision.
type historyView struct {
	u *ui
	a kb.Article
	// back returns to the article; restored shows the new revision.
	back     func()
	restored func(kb.Article)

	revs    []kb.Revision
	list    *widget.List
	against *widget.Select
	diff    *widget.RichText
	restore *widget.Button
	summary *widget.Label
	root    fyne.CanvasObject

	sel int // selected revision number, 0 = none
	gen uint64
}

// newHistoryView shows the history of a and loads its revisions.
func newHistoryView(u *ui, a kb.Article, back func(), restored func(kb.Article)) *historyView {
	h := &historyView{u: u, a: a, back: back, restored: restored}
	h.list = widget.NewList(
		func() int { return len(h.revs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(revisionLabel(h.revs[len(h.revs)-1-i], true))
		},
	)
	h.list.OnSelected = func(i widget.ListItemID) {
		h.sel = h.revs[len(h.revs)-1-i].Rev
		h.restore.Enable()
		h.showDiff()
	}
	h.against = newSelect(nil, func(string) { h.showDiff() })
	h.diff = widget.NewRichText()
	h.diff.Wrapping = fyne.TextWrapWord
	h.summary = widget.NewLabel(lang.X("kb.hist.pick", "Choose a revision to see what changed."))
	h.summary.Wrapping = fyne.TextWrapWord
	h.restore = widget.NewButtonWithIcon(lang.X("kb.hist.restore", "Restore this revision"), theme.ContentUndoIcon(), h.confirmRestore)
	h.restore.Disable()

	backBtn := widget.NewButtonWithIcon(lang.X("kb.hist.back", "Back to the article"), theme.NavigateBackIcon(), back)
	title := widget.NewLabelWithStyle(lang.X("kb.hist.title", "History: {{.T}}", map[string]any{"T": a.Title}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	head := container.NewBorder(nil, nil, backBtn, nil, title)
	compare := container.NewBorder(nil, nil, widget.NewLabel(lang.X("kb.hist.against", "Compare with")), h.restore, h.against)
	right := container.NewBorder(container.NewVBox(compare, wrapped(h.summary)), nil, nil, nil, container.NewVScroll(h.diff))
	split := container.NewVSplit(h.list, right)
	split.Offset = 0.3
	h.root = container.NewBorder(container.NewPadded(head), nil, nil, nil, split)
	h.load()
	return h
}

// revisionLabel describes a revision in one line.
func revisionLabel(r kb.Revision, withNote bool) string {
	s := lang.X("kb.hist.rev", "Revision {{.N}} · {{.At}} · {{.By}} · {{.St}}", map[string]any{
		"N": r.Rev, "At": r.At.Local().Format("2006-01-02 15:04"), "By": r.By, "St": articleStatusLabel(r.Status)})
	if withNote && r.Note != "" {
		s += " · " + revisionNote(r)
	}
	return s
}

// revisionNote is a revision's note; one that Werkbank wrote is shown in
// the user's language.
func revisionNote(r kb.Revision) string {
	switch {
	case r.NoteCode == kb.NoteImported && len(r.NoteArgs) == 1:
		return lang.X("kb.hist.imported", "imported from {{.S}}", map[string]any{"S": r.NoteArgs[0]})
	case r.NoteCode == kb.NoteRestored && len(r.NoteArgs) == 1:
		return lang.X("kb.hist.restored", "restored revision {{.N}}", map[string]any{"N": r.NoteArgs[0]})
	case r.NoteCode == kb.NoteStatus && len(r.NoteArgs) == 2:
		return lang.X("kb.hist.status", "status {{.From}} → {{.To}}", map[string]any{
			"From": articleStatusLabel(kb.Status(r.NoteArgs[0])), "To": articleStatusLabel(kb.Status(r.NoteArgs[1]))})
	}
	return r.Note
}

// load fetches the revisions in the background.
func (h *historyView) load() {
	id := h.a.ID
	h.u.goBackground(func(ctx context.Context) {
		revs, err := h.u.kb.History(ctx, id)
		h.u.do(func() {
			if err != nil {
				h.u.showError(lang.X("kb.err.history", "The history could not be loaded."), err)
				return
			}
			h.revs = revs
			opts := []string{lang.X("kb.hist.current", "the current revision")}
			for i := len(revs) - 1; i >= 0; i-- {
				opts = append(opts, revisionLabel(revs[i], false))
			}
			h.against.Options = opts
			h.against.SetSelectedIndex(0)
			h.list.Refresh()
		})
	})
}

// otherRev is the revision chosen to compare with (the current one by
// default).
func (h *historyView) otherRev() int {
	i := h.against.SelectedIndex()
	if i <= 0 || i > len(h.revs) {
		return h.a.Rev
	}
	return h.revs[len(h.revs)-i].Rev
}

// showDiff loads both revisions in the background and shows the diff
// from the older to the newer.
func (h *historyView) showDiff() {
	if h.sel == 0 || len(h.revs) == 0 {
		return
	}
	h.gen++
	gen := h.gen
	id, a, b := h.a.ID, h.sel, h.otherRev()
	if a > b {
		a, b = b, a
	}
	h.u.goBackground(func(ctx context.Context) {
		oldA, err := h.u.kb.Revision(ctx, id, a)
		var newA kb.Article
		if err == nil {
			newA, err = h.u.kb.Revision(ctx, id, b)
		}
		h.u.do(func() {
			if gen != h.gen {
				return
			}
			if err != nil {
				h.u.showError(lang.X("kb.err.revision", "The revision could not be loaded."), err)
				return
			}
			lines := kb.Diff(revisionText(oldA), revisionText(newA))
			h.diff.Segments = diffSegments(lines)
			h.diff.Refresh()
			add, del := countChanges(lines)
			h.summary.SetText(lang.X("kb.hist.summary", "Revision {{.A}} → {{.B}}: lines added {{.Add}}, removed {{.Del}}.",
				map[string]any{"A": a, "B": b, "Add": add, "Del": del}))
		})
	})
}

// revisionText is what the diff compares: the metadata, then the body.
func revisionText(a kb.Article) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", lang.X("kb.ed.title", "Title"), a.Title)
	fmt.Fprintf(&b, "%s: %s\n", lang.X("kb.facet.status", "Status"), articleStatusLabel(a.Status))
	fmt.Fprintf(&b, "%s: %s / %s\n", lang.X("kb.ed.product", "Product / module"), a.Product, a.Module)
	fmt.Fprintf(&b, "%s: %s\n", lang.X("kb.facet.tags", "Tags"), strings.Join(a.Tags, ", "))
	fmt.Fprintf(&b, "%s: %s\n", lang.X("kb.ed.versions", "Versions"), strings.Join(a.Versions, ", "))
	fmt.Fprintf(&b, "%s: %s\n\n", lang.X("kb.ed.sigs", "Error signatures"), strings.Join(a.Signatures, " | "))
	b.WriteString(a.Body)
	return b.String()
}

// countChanges counts added and removed lines.
func countChanges(lines []kb.DiffLine) (add, del int) {
	for _, l := range lines {
		switch l.Op {
		case '+':
			add++
		case '-':
			del++
		}
	}
	return add, del
}

// diffSegments renders a line diff: added lines green with "+", removed
// lines red with "−", unchanged lines only near changes.
func diffSegments(lines []kb.DiffLine) []widget.RichTextSegment {
	near := make([]bool, len(lines))
	for i, l := range lines {
		if l.Op == ' ' {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(lines)-1, i+diffContext); j++ {
			near[j] = true
		}
	}
	style := func(c fyne.ThemeColorName) widget.RichTextStyle {
		return widget.RichTextStyle{ColorName: c, TextStyle: fyne.TextStyle{Monospace: true}, SizeName: theme.SizeNameText}
	}
	var segs []widget.RichTextSegment
	skipped := false
	for i, l := range lines {
		if !near[i] {
			skipped = true
			continue
		}
		if skipped {
			segs = append(segs, &widget.TextSegment{Style: style(theme.ColorNamePlaceHolder), Text: "  …"})
			skipped = false
		}
		switch l.Op {
		case '+':
			segs = append(segs, &widget.TextSegment{Style: style(theme.ColorNameSuccess), Text: "+ " + l.Text})
		case '-':
			segs = append(segs, &widget.TextSegment{Style: style(theme.ColorNameError), Text: "− " + l.Text})
		default:
			segs = append(segs, &widget.TextSegment{Style: style(theme.ColorNameForeground), Text: "  " + l.Text})
		}
	}
	if len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Style: widget.RichTextStyleParagraph, Text: lang.X("kb.hist.same", "No differences.")})
	}
	return segs
}

// confirmRestore asks, then restores the selected revision as a new one.
func (h *historyView) confirmRestore() {
	if h.sel == 0 {
		return
	}
	rev := h.sel
	dialog.ShowConfirm(lang.X("kb.hist.restore", "Restore this revision"),
		lang.X("kb.hist.restore.confirm", "Restore revision {{.N}}? Its content becomes a new revision; nothing is lost.", map[string]any{"N": rev}),
		func(ok bool) {
			if ok {
				h.doRestore(rev)
			}
		}, h.u.window())
}

// doRestore restores revision rev in the background.
func (h *historyView) doRestore(rev int) {
	id, by := h.a.ID, h.u.user
	h.u.goBackground(func(ctx context.Context) {
		a, err := h.u.kb.Restore(ctx, id, rev, by)
		h.u.do(func() {
			if err != nil {
				h.u.showError(lang.X("kb.err.restore", "The revision could not be restored."), err)
				return
			}
			h.restored(a)
		})
	})
}
