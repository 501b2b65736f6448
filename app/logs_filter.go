package app

import (
	"context"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"werkbank/logs"
)

// applyFilter shows the entries of the chosen level that match the search.
func (s *logsScreen) applyFilter() {
	_, ranks := levelChoices()
	opt := logs.FilterOptions{MinRank: ranks[max(0, s.level.SelectedIndex())]}
	s.minRank = opt.MinRank
	s.re = nil
	if q := strings.TrimSpace(s.search.Text); q != "" {
		re, err := regexp.Compile("(?i)" + q)
		if err != nil {
			s.status.SetText(lang.X("logs.badregex", "Not a valid regular expression: {{.Err}}", map[string]any{"Err": err.Error()}))
			return
		}
		s.re = re
	}
	opt.Re = s.re
	var ok bool
	if opt.From, ok = s.parseTime(s.from.Text); !ok {
		return
	}
	if opt.To, ok = s.parseTime(s.to.Text); !ok {
		return
	}
	if !opt.To.IsZero() && s.to.Text != "" && !strings.Contains(s.to.Text, ":") {
		// A date alone as the end means the whole day.
		opt.To = opt.To.Add(24*time.Hour - time.Nanosecond)
	}
	ix := s.ix
	if ix == nil {
		return
	}
	if opt.Re == nil && opt.MinRank == 0 && opt.From.IsZero() && opt.To.IsZero() {
		s.setView(nil)
		return
	}
	s.status.SetText(lang.X("logs.searching", "Searching…"))
	s.u.goBackground(func(ctx context.Context) {
		view, err := ix.Filter(ctx, opt)
		s.u.do(func() {
			if s.ix != ix {
				return
			}
			if err != nil {
				s.u.showError(lang.X("logs.err.search", "The search failed."), err)
				return
			}
			s.setView(view)
		})
	})
}

// timeLayouts are the accepted forms of the time range; a time alone is
// on the day of the file's first timestamp.
var timeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"02.01.2006 15:04:05", "02.01.2006 15:04", "2006-01-02", "02.01.2006"}

// parseTime reads a bound of the time range (UTC, like the log's
// timestamps without zone); empty is no bound. It says so in the status
// when the text is not a time.
func (s *logsScreen) parseTime(text string) (time.Time, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, true
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, text); err == nil {
			return t, true
		}
	}
	for _, l := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(l, text); err == nil && !s.first.IsZero() {
			y, m, d := s.first.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), true
		}
	}
	s.status.SetText(lang.X("logs.badtime", "Not a time: {{.Text}} (e.g. 2026-11-27 10:15 or 10:15)", map[string]any{"Text": text}))
	return time.Time{}, false
}

// setView shows the given entries (nil: all) and says how many.
func (s *logsScreen) setView(view []int32) {
	s.view = view
	s.sel = -1
	s.list.UnselectAll()
	s.list.Refresh()
	s.list.ScrollToTop()
	if view == nil {
		s.status.SetText(lang.X("logs.lines", "{{.N}} lines", map[string]any{"N": s.ix.Lines()}))
	} else {
		s.status.SetText(lang.X("logs.found", "{{.N}} entries", map[string]any{"N": len(view)}))
	}
}
