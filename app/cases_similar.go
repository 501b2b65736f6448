package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/bridge"
	"werkbank/cases"
)

// similarCount is how many similar past cases the detail shows.
const similarCount = 5

// loadSimilar shows the solved cases like case id, first from what the
// index knows, then again once the error templates of newly attached logs
// are read (that may take a while for a large log).
func (s *casesScreen) loadSimilar(id string) {
	s.u.goBackground(func(ctx context.Context) {
		show := func(sim []cases.SimilarCase, err error) {
			var own []cases.LogTemplate
			if err == nil {
				own, err = s.u.cases.Templates(ctx, id)
			}
			s.u.do(func() {
				if err != nil {
					s.u.showError(lang.X("cases.similar.err", "The similar cases could not be found."), err)
					return
				}
				if s.cur != nil && s.cur.ID == id {
					s.showSimilar(sim, own)
				}
			})
		}
		show(s.u.cases.Similar(ctx, id, similarCount))
		n, err := s.u.cases.AnalyzeAttachments(ctx, bridge.Templates())
		if err != nil {
			if ctx.Err() == nil {
				fyne.LogError("cases: read the error templates of attached logs", err)
			}
			return
		}
		if n > 0 {
			show(s.u.cases.Similar(ctx, id, similarCount))
		}
	})
}

// ownTemplates is how many of the case's own error templates the
// similar-cases tab names.
const ownTemplates = 5

// showSimilar fills the similar-cases tab: the errors in the case's own
// logs, then the similar solved cases.
func (s *casesScreen) showSimilar(sim []cases.SimilarCase, own []cases.LogTemplate) {
	s.similar = sim
	s.simBox.Objects = nil
	if len(own) > 0 {
		var b strings.Builder
		b.WriteString(lang.X("cases.similar.own", "Errors in the logs of this case:"))
		for i, t := range own {
			if i == ownTemplates {
				b.WriteString("\n" + lang.X("cases.similar.more", "… and {{.N}} more", map[string]any{"N": len(own) - ownTemplates}))
				break
			}
			fmt.Fprintf(&b, "\n%d× %s", t.Count, t.Text)
		}
		l := widget.NewLabel(b.String())
		l.Wrapping = fyne.TextWrapWord
		s.simBox.Add(l)
		s.simBox.Add(widget.NewSeparator())
	}
	if len(sim) == 0 {
		none := widget.NewLabel(lang.X("cases.similar.none", "No solved case is like this one yet."))
		none.Wrapping = fyne.TextWrapWord
		s.simBox.Add(none)
	}
	for _, c := range sim {
		s.simBox.Add(s.similarRow(c))
		s.simBox.Add(widget.NewSeparator())
	}
	s.simBox.Refresh()
	if s.simTab != nil {
		s.simTab.Text = lang.X("cases.similar.tab", "Similar solved cases ({{.N}})", map[string]any{"N": len(sim)})
		s.tabs.Refresh()
	}
}

// similarRow shows one similar case with how it was solved; its title
// opens it.
func (s *casesScreen) similarRow(c cases.SimilarCase) fyne.CanvasObject {
	id := c.ID
	// The button carries only the id: a button cannot wrap, and a long
	// title on it made the detail wider than the window.
	open := widget.NewButtonWithIcon(c.ID, theme.NavigateNextIcon(), func() { s.openOther(id) })
	open.Importance = widget.LowImportance
	title := widget.NewLabelWithStyle(c.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s · %s %s", c.Customer, statusLabel(c.Status), lang.X("cases.similar.score", "similarity"), decimal(c.Score, 2))
	for _, t := range c.Shared {
		b.WriteString("\n" + lang.X("cases.similar.same", "Same error in the logs ({{.N}}×): {{.T}}", map[string]any{"N": t.Count, "T": t.Text}))
	}
	if c.Cause != "" {
		b.WriteString("\n" + lang.X("cases.similar.cause", "Cause: {{.T}}", map[string]any{"T": c.Cause}))
	}
	if c.Solution != "" {
		b.WriteString("\n" + lang.X("cases.similar.solution", "Solution: {{.T}}", map[string]any{"T": c.Solution}))
	}
	for _, a := range c.Last {
		fmt.Fprintf(&b, "\n%s · %s: %s", a.At.Local().Format("02.01.2006"), a.By, strings.Join(strings.Fields(activityText(a)), " "))
	}
	text := widget.NewLabel(b.String())
	text.Wrapping = fyne.TextWrapWord
	return container.NewVBox(container.NewBorder(nil, nil, open, nil, title), text)
}

// openOther opens a case that may not be in the list (a solved case while
// only open ones are listed).
func (s *casesScreen) openOther(id string) {
	s.list.UnselectAll()
	for i, it := range s.items {
		if it.ID == id {
			s.list.Select(i)
			return
		}
	}
	s.open(id)
}

// searchAll searches every case (activities and the error templates of
// their logs too) for the filter's words and lists the hits, best first.
func (s *casesScreen) searchAll(query string) {
	if strings.TrimSpace(query) == "" {
		s.reload()
		return
	}
	s.u.goBackground(func(ctx context.Context) {
		hits, err := s.u.cases.Search(ctx, query, 200)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("cases.search.err", "The cases could not be searched."), err)
				return
			}
			if s.filter.Text != query {
				return // typed on meanwhile
			}
			s.items = s.items[:0:0]
			for _, h := range hits {
				s.items = append(s.items, h.Summary)
			}
			s.count.SetText(lang.X("cases.search.count", "{{.N}} cases found", map[string]any{"N": len(s.items)}))
			s.list.UnselectAll()
			s.list.Refresh()
		})
	})
}
