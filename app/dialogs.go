package app

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// showLarge shows a file dialog with the title at most of the window's
// size, as a list: fyne's default grid is so small that log file names
// are cut after a few letters, and its German title reads "Öffnen Datei".
func showLarge(d *dialog.FileDialog, w fyne.Window, title string) {
	d.SetTitleText(title)
	d.SetView(dialog.ListView)
	if w != nil {
		s := w.Canvas().Size()
		d.Resize(fyne.NewSize(max(s.Width*0.8, 600), max(s.Height*0.8, 450)))
	}
	d.Show()
}

// choosePath asks for a file in a large file dialog titled title and calls
// then with its path; a failing dialog is reported with errMsg. Only the
// path is used: the file is read by whoever receives it.
func (u *ui) choosePath(title, errMsg string, then func(path string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError(errMsg, err)
			return
		}
		if rc == nil {
			return
		}
		path := rc.URI().Path()
		if cerr := rc.Close(); cerr != nil {
			fyne.LogError("close the chosen file", cerr)
		}
		then(path)
	}, u.window())
	showLarge(d, u.window(), title)
}

// showForm is dialog.ShowForm at a width where hints and choices are
// readable: fyne sizes a form to its narrowest, which wraps a German
// hint after every second word.
func showForm(title, confirm, dismiss string, items []*widget.FormItem, done func(bool), w fyne.Window) {
	d := dialog.NewForm(title, confirm, dismiss, items, done, w)
	d.Resize(fyne.NewSize(max(560, d.MinSize().Width), d.MinSize().Height))
	d.Show()
}

// newSelect is widget.NewSelect with a translated placeholder (fyne's
// "(Select one)" is not translated).
func newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = lang.X("app.select", "(Select one)")
	return s
}

// exportDir is where exports go unless the user says otherwise:
// ~/Documents when it exists, else the home folder (the temp folder
// without one).
func exportDir() string {
	dir, err := os.UserHomeDir()
	if err != nil {
		return os.TempDir()
	}
	if docs := filepath.Join(dir, "Documents"); isDir(docs) {
		return docs
	}
	return dir
}

// isDir reports whether p is an existing folder.
func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
