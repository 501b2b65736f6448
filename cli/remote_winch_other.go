//go:build !unix

package cli

import (
	"os"

	"werkbank/remote"
)

// followWindowSize does nothing where there is no SIGWINCH; the remote
// shell keeps its starting size.
func followWindowSize(*os.File, *remote.Shell) func() { return func() {} }
