package remote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// testSSHD is a real OpenSSH sshd on 127.0.0.1 with its own host key and
// authorized keys, running as the current user.
type testSSHD struct {
	t       *testing.T
	dir     string
	port    int
	hostKey ssh.PublicKey
	config  string
	cmd     *exec.Cmd
	log     *syncBuffer
	stopped bool
}

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

const sshdPath = "/usr/sbin/sshd"

// startSSHD starts sshd; authorized are the public keys allowed to log in.
func startSSHD(t *testing.T, authorized ...ssh.PublicKey) *testSSHD {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skipf("OpenSSH server not installed (%v); .ci/run installs openssh-server", err)
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("privilege separation folder: %v", err)
	}
	dir := t.TempDir()
	hostKeyFile := filepath.Join(dir, "host_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKeyFile).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pubData, err := os.ReadFile(hostKeyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey(pubData)
	if err != nil {
		t.Fatal(err)
	}
	var ak bytes.Buffer
	for _, k := range authorized {
		ak.Write(ssh.MarshalAuthorizedKey(k))
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), ak.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &testSSHD{t: t, dir: dir, hostKey: hostKey, port: freePort(t), log: &syncBuffer{}}
	s.config = filepath.Join(dir, "sshd_config")
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PidFile %s
Subsystem sftp internal-sftp
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowTcpForwarding yes
LogLevel ERROR
`, s.port, hostKeyFile, filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"))
	if err := os.WriteFile(s.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *testSSHD) start() {
	s.t.Helper()
	s.cmd = exec.Command(sshdPath, "-D", "-e", "-f", s.config)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start sshd: %v", err)
	}
	s.stopped = false
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr(), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("sshd did not listen on %s: %v\n%s", s.addr(), err, s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills sshd and every connection it serves (the process group).
func (s *testSSHD) stop() {
	if s.stopped || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.stopped = true
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	_ = s.cmd.Wait()
}

func (s *testSSHD) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// target returns USER@127.0.0.1:PORT for the current user.
func (s *testSSHD) target(t *testing.T) string {
	return currentUser(t) + "@" + s.addr()
}

// knownHostsLine is the known_hosts line for this server.
func (s *testSSHD) knownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.addr())}, s.hostKey) + "\n"
}

func currentUser(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// userKey writes a new ed25519 user key (OpenSSH format, optionally
// encrypted) to dir and returns its file and public key.
func userKey(t *testing.T, dir, name string, passphrase []byte) (string, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase != nil {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", passphrase)
	} else {
		block, err = ssh.MarshalPrivateKey(priv, "test")
	}
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return file, sp
}

// testEnv is a data folder with a user key, ready to talk to test sshds.
type testEnv struct {
	data    string
	keyFile string
	pub     ssh.PublicKey
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	data := t.TempDir()
	keyFile, pub := userKey(t, t.TempDir(), "id_ed25519", nil)
	return &testEnv{data: data, keyFile: keyFile, pub: pub}
}

// trust adds the servers' host keys to the app's known_hosts file.
func (e *testEnv) trust(t *testing.T, servers ...*testSSHD) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(e.data, "known_hosts"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range servers {
		if _, err := f.WriteString(s.knownHostsLine()); err != nil {
			t.Fatal(err)
		}
	}
}

// remote returns a Remote for this env; mod may adjust the config.
func (e *testEnv) remote(t *testing.T, mod func(*Config)) *Remote {
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
	res, err := VerifyFile(path, VerifyOptions{RecordingsDir: r.RecordingsDir()})
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

// cutProxy forwards TCP connections to a server; cut drops every open
// connection as a broken network would.
type cutProxy struct {
	l     net.Listener
	to    string
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func startProxy(t *testing.T, to string) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, to: to}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		l.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) addr() string { return p.l.Addr().String() }

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.to)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(s, c); s.Close() }()
		go func() { defer p.wg.Done(); io.Copy(c, s); c.Close() }()
	}
}

// cut closes every connection through the proxy.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
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
