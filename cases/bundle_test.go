package cases

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type fakeVerifier struct{ results []AuditResult }

func (f fakeVerifier) VerifyCase(_ context.Context, _ string) ([]AuditResult, error) {
	return f.results, nil
}

func readZip(t *testing.T, p string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func TestBundle(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, dir := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "Skonto falsch", Customer: "Berger AG", Priority: PriorityMedium, By: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	logText := "2026-05-04 08:12 ERROR Skontobasis 0\nconnect db password=Geheim123 ok\nAuthorization: Bearer eyJhbGciOi.abc\n"
	a := attachTestLog(t, s, dir, c.ID, logText)
	if _, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "ben", Text: "Kunde nannte token=abcdef123 am Telefon"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Escalate(ctx, c.ID, fullEscalation()); err != nil {
		t.Fatal(err)
	}
	auditPath := filepath.Join(dir, "session-1.audit.jsonl")
	recPath := filepath.Join(dir, "session-1.cast")
	if err := os.WriteFile(auditPath, []byte(`{"seq":1,"prev":"","event":"start"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recPath, []byte(`{"version":2}`+"\n"+`[0.1,"o","export PGPASSWORD=x; password: hunter2\r\n"]`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ver := fakeVerifier{[]AuditResult{
		{Kind: "audit", Path: auditPath, OK: true, Detail: "chain of 1 events, signature valid"},
		{Kind: "recording", Path: recPath, OK: false, Detail: "hash mismatch"},
	}}
	out := filepath.Join(dir, "bundle.zip")
	res, err := s.Bundle(ctx, c.ID, out, BundleOptions{Verifier: ver, By: "ben"})
	if err != nil {
		t.Fatal(err)
	}
	files := readZip(t, out)
	for _, name := range []string{"report.md", "report.html", "SHA256SUMS", "logs/buchung.log", "audit/session-1.audit.jsonl", "recordings/session-1.cast"} {
		if _, ok := files[name]; !ok {
			t.Fatalf("bundle lacks %s; has %v", name, keys(files))
		}
	}
	for name, body := range files {
		for _, secret := range []string{"Geheim123", "eyJhbGciOi", "abcdef123", "hunter2"} {
			if strings.Contains(body, secret) {
				t.Errorf("%s contains the secret %q", name, secret)
			}
		}
	}
	if !strings.Contains(files["logs/buchung.log"], "ERROR Skontobasis 0") {
		t.Fatalf("redaction removed the evidence: %q", files["logs/buchung.log"])
	}
	if files["audit/session-1.audit.jsonl"] != `{"seq":1,"prev":"","event":"start"}`+"\n" {
		t.Fatal("the audit log was changed")
	}
	md := files["report.md"]
	for _, want := range []string{"ERP 9.2 SP3 Demo", a.SHA256, "VERIFICATION FAILED", "hash mismatch", "signature valid", "fibu/opausgleich.p"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if !strings.Contains(files["report.html"], "<table>") || !strings.Contains(files["report.html"], "<h1>") {
		t.Fatal("report.html is not rendered HTML")
	}
	for _, f := range res.Files {
		sum := sha256.Sum256([]byte(files[f.Name]))
		if hex.EncodeToString(sum[:]) != f.SHA256 || !strings.Contains(files["SHA256SUMS"], f.SHA256+"  "+f.Name) {
			t.Errorf("%s: hash %s does not match its content or SHA256SUMS", f.Name, f.SHA256)
		}
	}
	if res.Files[0].Original != a.SHA256 || res.Files[0].Redacted != 2 {
		t.Fatalf("log entry %+v", res.Files[0])
	}

	// An existing path is refused and left alone.
	before, _ := os.ReadFile(out)
	if _, err := s.Bundle(ctx, c.ID, out, BundleOptions{}); !errors.Is(err, ErrExists) {
		t.Fatalf("existing path: %v", err)
	}
	if after, _ := os.ReadFile(out); string(after) != string(before) {
		t.Fatal("existing bundle was changed")
	}
	// A damaged attachment is refused and leaves nothing behind.
	if err := os.WriteFile(s.AttachmentPath(a.SHA256), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "bundle2.zip")
	if _, err := s.Bundle(ctx, c.ID, out2, BundleOptions{}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged attachment: %v", err)
	}
	if _, err := os.Stat(out2); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a failed bundle left a file")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".bundle-*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestBundleWithoutAuditLogs(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, dir := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "Ohne Logs", Customer: "K", Priority: PriorityLow, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	// Lines marked as a finding in the log viewer are listed as findings.
	if _, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "x", Text: "Zeilen 12–14: Deadlock im MRP-Lauf", Ref: "log:" + strings.Repeat("ab", 32) + ":12-14"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "b.zip")
	if _, err := s.Bundle(ctx, c.ID, out, BundleOptions{}); err != nil {
		t.Fatal(err)
	}
	md := readZip(t, out)["report.md"]
	if !strings.Contains(md, "No audit logs") || !strings.Contains(md, "Not escalated yet. Missing:") {
		t.Fatalf("report:\n%s", md)
	}
	if !strings.Contains(md, "## Findings in the logs") || !strings.Contains(md, ":12-14`: Zeilen 12–14: Deadlock im MRP-Lauf") {
		t.Fatalf("report lacks the log finding:\n%s", md)
	}
}

func TestBasicRedactor(t *testing.T) {
	in := "user=admin password: s3cr3t\nurl=https://bob:pa55@example.org/x\n-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3Nza\n-----END OPENSSH PRIVATE KEY-----\nplain line"
	var out strings.Builder
	n, err := BasicRedactor{}.Redact(context.Background(), &out, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "user=admin password: [REDACTED]\nurl=https://bob:[REDACTED]@example.org/x\n-----BEGIN OPENSSH PRIVATE KEY-----\n[REDACTED]\n-----END OPENSSH PRIVATE KEY-----\nplain line"
	if out.String() != want || n != 3 {
		t.Fatalf("got %d redactions:\n%s", n, out.String())
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCopyExclusive(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	if err := os.WriteFile(src, []byte("zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := copyExclusive(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "zip" {
		t.Fatalf("copied %q", b)
	}
	if err := os.WriteFile(src, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := copyExclusive(src, dst); !errors.Is(err, os.ErrExist) {
		t.Fatalf("copy over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "zip" {
		t.Fatal("existing file changed")
	}
}
