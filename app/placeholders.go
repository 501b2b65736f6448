package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// placeholder is a screen that says in plain words what will come there.
func placeholder(icon fyne.Resource, title, text string) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	body.Alignment = fyne.TextAlignCenter
	img := widget.NewIcon(icon)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(520, 260),
		container.NewVBox(container.NewCenter(container.NewGridWrap(fyne.NewSize(64, 64), img)), head, body)))
}

// placeholderLogs stands in for the log-analysis screen (app/logs.go).
func placeholderLogs(*ui) fyne.CanvasObject {
	return placeholder(theme.ListIcon(), lang.X("nav.logs", "Logs"),
		lang.X("placeholder.logs", "Here you will analyse log files: recurring messages grouped into templates, counts and time ranges, and knowledge-base articles that match the errors."))
}
