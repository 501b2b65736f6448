package sync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// logPeer is a client that syncs only audit logs and recordings.
type logPeer struct {
	dir    string
	client *Client
}

func newLogPeer(t *testing.T, ts *testServer) *logPeer {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	recs := Recordings(filepath.Join(dir, "recordings"), filepath.Join(dir, "attachments"))
	recs.MinAge = 0
	c, err := NewClient(context.Background(), ClientConfig{DB: db, BlobDir: filepath.Join(dir, "attachments"),
		Replicas: []Replica{AuditLogs(filepath.Join(dir, "audit")), recs},
		Server:   ts.url, Token: ts.tokens[RoleConsultant], Fingerprint: ts.fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	return &logPeer{dir: dir, client: c}
}

func (p *logPeer) write(t *testing.T, rel, content string) {
	t.Helper()
	path := filepath.Join(p.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (p *logPeer) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (p *logPeer) sync(t *testing.T) Report {
	t.Helper()
	rep, err := p.client.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestLogFilesSync(t *testing.T) {
	ts := startTestServer(t)
	a, b := newLogPeer(t, ts), newLogPeer(t, ts)
	audit := `{"seq":1,"type":"start","prev":"000"}` + "\n" + `{"seq":2,"type":"exec","command":"ls  -l","prev":"abc"}` + "\n"
	cast := `{"version": 2, "width": 80, "height": 24}` + "\n" + `[0.5, "o", "$ ls\r\n"]` + "\n"
	a.write(t, "audit/C-1/s1.jsonl", audit+`{"seq":3,"type":"end"`) // the last line is still being written
	a.write(t, "recordings/s1.cast", cast)
	if rep := a.sync(t); rep.Pushed != 2 || rep.BlobsUp != 1 {
		t.Fatalf("push: %+v", rep)
	}
	if rep := b.sync(t); rep.BlobsDown != 1 {
		t.Fatalf("pull: %+v", rep)
	}
	if got := b.read(t, "audit/C-1/s1.jsonl"); got != audit {
		t.Fatalf("audit log arrived as %q", got)
	}
	if got := b.read(t, "recordings/s1.cast"); got != cast {
		t.Fatalf("recording arrived as %q, not byte for byte", got)
	}
	// The finished log travels on.
	full := audit + `{"seq":3,"type":"end"}` + "\n"
	a.write(t, "audit/C-1/s1.jsonl", full)
	a.sync(t)
	b.sync(t)
	if got := b.read(t, "audit/C-1/s1.jsonl"); got != full {
		t.Fatalf("appended log arrived as %q", got)
	}
	// A changed line is refused by the server and held; the server and
	// the other client keep the original.
	a.write(t, "audit/C-1/s1.jsonl", strings.Replace(full, "ls  -l", "true", 1))
	rep := a.sync(t)
	if len(rep.Held) != 1 || !strings.Contains(rep.Held[0].Reason, "append-only") {
		t.Fatalf("tampered log: %+v", rep)
	}
	b.sync(t)
	if got := b.read(t, "audit/C-1/s1.jsonl"); got != full {
		t.Fatalf("tampering reached b: %q", got)
	}
	// A recording changed afterwards is refused; the original stays.
	a.write(t, "recordings/s1.cast", cast+`[1.0, "o", "more"]`+"\n")
	if rep := a.sync(t); len(rep.Held) != 1 || rep.Held[0].Kind != KindRecording {
		t.Fatalf("changed recording: %+v", rep)
	}
	b.sync(t)
	if got := b.read(t, "recordings/s1.cast"); got != cast {
		t.Fatalf("changed recording reached b: %q", got)
	}
	// A deleted recording is not deleted on the server.
	if err := os.Remove(filepath.Join(a.dir, "recordings", "s1.cast")); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(t); len(rep.Held) != 1 || rep.Held[0].Kind != KindRecording {
		t.Fatalf("deletion: %+v", rep)
	}
	if d, ok, _ := ts.store.Get(context.Background(), KindRecording, "s1.cast"); !ok || d.Deleted {
		t.Fatal("recording deleted on the server")
	}
	// Ids that escape the folder are refused.
	if _, err := AuditLogs(a.dir).pathOf("..:x.jsonl"); err == nil {
		t.Fatal("path outside the folder accepted")
	}
}
