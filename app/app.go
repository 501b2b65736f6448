// Package app is Werkbank's Fyne user interface: one file per screen. It
// depends on the domain packages and never the reverse.
package app

import (
	"context"

	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"werkbank/workspace"
)

// Run opens the main window on ws and returns when it closes.
func Run(ctx context.Context, ws *workspace.Workspace) error {
	a := fyneapp.NewWithID("de.werkbank.app")
	w := a.NewWindow("Werkbank")
	w.SetContent(widget.NewLabel(ws.Dir))
	w.ShowAndRun()
	return nil
}
