//go:build unix

package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childArgsEnv carries the arguments of a command line run in a child
// process of the test binary (TestMain), with the signal handling of
// main.go.
const childArgsEnv = "WERKBANK_CLI_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(3)
		}
		ctx, stop := signal.NotifyContext(context.Background(), StopSignals...)
		code := Main(ctx, argv, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
		stop()
		os.Exit(code)
	}
	// Tests run from a terminal must not ask on it.
	os.Setenv(BatchEnvVar, "1")
	os.Exit(m.Run())
}

func TestClosedTerminalEndsShellAudited(t *testing.T) {
	// Closing the terminal window under "werkbank remote shell" sends a
	// hang-up: the session still ends with the recording's SHA-256 and
	// the signed end, so the log verifies.
	f := newRemoteFixture(t)
	data, keyFile, id, target := f.data, f.keyFile, f.caseID, f.target
	if code, _, errOut := cliRun(t, "", "--data", data, "remote", "exec", "--case", id, "--reason", "r", "--identity", keyFile,
		"--accept-new", target, "--", "true"); code != 0 {
		t.Fatalf("accept host: %d %s", code, errOut)
	}

	args, _ := json.Marshal([]string{"--data", data, "remote", "shell", "--case", id, "--reason", "Ticket 4711", "--identity", keyFile, target})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(args))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if _, err := stdin.Write([]byte("echo ready-$((6*7))\n")); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "ready-42") {
				ready <- true
				break
			}
		}
		for sc.Scan() { // drain until the child exits
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("the shell did not start: %s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the shell did not end on the hang-up")
	}
	stdin.Close()

	code, out, errOut := cliRun(t, "", "--data", data, "audit", "verify", "--case", id)
	if code != 0 || strings.Contains(out, "FAILED") || strings.Count(out, "OK ") != 2 {
		t.Fatalf("verify after hang-up: %d %q %q (shell stderr: %s)", code, out, errOut, stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(data, "audit", id, "*.jsonl"))
	var shellLog string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), `"type":"shell_end"`) {
			shellLog = string(raw)
		}
	}
	if !strings.Contains(shellLog, `"sha256":"`) || !strings.Contains(shellLog, `"type":"end"`) {
		t.Fatalf("the shell's log lacks its recording hash or end:\n%s", shellLog)
	}
	// The case's log names the shell and its recording.
	if code, out, errOut = caseCLI(t, data, "show", id); code != 0 || !strings.Contains(out, "interactive shell (recording ") {
		t.Fatalf("case show: %d %q %q", code, out, errOut)
	}
}
