package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	stdsync "sync"
	"time"
)

// Blobs are files addressed by their SHA-256: <dir>/<sha256>. A transfer
// in progress is <dir>/<sha256>.part and resumes from its size; a blob is
// renamed into place only after its hash was verified.

// errBlobHash reports a transferred blob whose content does not hash to
// its name.
var errBlobHash = errors.New("content does not match its SHA-256")

type blobStore struct {
	dir   string
	mu    stdsync.Mutex
	locks map[string]*blobLock
}

// blobLock serialises the transfers of one blob; n counts its holders and
// waiters, so that it is dropped when nobody needs it.
type blobLock struct {
	mu stdsync.Mutex
	n  int
}

// partRetention is how long an unfinished transfer is kept for resuming.
const partRetention = 7 * 24 * time.Hour

func newBlobStore(dir string) (*blobStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create blob folder %s: %w", dir, err)
	}
	parts, err := filepath.Glob(filepath.Join(dir, "*.part"))
	if err != nil {
		return nil, fmt.Errorf("list unfinished transfers: %w", err)
	}
	for _, p := range parts {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > partRetention {
			if err := os.Remove(p); err != nil {
				return nil, fmt.Errorf("remove abandoned transfer: %w", err)
			}
		}
	}
	return &blobStore{dir: dir, locks: map[string]*blobLock{}}, nil
}

func (b *blobStore) path(sha string) string { return filepath.Join(b.dir, sha) }

func (b *blobStore) has(sha string) bool {
	_, err := os.Stat(b.path(sha))
	return err == nil
}

// partSize is how much of a blob has arrived.
func (b *blobStore) partSize(sha string) int64 {
	fi, err := os.Stat(b.path(sha) + ".part")
	if err != nil {
		return 0
	}
	return fi.Size()
}

// lock serialises transfers of one blob.
func (b *blobStore) lock(sha string) func() {
	b.mu.Lock()
	l := b.locks[sha]
	if l == nil {
		l = &blobLock{}
		b.locks[sha] = l
	}
	l.n++
	b.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		b.mu.Lock()
		if l.n--; l.n == 0 {
			delete(b.locks, sha)
		}
		b.mu.Unlock()
	}
}

// appendPart appends r to the part file, which must be offset bytes long,
// and completes the blob once it has total bytes and the right hash. It
// returns the new size. A completed blob is durable when it returns.
func (b *blobStore) appendPart(sha string, offset, total int64, r io.Reader) (int64, error) {
	unlock := b.lock(sha)
	defer unlock()
	if b.has(sha) {
		return total, nil
	}
	part := b.path(sha) + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", part, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat %s: %w", part, err)
	}
	if fi.Size() != offset {
		return fi.Size(), &offsetError{have: fi.Size()}
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, fmt.Errorf("seek %s: %w", part, err)
	}
	n, copyErr := io.Copy(f, io.LimitReader(r, total-offset+1))
	size := offset + n
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync %s: %w", part, err)
	}
	if copyErr != nil {
		return size, fmt.Errorf("receive blob %s: %w", sha, copyErr)
	}
	if size > total {
		return 0, errors.Join(fmt.Errorf("blob %s: more than the announced %d bytes: %w", sha, total, errBlobHash), removePart(part))
	}
	if size < total {
		return size, nil
	}
	if err := b.finish(sha, part); err != nil {
		return 0, err
	}
	return size, nil
}

// removePart removes a part file whose content is wrong, so that the next
// upload starts over.
func removePart(part string) error {
	if err := os.Remove(part); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove bad part file: %w", err)
	}
	return nil
}

// finish verifies a complete part file and renames it into place; a part
// with the wrong content is removed.
func (b *blobStore) finish(sha, part string) error {
	got, err := fileSHA256(part)
	if err != nil {
		return err
	}
	if got != sha {
		return errors.Join(fmt.Errorf("blob %s: %w (got %s)", sha, errBlobHash, got), removePart(part))
	}
	if err := os.Rename(part, b.path(sha)); err != nil {
		return fmt.Errorf("store blob %s: %w", sha, err)
	}
	return syncDir(b.dir)
}

// offsetError reports an upload that does not continue where the part
// file ends.
type offsetError struct{ have int64 }

func (e *offsetError) Error() string {
	return fmt.Sprintf("upload must continue at offset %d", e.have)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// UploadOffsetHeader tells how many bytes of a blob the server holds.
const UploadOffsetHeader = "Upload-Offset"

// BlobSizeHeader announces a blob's total size with each upload request.
const BlobSizeHeader = "Blob-Size"

func blobName(w http.ResponseWriter, r *http.Request) (string, bool) {
	sha := r.PathValue("sha256")
	if !ValidBlob(sha) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%q is not a lowercase hex SHA-256", sha))
		return "", false
	}
	return sha, true
}

func (s *Server) headBlob(w http.ResponseWriter, r *http.Request, _ User) {
	sha, ok := blobName(w, r)
	if !ok {
		return
	}
	if fi, err := os.Stat(s.blobs.path(sha)); err == nil {
		w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set(UploadOffsetHeader, strconv.FormatInt(s.blobs.partSize(sha), 10))
	w.WriteHeader(http.StatusNotFound)
}

func (s *Server) getBlob(w http.ResponseWriter, r *http.Request, _ User) {
	sha, ok := blobName(w, r)
	if !ok {
		return
	}
	f, err := os.Open(s.blobs.path(sha))
	if errors.Is(err, os.ErrNotExist) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no blob %s", sha))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", fi.ModTime(), f)
}

// putBlob receives the bytes of a blob from ?offset=N on; the header
// Blob-Size gives the total. 202 means more is expected, 201 complete.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request, _ User) {
	sha, ok := blobName(w, r)
	if !ok {
		return
	}
	total, err := strconv.ParseInt(r.Header.Get(BlobSizeHeader), 10, 64)
	if err != nil || total < 0 || total > MaxBlobSize {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("header %s must give the blob's size, at most %d bytes", BlobSizeHeader, int64(MaxBlobSize)))
		return
	}
	offset, err := queryUint(r, "offset", 0, uint64(total))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	size, err := s.blobs.appendPart(sha, int64(offset), total, http.MaxBytesReader(w, r.Body, MaxBlobChunk))
	w.Header().Set(UploadOffsetHeader, strconv.FormatInt(size, 10))
	var oe *offsetError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &oe):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, errBlobHash):
		writeError(w, http.StatusUnprocessableEntity, err.Error())
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("one upload request carries at most %d bytes; %d bytes kept, continue there", tooBig.Limit, size))
	case err != nil:
		s.fail(w, r, err)
	case size == total:
		writeJSON(w, http.StatusCreated, map[string]any{"sha256": sha, "size": size})
	default:
		writeJSON(w, http.StatusAccepted, map[string]any{"sha256": sha, "size": size})
	}
}
