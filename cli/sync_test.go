package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"werkbank/remote/sshdtest"
	wsync "werkbank/sync"
)

// startServeCLI runs "werkbank serve" in-process on a free loopback port
// and returns its URL and certificate fingerprint.
func startServeCLI(t testing.TB, data string, extra ...string) (url, fp string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--data", data, "--listen", "127.0.0.1:0"}, extra...), Env{Stdin: strings.NewReader(""), Stdout: pr, Stderr: &bytes.Buffer{}})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d", code)
		}
	})
	re := regexp.MustCompile(`listening on (https://\S+)\ncertificate SHA-256 fingerprint ([0-9a-f]{64})`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(pr.String()); m != nil {
			return m[1], m[2]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %q", pr.String())
	return "", ""
}

func TestServeAndSyncCommands(t *testing.T) {
	srvData := t.TempDir()
	code, token, errs := runCLI(t, srvData, "", "serve", "user", "add", "--role", "teamlead", "lea")
	token = strings.TrimSpace(token)
	if code != 0 || len(token) != 64 {
		t.Fatalf("user add: %d %q %s", code, token, errs)
	}
	if code, _, errs := runCLI(t, srvData, "", "serve", "user", "add", "--role", "boss", "x"); code != 2 || !strings.Contains(errs, "unknown role") {
		t.Fatalf("bad role: %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, srvData, "", "serve", "user", "list"); code != 0 || !strings.Contains(out, "lea\tteamlead") {
		t.Fatalf("user list: %d %q", code, out)
	}
	// As werkbank-server reads it: serve's own --data before "user".
	if code, out, errs := runCLI(t, t.TempDir(), "", "serve", "--data", srvData, "user", "list"); code != 0 || !strings.Contains(out, "lea\tteamlead") {
		t.Fatalf("serve --data DIR user list: %d %q %s", code, out, errs)
	}
	url, fp := startServeCLI(t, srvData)

	a, b := t.TempDir(), t.TempDir()
	if code, _, errs := runCLI(t, a, "", "sync"); code != 2 || !strings.Contains(errs, "no sync server") {
		t.Fatalf("sync without server: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, a, "", "sync", "--server", "http://x"); code != 2 {
		t.Fatalf("plain http accepted: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, a, "", "case", "new", "--title", "Drucker druckt nicht", "--customer", "ACME", "--priority", "2"); code != 0 {
		t.Fatalf("case new: %d %s", code, errs)
	}
	code, out, errs := runCLI(t, a, "", "sync", "--server", url, "--token", token)
	if code != 0 || !strings.Contains(out, "pushed 1") {
		t.Fatalf("first sync: %d %q %s", code, out, errs)
	}
	// b pins the fingerprint given; server and token are remembered.
	if code, out, errs := runCLI(t, b, "", "sync", "--server", url, "--token", token, "--fingerprint", fp); code != 0 || !strings.Contains(out, "pulled 1") {
		t.Fatalf("b: %d %q %s", code, out, errs)
	}
	code, out, errs = runCLI(t, b, "", "sync", "--json")
	var rep wsync.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Server != url {
		t.Fatalf("remembered: %d %q %s", code, out, errs)
	}
	if code, out, _ := runCLI(t, b, "", "case", "list"); code != 0 || !strings.Contains(out, "Drucker") {
		t.Fatalf("b's cases: %q", out)
	}
	// The token from standard input or the environment, never needing the
	// command line; an empty standard input is a usage error.
	if code, out, errs := runCLI(t, t.TempDir(), token+"\n", "sync", "--server", url, "--token", "-", "--fingerprint", fp); code != 0 || !strings.Contains(out, "pulled 1") {
		t.Fatalf("--token -: %d %q %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, t.TempDir(), "", "sync", "--server", url, "--token", "-"); code != 2 || !strings.Contains(errs, "no token") {
		t.Fatalf("--token - without input: %d %s", code, errs)
	}
	t.Setenv(TokenEnvVar, token)
	if code, out, errs := runCLI(t, t.TempDir(), "", "sync", "--server", url, "--fingerprint", fp); code != 0 || !strings.Contains(out, "pulled 1") {
		t.Fatalf("$%s: %d %q %s", TokenEnvVar, code, out, errs)
	}
	// A wrong pin is refused.
	if code, _, errs := runCLI(t, t.TempDir(), "", "sync", "--server", url, "--token", token, "--fingerprint", strings.Repeat("0", 64)); code != 1 || !strings.Contains(errs, "certificate changed") {
		t.Fatalf("wrong pin: %d %s", code, errs)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestServeGivenCertificate(t *testing.T) {
	certDir := t.TempDir()
	cert, err := wsync.SelfSignedCertificate(certDir)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	_, fp := startServeCLI(t, data, "--tls-cert", filepath.Join(certDir, wsync.CertFile), "--tls-key", filepath.Join(certDir, wsync.KeyFile))
	if fp != wsync.Fingerprint(cert.Certificate[0]) {
		t.Fatalf("serving %s, not the given certificate", fp)
	}
	if _, err := os.Stat(filepath.Join(data, wsync.CertFile)); err == nil {
		t.Fatal("made its own certificate although one was given")
	}
	if code, _, errs := runCLI(t, data, "", "serve", "--tls-cert", "x.pem"); code != 2 || !strings.Contains(errs, "go together") {
		t.Fatalf("cert without key: %d %s", code, errs)
	}
}

func TestSyncAuditLogsVerified(t *testing.T) {
	t.Setenv(UserEnvVar, "anna")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SSH_AUTH_SOCK", "")
	data := t.TempDir()
	keyFile, pub := sshdtest.UserKey(t, t.TempDir(), "id", nil)
	sshd := sshdtest.Start(t, pub)
	code, out, errs := caseCLI(t, data, "new", "--title", "Druck", "--customer", "Huber KG", "--priority", "2")
	if code != 0 {
		t.Fatalf("case new: %s", errs)
	}
	id := strings.TrimSpace(out)
	if code, _, errs := cliRun(t, "", "--data", data, "remote", "exec", "--case", id, "--identity", keyFile, "--reason", "Ticket 1", "--accept-new", sshd.Target(t), "--", "echo", "hello"); code != 0 {
		t.Fatalf("remote exec: %s", errs)
	}
	files, _ := filepath.Glob(filepath.Join(data, "audit", id, "*.jsonl"))
	if len(files) != 1 {
		t.Fatalf("audit logs %v", files)
	}
	log, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Another workstation holds a tampered copy under another name.
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "audit", id), 0o700); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(log), "echo hello", "echo hallo", 1)
	if tampered == string(log) {
		t.Fatal("the command is not in the log")
	}
	if err := os.WriteFile(filepath.Join(other, "audit", id, "tampered.jsonl"), []byte(tampered), 0o600); err != nil {
		t.Fatal(err)
	}

	srvData := t.TempDir()
	_, token, _ := runCLI(t, srvData, "", "serve", "user", "add", "--role", "consultant", "anna")
	token = strings.TrimSpace(token)
	url, fp := startServeCLI(t, srvData)
	code, out, errs = runCLI(t, data, "", "sync", "--server", url, "--token", token, "--fingerprint", fp)
	if code != 0 || strings.Contains(out, "refused") {
		t.Fatalf("genuine log: %d %q %s", code, out, errs)
	}
	code, out, errs = runCLI(t, other, "", "sync", "--server", url, "--token", token, "--fingerprint", fp)
	if code != 0 || !strings.Contains(out, "refused   audit") || !strings.Contains(out, "does not verify") {
		t.Fatalf("tampered log: %d %q %s", code, out, errs)
	}
	// The genuine log arrived on the other workstation byte for byte.
	got, err := os.ReadFile(filepath.Join(other, "audit", id, filepath.Base(files[0])))
	if err != nil || string(got) != string(log) {
		t.Fatalf("log arrived as %q (%v)", got, err)
	}
}
