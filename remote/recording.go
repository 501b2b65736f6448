package remote

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// recorder writes a terminal's output as an asciicast v2 file (header line,
// then [time, "o", data] and [time, "r", "COLSxROWS"] events) and hashes
// what it writes. Typed input is never given to it.
type recorder struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	h       hash.Hash
	w       io.Writer
	start   time.Time
	pending []byte // an incomplete UTF-8 sequence held back
	size    int64
	err     error
}

// asciicastHeader is the first line of an asciicast v2 file.
type asciicastHeader struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
}

// newRecorder creates the recording file (it must not exist).
func newRecorder(path string, cols, rows int, term, title string) (*recorder, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create recordings folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create recording: %w", err)
	}
	r := &recorder{f: f, path: path, h: sha256.New(), start: time.Now()}
	r.w = io.MultiWriter(f, r.h)
	hdr := asciicastHeader{Version: 2, Width: cols, Height: rows, Timestamp: r.start.Unix(), Title: title,
		Env: map[string]string{"TERM": term}}
	if err := r.writeJSONLine(hdr); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return r, nil
}

func (r *recorder) writeJSONLine(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode recording event: %w", err)
	}
	n, err := r.w.Write(buf.Bytes())
	r.size += int64(n)
	if err != nil {
		r.err = fmt.Errorf("write recording %s: %w", r.path, err)
		return r.err
	}
	return nil
}

func (r *recorder) event(kind, data string) error {
	t := time.Since(r.start).Seconds()
	return r.writeJSONLine([]any{json.Number(strconv.FormatFloat(t, 'f', 6, 64)), kind, data})
}

// Write records terminal output. A multi-byte character split across
// writes is held back until it is complete.
func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	buf := append(r.pending, p...)
	cut := completeUTF8(buf)
	r.pending = append([]byte(nil), buf[cut:]...)
	if cut == 0 {
		return len(p), nil
	}
	if err := r.event("o", string(buf[:cut])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// completeUTF8 returns the length of b without a trailing incomplete UTF-8
// sequence (at most 3 bytes are held back).
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		c := b[i]
		if c < 0x80 {
			return len(b)
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// Resize records a terminal size change.
func (r *recorder) Resize(cols, rows int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	return r.event("r", fmt.Sprintf("%dx%d", cols, rows))
}

// Close writes what is held back, makes the file durable and returns its
// SHA-256 and size.
func (r *recorder) Close() (string, int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && len(r.pending) > 0 {
		_ = r.event("o", string(r.pending)) // error kept in r.err
		r.pending = nil
	}
	err := r.err
	if serr := r.f.Sync(); serr != nil && err == nil {
		err = fmt.Errorf("sync recording %s: %w", r.path, serr)
	}
	if cerr := r.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close recording %s: %w", r.path, cerr)
	}
	if err == nil {
		err = syncDir(filepath.Dir(r.path))
	}
	if r.err == nil {
		r.err = fmt.Errorf("recording %s is closed", r.path)
	}
	return hex.EncodeToString(r.h.Sum(nil)), r.size, err
}
