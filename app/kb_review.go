package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// reviewScreen is the review queue: the articles in status "in review".
// A team lead opens one, publishes it (approve) or sends it back to draft
// with a note; other roles see the queue read-only.
type reviewScreen struct {
	u    *ui
	arts []kb.Article
	list *widget.List
	info *widget.Label
	// hint explains the queue on the right while no article is open.
	hint    *widget.Label
	hintBox fyne.CanvasObject
	detail  *fyne.Container
	article *articleView
	// sendBack is the "send back with a note" button of the open article.
	sendBack *widget.Button
	selected string
	root     fyne.CanvasObject
	// gen numbers the reloads; an older reload's answer is dropped.
	gen uint64
}

// buildReviewScreen makes the review queue screen.
func buildReviewScreen(u *ui) fyne.CanvasObject {
	return newReviewScreen(u).root
}

// newReviewScreen makes the review queue and loads it.
func newReviewScreen(u *ui) *reviewScreen {
	r := &reviewScreen{u: u}
	u.review = r
	r.list = widget.NewList(
		func() int { return len(r.arts) },
		func() fyne.CanvasObject {
			t := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			t.Truncation = fyne.TextTruncateEllipsis
			m := widget.NewLabel("")
			m.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(t, m)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := r.arts[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(a.Title)
			box.Objects[1].(*widget.Label).SetText(lang.X("kb.review.by", "{{.A}} · {{.D}}",
				map[string]any{"A": a.Author, "D": a.Updated.Local().Format("2006-01-02 15:04")}))
		},
	)
	r.list.OnSelected = func(i widget.ListItemID) { r.open(r.arts[i]) }
	r.info = widget.NewLabel("")
	r.info.Truncation = fyne.TextTruncateEllipsis
	head := widget.NewLabelWithStyle(lang.X("nav.review", "Review queue"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(container.NewVBox(head, r.info), nil, nil, nil, r.list)
	r.hint = widget.NewLabel("")
	r.hint.Wrapping = fyne.TextWrapWord
	r.hint.Alignment = fyne.TextAlignCenter
	r.hintBox = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 120), r.hint))
	r.detail = container.NewStack(r.hintBox)
	split := container.NewHSplit(left, r.detail)
	split.Offset = 0.32
	r.root = split
	u.onShow["review"] = r.reload
	u.onUser = append(u.onUser, r.reload)
	r.reload()
	return r
}

// reload fetches the queue in the background.
func (r *reviewScreen) reload() {
	r.gen++
	gen := r.gen
	r.u.goBackground(func(ctx context.Context) {
		arts, err := r.u.kb.List(ctx, kb.Filter{Status: kb.StatusReview})
		r.u.do(func() {
			if gen != r.gen {
				return
			}
			if err != nil {
				r.u.showError(lang.X("kb.err.review", "The review queue could not be loaded."), err)
				return
			}
			r.show(arts)
		})
	})
}

// show puts the queue on the screen.
func (r *reviewScreen) show(arts []kb.Article) {
	r.arts = arts
	r.u.setCount("review", len(arts))
	lead := r.u.user.Role.CanPublish()
	if len(arts) == 0 {
		r.info.SetText(lang.X("kb.review.empty", "No article is waiting for review."))
	} else {
		r.info.SetText(lang.X("kb.review.count", "Waiting for review: {{.N}}", map[string]any{"N": len(arts)}))
	}
	if lead {
		r.hint.SetText(lang.X("kb.review.lead", "Open an article on the left, then publish it or send it back to its author with a note."))
	} else {
		r.hint.SetText(lang.X("kb.review.other", "These articles wait for a team lead's review. Only team leads and administrators publish."))
	}
	r.list.UnselectAll()
	r.list.Refresh()
	still := false
	for i, a := range arts {
		if a.ID == r.selected {
			still = true
			r.list.Select(i)
		}
	}
	if !still {
		r.selected = ""
		r.article = nil
		r.detail.Objects = []fyne.CanvasObject{r.hintBox}
		r.detail.Refresh()
	}
}

// open shows article a with the review actions.
func (r *reviewScreen) open(a kb.Article) {
	r.selected = a.ID
	r.article = newArticleView(r.u, a, articleActions{
		edit: func(a kb.Article) {
			r.u.selectScreen("kb")
			if r.u.kbs != nil {
				r.u.kbs.edit(a)
			}
		},
		history: func(a kb.Article) {
			r.u.selectScreen("kb")
			if r.u.kbs != nil {
				r.u.kbs.selected = a.ID
				r.u.kbs.showHistory(a)
			}
		},
		changed: func(a kb.Article) { r.u.articleChanged(a) },
	})
	r.sendBack = widget.NewButtonWithIcon(lang.X("kb.review.sendback", "Send back with a note"), theme.MailReplyIcon(), func() { r.askSendBack(a) })
	setVisible(r.sendBack, r.u.user.Role.CanPublish())
	if r.u.user.Role.CanPublish() {
		r.article.draft.Hide()
	}
	r.article.actions.Add(r.sendBack)
	r.detail.Objects = []fyne.CanvasObject{r.article.root}
	r.detail.Refresh()
}

// askSendBack asks for a note and moves the article back to draft.
func (r *reviewScreen) askSendBack(a kb.Article) {
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(lang.X("kb.review.note.hint", "What should the author change?"))
	note.SetMinRowsVisible(4)
	showForm(lang.X("kb.review.sendback", "Send back with a note"), lang.X("kb.review.send", "Send back"),
		lang.X("kb.ed.cancel", "Close"),
		[]*widget.FormItem{widget.NewFormItem(lang.X("kb.review.note", "Note"), note)},
		func(ok bool) {
			if ok {
				r.sendBackTo(a.ID, note.Text)
			}
		}, r.u.window())
}

// sendBackTo moves article id back to draft with note.
func (r *reviewScreen) sendBackTo(id, note string) {
	note = strings.TrimSpace(note)
	if note == "" {
		note = lang.X("kb.review.note.default", "sent back to draft")
	} else {
		note = lang.X("kb.review.note.prefix", "sent back: {{.N}}", map[string]any{"N": note})
	}
	by := r.u.user
	r.u.goBackground(func(ctx context.Context) {
		a, err := r.u.kb.SetStatus(ctx, id, kb.StatusDraft, by, note)
		r.u.do(func() {
			if err != nil {
				r.u.showError(lang.X("kb.err.status", "The status could not be changed."), err)
				return
			}
			r.u.articleChanged(a)
		})
	})
}
