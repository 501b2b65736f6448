package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
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
	// Entries groups continuation lines (stack traces) with the line
	// before into entries and records each entry's level, for a viewer
	// that folds stack traces and filters by level.
	Entries bool
	// Progress, when set, is called with the number of lines read so far
	// every 65536 lines.
	Progress func(lines int)
}

// Entry is one log entry: a line and the continuation lines (stack trace)
// that follow it.
type Entry struct {
	// First is the 1-based number of the entry's first line.
	First int
	// Lines is the number of lines, 1 for an entry without continuation.
	Lines int
	// Level is the normalised level of the first line ("" for none).
	Level string
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
	// entryStart holds the 0-based first line of each entry, entryLevel
	// its level rank (see levelRank); both empty without Entries.
	entryStart []int32
	entryLevel []uint8
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
				if rerr := os.Remove(spool.Name()); rerr != nil {
					err = errors.Join(err, fmt.Errorf("remove decoded copy of %s: %w", path, rerr))
				}
				ix = nil
			}
		}()
		w = bufio.NewWriterSize(spool, 256<<10)
	}
	var off int64
	entryTS := false
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
		if cfg.Entries {
			ix.addEntryLine(ln.Text, &entryTS)
		}
		ix.lines++
		if cfg.Progress != nil && ix.lines&0xffff == 0 {
			cfg.Progress(ix.lines)
		}
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

// maxEntryLines caps the lines folded into one entry.
const maxEntryLines = 10000

// addEntryLine starts a new entry with the line or folds it into the
// current one. A line folds when it is a stack-trace line, or when it has
// no timestamp while the entry's first line has one (the exception line
// and multi-line messages after a log record). entryTS tracks whether the
// current entry's first line has a timestamp.
func (ix *Index) addEntryLine(text string, entryTS *bool) {
	last := len(ix.entryStart) - 1
	if last >= 0 && ix.lines-int(ix.entryStart[last]) < maxEntryLines {
		if isContinuation(text) {
			return
		}
		if *entryTS && text != "" && SplitHeader(text).Time.IsZero() {
			return
		}
	}
	h := SplitHeader(text)
	level := h.Level
	if level == "" {
		level = levelFromText(h.Content)
	}
	*entryTS = !h.Time.IsZero()
	ix.entryStart = append(ix.entryStart, int32(ix.lines))
	ix.entryLevel = append(ix.entryLevel, uint8(levelRank(level)))
}

// isContinuation recognises the lines of a stack trace that belong to the
// entry before: indented lines ("\tat …", "   at …", "  File …"),
// "Caused by:", "Suppressed:" and "... 12 more".
func isContinuation(text string) bool {
	if text == "" {
		return false
	}
	if text[0] == '\t' || strings.HasPrefix(text, "  ") {
		return true
	}
	return strings.HasPrefix(text, "Caused by:") || strings.HasPrefix(text, "Suppressed:") ||
		strings.HasPrefix(text, "... ") || strings.HasPrefix(text, "Traceback (most recent call last)")
}

// LineLevel returns the normalised level of a log line: from its header,
// else from words such as Exception or ERROR in the message.
func LineLevel(text string) string {
	h := SplitHeader(text)
	if h.Level != "" {
		return h.Level
	}
	return levelFromText(h.Content)
}

// Entries returns the number of entries (0 unless built with Entries).
func (ix *Index) Entries() int { return len(ix.entryStart) }

// Entry returns entry i (0-based).
func (ix *Index) Entry(i int) Entry {
	first := int(ix.entryStart[i])
	end := ix.lines
	if i+1 < len(ix.entryStart) {
		end = int(ix.entryStart[i+1])
	}
	return Entry{First: first + 1, Lines: end - first, Level: levelName(ix.entryLevel[i])}
}

// EntryOf returns the entry that holds the 1-based line number.
func (ix *Index) EntryOf(line int) int {
	i, found := slices.BinarySearch(ix.entryStart, int32(line-1))
	if found {
		return i
	}
	return max(0, i-1)
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
