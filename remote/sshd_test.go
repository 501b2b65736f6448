package remote

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"werkbank/remote/sshdtest"
)

// testSSHD is a real OpenSSH sshd (see package sshdtest).
type testSSHD = sshdtest.Server

func startSSHD(t testing.TB, authorized ...ssh.PublicKey) *testSSHD {
	return sshdtest.Start(t, authorized...)
}

func currentUser(t testing.TB) string { return sshdtest.CurrentUser(t) }

func freePort(t testing.TB) int { return sshdtest.FreePort(t) }

func userKey(t testing.TB, dir, name string, passphrase []byte) (string, ssh.PublicKey) {
	return sshdtest.UserKey(t, dir, name, passphrase)
}

func startProxy(t testing.TB, to string) *sshdtest.Proxy { return sshdtest.StartProxy(t, to) }

// testEnv is a data folder with a user key, ready to talk to test sshds.
type testEnv struct {
	data    string
	keyFile string
	pub     ssh.PublicKey
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	data := t.TempDir()
	keyFile, pub := userKey(t, t.TempDir(), "id_ed25519", nil)
	return &testEnv{data: data, keyFile: keyFile, pub: pub}
}

// trust adds the servers' host keys to the app's known_hosts file.
func (e *testEnv) trust(t testing.TB, servers ...*testSSHD) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(e.data, "known_hosts"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range servers {
		if _, err := f.WriteString(s.KnownHostsLine()); err != nil {
			t.Fatal(err)
		}
	}
}

// remote returns a Remote for this env; mod may adjust the config.
func (e *testEnv) remote(t testing.TB, mod func(*Config)) *Remote {
	t.Helper()
	cfg := Config{
		DataDir:        e.data,
		Who:            "tester",
		Auth:           Auth{IdentityFiles: []string{e.keyFile}},
		ConnectTimeout: 10 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// verifyOK verifies a session's audit log and fails the test on problems.
func verifyOK(t *testing.T, r *Remote, path string) *VerifyResult {
	t.Helper()
	trusted, err := TrustedFingerprints(r.cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := VerifyFile(path, VerifyOptions{RecordingsDir: r.RecordingsDir(), TrustedKeys: trusted})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("audit %s does not verify: %v", path, res.Problems)
	}
	return res
}

// readEvents parses an audit log.
func readEvents(t *testing.T, path string) []Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	for _, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		ev, err := decodeEvent(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		evs = append(evs, *ev)
	}
	return evs
}

func eventTypes(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// trustAs records key for addr in the app's known_hosts file.
func (e *testEnv) trustAs(t *testing.T, addr string, key ssh.PublicKey) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(e.data, "known_hosts"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(knownhosts.Line([]string{knownhosts.Normalize(addr)}, key) + "\n"); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
