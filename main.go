// Command werkbank is the desktop workbench for 2nd-level ERP support: the
// Fyne window without arguments, the command line of DESIGN.md with them.
// This file only wires: the command line lives in package cli, the window in
// package app.
package main

import (
	"context"
	"os"
	"os/signal"

	"werkbank/app"
	"werkbank/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), cli.StopSignals...)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		GUI:    app.Run,
	})
	stop()
	os.Exit(code)
}
