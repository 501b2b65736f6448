package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Merged tells where each line of a merged log came from.
type Merged struct {
	// Sources holds, per merged line, the index of its file in the paths
	// given to Merge.
	Sources []uint8
	// Lines holds, per merged line, its 1-based number in that file.
	Lines []int32
}

// mergeSource reads one file entry by entry: a line with a timestamp and
// the lines without one that follow it (stack traces, continued messages).
type mergeSource struct {
	r    *Reader
	next *Line // the first line of the next entry, nil at the end
	at   time.Time
	err  error
}

// entry reads the next entry's lines; the entry's time is at.
func (m *mergeSource) entry() []Line {
	if m.next == nil {
		return nil
	}
	lines := []Line{*m.next}
	if t := SplitHeader(m.next.Text).Time; !t.IsZero() {
		m.at = t
	}
	m.next = nil
	for {
		ln, err := m.r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				m.err = err
			}
			return lines
		}
		if len(lines) < maxEntryLines && (isContinuation(ln.Text) || SplitHeader(ln.Text).Time.IsZero()) {
			lines = append(lines, ln)
			continue
		}
		m.next = &ln
		return lines
	}
}

// Merge writes the lines of several logs to dst ordered by their
// timestamps, keeping each entry (a line with its stack trace) together.
// Lines without any timestamp before them come first. Up to 255 files.
func Merge(ctx context.Context, dst io.Writer, paths []string, cfg ReaderConfig) (Merged, error) {
	var out Merged
	if len(paths) == 0 || len(paths) > 255 {
		return out, fmt.Errorf("merge: between 1 and 255 files, not %d", len(paths))
	}
	srcs := make([]*mergeSource, len(paths))
	for i, p := range paths {
		r, err := Open(ctx, p, cfg)
		if err != nil {
			return out, err
		}
		defer r.Close()
		srcs[i] = &mergeSource{r: r}
		ln, err := r.Next()
		if err != nil && !errors.Is(err, io.EOF) {
			return out, fmt.Errorf("merge %s: %w", p, err)
		}
		if err == nil {
			srcs[i].next = &ln
		}
	}
	w := bufio.NewWriterSize(dst, 256<<10)
	pending := make([][]Line, len(srcs))
	for i, s := range srcs {
		pending[i] = s.entry()
	}
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		best := -1
		for i, p := range pending {
			if len(p) == 0 {
				continue
			}
			if best < 0 || srcs[i].at.Before(srcs[best].at) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		for _, ln := range pending[best] {
			if _, err := w.WriteString(ln.Text); err != nil {
				return out, fmt.Errorf("write merged log: %w", err)
			}
			if err := w.WriteByte('\n'); err != nil {
				return out, fmt.Errorf("write merged log: %w", err)
			}
			out.Sources = append(out.Sources, uint8(best))
			out.Lines = append(out.Lines, int32(ln.No))
		}
		pending[best] = srcs[best].entry()
		if err := srcs[best].err; err != nil {
			return out, fmt.Errorf("merge %s: %w", paths[best], err)
		}
	}
	if err := w.Flush(); err != nil {
		return out, fmt.Errorf("write merged log: %w", err)
	}
	return out, nil
}
