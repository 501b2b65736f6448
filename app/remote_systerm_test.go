package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"werkbank/cases"
	"werkbank/kb"
)

func TestTerminalCommand(t *testing.T) {
	args := []string{"/usr/bin/werkbank", "remote", "shell", "--reason", "it's ok", "root@erp"}
	only := func(name string) func(string) (string, error) {
		return func(n string) (string, error) {
			if n == name {
				return "/usr/bin/" + n, nil
			}
			return "", os.ErrNotExist
		}
	}
	script := holdOpen(args, "Press Enter")
	cmd, err := terminalCommand("linux", "", only("gnome-terminal"), args, "Press Enter")
	if err != nil || cmd.Path != "/usr/bin/gnome-terminal" || !slices.Equal(cmd.Args[1:], []string{"--", "sh", "-c", script}) {
		t.Fatalf("gnome-terminal: %v %v", cmd, err)
	}
	if !strings.Contains(script, `'it'\''s ok'`) || !strings.Contains(script, "'Press Enter'; read _") {
		t.Fatalf("script %q", script)
	}
	cmd, err = terminalCommand("linux", "kitty", only("kitty"), args, "Press Enter")
	if err != nil || cmd.Path != "/usr/bin/kitty" || cmd.Args[1] != "-e" || cmd.Args[2] != "sh" {
		t.Fatalf("$TERMINAL: %v %v", cmd, err)
	}
	if _, err := terminalCommand("linux", "", only("none"), args, ""); err == nil || !strings.Contains(err.Error(), "remote' 'shell") {
		t.Fatalf("no terminal: %v", err)
	}
	cmd, _ = terminalCommand("darwin", "", only("none"), args, "Press Enter")
	if got := strings.Join(cmd.Args, " "); !strings.Contains(got, `do script "sh -c '`) || !strings.Contains(got, "read _") {
		t.Fatalf("darwin: %q", cmd.Args)
	}
	cmd, err = terminalCommand("windows", "", only("none"), args, "")
	want := `"/usr/bin/werkbank" "remote" "shell" "--reason" "it's ok" "root@erp"`
	if err != nil || !slices.Equal(cmd.Args, []string{"cmd.exe", "/s", "/k", `"` + want + `"`}) {
		t.Fatalf("windows: %q %v", cmd.Args, err)
	}
	if _, err := terminalCommand("windows", "", only("none"), []string{"werkbank", "--reason", "50% done"}, ""); err == nil {
		t.Fatal("windows: a reason with % accepted")
	}
}

// TestHoldOpenScript runs the terminal's script in a real shell: awkward
// arguments arrive unchanged and run nothing, the prompt waits for Enter
// and the command's exit status is kept.
func TestHoldOpenScript(t *testing.T) {
	dir := t.TempDir()
	awkward := []string{"A&B", "it's", "$(touch " + dir + "/pwned)", "`touch " + dir + "/pwned`", "a; touch " + dir + "/pwned", `"quoted" \ $HOME *`, ""}
	script := holdOpen(append([]string{"printf", "[%s]"}, awkward...), "Press Enter, it's $(done)")
	run := exec.Command("sh", "-c", script)
	run.Stdin = strings.NewReader("\n")
	out, err := run.Output()
	want := "[" + strings.Join(awkward, "][") + "]\nPress Enter, it's $(done)"
	if err != nil || string(out) != want {
		t.Fatalf("output %q (%v), want %q", out, err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a quoted argument ran a command")
	}
	run = exec.Command("sh", "-c", holdOpen([]string{"sh", "-c", "exit 3"}, "Enter"))
	run.Stdin = strings.NewReader("\n")
	var exit *exec.ExitError
	if err := run.Run(); !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("exit status not kept: %v", err)
	}
}

func TestCmdQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`C:\Program Files\Werkbank\werkbank.exe`, `"C:\Program Files\Werkbank\werkbank.exe"`},
		{`C:\Daten\`, `"C:\Daten\\"`},
		{`Ticket "4711"`, `"Ticket \"4711\""`},
		{`a\"b`, `"a\\\"b"`},
		{"it's (ok) für Müller", `"it's (ok) für Müller"`},
		{"", `""`},
	} {
		if got, err := cmdQuote([]string{c.in}); err != nil || got != c.want {
			t.Errorf("cmdQuote(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if got, _ := cmdQuote([]string{"a b", "c"}); got != `"a b" "c"` {
		t.Errorf("two arguments: %q", got)
	}
	for _, bad := range []string{"50%", "%PATH%", "Hi!", "a^b", "A&B", "a|b", "a<b", "a>b", "Zeile 1\nZeile 2", "a\rb"} {
		var unsafe *cmdUnsafeError
		if _, err := cmdQuote([]string{"werkbank", bad}); !errors.As(err, &unsafe) || unsafe.Arg != bad {
			t.Errorf("%q accepted or wrongly refused: %v", bad, err)
		}
	}
}

func TestOpenTerminalPassesJumpHost(t *testing.T) {
	h := newHarnessSeeded(t, kb.RoleSpecialist, false)
	c, err := h.u.cases.Create(context.Background(), cases.NewCase{Title: "Drucker", Customer: "Huber KG", Priority: 3, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	h.u.openRemoteFor(c.ID)
	h.wait("the case chosen", func() bool { return h.u.rs != nil && h.u.rs.selectedCase() == c.ID })
	rs := h.u.rs
	var started []string
	rs.startTerminal = func(args []string) error { started = args; return nil }
	rs.target.SetText("root@erp01")
	rs.reason.SetText("Ticket 4711")
	test.Tap(rs.termBtn)
	if slices.Contains(started, "--jump") || slices.Contains(started, "--accept-new") || started[len(started)-1] != "root@erp01" {
		t.Fatalf("without a jump host: %q", started)
	}
	rs.jump.SetText(" admin@jump:2222 ")
	test.Tap(rs.termBtn)
	i := slices.Index(started, "--jump")
	if i < 0 || started[i+1] != "admin@jump:2222" || slices.Contains(started, "--accept-new") || started[len(started)-1] != "root@erp01" {
		t.Fatalf("with a jump host: %q", started)
	}

	// A reason that cmd.exe cannot be given is refused in plain words.
	rs.startTerminal = func(args []string) error {
		_, err := terminalCommand("windows", "", nil, args, "")
		return err
	}
	rs.reason.SetText("Ticket 5 & 6")
	test.Tap(rs.termBtn)
	if !strings.Contains(rs.status.Text, "“Ticket 5 & 6”: it contains &") {
		t.Fatalf("status %q", rs.status.Text)
	}
}
