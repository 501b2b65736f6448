package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// indexStep is the distance in lines between two remembered offsets.
const indexStep = 64

// IndexConfig configures BuildIndex.
type IndexConfig struct {
	// SpoolDir receives a decoded copy of compressed or UTF-16 files, which
	// cannot be read at random offsets. Empty means os.TempDir().
	SpoolDir string
	// Reader bounds line length and decompression.
	Reader ReaderConfig
}

// Index gives random access to the lines of a log file, so that a viewer
// reads only the lines it shows. It keeps one offset per 64 lines: a 1 GB
// file with 10 million lines needs about 1.3 MB.
type Index struct {
	path  string
	spool bool
	cfg   ReaderConfig
	marks []int64
	lines int
	enc   Encoding
	gz    bool
}

// BuildIndex reads the file once and returns its line index. Compressed
// and UTF-16 files are decoded into a spool file, removed by Close.
func BuildIndex(ctx context.Context, path string, cfg IndexConfig) (ix *Index, err error) {
	r, err := Open(ctx, path, cfg.Reader)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ix = &Index{path: path, cfg: r.cfg, enc: r.Encoding(), gz: r.Compressed()}
	var w *bufio.Writer
	var spool *os.File
	if ix.gz || ix.enc != EncUTF8 {
		spool, err = os.CreateTemp(cfg.SpoolDir, "werkbank-log-*.txt")
		if err != nil {
			return nil, fmt.Errorf("create decoded copy of %s: %w", path, err)
		}
		ix.path, ix.spool = spool.Name(), true
		defer func() {
			if cerr := spool.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("write decoded copy of %s: %w", path, cerr)
			}
			if err != nil {
				os.Remove(spool.Name())
				ix = nil
			}
		}()
		w = bufio.NewWriterSize(spool, 256<<10)
	}
	var off int64
	for {
		ln, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", path, err)
		}
		if w == nil {
			off = ln.Offset
		}
		if ix.lines%indexStep == 0 {
			ix.marks = append(ix.marks, off)
		}
		ix.lines++
		if w != nil {
			n, err := w.WriteString(ln.Text)
			if err == nil {
				err = w.WriteByte('\n')
			}
			if err != nil {
				return nil, fmt.Errorf("write decoded copy of %s: %w", path, err)
			}
			off += int64(n) + 1
		}
	}
	if w != nil {
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("write decoded copy of %s: %w", path, err)
		}
	}
	return ix, nil
}

// Lines returns the number of lines.
func (ix *Index) Lines() int { return ix.lines }

// Encoding returns the encoding detected in the file.
func (ix *Index) Encoding() Encoding { return ix.enc }

// Read returns up to n lines starting at the 0-based line from. Line
// numbers in the result are 1-based like everywhere else.
func (ix *Index) Read(ctx context.Context, from, n int) ([]Line, error) {
	if from < 0 || n <= 0 || from >= ix.lines {
		return nil, nil
	}
	n = min(n, ix.lines-from)
	f, err := os.Open(ix.path)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", ix.path, err)
	}
	defer f.Close()
	mark := from / indexStep
	if _, err := f.Seek(ix.marks[mark], io.SeekStart); err != nil {
		return nil, fmt.Errorf("seek in %s: %w", ix.path, err)
	}
	r := &Reader{ctx: ctx, cfg: ix.cfg, enc: EncUTF8, win1252: newCharmapDecoder(),
		br: bufio.NewReaderSize(f, 64<<10), no: mark * indexStep, off: ix.marks[mark]}
	out := make([]Line, 0, n)
	for len(out) < n {
		ln, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", ix.path, err)
		}
		if ln.No-1 >= from {
			out = append(out, ln)
		}
	}
	return out, nil
}

// Close removes the decoded copy, if any.
func (ix *Index) Close() error {
	if !ix.spool {
		return nil
	}
	if err := os.Remove(ix.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove decoded copy: %w", err)
	}
	return nil
}
