package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeRandom writes n pseudo-random bytes to file and returns their SHA-256.
func writeRandom(t *testing.T, file string, n int64, seed uint64) string {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	rng := rand.NewChaCha8([32]byte{byte(seed)})
	if _, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rng, n)); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type memSink struct {
	mu    sync.Mutex
	files []CollectedFile
	cases []string
}

func (m *memSink) AttachFile(_ context.Context, caseID string, f CollectedFile) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files = append(m.files, f)
	m.cases = append(m.cases, caseID)
	return nil
}

func TestCollectFilesAndGlob(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	sink := &memSink{}
	r := env.remote(t, func(c *Config) { c.Sink = sink })
	logs := t.TempDir()
	sums := map[string]string{
		"app.log":   writeRandom(t, filepath.Join(logs, "app.log"), 1<<20+17, 1),
		"app.1.log": writeRandom(t, filepath.Join(logs, "app.1.log"), 1000, 2),
		"big.dump":  writeRandom(t, filepath.Join(logs, "big.dump"), 3<<20, 3),
	}
	if err := os.WriteFile(filepath.Join(logs, "empty.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	sums["empty.txt"] = hex.EncodeToString(sha256.New().Sum(nil))
	// A remote file name with a control character (it could fake lines in
	// listings) is refused even when a glob finds it.
	if err := os.WriteFile(filepath.Join(logs, "evil\x1b[2K.log"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-10", Reason: "logs for ticket 1", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var progress []Progress
	res, err := s.Collect(ctx, CollectOptions{
		Paths:    []string{filepath.Join(logs, "*.log"), filepath.Join(logs, "empty.txt"), filepath.Join(logs, "big.dump"), filepath.Join(logs, "missing.log"), logs + "/../etc/passwd", logs},
		MaxSize:  2<<20 + 1<<19,
		Progress: func(p Progress) { progress = append(progress, p) },
	})
	if err == nil {
		t.Fatal("missing file and escaping path must be reported")
	}
	var got []string
	for _, f := range res.Files {
		got = append(got, f.Name)
		data, rerr := os.ReadFile(f.Path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != sums[f.Name] || f.SHA256 != sums[f.Name] || int64(len(data)) != f.Size {
			t.Fatalf("%s: content does not match", f.Name)
		}
		if f.Path != filepath.Join(r.AttachmentsDir(), f.SHA256) {
			t.Fatalf("not content-addressed: %s", f.Path)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"app.1.log", "app.log", "empty.txt"}) {
		t.Fatalf("collected %v", got)
	}
	var failed []string
	for _, f := range res.Failed {
		failed = append(failed, f.Error())
	}
	joined := strings.Join(failed, "\n")
	missing := slices.IndexFunc(res.Failed, func(e CollectError) bool { return strings.HasSuffix(e.Path, "missing.log") })
	if missing < 0 || !errors.Is(res.Failed[missing], fs.ErrNotExist) {
		t.Errorf("a missing file is not fs.ErrNotExist: %v", res.Failed)
	}
	for _, want := range []string{"big.dump: 3145728 bytes is over the limit", "missing.log: no such file", "tries to escape",
		"control characters", logs + ": not a regular file"} {
		if !strings.Contains(joined, want) {
			t.Errorf("failures lack %q:\n%s", want, joined)
		}
	}
	if len(sink.files) != 3 || sink.cases[0] != "C-10" {
		t.Fatalf("sink got %d files for %v", len(sink.files), sink.cases)
	}
	if len(progress) == 0 || progress[len(progress)-1].Done != progress[len(progress)-1].Total {
		t.Fatalf("progress %v", progress)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, s.AuditPath)
	var files, errs int
	for _, e := range evs {
		switch e.Type {
		case EventFile:
			files++
			if e.Size == nil || e.SHA256 != sums[filepath.Base(e.Path)] {
				t.Fatalf("file event %+v", e)
			}
		case EventError:
			errs++
		}
	}
	if files != 3 || errs != 5 {
		t.Fatalf("%d file and %d error events: %v", files, errs, eventTypes(evs))
	}
	verifyOK(t, r, s.AuditPath)
	if left, _ := filepath.Glob(filepath.Join(r.AttachmentsDir(), ".partial", "*")); len(left) != 0 {
		t.Fatalf("partial files left: %v", left)
	}
}

func TestCollectResumesAfterCut(t *testing.T) {
	for _, general := range []bool{false, true} {
		name := "fast path"
		if general {
			name = "general SFTP client"
		}
		t.Run(name, func(t *testing.T) { testCollectResumesAfterCut(t, general) })
	}
}

func testCollectResumesAfterCut(t *testing.T, general bool) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	proxy := startProxy(t, srv.Addr())
	env.trustAs(t, proxy.Addr(), srv.HostKey)
	r := env.remote(t, func(c *Config) { c.generalSFTP = general })
	file := filepath.Join(t.TempDir(), "server.log")
	const size = 24 << 20
	want := writeRandom(t, file, size, 7)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-11", Reason: "r", Target: currentUser(t) + "@" + proxy.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var once sync.Once
	var cutAt int64
	res, err := s.Collect(ctx, CollectOptions{Paths: []string{file}, Progress: func(p Progress) {
		if p.Done >= 6<<20 {
			once.Do(func() { cutAt = p.Done; proxy.Cut() })
		}
	}})
	if err != nil {
		data, _ := os.ReadFile(s.AuditPath)
		t.Fatalf("%v\n%s", err, data)
	}
	if cutAt == 0 || len(res.Files) != 1 || res.Files[0].SHA256 != want || res.Files[0].Size != size {
		t.Fatalf("cut at %d, result %+v", cutAt, res.Files)
	}
	s.Close()
	evs := readEvents(t, s.AuditPath)
	if !slices.Contains(eventTypes(evs), EventReconnect) {
		t.Fatalf("no reconnect on record: %v", eventTypes(evs))
	}
	verifyOK(t, r, s.AuditPath)
}

func TestCollectCancelThenResumeInNewSession(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	file := filepath.Join(t.TempDir(), "trace.log")
	const size = 16 << 20
	want := writeRandom(t, file, size, 9)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := r.Open(ctx, SessionRequest{Case: "C-12", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Collect(ctx, CollectOptions{Paths: []string{file}, Progress: func(p Progress) {
		if p.Done >= 4<<20 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || len(res.Files) != 0 {
		t.Fatalf("cancel: %v, %+v", err, res)
	}
	s.Close()
	verifyOK(t, r, s.AuditPath)
	partials, _ := filepath.Glob(filepath.Join(r.AttachmentsDir(), ".partial", "*"))
	if len(partials) != 1 {
		t.Fatalf("partials %v", partials)
	}
	st, err := os.Stat(partials[0])
	if err != nil || st.Size() == 0 || st.Size() >= size {
		t.Fatalf("partial size %v, %v", st, err)
	}
	// The space reserved for the whole file is given back until the resume.
	if used := diskUsage(st); used > st.Size()+1<<20 {
		t.Fatalf("the partial file of %d bytes holds %d bytes of disk", st.Size(), used)
	}
	if attached, _ := filepath.Glob(filepath.Join(r.AttachmentsDir(), "*")); len(attached) != 1 { // only .partial
		t.Fatalf("something was attached: %v", attached)
	}
	var first int64 = -1
	s2, err := r.Open(context.Background(), SessionRequest{Case: "C-12", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	res, err = s2.Collect(context.Background(), CollectOptions{Paths: []string{file}, Progress: func(p Progress) {
		if first < 0 {
			first = p.Done
		}
	}})
	if err != nil || len(res.Files) != 1 || res.Files[0].SHA256 != want {
		t.Fatalf("resume: %v %+v", err, res)
	}
	if first < 4<<20 {
		t.Fatalf("the second run started at %d instead of continuing", first)
	}

	// Partial files untouched for longer than a week are dropped.
	stale := filepath.Join(r.AttachmentsDir(), ".partial", "stale")
	if err := os.WriteFile(stale, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-8 * 24 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Collect(context.Background(), CollectOptions{Paths: []string{file}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale partial kept: %v", err)
	}
}

func TestCheckRemotePath(t *testing.T) {
	for _, p := range []string{"", "../etc/passwd", "/var/log/../../etc/shadow", "a/..", "/var/log/x\nfake", "/tmp/\x1b[31m"} {
		if err := CheckRemotePath(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
	for _, p := range []string{"/var/log/syslog", "logs/app..log", "/opt/erp/*.log", "C:/temp/x.log"} {
		if err := CheckRemotePath(p); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
}

func TestSFTPReadSizeFromOpenSSH(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	env.trust(t, srv)
	r := env.remote(t, nil)
	s, err := r.Open(context.Background(), SessionRequest{Case: "C-13", Reason: "r", Target: srv.Target(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.client()
	if err != nil {
		t.Fatal(err)
	}
	n, err := sftpReadSize(c)
	if err != nil {
		t.Fatal(err)
	}
	// OpenSSH's internal-sftp grants 256 KiB minus 1 KiB.
	if n != 261120 {
		t.Fatalf("read size %d", n)
	}
}

func TestCollectRecoversFromHangingConnection(t *testing.T) {
	env := newTestEnv(t)
	srv := startSSHD(t, env.pub)
	proxy := startProxy(t, srv.Addr())
	env.trustAs(t, proxy.Addr(), srv.HostKey)
	// Keep-alive probes every 100 ms: a silent connection is given up
	// after 300 ms.
	r := env.remote(t, func(c *Config) { c.KeepAlive = 100 * time.Millisecond })
	file := filepath.Join(t.TempDir(), "big.log")
	const size = 16 << 20
	want := writeRandom(t, file, size, 11)
	ctx := context.Background()
	s, err := r.Open(ctx, SessionRequest{Case: "C-14", Reason: "r", Target: currentUser(t) + "@" + proxy.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var once sync.Once
	res, err := s.Collect(ctx, CollectOptions{Paths: []string{file}, Progress: func(p Progress) {
		if p.Done >= 4<<20 {
			once.Do(proxy.Freeze)
		}
	}})
	if err != nil || len(res.Files) != 1 || res.Files[0].SHA256 != want {
		t.Fatalf("%v %+v", err, res)
	}
	s.Close()
	if !slices.Contains(eventTypes(readEvents(t, s.AuditPath)), EventReconnect) {
		t.Fatal("no reconnect on record")
	}
	verifyOK(t, r, s.AuditPath)
}
