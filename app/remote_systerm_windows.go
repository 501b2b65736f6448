package app

import (
	"os/exec"
	"strings"
	"syscall"
)

// createNewConsole is CREATE_NEW_CONSOLE: the command gets a console
// window of its own.
const createNewConsole = 0x00000010

// rawCommandLine hands cmd.Args to Windows joined by spaces, as they are
// (cmd.exe does not read the quoting Go would add), in a new console
// window.
func rawCommandLine(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: strings.Join(cmd.Args, " "), CreationFlags: createNewConsole}
}
