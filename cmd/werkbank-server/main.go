// Command werkbank-server is Werkbank's central sync server as a CGO-free
// binary without GUI libraries; it takes the same flags as "werkbank serve".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"werkbank/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, append([]string{"serve"}, os.Args[1:]...), cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	})
	stop()
	os.Exit(code)
}
