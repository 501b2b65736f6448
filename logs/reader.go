// Package logs reads and understands log files: a streaming reader for plain
// and gzip-compressed files in any common encoding, a sparse line index for
// random access, template mining (header detection and masking of variable
// parts without configuration), summaries, known-problem matching against
// knowledge-base signatures, and redaction of secrets before sharing.
//
// The package never imports Fyne or other domain packages; the knowledge
// base is reached through the KnowledgeBase interface defined here.
package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Errors the reader reports for bad input.
var (
	// ErrBinary reports a file that is not text.
	ErrBinary = errors.New("not a text log: the file looks binary")
	// ErrEmpty reports a file without any content.
	ErrEmpty = errors.New("the log file is empty")
	// ErrTooLarge reports a compressed file that expands beyond the limits
	// (a gzip bomb or simply too much data).
	ErrTooLarge = errors.New("the compressed log expands beyond the allowed size")
)

// Encoding names the text encoding the reader detected.
type Encoding string

// The encodings the reader understands. Latin-1 is read as Windows-1252,
// its superset; it is chosen per line for lines that are not valid UTF-8.
const (
	EncUTF8    Encoding = "utf-8"
	EncUTF16LE Encoding = "utf-16le"
	EncUTF16BE Encoding = "utf-16be"
)

// ReaderConfig bounds what the reader keeps in memory. Zero values mean the
// defaults.
type ReaderConfig struct {
	// MaxLine is the number of bytes kept of one line; the rest of a longer
	// line is skipped and the line is marked truncated. Default 64 KiB.
	MaxLine int
	// MaxDecompressed caps the bytes a gzip file may expand to. Default
	// 64 GiB.
	MaxDecompressed int64
	// MaxRatio caps decompressed/compressed size once more than 16 MiB
	// came out. Default 200 (text logs rarely exceed 100:1).
	MaxRatio int64
}

func (c ReaderConfig) withDefaults() ReaderConfig {
	if c.MaxLine <= 0 {
		c.MaxLine = 64 << 10
	}
	if c.MaxDecompressed <= 0 {
		c.MaxDecompressed = 64 << 30
	}
	if c.MaxRatio <= 0 {
		c.MaxRatio = 200
	}
	return c
}

// Line is one line of a log file.
type Line struct {
	// No is the 1-based line number.
	No int
	// Offset is the byte offset of the line's start in the decoded stream
	// (for plain UTF-8 or Latin-1 files: in the file itself).
	Offset int64
	// Text is the line without its line end, valid UTF-8.
	Text string
	// Truncated is true when the line was longer than ReaderConfig.MaxLine.
	Truncated bool
}

// Reader streams the lines of a log. It is not safe for concurrent use.
type Reader struct {
	ctx     context.Context
	cfg     ReaderConfig
	br      *bufio.Reader
	closer  io.Closer
	enc     Encoding
	gz      bool
	no      int
	off     int64
	buf     []byte
	scratch []byte
	win1252 *charmapDecoder
	latin1  int
}

// Open opens a log file for streaming. Gzip files are recognised by their
// magic bytes. It returns ErrEmpty, ErrBinary or ErrTooLarge (wrapped) for
// bad input.
func Open(ctx context.Context, path string, cfg ReaderConfig) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	r, err := NewReader(ctx, f, cfg)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read log %s: %w", path, err)
	}
	r.closer = multiCloser{r.closer, f}
	return r, nil
}

// NewReader streams the lines of src. The caller closes src; Close on the
// reader releases only the reader's own resources.
func NewReader(ctx context.Context, src io.Reader, cfg ReaderConfig) (*Reader, error) {
	cfg = cfg.withDefaults()
	r := &Reader{ctx: ctx, cfg: cfg, enc: EncUTF8, win1252: newCharmapDecoder()}
	in := bufio.NewReaderSize(src, 64<<10)
	magic, _ := in.Peek(2)
	var stream io.Reader = in
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		cnt := &countingReader{r: in}
		zr, err := gzip.NewReader(cnt)
		if err != nil {
			return nil, fmt.Errorf("open gzip stream: %w", err)
		}
		r.gz = true
		r.closer = zr
		stream = &boundedReader{r: zr, in: cnt, max: cfg.MaxDecompressed, ratio: cfg.MaxRatio}
	}
	br := bufio.NewReaderSize(stream, 64<<10)
	head, err := br.Peek(8 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read start of log: %w", err)
	}
	if len(head) == 0 {
		return nil, ErrEmpty
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		if _, err := br.Discard(3); err != nil {
			return nil, fmt.Errorf("skip byte-order mark: %w", err)
		}
		if len(head) == 3 {
			return nil, ErrEmpty
		}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		r.enc = EncUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		r.enc = EncUTF16BE
	default:
		r.enc = sniffUTF16(head)
	}
	if r.enc != EncUTF8 {
		endian := unicode.LittleEndian
		if r.enc == EncUTF16BE {
			endian = unicode.BigEndian
		}
		dec := unicode.UTF16(endian, unicode.UseBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
		head, err = br.Peek(8 << 10)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("decode %s: %w", r.enc, err)
		}
		if len(head) == 0 {
			return nil, ErrEmpty
		}
	}
	if looksBinary(head) {
		return nil, ErrBinary
	}
	r.br = br
	return r, nil
}

// EncWindows1252 is reported when lines that are not valid UTF-8 were
// read as Windows-1252 (a superset of Latin-1).
const EncWindows1252 Encoding = "windows-1252"

// Encoding returns the detected encoding of the stream: after the lines
// were read, windows-1252 if any line was not valid UTF-8.
func (r *Reader) Encoding() Encoding {
	if r.enc == EncUTF8 && r.latin1 > 0 {
		return EncWindows1252
	}
	return r.enc
}

// Compressed reports whether the stream was gzip-compressed.
func (r *Reader) Compressed() bool { return r.gz }

// Close releases the reader (and the file, when opened with Open).
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer.Close()
}

// Next returns the next line, or io.EOF after the last one. A missing final
// newline is normal; CRLF and LF line ends are both removed.
func (r *Reader) Next() (Line, error) {
	if r.no&1023 == 0 {
		if err := r.ctx.Err(); err != nil {
			return Line{}, err
		}
	}
	r.buf = r.buf[:0]
	start := r.off
	truncated := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.off += int64(len(chunk))
		if room := r.cfg.MaxLine - len(r.buf); room > 0 {
			if len(chunk) > room {
				r.buf = append(r.buf, chunk[:room]...)
				truncated = true
			} else {
				r.buf = append(r.buf, chunk...)
			}
		} else if len(chunk) > 0 {
			truncated = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Line{}, fmt.Errorf("read line %d: %w", r.no+1, err)
		}
		if errors.Is(err, io.EOF) && len(chunk) == 0 && r.off == start {
			return Line{}, io.EOF
		}
		break
	}
	b := r.buf
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if truncated {
		// A cut may split a multi-byte character; drop the partial rune.
		for len(b) > 0 && !utf8.FullRune(b[max(0, len(b)-utf8.UTFMax):]) {
			b = b[:len(b)-1]
		}
	}
	r.no++
	var text string
	if utf8.Valid(b) {
		text = string(b)
	} else {
		r.latin1++
		r.scratch = r.win1252.decode(r.scratch[:0], b)
		text = string(r.scratch)
	}
	return Line{No: r.no, Offset: start, Text: text, Truncated: truncated}, nil
}

// sniffUTF16 recognises UTF-16 without byte-order mark by its zero bytes.
func sniffUTF16(head []byte) Encoding {
	if len(head) < 16 {
		return EncUTF8
	}
	n := len(head) &^ 1
	var evenZero, oddZero int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			evenZero++
		}
		if head[i+1] == 0 {
			oddZero++
		}
	}
	half := n / 2
	switch {
	case oddZero > half*8/10 && evenZero < half/10:
		return EncUTF16LE
	case evenZero > half*8/10 && oddZero < half/10:
		return EncUTF16BE
	}
	return EncUTF8
}

// looksBinary reports NUL bytes or many control characters.
func looksBinary(head []byte) bool {
	var ctl int
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b:
			ctl++
		}
	}
	return ctl*20 > len(head)
}

// charmapDecoder turns Windows-1252 (Latin-1) bytes into UTF-8.
type charmapDecoder struct{ table [256]rune }

func newCharmapDecoder() *charmapDecoder {
	d := &charmapDecoder{}
	for i := range 256 {
		d.table[i] = charmap.Windows1252.DecodeByte(byte(i))
	}
	return d
}

func (d *charmapDecoder) decode(dst, src []byte) []byte {
	for _, c := range src {
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			continue
		}
		dst = utf8.AppendRune(dst, d.table[c])
	}
	return dst
}

// countingReader counts the compressed bytes consumed.
type countingReader struct {
	r io.Reader
	n int64
}

// Read counts the bytes read.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundedReader stops a decompression that grows beyond the limits.
type boundedReader struct {
	r     io.Reader
	in    *countingReader
	out   int64
	max   int64
	ratio int64
}

// Read fails with ErrTooLarge once the limits are passed.
func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.out += int64(n)
	if b.out > b.max {
		return n, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.max)
	}
	if b.out > 16<<20 && b.out > b.ratio*max(b.in.n, 1) {
		return n, fmt.Errorf("%w: expansion ratio above %d:1 (a gzip bomb?)", ErrTooLarge, b.ratio)
	}
	return n, err
}

// multiCloser closes several closers in order and returns the first error.
type multiCloser []io.Closer

// Close closes all and returns the first error.
func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
