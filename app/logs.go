package app

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"werkbank/bridge"
	"werkbank/logs"
)

// logsScreen is the log viewer: a virtualised list over the file's line
// index (only visible lines are read), level colours, folded stack traces,
// regex search with highlights, a level filter, "next error", the
// templates of the file and the known problems from the knowledge base.
type logsScreen struct {
	u *ui

	mu sync.Mutex // guards cancel
	// cancel stops the background work of the open file.
	cancel context.CancelFunc

	path string
	// name is what the open file is called (its base name, or the name of
	// a case's attachment); caseID is that case.
	name, caseID string
	ix           *logs.Index
	// preview holds the first lines until the index is ready.
	preview  []logs.Line
	view     []int32 // shown entries; nil shows all
	expanded map[int]bool
	re       *regexp.Regexp
	minRank  int
	cache    *lineCache

	fileLbl  *widget.Label
	status   *widget.Label
	search   *widget.Entry
	from, to *widget.Entry
	level    *widget.Select
	list     *widget.List
	tmplList *widget.List
	timeline *fyne.Container
	hitsList *widget.List
	matchBtn *widget.Button

	templates []logs.TemplateSummary
	hits      []logs.Hit
	// sel is the selected row, -1 for none.
	sel int
	// first is the file's first timestamp, for times without a date.
	first time.Time
	// merged is set while a merge of several logs is shown.
	merged *mergedView
	// analysis is the open file's template analysis, once done.
	analysis *logs.Analysis
	// hint explains the empty viewer until a file is opened.
	hint *widget.Label
	// following is the last "follow remote file" dialog (logs_follow.go).
	following *followForm
}

// levelChoices are the level filter's options and their minimum ranks.
func levelChoices() ([]string, []int) {
	return []string{
			lang.X("logs.level.all", "All levels"),
			lang.X("logs.level.warn", "Warnings and errors"),
			lang.X("logs.level.error", "Errors only"),
		},
		[]int{0, logs.LevelRank("WARN"), logs.LevelRank("ERROR")}
}

// buildLogsScreen is the navigation constructor of the log viewer.
func buildLogsScreen(u *ui) fyne.CanvasObject {
	s := &logsScreen{u: u, expanded: map[int]bool{}, sel: -1}
	u.ls = s
	s.fileLbl = widget.NewLabel(lang.X("logs.nofile", "No log file open."))
	s.fileLbl.Truncation = fyne.TextTruncateEllipsis
	s.status = widget.NewLabel("")
	s.status.Alignment = fyne.TextAlignTrailing
	s.status.Truncation = fyne.TextTruncateEllipsis
	open := widget.NewButtonWithIcon(lang.X("logs.open", "Open log…"), theme.FolderOpenIcon(), s.chooseFile)
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.X("logs.search", "Search (regular expression)"))
	s.search.OnSubmitted = func(string) { s.applyFilter() }
	s.from = widget.NewEntry()
	s.from.SetPlaceHolder(lang.X("logs.from", "From (2026-11-27 10:00 or 10:00)"))
	s.from.OnSubmitted = func(string) { s.applyFilter() }
	s.to = widget.NewEntry()
	s.to.SetPlaceHolder(lang.X("logs.to", "To"))
	s.to.OnSubmitted = func(string) { s.applyFilter() }
	names, _ := levelChoices()
	s.level = newSelect(names, func(string) { s.applyFilter() })
	s.level.SetSelectedIndex(0)
	next := widget.NewButtonWithIcon(lang.X("logs.next", "Next error"), theme.MoveDownIcon(), s.nextError)
	finding := widget.NewButtonWithIcon(lang.X("logs.finding", "Mark as finding"), theme.DocumentCreateIcon(), s.markFinding)
	merge := widget.NewButtonWithIcon(lang.X("logs.merge", "Merge with…"), theme.ContentAddIcon(), s.chooseMerge)
	follow := widget.NewButtonWithIcon(lang.X("logs.follow", "Follow remote file…"), theme.MediaPlayIcon(), s.chooseFollow)

	s.list = widget.NewList(s.length, s.createItem, s.updateItem)
	s.list.OnSelected = s.toggle

	s.tmplList = widget.NewList(func() int { return len(s.templates) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			t := s.templates[id]
			o.(*widget.Label).SetText(fmt.Sprintf("%7d  %-5s  %s", t.Count, t.LevelText(), t.Template))
		})
	s.tmplList.OnSelected = func(id widget.ListItemID) {
		s.search.SetText(templateRegex(s.templates[id].Template))
		s.applyFilter()
	}
	s.hitsList = widget.NewList(func() int { return len(s.hits) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(hitText(s.hits[id])) })
	s.hitsList.OnSelected = func(id widget.ListItemID) {
		if lines := s.hits[id].Lines; len(lines) > 0 {
			s.jumpToLine(lines[0])
		}
	}
	s.matchBtn = widget.NewButtonWithIcon(lang.X("logs.match", "Find known problems"), theme.SearchIcon(), s.findKnownProblems)
	s.matchBtn.Disable()

	s.timeline = container.NewStack()
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.X("logs.templates", "Templates"), s.tmplList),
		container.NewTabItem(lang.X("logs.timeline", "Errors per minute"), s.timeline),
		container.NewTabItem(lang.X("logs.known", "Known problems"), container.NewBorder(container.NewHBox(s.matchBtn), nil, nil, nil, s.hitsList)),
	)
	// The buttons flow into a second row when the window is narrow
	// (German labels are long); the search gets a row of its own so that
	// a regular expression stays readable.
	s.search.ActionItem = widget.NewButtonWithIcon("", theme.SearchIcon(), s.applyFilter)
	bar := container.NewVBox(
		container.New(&flowLayout{}, open, merge, follow, next, finding),
		container.NewBorder(nil, nil, s.level, nil, s.search))
	times := container.NewBorder(nil, nil, widget.NewLabel(lang.X("logs.time", "Time")), nil, container.NewGridWithColumns(2, s.from, s.to))
	// Two equal halves: the status may grow without a new layout.
	top := container.NewVBox(bar, times, container.NewGridWithColumns(2, s.fileLbl, s.status))
	s.hint = widget.NewLabelWithStyle(lang.X("logs.hint", "Open a log file with “Open log…”, or follow a file on a customer system with “Follow remote file…”. Werkbank groups the lines into templates, shows errors per minute and finds known problems from the knowledge base."),
		fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	s.hint.Wrapping = fyne.TextWrapWord
	split := container.NewVSplit(container.NewStack(s.list, container.NewPadded(wrapped(s.hint))), tabs)
	split.Offset = 0.7
	return container.NewBorder(top, nil, nil, nil, split)
}

// chooseFile asks for a log file and opens it.
func (s *logsScreen) chooseFile() {
	s.u.choosePath(lang.X("logs.open.title", "Open a log file"), lang.X("logs.err.open", "The log file could not be opened."), s.openFile)
}

// openFile indexes path in the background, then shows it and mines its
// templates. Work for a previously open file is stopped.
func (s *logsScreen) openFile(path string) {
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(s.u.ctx)
	s.cancel = cancel
	s.mu.Unlock()
	s.closeIndex()
	if s.merged != nil {
		s.merged.remove()
		s.merged = nil
	}
	s.path, s.view, s.re, s.preview, s.first = path, nil, nil, nil, time.Time{}
	s.name, s.caseID = filepath.Base(path), ""
	s.expanded = map[int]bool{}
	s.templates, s.hits, s.analysis = nil, nil, nil
	s.timeline.Objects = nil
	s.timeline.Refresh()
	s.fileLbl.SetText(path)
	s.hint.Hide()
	s.status.SetText(lang.X("logs.indexing", "Reading…"))
	s.matchBtn.Disable()
	s.list.Refresh()
	s.tmplList.Refresh()
	s.hitsList.Refresh()
	s.u.goBackground(func(context.Context) {
		// The first lines show at once, while the whole file is indexed.
		if head := readHead(ctx, path, previewLines); len(head) > 0 {
			s.u.do(func() {
				if ctx.Err() == nil && s.ix == nil {
					s.preview = head
					s.list.Refresh()
				}
			})
		}
		ix, err := logs.BuildIndex(ctx, path, logs.IndexConfig{Entries: true, Progress: func(n int) {
			s.u.do(func() {
				s.status.SetText(lang.X("logs.progress", "Reading… {{.N}} lines", map[string]any{"N": n}))
			})
		}})
		if err != nil {
			s.u.do(func() {
				s.status.SetText("")
				if ctx.Err() == nil {
					s.u.showError(lang.X("logs.err.open", "The log file could not be opened."), err)
				}
			})
			return
		}
		s.u.do(func() {
			if ctx.Err() != nil {
				closeQuietly(ix)
				return
			}
			s.ix, s.preview = ix, nil
			s.cache = newLineCache(ix)
			s.status.SetText(lang.X("logs.lines", "{{.N}} lines", map[string]any{"N": ix.Lines()}))
			s.matchBtn.Enable()
			s.list.Refresh()
		})
		a, err := logs.Analyze(ctx, path, logs.AnalyzeConfig{KeepAssignments: true})
		if err != nil {
			if ctx.Err() == nil {
				s.u.do(func() { s.u.showError(lang.X("logs.err.analyse", "The templates could not be computed."), err) })
			}
			return
		}
		sum := logs.Summarize(path, a)
		s.u.do(func() {
			if ctx.Err() == nil {
				s.templates = sum.Templates
				s.first = a.First
				s.analysis = a
				s.tmplList.Refresh()
				s.timeline.Objects = []fyne.CanvasObject{timelineChart(sum.ErrorsPerMinute)}
				s.timeline.Refresh()
				// Known problems are suggested as soon as a log is open.
				s.findKnownProblems()
			}
		})
	})
}

func closeQuietly(ix *logs.Index) {
	if err := ix.Close(); err != nil {
		fyne.LogError("close log index", err)
	}
}

// closeIndex releases the open file's index.
func (s *logsScreen) closeIndex() {
	if s.ix != nil {
		closeQuietly(s.ix)
		s.ix, s.cache = nil, nil
	}
}

// close stops background work and releases the index (window closing).
func (s *logsScreen) close() {
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	s.closeIndex()
	if s.merged != nil {
		s.merged.remove()
	}
}

// length is the number of shown entries.
func (s *logsScreen) length() int {
	switch {
	case s.ix == nil:
		return len(s.preview)
	case s.view != nil:
		return len(s.view)
	}
	return s.ix.Entries()
}

// entryAt maps a list row to an entry.
func (s *logsScreen) entryAt(row int) int {
	if s.view != nil {
		return int(s.view[row])
	}
	return row
}

func (s *logsScreen) createItem() fyne.CanvasObject {
	rt := widget.NewRichText()
	rt.Wrapping = fyne.TextWrapOff
	// Long lines end in an ellipsis instead of widening the window.
	rt.Truncation = fyne.TextTruncateEllipsis
	return rt
}

// updateItem renders one entry: line number, text in the level's colour,
// search matches highlighted, and "[+N lines]" for a folded stack trace.
func (s *logsScreen) updateItem(row widget.ListItemID, o fyne.CanvasObject) {
	rt := o.(*widget.RichText)
	if s.ix == nil && row < len(s.preview) {
		ln := s.preview[row]
		rt.Segments = append(s.gutter(ln.No), highlight(ln.Text, nil, levelColor(logs.LineLevel(ln.Text)))...)
		rt.Refresh()
		return
	}
	if s.ix == nil || row >= s.length() {
		rt.Segments = nil
		rt.Refresh()
		return
	}
	e := s.ix.Entry(s.entryAt(row))
	n := 1
	if s.expanded[s.entryAt(row)] {
		n = e.Lines
	}
	color := levelColor(e.Level)
	var segs []widget.RichTextSegment
	for _, ln := range s.cache.lines(s.u.ctx, e.First, n) {
		if len(segs) > 0 {
			// End the previous row: a non-inline segment breaks the line.
			segs[len(segs)-1].(*widget.TextSegment).Style.Inline = false
		}
		segs = append(segs, s.gutter(ln.No)...)
		segs = append(segs, highlight(ln.Text, s.re, color)...)
	}
	if e.Lines > 1 && n == 1 {
		segs = append(segs, &widget.TextSegment{Text: "  " + lang.X("logs.folded", "[+{{.N}} lines]", map[string]any{"N": e.Lines - 1}),
			Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Italic: true}}})
	}
	rt.Segments = segs
	rt.Refresh()
}

// levelColor is the text colour of a level.
func levelColor(level string) fyne.ThemeColorName {
	switch level {
	case "ERROR", "FATAL":
		return theme.ColorNameError
	case "WARN":
		return theme.ColorNameWarning
	}
	return theme.ColorNameForeground
}

// lineNumber is the grey line-number segment of a row.
func lineNumber(no int) []widget.RichTextSegment {
	return []widget.RichTextSegment{&widget.TextSegment{Text: fmt.Sprintf("%8d  ", no),
		Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder, TextStyle: fyne.TextStyle{Monospace: true}}}}
}

// highlight splits text into inline segments with the matches of re in
// the primary colour.
func highlight(text string, re *regexp.Regexp, color fyne.ThemeColorName) []widget.RichTextSegment {
	style := widget.RichTextStyle{Inline: true, ColorName: color, TextStyle: fyne.TextStyle{Monospace: true}}
	// Bold monospace is missing from some themes: matches stand out by
	// colour.
	hit := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Monospace: true}}
	var segs []widget.RichTextSegment
	last := 0
	if re != nil {
		for _, m := range re.FindAllStringIndex(text, 64) {
			if m[1] == m[0] {
				continue
			}
			if m[0] > last {
				segs = append(segs, &widget.TextSegment{Text: text[last:m[0]], Style: style})
			}
			segs = append(segs, &widget.TextSegment{Text: text[m[0]:m[1]], Style: hit})
			last = m[1]
		}
	}
	if last < len(text) || len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Text: text[last:], Style: style})
	}
	return segs
}

// toggle folds or unfolds a stack trace when its entry is selected.
func (s *logsScreen) toggle(row widget.ListItemID) {
	s.sel = row
	if s.ix == nil || row >= s.length() {
		return
	}
	id := s.entryAt(row)
	e := s.ix.Entry(id)
	if e.Lines < 2 {
		return
	}
	s.expanded[id] = !s.expanded[id]
	// Measure the entry as it will be drawn.
	item := s.createItem()
	s.updateItem(row, item)
	s.list.SetItemHeight(row, item.MinSize().Height)
	s.list.RefreshItem(row)
}

// nextError scrolls to the next ERROR or FATAL entry after the selection
// (or the top).
func (s *logsScreen) nextError() {
	if s.ix == nil {
		s.status.SetText(s.notReady())
		return
	}
	start := s.sel + 1
	for row := start; row < s.length(); row++ {
		if logs.LevelRank(s.ix.Entry(s.entryAt(row)).Level) >= logs.LevelRank("ERROR") {
			s.selectRow(row)
			return
		}
	}
	s.status.SetText(lang.X("logs.noerror", "No further error."))
}

// selectRow selects and shows a row without folding or unfolding it.
func (s *logsScreen) selectRow(row int) {
	s.sel = row
	s.list.ScrollTo(row)
	onSel := s.list.OnSelected
	s.list.OnSelected = nil
	s.list.Select(row)
	s.list.OnSelected = onSel
}

// jumpToLine shows the entry holding the 1-based line, clearing filters.
func (s *logsScreen) jumpToLine(line int) {
	if s.ix == nil {
		return
	}
	if s.view != nil {
		s.search.SetText("")
		s.level.SetSelectedIndex(0)
		s.setView(nil)
	}
	s.selectRow(s.ix.EntryOf(line))
}

// findKnownProblems matches the file against the knowledge base.
func (s *logsScreen) findKnownProblems() {
	path, a := s.path, s.analysis
	s.matchBtn.Disable()
	s.status.SetText(lang.X("logs.matching", "Looking for known problems…"))
	s.u.goBackground(func(ctx context.Context) {
		m, err := logs.NewMatcher(logs.MatcherConfig{KB: bridge.KnowledgeBase(s.u.kb)})
		var hits []logs.Hit
		switch {
		case err != nil:
		case a != nil:
			hits, err = m.Match(ctx, path, a, 20)
		default:
			hits, err = m.MatchFile(ctx, path, 20)
		}
		s.u.do(func() {
			s.matchBtn.Enable()
			if path != s.path {
				return
			}
			if err != nil {
				s.u.showError(lang.X("logs.err.match", "The knowledge base could not be searched."), err)
				return
			}
			s.hits = hits
			s.hitsList.Refresh()
			s.status.SetText(lang.X("logs.matched", "{{.N}} known problems", map[string]any{"N": len(hits)}))
		})
	})
}

// templateRegex turns a template into a search expression: the constant
// parts quoted, each <*> any text.
func templateRegex(t string) string {
	parts := strings.Split(t, logs.Wildcard)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, ".*?")
}

// hitText is the list line of a known problem.
func hitText(h logs.Hit) string {
	return lang.X("logs.hit", "Known problem: {{.Title}} — {{.N}} matching lines", map[string]any{"Title": h.Title, "N": h.Count})
}

// notReady says why a button that needs the index does nothing yet.
func (s *logsScreen) notReady() string {
	if s.path == "" {
		return lang.X("logs.openfirst", "Open a log file first.")
	}
	return lang.X("logs.notready", "The file is still being read; try again in a moment.")
}
