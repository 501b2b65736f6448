//go:build unix

package cli

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"werkbank/remote"
)

// followWindowSize passes terminal size changes (SIGWINCH) to the remote
// shell until the returned function is called.
func followWindowSize(out *os.File, sh *remote.Shell) func() {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case <-winch:
				if w, h, err := term.GetSize(int(out.Fd())); err == nil {
					_ = sh.Resize(w, h) // a failed resize keeps the old size
				}
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(done)
		<-finished
	}
}
