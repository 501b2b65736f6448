package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open a pseudo terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

func TestUnknownHostAskedOnTheTerminal(t *testing.T) {
	// On a terminal, an unknown host's fingerprint is shown and the user
	// answers, as with OpenSSH; the app's "open in system terminal"
	// relies on it.
	f := newRemoteFixture(t)
	master, slave := openPTY(t)
	args, _ := json.Marshal([]string{"--data", f.data, "remote", "exec", "--case", f.caseID, "--reason", "r",
		"--identity", f.keyFile, f.target, "--", "echo", "hello"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args), BatchEnvVar+"=")
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var screen strings.Builder
	buf := make([]byte, 4096)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(screen.String(), "(yes/no)? ") {
		if time.Now().After(deadline) {
			t.Fatalf("no question on the terminal: %q (%s)", screen.String(), stderr.String())
		}
		master.SetReadDeadline(time.Now().Add(time.Second))
		n, _ := master.Read(buf)
		screen.Write(buf[:n])
	}
	if !strings.Contains(screen.String(), "key fingerprint is SHA256:") {
		t.Fatalf("the question lacks the fingerprint: %q", screen.String())
	}
	if _, err := master.Write([]byte("yes\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil || stdout.String() != "hello\n" {
			t.Fatalf("exec after yes: %v %q %q", err, stdout.String(), stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the command did not end")
	}
	// Now known: no question the second time.
	if code, out, errOut := cliRun(t, "", "--data", f.data, "remote", "exec", "--case", f.caseID, "--reason", "r",
		"--identity", f.keyFile, f.target, "--", "echo", "again"); code != 0 || out != "again\n" {
		t.Fatalf("second exec: %d %q %q", code, out, errOut)
	}
}
