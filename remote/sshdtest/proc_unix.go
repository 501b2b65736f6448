//go:build unix

package sshdtest

import (
	"os/exec"
	"syscall"
)

// supported says whether sshd test servers can run here.
const supported = true

// groupAttr starts sshd in a process group of its own.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills sshd's process group; an error means it is gone already.
func killGroup(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
