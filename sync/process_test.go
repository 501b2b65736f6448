package sync

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The tests in this file run the real server binary as a process.

var (
	buildOnce stdsync.Once
	binPath   string
	buildErr  error
)

// serverBinary builds cmd/werkbank-server without cgo, once per test run.
func serverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "werkbank-server-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "werkbank-server")
		cmd := exec.Command("go", "build", "-o", binPath, "werkbank/cmd/werkbank-server")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build server: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// serverProc is the server binary running on a data folder.
type serverProc struct {
	t     testing.TB
	bin   string
	dir   string
	addr  string
	fp    string
	cmd   *exec.Cmd
	done  chan error
	users map[Role]string
}

// startServerProc creates users with the binary's admin command, then
// starts the server on a free loopback port.
func startServerProc(t testing.TB) *serverProc {
	t.Helper()
	s := &serverProc{t: t, bin: serverBinary(t), dir: t.TempDir(), addr: "127.0.0.1:0", users: map[Role]string{}}
	for _, r := range Roles {
		out, err := exec.Command(s.bin, "user", "add", "--data", s.dir, "--role", string(r), "user-"+string(r)).Output()
		if err != nil {
			t.Fatalf("user add: %v", err)
		}
		s.users[r] = strings.TrimSpace(string(out))
		if len(s.users[r]) != 64 {
			t.Fatalf("token %q", out)
		}
	}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *serverProc) url() string { return "https://" + s.addr }

// start runs the server and waits until it listens.
func (s *serverProc) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--data", s.dir, "--listen", s.addr)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	s.cmd.Stderr = os.Stderr
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan error, 1)
	lines := bufio.NewScanner(stdout)
	for i := 0; i < 2 && lines.Scan(); i++ {
		if a, ok := strings.CutPrefix(lines.Text(), "listening on https://"); ok {
			s.addr = a
		}
		if fp, ok := strings.CutPrefix(lines.Text(), "certificate SHA-256 fingerprint "); ok {
			if s.fp != "" && s.fp != fp {
				s.t.Fatalf("fingerprint changed across restarts: %s → %s", s.fp, fp)
			}
			s.fp = fp
		}
	}
	if s.fp == "" || strings.HasSuffix(s.addr, ":0") {
		s.t.Fatalf("server did not start (addr %s)", s.addr)
	}
	go func() {
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained
		s.done <- s.cmd.Wait()
	}()
}

// stop ends the server gracefully (SIGTERM).
func (s *serverProc) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM) // it may have exited already
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill() // hung: end it by force
		<-s.done
	}
	s.cmd = nil
}

// kill ends the server with SIGKILL, as a crash.
func (s *serverProc) kill() {
	if err := s.cmd.Process.Kill(); err != nil {
		s.t.Fatal(err)
	}
	<-s.done
	s.cmd = nil
}

// cutProxy forwards TCP connections to target and cuts each of the first
// cuts connections after up bytes from the client or down bytes from the
// server, whichever comes first.
type cutProxy struct {
	ln       net.Listener
	target   string
	up, down int64
	cuts     atomic.Int64
	wg       stdsync.WaitGroup
	mu       stdsync.Mutex
	conns    map[net.Conn]bool
}

func startCutProxy(t testing.TB, target string, up, down, cuts int64) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, up: up, down: down, conns: map[net.Conn]bool{}}
	p.cuts.Store(cuts)
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.forward(c, p.cuts.Add(-1) >= 0)
		}()
	}
}

func (p *cutProxy) forward(c net.Conn, cut bool) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		delete(p.conns, s)
		p.mu.Unlock()
	}()
	var up, down io.Reader = c, s
	if cut {
		up, down = io.LimitReader(c, p.up), io.LimitReader(s, p.down)
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(c, down) // ends at the limit or when either side closes
		c.Close()
		s.Close()
		close(done)
	}()
	_, _ = io.Copy(s, up) // ends at the limit or when the client closes
	c.Close()
	s.Close()
	<-done
}

func (p *cutProxy) url() string { return "https://" + p.ln.Addr().String() }

// syncUntilOK repeats rounds until one succeeds, as the background loop
// does; it returns the number of failed rounds.
func syncUntilOK(t testing.TB, p *peer, max int) int {
	t.Helper()
	for i := range max {
		start := time.Now()
		_, err := p.client.Sync(context.Background())
		if err == nil {
			return i
		}
		t.Logf("round %d cut after %v: %v", i, time.Since(start), err)
	}
	t.Fatalf("no successful round in %d tries", max)
	return max
}

// countTitles counts the documents of kind whose title starts with prefix.
func countTitles(t testing.TB, p *peer, kind, prefix string) int {
	t.Helper()
	n := 0
	for _, s := range p.snapshot() {
		if strings.HasPrefix(s, kind+"/") && strings.Contains(s, `"title":"`+prefix) {
			n++
		}
	}
	return n
}
