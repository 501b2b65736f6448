package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
	"werkbank/logs"
)

// openNamed opens path like openFile and shows name for it: a case's
// attachment is stored under its SHA-256. A finding is offered for
// caseID first.
func (s *logsScreen) openNamed(path, name, caseID string) {
	s.openFile(path)
	s.name, s.caseID = name, caseID
	s.fileLbl.SetText(name)
}

// markFinding asks for a case and a note and adds the selected entry's
// lines, redacted and with the file's hash, to the case as a finding.
func (s *logsScreen) markFinding() {
	if s.merged != nil {
		s.status.SetText(lang.X("logs.finding.merged", "A finding needs the original file: open it on its own."))
		return
	}
	if s.ix == nil {
		s.status.SetText(s.notReady())
		return
	}
	if s.sel < 0 || s.sel >= s.length() {
		s.status.SetText(lang.X("logs.finding.select", "Select the lines of the finding first."))
		return
	}
	e := s.ix.Entry(s.entryAt(s.sel))
	ix, path, name, caseID := s.ix, s.path, s.name, s.caseID
	s.u.goBackground(func(ctx context.Context) {
		open, err := s.u.cases.List(ctx, true)
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("logs.finding.err", "The finding could not be added to the case."), err)
				return
			}
			if len(open) == 0 {
				s.status.SetText(lang.X("logs.finding.nocase", "There is no open case to add the finding to."))
				return
			}
			s.findingDialog(ix, path, name, caseID, e, open)
		})
	})
}

// findingDialog shows the case choice (caseID first, if open) and the
// note for a finding in the file path, called name.
func (s *logsScreen) findingDialog(ix *logs.Index, path, name, caseID string, e logs.Entry, open []cases.Summary) {
	names := make([]string, len(open))
	first := 0
	for i, c := range open {
		names[i] = fmt.Sprintf("%s · %s · %s", c.ID, c.Customer, c.Title)
		if c.ID == caseID {
			first = i
		}
	}
	pick := newSelect(names, nil)
	pick.SetSelectedIndex(first)
	note := widget.NewMultiLineEntry()
	note.SetPlaceHolder(lang.X("logs.finding.note", "What do these lines show?"))
	last := e.First + e.Lines - 1
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("logs.finding.lines", "Lines"), widget.NewLabel(lineRange(e.First, last))),
		widget.NewFormItem(lang.X("logs.finding.case", "Case"), pick),
		widget.NewFormItem(lang.X("logs.finding.notelabel", "Note"), note),
	}
	d := dialog.NewForm(lang.X("logs.finding.title", "Mark as finding"), lang.X("logs.finding.add", "Add to case"),
		lang.X("logs.finding.cancel", "Cancel"), items, func(ok bool) {
			if !ok || pick.SelectedIndex() < 0 {
				return
			}
			s.addFinding(ix, path, name, open[pick.SelectedIndex()].ID, e.First, last, note.Text)
		}, s.u.window())
	// Wide enough for the case's id, customer and title.
	d.Resize(fyne.NewSize(720, d.MinSize().Height))
	d.Show()
}

// lineRange is "7" for one line and "7–9" for several.
func lineRange(first, last int) string {
	if first == last {
		return fmt.Sprint(first)
	}
	return fmt.Sprintf("%d–%d", first, last)
}

// addFinding builds the finding in the background and notes it on the
// case, then says what the redaction masked.
func (s *logsScreen) addFinding(ix *logs.Index, path, name, caseID string, first, last int, note string) {
	by := strings.TrimSpace(s.u.user.Name)
	if by == "" {
		by = "unknown"
	}
	s.u.goBackground(func(ctx context.Context) {
		red, err := logs.NewRedactor(logs.RedactorConfig{})
		var f logs.Finding
		if err == nil {
			f, err = logs.NewFinding(ctx, ix, path, first, last, note, red)
		}
		if err == nil {
			f.File = name
			_, err = s.u.cases.AddActivity(ctx, caseID, cases.Activity{Kind: cases.KindNote, By: by, Text: f.Text(), Ref: f.Ref()})
		}
		s.u.do(func() {
			if err != nil {
				s.u.showError(lang.X("logs.finding.err", "The finding could not be added to the case."), err)
				return
			}
			msg := lang.X("logs.finding.done", "Finding added to case {{.Case}}.", map[string]any{"Case": caseID})
			if r := f.RedactedSummary(); r != "" {
				msg += " " + lang.X("logs.finding.redacted", "Masked before saving: {{.What}}.", map[string]any{"What": r})
			}
			s.status.SetText(msg)
		})
	})
}
