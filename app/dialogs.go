package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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
