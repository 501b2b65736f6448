//go:build !windows

package app

import "os/exec"

// rawCommandLine is needed on Windows only (see its Windows version);
// elsewhere the arguments are passed as they are anyway.
func rawCommandLine(*exec.Cmd) {}
