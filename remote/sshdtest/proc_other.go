//go:build !unix

package sshdtest

import (
	"os/exec"
	"syscall"
)

// supported says whether sshd test servers can run here.
const supported = false

// groupAttr is not needed where Start skips.
func groupAttr() *syscall.SysProcAttr { return nil }

// killGroup kills the process; an error means it is gone already.
func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
