package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// CopyAttachment writes the stored attachment with the SHA-256 sum to w
// and checks on the way that the file still has that sum. A changed or
// damaged file is an ErrInvalid error naming both sums: what was written
// to w is then not the attachment. Cancelling ctx stops the copy.
func (s *Store) CopyAttachment(ctx context.Context, sum string, w io.Writer) (int64, error) {
	f, err := os.Open(s.AttachmentPath(sum))
	if err != nil {
		return 0, fmt.Errorf("open attachment %s: %w", sum, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), ctxReader{ctx, f})
	if err != nil {
		return n, fmt.Errorf("copy attachment %s: %w", sum, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return n, fmt.Errorf("%w: the stored file's SHA-256 is %s, not %s (the attachment was changed or damaged)", ErrInvalid, got, sum)
	}
	return n, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads from the underlying reader unless ctx is done.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
