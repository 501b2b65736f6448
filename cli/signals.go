package cli

import (
	"os"
	"syscall"
)

// StopSignals end a running command cleanly, so that the audit log of a
// remote session is closed with its signed end: Ctrl-C, a kill, and the
// hang-up a terminal sends when its window is closed under a running
// "werkbank remote shell".
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
