package remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"werkbank/remote/sshdtest"
)

func TestCollectResumesAfterStalledSFTPServer(t *testing.T) {
	// An SFTP server that stops sending in the middle of a file while sshd
	// still answers the keep-alive probes: the stall watch cuts the
	// connection, the collection reconnects and resumes.
	const sftpServer = "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(sftpServer); err != nil {
		t.Fatalf("OpenSSH's sftp-server is not installed (.ci/run installs openssh-server): %v", err)
	}
	env := newTestEnv(t)
	// Each SFTP channel passes its first 4 MiB, then hangs.
	script := filepath.Join(t.TempDir(), "stuck-sftp")
	// (dd passes what it reads at once; head -c would wait to fill its buffer.)
	body := "#!/bin/sh\n" + sftpServer + " | { dd bs=65536 count=4194304 iflag=count_bytes 2>/dev/null; sleep 20; }\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.StartWith(t, sshdtest.Options{SFTP: script}, env.pub)
	env.trust(t, srv)
	r := env.remote(t, func(c *Config) {
		c.StallTimeout = 400 * time.Millisecond
		c.KeepAlive = 100 * time.Millisecond
		c.Reconnects = 10 // a busy CI machine may pause a healthy transfer that long too
	})
	file := filepath.Join(t.TempDir(), "big.log")
	const size = 6 << 20
	want := writeRandom(t, file, size, 12)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-15", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Collect(ctx, CollectOptions{Paths: []string{file}})
	if err != nil || len(res.Files) != 1 || res.Files[0].SHA256 != want {
		t.Fatalf("collect: %v %+v", err, res)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, s.AuditPath)
	var reconnects int
	for _, ev := range evs {
		if ev.Type == EventReconnect {
			reconnects++
			if !strings.Contains(ev.Error, "stalled") {
				t.Errorf("reconnect without the reason: %+v", ev)
			}
		}
	}
	if reconnects == 0 {
		t.Fatal("no reconnect recorded")
	}
	verifyOK(t, r, s.AuditPath)
}

func TestCollectFromGarbageSFTPServer(t *testing.T) {
	// An SFTP subsystem that answers with something else: a clear error,
	// on record in the audit, nothing attached.
	env := newTestEnv(t)
	script := filepath.Join(t.TempDir(), "garbage-sftp")
	body := "#!/bin/sh\nprintf 'HTTP/1.1 400 Bad Request\\r\\n\\r\\n'\nsleep 2\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.StartWith(t, sshdtest.Options{SFTP: script}, env.pub)
	env.trust(t, srv)
	r := env.remote(t, func(c *Config) { c.StallTimeout = time.Second })
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-16", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Collect(context.Background(), CollectOptions{Paths: []string{"/etc/hostname"}})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "SFTP") || len(res.Files) != 0 {
		t.Fatalf("garbage: %v %+v", err, res)
	}
	s.Close()
	data, err := os.ReadFile(s.AuditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"type":"error"`) {
		t.Fatalf("the failure is not on record:\n%s", data)
	}
	verifyOK(t, r, s.AuditPath)
	if attached, _ := filepath.Glob(filepath.Join(r.AttachmentsDir(), "*")); len(attached) > 1 {
		t.Fatalf("something was attached: %v", attached)
	}
}

func TestGlobOnStalledServerIsAnError(t *testing.T) {
	// A listing that stalls is an error (after reconnecting), not "no file
	// matches"; a bad pattern is refused at once, without reconnects.
	const sftpServer = "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(sftpServer); err != nil {
		t.Fatalf("OpenSSH's sftp-server is not installed (.ci/run installs openssh-server): %v", err)
	}
	env := newTestEnv(t)
	// Each SFTP channel passes its first 2 KiB: enough to start, not for
	// the listing of a folder with many files. (dd's count must be a
	// multiple of bs, or it waits to fill the last block.)
	script := filepath.Join(t.TempDir(), "stuck-sftp")
	body := "#!/bin/sh\n" + sftpServer + " | { dd bs=1024 count=2048 iflag=count_bytes 2>/dev/null; sleep 20; }\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 60 {
		writeRandom(t, filepath.Join(dir, fmt.Sprintf("application-server-%02d.log", i)), 10, uint64(i))
	}
	srv := sshdtest.StartWith(t, sshdtest.Options{SFTP: script}, env.pub)
	env.trust(t, srv)
	r := env.remote(t, func(c *Config) {
		c.StallTimeout = time.Second
		c.Reconnects = 1
	})
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-17", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Collect(context.Background(), CollectOptions{Paths: []string{filepath.Join(dir, "*.log"), filepath.Join(dir, "x[")}})
	if err == nil || len(res.Failed) != 2 {
		t.Fatalf("collect: %v %+v", err, res)
	}
	if got := res.Failed[0].Error(); !strings.Contains(got, "stalled") {
		t.Errorf("stalled listing: %s", got)
	}
	if got := res.Failed[1].Error(); !strings.Contains(got, "syntax error in pattern") {
		t.Errorf("bad pattern: %s", got)
	}
	s.Close()
	var reconnects int
	for _, ev := range readEvents(t, s.AuditPath) {
		if ev.Type == EventReconnect {
			reconnects++
		}
	}
	if reconnects != 1 { // the listing's one; none for the bad pattern
		t.Errorf("%d reconnects", reconnects)
	}
	verifyOK(t, r, s.AuditPath)
}

func TestGlobRemote(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-18", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	client, err := s.client()
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := newSFTP(client)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	dir := t.TempDir()
	for _, f := range []string{"b/2.log", "a/1.log", "a/1.txt", "c/.keep"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		pattern string
		want    []string
	}{
		{dir + "/*/*.log", []string{dir + "/a/1.log", dir + "/b/2.log"}},
		{dir + "/a/1.*", []string{dir + "/a/1.log", dir + "/a/1.txt"}},
		{dir + "/a/1.log", []string{dir + "/a/1.log"}},
		{dir + "/missing/*.log", nil},
		{dir + "/a/none.log", nil},
	} {
		got, err := globRemote(sc, c.pattern)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v %v, want %v", c.pattern, got, err, c.want)
		}
	}
	if _, err := globRemote(sc, dir+"/[a"); !errors.Is(err, path.ErrBadPattern) {
		t.Errorf("bad pattern: %v", err)
	}
}
