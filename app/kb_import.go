package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"werkbank/kb"
)

// maxReportLines is how many problem lines the import summary lists.
const maxReportLines = 20

// chooseImport asks for a folder of Markdown files and imports it.
func (s *kbScreen) chooseImport() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			s.u.showError(lang.X("kb.err.import", "The import failed."), err)
			return
		}
		if dir != nil {
			s.importDir(dir.Path())
		}
	}, s.u.window())
	showLarge(d, s.u.window(), lang.X("kb.import.title", "Folder with Markdown articles"))
}

// importDir imports every *.md below dir in the background (front matter
// decides the status; published articles need a team lead) and shows a
// summary with the files that were not imported and why.
func (s *kbScreen) importDir(dir string) {
	by := s.u.user
	bar := widget.NewProgressBarInfinite()
	wait := dialog.NewCustomWithoutButtons(lang.X("kb.import", "Import"),
		container.NewVBox(widget.NewLabel(lang.X("kb.import.busy", "Importing the Markdown files of {{.D}} …", map[string]any{"D": dir})), bar), s.u.window())
	wait.Show()
	s.u.goBackground(func(ctx context.Context) {
		prefix := filepath.Base(dir) + "/"
		rep, err := s.u.kb.Import(ctx, os.DirFS(dir), kb.ImportOptions{By: by, Prefix: prefix})
		s.u.do(func() {
			wait.Hide()
			if err != nil {
				s.u.showError(lang.X("kb.err.import", "The import failed."), err)
				return
			}
			s.showImportReport(rep)
			s.u.articleChanged(kb.Article{})
		})
	})
}

// showImportReport tells the user what the import did.
func (s *kbScreen) showImportReport(rep kb.ImportReport) {
	text := lang.X("kb.import.done", "New articles: {{.A}}, updated: {{.U}}, unchanged: {{.N}}, not imported: {{.E}}.",
		map[string]any{"A": rep.Added, "U": rep.Updated, "N": rep.Unchanged, "E": len(rep.Errors)})
	var lines []string
	for i, e := range rep.Errors {
		if i == maxReportLines {
			lines = append(lines, lang.X("kb.import.more", "… and {{.N}} more", map[string]any{"N": len(rep.Errors) - i}))
			break
		}
		lines = append(lines, e.Error())
	}
	if len(lines) > 0 {
		text += "\n\n" + lang.X("kb.import.errors", "Not imported (file, line, reason):") + "\n" + strings.Join(lines, "\n")
	}
	if len(rep.Warnings) > 0 {
		text += "\n\n" + fmt.Sprintf("%s %d", lang.X("kb.import.warnings", "Imported with warnings:"), len(rep.Warnings))
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	body := container.NewGridWrap(fyne.NewSize(560, 260), container.NewVScroll(l))
	dialog.ShowCustom(lang.X("kb.import", "Import"), lang.X("kb.import.close", "OK"), body, s.u.window())
}
