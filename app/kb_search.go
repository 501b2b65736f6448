package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// searchDelay is how long the search waits after the last keystroke.
const searchDelay = 150 * time.Millisecond

// recentLimit is how many articles the empty search lists, newest first.
const recentLimit = 50

// recentScanMax is the largest knowledge base (after filters) for which
// the empty search loads every article to list the newest first; above
// it, the empty search lists the index's first matches instead of paying
// for a full scan on every filter change. (A variable for the tests.)
var recentScanMax uint64 = 2000

// kbScreen is the knowledge base: search field, facets and results on the
// left, the selected article (or its history) on the right; the editor
// takes the whole screen while it is open.
type kbScreen struct {
	u      *ui
	search *searchEntry
	newBtn *widget.Button
	// importBtn imports a folder of Markdown files.
	importBtn *widget.Button
	info      *widget.Label
	facets    *widget.Accordion
	// column scrolls the facets, the info line and the results.
	column *container.Scroll
	rows   *fyne.Container
	// detail shows the article view or the history.
	detail *fyne.Container
	// root switches between the browse view and the editor.
	root   *fyne.Container
	browse fyne.CanvasObject

	hits     []kb.Hit
	selected string
	article  *articleView
	history  *historyView
	// filters are the checked facet values.
	tags, products, statuses map[string]bool
	// gen numbers the searches; results of an older search are dropped.
	gen   uint64
	timer *time.Timer
	// opened is set once an article was shown; the first listing opens
	// its first article so that the screen is never empty.
	opened bool
}

// buildKBScreen makes the knowledge-base screen and starts the first
// (empty) search, which lists the newest articles.
func buildKBScreen(u *ui) fyne.CanvasObject {
	s := newKBScreen(u)
	return s.root
}

// newKBScreen makes the knowledge-base screen.
func newKBScreen(u *ui) *kbScreen {
	s := &kbScreen{u: u, tags: map[string]bool{}, products: map[string]bool{}, statuses: map[string]bool{}}
	u.kbs = s
	s.search = newSearchEntry(s.step)
	s.search.SetPlaceHolder(lang.X("kb.search.hint", "Search articles: keywords, an error message or a log line"))
	s.search.OnChanged = func(string) { s.schedule() }
	s.search.OnSubmitted = func(string) {
		if s.timer != nil {
			s.timer.Stop()
		}
		s.runSearch()
	}
	s.newBtn = widget.NewButtonWithIcon(lang.X("kb.new", "New article"), theme.ContentAddIcon(), s.newArticle)
	s.importBtn = widget.NewButtonWithIcon(lang.X("kb.import.button", "Import…"), theme.FolderOpenIcon(), s.chooseImport)
	s.info = widget.NewLabel("")
	s.info.Truncation = fyne.TextTruncateEllipsis
	s.facets = widget.NewAccordion()
	s.facets.MultiOpen = true
	s.rows = container.NewVBox()

	// Facets, info line and results scroll together: an open tag facet
	// is long and must not push the window taller.
	s.column = container.NewVScroll(container.NewVBox(s.facets, s.info, s.rows))
	s.detail = container.NewStack(s.emptyDetail())
	split := container.NewHSplit(s.column, s.detail)
	split.Offset = 0.38
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.importBtn, s.newBtn), s.search)
	s.browse = container.NewBorder(container.NewPadded(top), nil, nil, nil, split)
	s.root = container.NewStack(s.browse)
	u.onUser = append(u.onUser, func() {
		if s.article != nil {
			s.article.refreshActions()
		}
	})
	s.runSearch()
	return s
}

// emptyDetail is shown on the right before an article is selected.
func (s *kbScreen) emptyDetail() fyne.CanvasObject {
	l := widget.NewLabel(lang.X("kb.pick", "Choose an article on the left, or type in the search field above."))
	l.Wrapping = fyne.TextWrapWord
	l.Alignment = fyne.TextAlignCenter
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(420, 120), l))
}

// schedule (re)starts the debounce timer; the search runs searchDelay
// after the last keystroke.
func (s *kbScreen) schedule() {
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(searchDelay, func() {
		if s.u.ctx.Err() == nil {
			s.u.do(s.runSearch)
		}
	})
}

// searchState is what one search asks for.
type searchState struct {
	text                     string
	tags, products, statuses []string
}

// state captures the search field and the checked facets.
func (s *kbScreen) state() searchState {
	keys := func(m map[string]bool) []string {
		var out []string
		for k, on := range m {
			if on {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	}
	return searchState{text: strings.TrimSpace(s.search.Text), tags: keys(s.tags), products: keys(s.products), statuses: keys(s.statuses)}
}

// searchResult is what a background search hands back.
type searchResult struct {
	hits   []kb.Hit
	total  uint64
	took   time.Duration
	facets kb.Facets
	recent bool
}

// runSearch starts a search for the current state in the background. Only
// the newest search's results reach the screen.
func (s *kbScreen) runSearch() {
	s.gen++
	gen := s.gen
	st := s.state()
	store := s.u.kb
	s.u.goBackground(func(ctx context.Context) {
		res, err := search(ctx, store, st)
		s.u.do(func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				if ctx.Err() == nil {
					s.u.showError(lang.X("kb.err.search", "The search failed."), err)
				}
				return
			}
			s.show(st, res)
		})
	})
}

// search runs st against the store: a text search with facets, or, for an
// empty text, the newest articles that pass the filters.
func search(ctx context.Context, store *kb.Store, st searchState) (searchResult, error) {
	q := kb.Query{Text: st.text, Tags: st.tags, Products: st.products, Facets: true, Limit: recentLimit}
	for _, v := range st.statuses {
		q.Statuses = append(q.Statuses, kb.Status(v))
	}
	res, err := store.Search(ctx, q)
	if err != nil {
		return searchResult{}, err
	}
	out := searchResult{hits: res.Hits, total: res.Total, took: res.Took, facets: res.Facets}
	if st.text != "" || res.Total > recentScanMax {
		return out, nil
	}
	// Empty text: the newest articles first.
	all, err := store.List(ctx, kb.Filter{})
	if err != nil {
		return searchResult{}, err
	}
	out.recent = true
	out.hits = nil
	for _, a := range all {
		if !passes(a, st) {
			continue
		}
		out.hits = append(out.hits, kb.Hit{ID: a.ID, Title: a.Title, Source: a.Source, Product: a.Product,
			Status: a.Status, Tags: a.Tags, Snippet: excerpt(a.Body)})
		if len(out.hits) == recentLimit {
			break
		}
	}
	return out, nil
}

// passes reports whether a carries one of the checked values of every
// facet that has checked values.
func passes(a kb.Article, st searchState) bool {
	if len(st.statuses) > 0 && !slices.Contains(st.statuses, string(a.Status)) {
		return false
	}
	if len(st.products) > 0 && !slices.Contains(st.products, a.Product) {
		return false
	}
	if len(st.tags) > 0 && !slices.ContainsFunc(a.Tags, func(t string) bool { return slices.Contains(st.tags, t) }) {
		return false
	}
	return true
}

// show puts results on the screen.
func (s *kbScreen) show(st searchState, res searchResult) {
	s.hits = res.hits
	switch {
	case res.recent:
		s.info.SetText(lang.X("kb.recent", "Newest articles ({{.N}})", map[string]any{"N": len(res.hits)}))
	case st.text == "":
		s.info.SetText(lang.X("kb.all", "Articles: {{.Total}}, {{.N}} shown. Type to search.", map[string]any{"Total": res.total, "N": len(res.hits)}))
	case len(res.hits) == 0:
		s.info.SetText(lang.X("kb.none", "No article matches. Try fewer or other words."))
	case res.total > uint64(len(res.hits)):
		s.info.SetText(lang.X("kb.found.more", "Results: {{.Total}} ({{.Ms}} ms), the best {{.N}} shown",
			map[string]any{"Total": res.total, "N": len(res.hits), "Ms": decimal(float64(res.took.Microseconds())/1000, 1)}))
	default:
		s.info.SetText(lang.X("kb.found", "Results: {{.Total}} ({{.Ms}} ms)",
			map[string]any{"Total": res.total, "Ms": decimal(float64(res.took.Microseconds())/1000, 1)}))
	}
	rows := make([]fyne.CanvasObject, 0, len(res.hits))
	for _, h := range res.hits {
		id := h.ID
		r := newResultRow(h, func() { s.open(id) })
		r.setSelected(id == s.selected)
		rows = append(rows, r)
	}
	s.rows.Objects = rows
	s.rows.Refresh()
	if s.selected == "" && !s.opened && len(res.hits) > 0 {
		s.opened = true
		s.open(res.hits[0].ID)
	}
	s.showFacets(st, res.facets)
	if st.text == "" && len(st.tags)+len(st.products)+len(st.statuses) == 0 {
		// Unfiltered: the status facet counts the whole knowledge base.
		n := 0
		for _, fc := range res.facets.Statuses {
			if fc.Value == string(kb.StatusReview) {
				n = fc.Count
			}
		}
		s.u.setCount("review", n)
	}
}

// showFacets rebuilds the facet filters; checked values stay visible even
// when no result carries them any more.
func (s *kbScreen) showFacets(st searchState, f kb.Facets) {
	open := map[int]bool{}
	for i, it := range s.facets.Items {
		open[i] = it.Open
	}
	group := func(title string, counts []kb.FacetCount, sel map[string]bool, label func(string) string) *widget.AccordionItem {
		box := container.NewVBox()
		seen := map[string]bool{}
		add := func(v string, n int) {
			seen[v] = true
			val := v
			c := widget.NewCheck(fmt.Sprintf("%s (%d)", label(v), n), nil)
			c.SetChecked(sel[v])
			c.OnChanged = func(on bool) {
				sel[val] = on
				s.runSearch()
			}
			box.Add(c)
		}
		for _, fc := range counts {
			add(fc.Value, fc.Count)
		}
		for v, on := range sel {
			if on && !seen[v] {
				add(v, 0)
			}
		}
		return widget.NewAccordionItem(title, box)
	}
	items := []*widget.AccordionItem{
		group(lang.X("kb.facet.status", "Status"), f.Statuses, s.statuses, func(v string) string { return articleStatusLabel(kb.Status(v)) }),
		group(lang.X("kb.facet.product", "Product"), f.Products, s.products, func(v string) string { return v }),
		group(lang.X("kb.facet.tags", "Tags"), f.Tags, s.tags, func(v string) string { return v }),
	}
	for i, it := range items {
		it.Open = open[i]
	}
	if len(s.facets.Items) == 0 {
		// First time: the status filter is open, the long lists closed.
		items[0].Open = true
	}
	s.facets.Items = items
	s.facets.Refresh()
	// The facets change height: the column lays the info line and the
	// results out anew below them and the scroll takes the new height
	// (refreshing the facets alone leaves them where they were, under the
	// grown facets). Not before the facets' own refresh: the accordion
	// measures its new items only then.
	s.column.Refresh()
}

// open shows article id on the right.
func (s *kbScreen) open(id string) {
	s.selected = id
	for _, o := range s.rows.Objects {
		if r, ok := o.(*resultRow); ok {
			r.setSelected(r.hit.ID == id)
		}
	}
	s.u.goBackground(func(ctx context.Context) {
		a, err := s.u.kb.Get(ctx, id)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("kb.err.open", "The article could not be opened."), err)
				return
			}
			if s.selected != id {
				return
			}
			s.showArticle(a)
		})
	})
}

// showArticle puts a rendered article on the right.
func (s *kbScreen) showArticle(a kb.Article) {
	s.article = newArticleView(s.u, a, articleActions{
		edit:    func(a kb.Article) { s.edit(a) },
		history: func(a kb.Article) { s.showHistory(a) },
		changed: s.changed,
	})
	s.history = nil
	s.setDetail(s.article.root)
}

// setDetail replaces the right-hand side.
func (s *kbScreen) setDetail(o fyne.CanvasObject) {
	s.detail.Objects = []fyne.CanvasObject{o}
	s.detail.Refresh()
}

// changed is called after an article was saved: show it and refresh the
// results.
func (s *kbScreen) changed(a kb.Article) {
	s.selected = a.ID
	s.u.articleChanged(a)
}

// showHistory shows the revisions of a on the right.
func (s *kbScreen) showHistory(a kb.Article) {
	s.history = newHistoryView(s.u, a, func() { s.open(a.ID) }, s.changed)
	s.setDetail(s.history.root)
}

// newArticle opens the editor on an empty draft.
func (s *kbScreen) newArticle() {
	s.edit(kb.Article{Status: kb.StatusDraft, Author: s.u.user.Name})
}

// edit opens the editor on a in place of the browse view.
// An editor with unsaved changes is not replaced without asking.
func (s *kbScreen) edit(a kb.Article) {
	if old := s.u.editor; old != nil && old.dirty {
		dialog.ShowConfirm(lang.X("kb.ed.unsaved", "Unsaved changes"),
			lang.X("kb.ed.replace", "Another article has unsaved changes in the editor. Discard them and edit this one?"),
			func(ok bool) {
				if ok {
					old.dirty = false
					old.finish(nil)
					s.edit(a)
				}
			}, s.u.window())
		return
	}
	ed := newEditor(s.u, a, func(saved *kb.Article) {
		s.root.Objects = []fyne.CanvasObject{s.browse}
		s.root.Refresh()
		if saved != nil {
			s.changed(*saved)
		}
	})
	s.u.editor = ed
	s.root.Objects = []fyne.CanvasObject{ed.root}
	s.root.Refresh()
}

// step opens the next (+1) or previous (-1) result: the arrow keys in the
// search field browse the results without leaving it.
func (s *kbScreen) step(delta int) {
	if len(s.hits) == 0 {
		return
	}
	at := -1
	for i, h := range s.hits {
		if h.ID == s.selected {
			at = i
		}
	}
	next := at + delta
	if at < 0 {
		next = 0
	}
	if next < 0 || next >= len(s.hits) {
		return
	}
	s.open(s.hits[next].ID)
}
