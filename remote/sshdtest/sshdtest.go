// Package sshdtest starts real OpenSSH sshd servers on 127.0.0.1 for tests:
// each with its own host key, authorized keys, configuration and port,
// running as the current user. It also makes user keys and a TCP proxy
// that can cut connections like a broken network.
package sshdtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SSHDPath is the OpenSSH server binary.
const SSHDPath = "/usr/sbin/sshd"

// Server is a running sshd.
type Server struct {
	// Dir holds the server's configuration and keys.
	Dir string
	// Port is the TCP port on 127.0.0.1.
	Port int
	// HostKey is the server's ed25519 host key.
	HostKey ssh.PublicKey

	t       testing.TB
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

// Start starts sshd; authorized are the public keys allowed to log in. The
// test is skipped when sshd is not installed; the server stops at cleanup.
func Start(t testing.TB, authorized ...ssh.PublicKey) *Server {
	t.Helper()
	return StartWith(t, Options{}, authorized...)
}

// Options change the test server.
type Options struct {
	// SFTP is the SFTP subsystem command (sshd_config's "Subsystem sftp"),
	// e.g. a script around /usr/lib/openssh/sftp-server that misbehaves;
	// default internal-sftp.
	SFTP string
	// HostCA, if set, is a CA private key file (ssh-keygen) that signs the
	// host key: the server presents a host certificate for 127.0.0.1.
	HostCA string
}

// StartWith is Start with options.
func StartWith(t testing.TB, opt Options, authorized ...ssh.PublicKey) *Server {
	t.Helper()
	if opt.SFTP == "" {
		opt.SFTP = "internal-sftp"
	}
	if !supported {
		t.Skip("the OpenSSH test servers need a Unix system")
	}
	if _, err := os.Stat(SSHDPath); err != nil {
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
	s := &Server{t: t, Dir: dir, HostKey: hostKey, Port: FreePort(t), log: &syncBuffer{}}
	s.config = filepath.Join(dir, "sshd_config")
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PidFile %s
Subsystem sftp %s
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AllowTcpForwarding yes
UseDNS no
AcceptEnv LANG LC_*
LogLevel ERROR
`, s.Port, hostKeyFile, filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"), opt.SFTP)
	if opt.HostCA != "" {
		out, err := exec.Command("ssh-keygen", "-q", "-s", opt.HostCA, "-I", "werkbank-test-host", "-h", "-n", "127.0.0.1",
			hostKeyFile+".pub").CombinedOutput()
		if err != nil {
			t.Fatalf("sign the host key: %v: %s", err, out)
		}
		cfg += "HostCertificate " + hostKeyFile + "-cert.pub\n"
	}
	if err := os.WriteFile(s.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start() {
	s.t.Helper()
	s.cmd = exec.Command(SSHDPath, "-D", "-e", "-f", s.config)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = groupAttr()
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start sshd: %v", err)
	}
	s.stopped = false
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("sshd did not listen on %s: %v\n%s", s.Addr(), err, s.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the listening sshd (sessions it already forked end when their
// connections close).
func (s *Server) Stop() {
	if s.stopped || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.stopped = true
	killGroup(s.cmd)
	_ = s.cmd.Wait() // the kill is the expected end
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// Target returns USER@127.0.0.1:PORT for the current user.
func (s *Server) Target(t testing.TB) string { return CurrentUser(t) + "@" + s.Addr() }

// KnownHostsLine is the known_hosts line for this server.
func (s *Server) KnownHostsLine() string { return KnownHostsLine(s.Addr(), s.HostKey) }

// KnownHostsLine is a known_hosts line for key at addr, with a newline.
func KnownHostsLine(addr string, key ssh.PublicKey) string {
	return knownhosts.Line([]string{knownhosts.Normalize(addr)}, key) + "\n"
}

// CurrentUser is the login name of the user running the test.
func CurrentUser(t testing.TB) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// UserKey writes a new ed25519 user key (OpenSSH format, encrypted when
// passphrase is not nil) to dir/name and returns the file and public key.
func UserKey(t testing.TB, dir, name string, passphrase []byte) (string, ssh.PublicKey) {
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

// Proxy forwards TCP connections to a server; Cut drops every open
// connection as a broken network would, Freeze makes them hang.
type Proxy struct {
	l     net.Listener
	to    string
	mu    sync.Mutex
	pairs []*pair
	wg    sync.WaitGroup
}

// pair is one forwarded connection.
type pair struct {
	client, server net.Conn
	frozen         chan struct{} // closed by Freeze
}

// StartProxy listens on 127.0.0.1 and forwards to the address to; it stops
// at cleanup.
func StartProxy(t testing.TB, to string) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{l: l, to: to}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		l.Close()
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

func (p *Proxy) serve() {
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
		pr := &pair{client: c, server: s, frozen: make(chan struct{})}
		p.mu.Lock()
		p.pairs = append(p.pairs, pr)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); pr.forward(s, c) }()
		go func() { defer p.wg.Done(); pr.forward(c, s) }()
	}
}

// forward copies until an error or until the pair is frozen; a frozen
// pair stays open but silent.
func (pr *pair) forward(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-pr.frozen:
			return
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
}

// Cut closes every connection through the proxy.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.pairs {
		pr.client.Close()
		pr.server.Close()
	}
	p.pairs = nil
}

// Freeze makes every open connection hang: nothing more is forwarded, but
// nothing is closed either (until Cut or the end of the test). New
// connections work.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.pairs {
		select {
		case <-pr.frozen:
		default:
			close(pr.frozen)
		}
	}
}
