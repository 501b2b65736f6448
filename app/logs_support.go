package app

import (
	"context"

	"fyne.io/fyne/v2"

	"werkbank/kb"
	"werkbank/logs"
)

// kbForLogs lets the log matcher read the knowledge base.
type kbForLogs struct{ s *kb.Store }

// Signatures lists the error signatures of all articles not archived.
func (k kbForLogs) Signatures(ctx context.Context) ([]logs.Signature, error) {
	arts, err := k.s.List(ctx, kb.Filter{})
	if err != nil {
		return nil, err
	}
	var out []logs.Signature
	for _, a := range arts {
		if a.Status == kb.StatusArchived {
			continue
		}
		for _, p := range a.Signatures {
			out = append(out, logs.Signature{ArticleID: a.ID, Title: a.Title, Source: a.Source, Pattern: p})
		}
	}
	return out, nil
}

// Search runs a knowledge-base search.
func (k kbForLogs) Search(ctx context.Context, text string, limit int) ([]logs.Candidate, error) {
	res, err := k.s.Search(ctx, kb.Query{Text: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]logs.Candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, logs.Candidate{ID: h.ID, Title: h.Title, Source: h.Source, Score: h.Score})
	}
	return out, nil
}

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
