package cases

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCopyAttachmentChecksTheSum(t *testing.T) {
	s, _, _ := openTest(t, &fakeClock{t: berlin(t, "2026-05-04 09:00")})
	ctx := context.Background()
	c, err := s.Create(ctx, NewCase{Title: "Druckjob hängt", Customer: "Huber KG", Priority: PriorityHigh, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	content := []byte(strings.Repeat("2026-11-27 05:58 ERROR queue stalled\n", 1000))
	src := filepath.Join(t.TempDir(), "queue.log")
	if err := os.WriteFile(src, content, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := s.AttachFile(ctx, c.ID, src, "anna")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if n, err := s.CopyAttachment(ctx, a.SHA256, &out); err != nil || n != int64(len(content)) || !bytes.Equal(out.Bytes(), content) {
		t.Fatalf("copy: %d bytes, %v", n, err)
	}

	// A stored file changed after it was attached is reported with both sums.
	stored := s.AttachmentPath(a.SHA256)
	if err := os.Chmod(stored, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stored, bytes.Replace(content, []byte("stalled"), []byte("running"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = s.CopyAttachment(ctx, a.SHA256, &bytes.Buffer{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), a.SHA256) || !strings.Contains(err.Error(), "changed or damaged") {
		t.Fatalf("changed attachment: %v", err)
	}

	// A cancelled copy stops; a missing file says so.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.CopyAttachment(cctx, a.SHA256, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled copy: %v", err)
	}
	if err := os.Remove(stored); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CopyAttachment(ctx, a.SHA256, &bytes.Buffer{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing attachment: %v", err)
	}
}
