package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/logs"
)

// mergedView is a log merged from several files: the merged copy on disk
// and where each of its lines came from.
type mergedView struct {
	tmp    string
	names  []string
	origin logs.Merged
}

// chooseMerge asks for a second log and shows both merged by timestamp.
func (s *logsScreen) chooseMerge() {
	if s.path == "" {
		s.mergeWith("")
		return
	}
	s.u.choosePath(lang.X("logs.merge.title", "Log file to merge with"), lang.X("logs.err.open", "The log file could not be opened."), s.mergeWith)
}

// mergeWith merges the open log (or the files of the open merged view)
// with other into a temporary copy and shows it.
func (s *logsScreen) mergeWith(other string) {
	if s.path == "" || other == "" {
		s.status.SetText(lang.X("logs.merge.first", "Open the first log, then merge another into it."))
		return
	}
	paths := []string{s.path}
	if s.merged != nil {
		paths = s.merged.sources()
	}
	paths = append(paths, other)
	s.status.SetText(lang.X("logs.merge.busy", "Merging…"))
	s.u.goBackground(func(ctx context.Context) {
		mv, err := mergeFiles(ctx, paths)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("logs.merge.err", "The logs could not be merged."), err)
				s.status.SetText("")
				return
			}
			s.openFile(mv.tmp)
			s.merged = mv
			s.fileLbl.SetText(mv.legend())
		})
	})
}

// sources returns the original paths of a merged view.
func (m *mergedView) sources() []string { return append([]string(nil), m.names...) }

// mergeFiles writes the merged copy into a temporary file.
func mergeFiles(ctx context.Context, paths []string) (*mergedView, error) {
	f, err := os.CreateTemp("", "werkbank-merged-*.log")
	if err != nil {
		return nil, fmt.Errorf("create merged log: %w", err)
	}
	origin, err := logs.Merge(ctx, f, paths, logs.ReaderConfig{})
	if cerr := f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("write merged log: %w", cerr)
	}
	if err != nil {
		return nil, errors.Join(err, os.Remove(f.Name()))
	}
	return &mergedView{tmp: f.Name(), names: paths, origin: origin}, nil
}

// remove deletes the merged copy.
func (m *mergedView) remove() {
	if err := os.Remove(m.tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		fyne.LogError("remove merged log", err)
	}
}

// gutter is the row's line number: in a merged view the file's letter (A,
// B, …) and the line number in that file.
func (s *logsScreen) gutter(no int) []widget.RichTextSegment {
	if s.merged == nil || no < 1 || no > len(s.merged.origin.Lines) {
		return lineNumber(no)
	}
	src := s.merged.origin.Sources[no-1]
	seg := lineNumber(int(s.merged.origin.Lines[no-1]))
	t := seg[0].(*widget.TextSegment)
	t.Text = fmt.Sprintf("%c%s", 'A'+rune(src), t.Text[1:])
	return seg
}

// mergedLegend names the files of a merged view: "A = app.log, B = db.log".
func (m *mergedView) legend() string {
	parts := make([]string, len(m.names))
	for i, n := range m.names {
		parts[i] = fmt.Sprintf("%c = %s", 'A'+rune(i), filepath.Base(n))
	}
	return strings.Join(parts, ", ")
}
