package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitFor waits until the shared output contains s.
func waitFor(t *testing.T, out *syncBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in output:\n%s", s, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestShellRecordedWithoutTypedSecrets(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-20", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	inR, inW := io.Pipe()
	out := &syncBuffer{}
	sh, err := s.Shell(ctx, ShellOptions{Term: "xterm", Cols: 100, Rows: 30, Stdin: inR, Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, "stty -echo; echo RE''ADY; read x; stty echo; echo got-${#x}-chars\n")
	waitFor(t, out, "READY")
	io.WriteString(inW, "hunter2\n")
	waitFor(t, out, "got-7-chars")
	if err := sh.Resize(120, 40); err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, "echo grüße; exit 5\n")
	if err := sh.Wait(); err != nil {
		t.Fatal(err)
	}
	inW.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(r.RecordingsDir(), sh.Recording)
	f, err := os.Open(rec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	var hdr asciicastHeader
	if err := json.Unmarshal(sc.Bytes(), &hdr); err != nil || hdr.Version != 2 || hdr.Width != 100 || hdr.Height != 30 {
		t.Fatalf("header %q: %v", sc.Text(), err)
	}
	var output strings.Builder
	var resized bool
	for sc.Scan() {
		var ev []any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("event %q: %v", sc.Text(), err)
		}
		switch ev[1] {
		case "o":
			output.WriteString(ev[2].(string))
		case "r":
			resized = ev[2] == "120x40"
		default:
			t.Fatalf("event kind %v: input must never be recorded", ev[1])
		}
	}
	got := output.String()
	if !strings.Contains(got, "got-7-chars") || !strings.Contains(got, "grüße") || !resized {
		t.Fatalf("recording lacks output or resize:\n%s", got)
	}
	if strings.Contains(got, "hunter2") {
		t.Fatal("typed input with echo off reached the recording")
	}
	evs := readEvents(t, s.AuditPath)
	end := evs[len(evs)-2]
	if end.Type != EventShellEnd || end.ExitStatus == nil || *end.ExitStatus != 5 || end.SHA256 == "" || end.Recording != sh.Recording {
		t.Fatalf("shell_end %+v", end)
	}
	verifyOK(t, r, s.AuditPath)
	data, _ := os.ReadFile(s.AuditPath)
	if strings.Contains(string(data), "hunter2") {
		t.Fatal("typed input reached the audit")
	}
}

func TestShellEndsOnCancel(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-21", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	defer inW.Close()
	sh, err := s.Shell(ctx, ShellOptions{Stdin: inR})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan error, 1)
	go func() { done <- sh.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cut shell reported success")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shell did not end after cancel")
	}
	s.Close()
	verifyOK(t, r, s.AuditPath)
}

func TestJumpHost(t *testing.T) {
	env := newTestEnv(t)
	jump := startSSHD(t, env.pub)
	target := startSSHD(t, env.pub)
	env.trust(t, target)
	user := currentUser(t)
	cfgText := "Host erp\n  HostName 127.0.0.1\n  Port " + itoa(target.Port) + "\n  User " + user +
		"\n  ProxyJump jumpbox\n\nHost jumpbox\n  HostName 127.0.0.1\n  Port " + itoa(jump.Port) + "\n  User " + user + "\n"
	sshCfg, err := ParseSSHConfig(strings.NewReader(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	r := env.remote(t, func(c *Config) { c.SSHConfig = sshCfg })
	ctx := context.Background()
	// The jump host is not trusted yet: refused, naming the jump host.
	_, err = r.Open(ctx, SessionRequest{Case: "C-22", Reason: "r", Target: "erp"})
	var unknown *UnknownHostError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "jump host") || unknown.Host != jump.Addr() {
		t.Fatalf("untrusted jump host: %v", err)
	}
	env.trust(t, jump)
	s, err := r.Open(ctx, SessionRequest{Case: "C-22", Reason: "r", Target: "erp"})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if _, err := s.Exec(ctx, "echo via-jump", &out, nil); err != nil || out.String() != "via-jump\n" {
		t.Fatalf("exec through jump: %q %v", out.String(), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, s.AuditPath)
	want := user + "@" + jump.Addr() + " -> " + user + "@" + target.Addr()
	if evs[1].Route != want {
		t.Fatalf("route %q, want %q", evs[1].Route, want)
	}
	verifyOK(t, r, s.AuditPath)

	// The explicit ProxyJump of the request works without a config, too.
	r2 := env.remote(t, nil)
	s, err = r2.Open(ctx, SessionRequest{Case: "C-22", Reason: "r", Target: target.Target(t), ProxyJump: jump.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestShellDroppedConnection(t *testing.T) {
	// The network drops in the middle of a shell: it ends with an error,
	// its recording's hash and the failure are on record, the log verifies.
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	proxy := startProxy(t, srv.Addr())
	env.trustAs(t, proxy.Addr(), srv.HostKey)
	r := env.remote(t, func(c *Config) { c.KeepAlive = 100 * time.Millisecond })
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-22", Reason: "r", Target: currentUser(t) + "@" + proxy.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	defer inW.Close()
	out := &syncBuffer{}
	sh, err := s.Shell(context.Background(), ShellOptions{Stdin: inR, Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(inW, "echo RE''ADY\n")
	waitFor(t, out, "READY")
	proxy.Cut()
	done := make(chan error, 1)
	go func() { done <- sh.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a dropped shell reported success")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the shell did not end after the connection dropped")
	}
	s.Close()
	var end *Event
	for _, ev := range readEvents(t, s.AuditPath) {
		if ev.Type == EventShellEnd {
			end = &ev
		}
	}
	if end == nil || end.SHA256 == "" || end.Error == "" {
		t.Fatalf("shell end %+v", end)
	}
	verifyOK(t, r, s.AuditPath)
}
