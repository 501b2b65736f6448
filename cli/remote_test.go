package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"werkbank/bridge"
	"werkbank/remote/sshdtest"
	"werkbank/workspace"
)

// cliRun runs werkbank with args and stdin.
func cliRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// remoteFixture is a data folder with a case, a real sshd and the key that
// logs in to it, for the remote commands.
type remoteFixture struct {
	data, keyFile, caseID, target string
}

func newRemoteFixture(t *testing.T) remoteFixture {
	t.Helper()
	t.Setenv(UserEnvVar, "anna")
	t.Setenv("HOME", t.TempDir()) // no ~/.ssh of the machine
	t.Setenv("SSH_AUTH_SOCK", "")
	f := remoteFixture{data: t.TempDir()}
	keyFile, pub := sshdtest.UserKey(t, t.TempDir(), "id", nil)
	srv := sshdtest.Start(t, pub)
	code, out, errOut := caseCLI(t, f.data, "new", "--title", "Druck hängt", "--customer", "Huber KG", "--priority", "2")
	if code != 0 {
		t.Fatalf("case new: %s", errOut)
	}
	f.keyFile, f.caseID, f.target = keyFile, strings.TrimSpace(out), srv.Target(t)
	return f
}

func TestRemoteCommandLine(t *testing.T) {
	f := newRemoteFixture(t)
	data, keyFile, id, target := f.data, f.keyFile, f.caseID, f.target
	var code int
	var out, errOut string
	base := []string{"--data", data, "remote", "exec", "--case", id, "--identity", keyFile}

	// Usage errors: no reason, no command.
	if code, _, errOut := cliRun(t, "", append(base, target, "--", "true")...); code != 2 || !strings.Contains(errOut, "--reason is required") {
		t.Fatalf("missing reason: %d %q", code, errOut)
	}
	withReason := append(base, "--reason", "Ticket 4711")
	if code, _, errOut := cliRun(t, "", append(withReason, target)...); code != 2 || !strings.Contains(errOut, "command") {
		t.Fatalf("missing command: %d %q", code, errOut)
	}
	// Unknown case.
	if code, _, errOut := cliRun(t, "", "--data", data, "remote", "exec", "--case", "C-0000-9999", "--reason", "r", target, "--", "true"); code != 1 || !strings.Contains(errOut, "unknown case") {
		t.Fatalf("unknown case: %d %q", code, errOut)
	}
	// Unknown host: refused with the fingerprint, then accepted.
	code, _, errOut = cliRun(t, "", append(withReason, target, "--", "echo", "hello")...)
	if code != 1 || !strings.Contains(errOut, "--accept-new") || !strings.Contains(errOut, "SHA256:") {
		t.Fatalf("unknown host: %d %q", code, errOut)
	}
	code, out, errOut = cliRun(t, "", append(withReason, "--accept-new", target, "--", "echo", "hello")...)
	if code != 0 || out != "hello\n" || !strings.Contains(errOut, "accepted") {
		t.Fatalf("accept-new: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := cliRun(t, "", append(withReason, target, "--", "exit 3")...); code != 1 || !strings.Contains(errOut, "status 3") {
		t.Fatalf("exit status: %d %q", code, errOut)
	}

	// Collect two files and a missing one.
	logs := t.TempDir()
	for name, body := range map[string]string{"a.log": "alpha\n", "b.log": "beta\n"} {
		if err := os.WriteFile(filepath.Join(logs, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = cliRun(t, "", "--data", data, "remote", "collect", "--case", id, "--reason", "Ticket 4711",
		"--identity", keyFile, "--quiet", target, filepath.Join(logs, "*.log"))
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, filepath.Join(logs, "a.log")) {
		t.Fatalf("collect: %d %q %q", code, out, errOut)
	}
	code, _, errOut = cliRun(t, "", "--data", data, "remote", "collect", "--case", id, "--reason", "r",
		"--identity", keyFile, "--quiet", target, filepath.Join(logs, "none.log"))
	if code != 1 || !strings.Contains(errOut, "no such file") {
		t.Fatalf("collect missing: %d %q", code, errOut)
	}

	// A shell fed from a non-terminal stdin.
	code, out, errOut = cliRun(t, "echo shell-$((6*7))\nexit\n", "--data", data, "remote", "shell", "--case", id, "--reason", "r",
		"--identity", keyFile, target)
	if code != 0 || !strings.Contains(out, "shell-42") {
		t.Fatalf("shell: %d %q %q", code, out, errOut)
	}

	// A shell also starts while the app holds the data folder.
	held, err := workspace.Open(context.Background(), workspace.Config{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cliRun(t, "echo held-$((6*7))\nexit\n", "--data", data, "remote", "shell", "--case", id, "--reason", "r",
		"--identity", keyFile, target)
	held.Close()
	if code != 0 || !strings.Contains(out, "held-42") || !strings.Contains(errOut, "in use") {
		t.Fatalf("shell while in use: %d %q %q", code, out, errOut)
	}

	// The case lists the files and the sessions.
	_, out, _ = caseCLI(t, data, "show", "--json", id)
	var show struct {
		Case struct {
			Attachments []struct{ Name, SHA256 string }
			Activities  []struct{ Kind, Text string }
		}
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("show: %v %q", err, out)
	}
	if len(show.Case.Attachments) != 2 {
		t.Fatalf("attachments %+v", show.Case.Attachments)
	}
	remoteActs := 0
	for _, a := range show.Case.Activities {
		if a.Kind == "remote_session" {
			remoteActs++
		}
	}
	if remoteActs < 5 {
		t.Fatalf("%d remote session activities: %+v", remoteActs, show.Case.Activities)
	}

	// The bundle's verifier sees every log and the shell's recording.
	ws, err := workspace.Open(context.Background(), workspace.Config{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	results, err := bridge.AuditVerifier(ws.Dir).VerifyCase(context.Background(), id)
	ws.Close()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range results {
		if !r.OK {
			t.Fatalf("verifier: %+v", r)
		}
		kinds[r.Kind]++
	}
	if kinds["recording"] != 2 || kinds["audit"] < 7 {
		t.Fatalf("verifier results %v", kinds)
	}

	// Every audit log verifies; a tampered one fails, naming the problem.
	code, out, errOut = cliRun(t, "", "--data", data, "audit", "verify", "--case", id)
	if code != 0 || strings.Contains(out, "FAILED") || strings.Count(out, "OK ") < 7 {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	files, err := filepath.Glob(filepath.Join(data, "audit", id, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// Tamper with a log that records the reason (session names are random,
	// so it is not always the first file).
	tampered := ""
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("Ticket 4711")) {
			if err := os.WriteFile(f, bytes.Replace(raw, []byte("Ticket 4711"), []byte("Ticket 4712"), 1), 0o600); err != nil {
				t.Fatal(err)
			}
			tampered = f
			break
		}
	}
	if tampered == "" {
		t.Fatalf("no audit log names the reason: %v", files)
	}
	code, out, errOut = cliRun(t, "", append([]string{"--data", data, "audit", "verify"}, files...)...)
	if code != 1 || !strings.Contains(out, "FAILED "+tampered) || !strings.Contains(errOut, "1 of") {
		t.Fatalf("tampered: %d %q %q", code, out, errOut)
	}

	// On a colleague's workstation a log signed by this one's key verifies
	// only once they trust its fingerprint: a forger could sign with any key.
	var good string
	for _, f := range files {
		if f != tampered {
			good = f
			break
		}
	}
	colleague := t.TempDir()
	if code, out, errOut = cliRun(t, "", "--data", colleague, "audit", "verify", good); code != 1 || !strings.Contains(out, "not trusted here") {
		t.Fatalf("untrusted signer: %d %q %q", code, out, errOut)
	}
	code, fp, errOut := cliRun(t, "", "--data", data, "audit", "key")
	fp = strings.TrimSpace(fp)
	if code != 0 || !strings.HasPrefix(fp, "SHA256:") {
		t.Fatalf("audit key: %d %q %q", code, fp, errOut)
	}
	if code, _, errOut = cliRun(t, "", "--data", colleague, "audit", "trust", "SHA256:abc", "Anna"); code != 2 || !strings.Contains(errOut, "not a key fingerprint") {
		t.Fatalf("bad fingerprint: %d %q", code, errOut)
	}
	if code, _, errOut = cliRun(t, "", "--data", colleague, "audit", "verify", "--trust", "SHA256:typo", good); code != 2 || !strings.Contains(errOut, "not a key fingerprint") {
		t.Fatalf("--trust typo: %d %q", code, errOut)
	}
	if code, out, errOut = cliRun(t, "", "--data", colleague, "audit", "verify", "--trust", fp, good); code != 0 {
		t.Fatalf("--trust: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = cliRun(t, "", "--data", colleague, "audit", "trust", fp); code != 2 {
		t.Fatalf("trust without a name: %d %q", code, errOut)
	}
	if code, out, errOut = cliRun(t, "", "--data", colleague, "audit", "trust", fp, "Anna", "Schmidt"); code != 0 {
		t.Fatalf("audit trust: %d %q %q", code, out, errOut)
	}
	if code, out, errOut = cliRun(t, "", "--data", colleague, "audit", "verify", good); code != 0 || !strings.Contains(out, fp+" (Anna Schmidt)") {
		t.Fatalf("trusted signer: %d %q %q", code, out, errOut)
	}
	if code, out, _ = cliRun(t, "", "--data", colleague, "audit", "trust"); code != 0 || !strings.Contains(out, "this workstation") || !strings.Contains(out, fp+"\tAnna Schmidt") {
		t.Fatalf("trusted list: %d %q", code, out)
	}
}
