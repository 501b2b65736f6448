package app

import (
	"context"

	"fyne.io/fyne/v2"

	"werkbank/logs"
)

// lineCache keeps recently shown blocks of lines so that scrolling reads
// the file only for new blocks.
type lineCache struct {
	ix     *logs.Index
	blocks map[int][]logs.Line
	order  []int
}

const cacheBlock = 256

func newLineCache(ix *logs.Index) *lineCache {
	return &lineCache{ix: ix, blocks: map[int][]logs.Line{}}
}

// lines returns n lines from the 1-based line first (fewer at the end).
func (c *lineCache) lines(ctx context.Context, first, n int) []logs.Line {
	out := make([]logs.Line, 0, n)
	for no := first; no < first+n && no <= c.ix.Lines(); {
		b := (no - 1) / cacheBlock
		blk, ok := c.blocks[b]
		if !ok {
			var err error
			blk, err = c.ix.Read(ctx, b*cacheBlock, cacheBlock)
			if err != nil {
				fyne.LogError("read log lines", err)
				return out
			}
			c.blocks[b] = blk
			c.order = append(c.order, b)
			if len(c.order) > 64 {
				delete(c.blocks, c.order[0])
				c.order = c.order[1:]
			}
		}
		i := no - 1 - b*cacheBlock
		if i >= len(blk) {
			return out
		}
		for ; i < len(blk) && no < first+n; i++ {
			out = append(out, blk[i])
			no++
		}
	}
	return out
}

// previewLines is how many lines show before the index is ready.
const previewLines = 1000

// readHead returns the first n lines of the log at path; nothing when it
// cannot be read (BuildIndex then reports the error).
func readHead(ctx context.Context, path string, n int) []logs.Line {
	r, err := logs.Open(ctx, path, logs.ReaderConfig{})
	if err != nil {
		return nil
	}
	defer r.Close()
	var out []logs.Line
	for len(out) < n {
		ln, err := r.Next()
		if err != nil {
			break
		}
		out = append(out, ln)
	}
	return out
}
