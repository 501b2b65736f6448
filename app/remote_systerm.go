package app

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// openTerminal runs "werkbank remote shell" in the system's terminal. An
// unknown host key is asked about there, so --accept-new is not passed.
func (s *remoteScreen) openTerminal() {
	req, ok := s.request()
	if !ok {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		s.u.showError(lang.X("remote.err.terminal", "The system terminal could not be opened."), err)
		return
	}
	args := []string{exe, "--data", s.u.ws.Dir, "remote", "shell", "--case", req.Case, "--reason", req.Reason}
	if req.ProxyJump != "" {
		args = append(args, "--jump", req.ProxyJump)
	}
	args = append(args, req.Target)
	var unsafe *cmdUnsafeError
	switch err := s.startTerminal(args); {
	case errors.As(err, &unsafe):
		char := unsafe.Char
		if char == "\r" || char == "\n" {
			char = lang.X("remote.terminal.linebreak", "a line break")
		}
		s.status.SetText(lang.X("remote.terminal.unsafe",
			"The Windows terminal cannot be given “{{.Text}}”: it contains {{.Char}}. Write it without % ! ^ & | < > and line breaks.",
			map[string]any{"Text": unsafe.Arg, "Char": char}))
		return
	case err != nil:
		s.u.showError(lang.X("remote.err.terminal", "The system terminal could not be opened."), err)
		return
	}
	s.status.SetText(lang.X("remote.terminal.started", "The shell runs in the system terminal; refresh the list when it has ended."))
}

// startSystemTerminal starts args in a new terminal window of the system.
func startSystemTerminal(args []string) error {
	prompt := lang.X("remote.terminal.enter", "Press Enter to close this window.")
	cmd, err := terminalCommand(runtime.GOOS, os.Getenv("TERMINAL"), exec.LookPath, args, prompt)
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	return cmd.Process.Release() // the terminal belongs to the user, not to the app
}

// terminalCommand builds the command that opens a terminal running args.
// On Linux and macOS the window waits for Enter (showing prompt) after
// the command ended, so that its last message can be read; on Windows
// cmd /k keeps the window open anyway.
func terminalCommand(goos, preferred string, lookPath func(string) (string, error), args []string, prompt string) (*exec.Cmd, error) {
	switch goos {
	case "windows":
		line, err := cmdQuote(args)
		if err != nil {
			return nil, err
		}
		cmd := exec.Command("cmd.exe")
		// /s: cmd removes just the outer quotes and runs the rest as it is.
		cmd.Args = []string{"cmd.exe", "/s", "/k", `"` + line + `"`}
		rawCommandLine(cmd)
		return cmd, nil
	case "darwin":
		script := "sh -c " + shellQuote(holdOpen(args, prompt))
		script = strings.ReplaceAll(strings.ReplaceAll(script, `\`, `\\`), `"`, `\"`)
		return exec.Command("osascript", "-e", `tell application "Terminal" to do script "`+script+`"`, "-e", `tell application "Terminal" to activate`), nil
	}
	candidates := []struct{ name, flag string }{
		{preferred, "-e"}, {"x-terminal-emulator", "-e"}, {"gnome-terminal", "--"}, {"konsole", "-e"},
		{"xfce4-terminal", "-x"}, {"xterm", "-e"},
	}
	for _, c := range candidates {
		if c.name == "" {
			continue
		}
		if p, err := lookPath(c.name); err == nil {
			return exec.Command(p, c.flag, "sh", "-c", holdOpen(args, prompt)), nil
		}
	}
	return nil, fmt.Errorf("no terminal program found (set $TERMINAL); run this in a terminal: %s", shellJoin(args))
}

// holdOpen is the sh script that runs args, then shows prompt and waits
// for Enter before it exits with the command's status.
func holdOpen(args []string, prompt string) string {
	return shellJoin(args) + "; status=$?; echo; printf '%s' " + shellQuote(prompt) + "; read _; exit $status"
}

// shellJoin quotes every argument for sh (shellQuote, app/logs_follow.go)
// and joins them with spaces.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// cmdUnsafeChars are what cmd.exe interprets even inside double quotes
// (% always, ! with delayed expansion), what an escaped quote inside an
// argument would expose (^ & | < >), and line breaks, which end the
// command.
const cmdUnsafeChars = "%!^&|<>\r\n"

// cmdUnsafeError says which argument cmd.exe cannot be given safely.
type cmdUnsafeError struct {
	Arg  string
	Char string
}

func (e *cmdUnsafeError) Error() string {
	return fmt.Sprintf("%q contains %q, which cannot be passed safely to a Windows terminal", e.Arg, e.Char)
}

// cmdQuote builds the command line for cmd.exe from args: each argument in
// double quotes, with embedded quotes and the backslashes before them
// escaped as Windows programs read them. An argument with one of
// cmdUnsafeChars is refused rather than passed broken.
func cmdQuote(args []string) (string, error) {
	quoted := make([]string, len(args))
	for i, a := range args {
		if j := strings.IndexAny(a, cmdUnsafeChars); j >= 0 {
			return "", &cmdUnsafeError{Arg: a, Char: a[j : j+1]}
		}
		var b strings.Builder
		b.WriteByte('"')
		slashes := 0
		for _, r := range a {
			switch r {
			case '\\':
				slashes++
				continue
			case '"':
				b.WriteString(strings.Repeat(`\`, 2*slashes+1))
			default:
				b.WriteString(strings.Repeat(`\`, slashes))
			}
			slashes = 0
			b.WriteRune(r)
		}
		b.WriteString(strings.Repeat(`\`, 2*slashes))
		b.WriteByte('"')
		quoted[i] = b.String()
	}
	return strings.Join(quoted, " "), nil
}
