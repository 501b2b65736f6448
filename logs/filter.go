package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"
)

// FilterOptions select entries of an Index.
type FilterOptions struct {
	// MinRank is the lowest level rank shown (see LevelRank); 0 shows all.
	MinRank int
	// Re, when set, keeps entries with a line that matches.
	Re *regexp.Regexp
	// From and To, when not zero, keep entries whose timestamp lies in
	// [From, To]. An entry without timestamp has the one of the entry
	// before it; entries before the first timestamp are dropped.
	From, To time.Time
}

// Filter returns the selected entries (0-based, in order). Level alone is
// answered from memory; text and time read the file once. Needs an index
// built with Entries.
func (ix *Index) Filter(ctx context.Context, opt FilterOptions) ([]int32, error) {
	out := []int32{}
	timed := !opt.From.IsZero() || !opt.To.IsZero()
	if opt.Re == nil && !timed {
		for i, l := range ix.entryLevel {
			if int(l) >= opt.MinRank {
				out = append(out, int32(i))
			}
		}
		return out, nil
	}
	f, err := os.Open(ix.path)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", ix.path, err)
	}
	defer f.Close()
	r := &Reader{ctx: ctx, cfg: ix.cfg, enc: EncUTF8, win1252: newCharmapDecoder(), br: bufio.NewReaderSize(f, 256<<10)}
	entry := -1
	var at time.Time
	candidate := false
	for {
		ln, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", ix.path, err)
		}
		if entry+1 < len(ix.entryStart) && int(ix.entryStart[entry+1]) == ln.No-1 {
			entry++
			candidate = int(ix.entryLevel[entry]) >= opt.MinRank
			if timed {
				if t := SplitHeader(ln.Text).Time; !t.IsZero() {
					at = t
				}
				candidate = candidate && !at.IsZero() && (opt.From.IsZero() || !at.Before(opt.From)) && (opt.To.IsZero() || !at.After(opt.To))
			}
			if candidate && opt.Re == nil {
				out = append(out, int32(entry))
				candidate = false
			}
		}
		if candidate && opt.Re.MatchString(ln.Text) {
			out = append(out, int32(entry))
			candidate = false
		}
	}
}
