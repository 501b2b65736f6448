package kb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// indexVersion is the on-disk format of the search index. Bump it on any
// change to the mapping or the analyzers: an index with another version is
// deleted and rebuilt from the store.
const indexVersion = 3

// indexVersionFile names the file in the index directory that records
// indexVersion.
const indexVersionFile = "werkbank-index-version"

// seqKey is the bleve internal key under which the index records the last
// store change sequence it has applied.
var seqKey = []byte("werkbank.seq")

// Index field names.
const (
	fieldTitle = "title"
	fieldBody  = "body"
	// fieldMeta holds tags, product and status as "tag:…", "product:…"
	// and "status:…": one field with doc values makes facets cheaper
	// than three.
	fieldMeta = "meta"
)

// index is the bleve full-text index derived from the store. It stores no
// field values: hits are resolved and snippets computed from the store.
type index struct {
	dir string
	// mu guards bi: reset and close replace or close it while searches
	// and batches hold it for reading.
	mu sync.RWMutex
	bi bleve.Index
	// closed is set by close; every later call fails with errClosed.
	closed bool
	// applied counts the documents indexed or deleted since open; after
	// compactAfter of them (a bulk load) close compacts the index.
	applied      atomic.Int64
	compactAfter int64
}

// scorchConfig is the runtime configuration of the scorch index. The index
// is derived data (durability comes from bbolt), so batches need not be
// fsynced one by one.
func scorchConfig() map[string]interface{} {
	return map[string]interface{}{
		"unsafe_batch": true,
		// Merge eagerly into few segments: fewer segments make fuzzy and
		// prefix expansion cheaper and the index smaller.
		"scorchMergePlanOptions": map[string]interface{}{
			"MaxSegmentsPerTier":   2,
			"SegmentsPerMergeTask": 10,
			"TierGrowth":           10.0,
			"FloorSegmentSize":     2000,
			"MaxSegmentSize":       5000000,
			"ReclaimDeletesWeight": 2.0,
		},
	}
}

// openIndex opens the index in dir, creating it when missing. An index of
// another version, or one that cannot be opened, is deleted and recreated
// empty (appliedSeq()==0) so that the store rebuilds it.
func openIndex(ctx context.Context, dir string) (*index, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	if ix, err := openExistingIndex(dir); err == nil {
		return ix, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("remove stale index %s: %w", dir, err)
	}
	return createIndex(dir)
}

// openExistingIndex opens an index of the current version in dir.
func openExistingIndex(dir string) (*index, error) {
	v, err := os.ReadFile(filepath.Join(dir, indexVersionFile))
	if err != nil {
		return nil, fmt.Errorf("read index version: %w", err)
	}
	if strings.TrimSpace(string(v)) != fmt.Sprint(indexVersion) {
		return nil, fmt.Errorf("index version %q, want %d", strings.TrimSpace(string(v)), indexVersion)
	}
	bi, err := bleve.OpenUsing(filepath.Join(dir, "bleve"), scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("open bleve index: %w", err)
	}
	ix := &index{dir: dir, bi: bi, compactAfter: compactAfter}
	if _, err := ix.readSeq(); err != nil {
		_ = bi.Close()
		return nil, err
	}
	return ix, nil
}

// createIndex creates an empty index in dir.
func createIndex(dir string) (*index, error) {
	m, err := newIndexMapping()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create index dir: %w", err)
	}
	bi, err := bleve.NewUsing(filepath.Join(dir, "bleve"), m, scorch.Name, scorch.Name, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("create bleve index in %s: %w", dir, err)
	}
	// The version file is written last: a half-created index has none and
	// is recreated on the next open.
	if err := os.WriteFile(filepath.Join(dir, indexVersionFile), []byte(fmt.Sprintln(indexVersion)), 0o600); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("write index version: %w", err)
	}
	return &index{dir: dir, bi: bi, compactAfter: compactAfter}, nil
}

// newIndexMapping is the bleve mapping of Werkbank articles: analysed,
// unstored text for title and body, keyword fields with doc values for the
// facets and filters.
func newIndexMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.ScoringModel = "bm25"
	m.DefaultAnalyzer = textAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		// Filters and facets only: no scoring, so no frequencies and
		// norms.
		f.SkipFreqNorm = true
		f.DocValues = true
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldBody, text())
	doc.AddFieldMappingsAt(fieldMeta, kw())
	m.DefaultMapping = doc
	return m, nil
}

// indexDocument is what the index sees of an article.
func indexDocument(a Article) map[string]interface{} {
	body := a.Body
	if len(a.Signatures) > 0 {
		body += "\n" + strings.Join(a.Signatures, "\n")
	}
	meta := make([]string, 0, len(a.Tags)+2)
	meta = append(meta, metaStatus+string(a.Status))
	if a.Product != "" {
		meta = append(meta, metaProduct+a.Product)
	}
	for _, t := range a.Tags {
		meta = append(meta, metaTag+t)
	}
	return map[string]interface{}{
		fieldTitle: a.Title,
		fieldBody:  body,
		fieldMeta:  meta,
	}
}

// Prefixes of the values in fieldMeta.
const (
	metaTag     = "tag:"
	metaProduct = "product:"
	metaStatus  = "status:"
)

// appliedSeq is the last store change sequence the index has applied; 0
// for a new or reset index.
func (ix *index) appliedSeq() uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return 0
	}
	seq, err := ix.readSeq()
	if err != nil {
		return 0
	}
	return seq
}

// readSeq reads the applied sequence from bleve's internal storage.
func (ix *index) readSeq() (uint64, error) {
	v, err := ix.bi.GetInternal(seqKey)
	if err != nil {
		return 0, fmt.Errorf("read index sequence: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("read index sequence: %d bytes, want 8", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// apply indexes put and removes del in one bleve batch that also records
// seq as the applied sequence.
func (ix *index) apply(ctx context.Context, seq uint64, put []Article, del []string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index batch up to %d: %w", seq, err)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return fmt.Errorf("index batch up to %d: %w", seq, errClosed)
	}
	b := ix.bi.NewBatch()
	for _, a := range put {
		if a.ID == "" {
			return errors.New("index article: empty id")
		}
		if err := b.Index(a.ID, indexDocument(a)); err != nil {
			return fmt.Errorf("index article %s: %w", a.ID, err)
		}
	}
	for _, id := range del {
		b.Delete(id)
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], seq)
	b.SetInternal(seqKey, v[:])
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("index batch up to %d: %w", seq, err)
	}
	ix.applied.Add(int64(len(put) + len(del)))
	return nil
}

// reset empties the index (appliedSeq 0), before a full rebuild.
func (ix *index) reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reset index: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return fmt.Errorf("reset index: %w", errClosed)
	}
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("reset index: close: %w", err)
	}
	if err := os.RemoveAll(ix.dir); err != nil {
		return fmt.Errorf("reset index: %w", err)
	}
	fresh, err := createIndex(ix.dir)
	if err != nil {
		return fmt.Errorf("reset index: %w", err)
	}
	ix.bi = fresh.bi
	return nil
}

// errClosed reports a call after Close.
var errClosed = errors.New("the knowledge base is closed")

// persistTimeout bounds how long close waits for the index to reach disk.
const persistTimeout = 30 * time.Second

// compactAfter is the number of documents applied in one session (a bulk
// import or a rebuild) after which close merges the index into a single
// segment: about 7 % smaller and faster to search, for a few seconds.
const compactAfter = 20_000

// close compacts the index after a bulk load, waits until every applied
// batch is on disk, so that the next open need not catch up, and closes
// the index.
func (ix *index) close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ix.waitPersisted(persistTimeout)
	var compactErr error
	if ix.applied.Load() >= ix.compactAfter {
		// Merges take persisted segments only: persist first.
		compactErr = ix.compact()
		ix.waitPersisted(persistTimeout)
	}
	if err := ix.bi.Close(); err != nil {
		return errors.Join(compactErr, fmt.Errorf("close index: %w", err))
	}
	return compactErr
}

// compact merges all segments into one and waits until the files of the
// merged segments are gone.
func (ix *index) compact() error {
	sc, st := ix.scorch()
	if sc == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), compactTimeout)
	defer cancel()
	if err := sc.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	ix.waitPersisted(persistTimeout)
	// Scorch keeps the previous snapshot's files until the next one is
	// persisted: persist a no-op batch, then wait for the clean-up.
	seq, err := ix.readSeq()
	if err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	b := ix.bi.NewBatch()
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], seq)
	b.SetInternal(seqKey, v[:])
	if err := ix.bi.Batch(b); err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	ix.waitPersisted(persistTimeout)
	store := filepath.Join(ix.dir, "bleve", "store")
	for deadline := time.Now().Add(cleanupTimeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		zaps, err := filepath.Glob(filepath.Join(store, "*.zap"))
		if err != nil || uint64(len(zaps)) <= atomic.LoadUint64(&st.TotFileSegmentsAtRoot) {
			break
		}
	}
	return nil
}

// scorch returns the scorch index under bleve and its statistics (nil
// when bleve runs another index type).
func (ix *index) scorch() (*scorch.Scorch, *scorch.Stats) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, nil
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil, nil
	}
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return nil, nil
	}
	return sc, st
}

// compactTimeout bounds the compaction in close, cleanupTimeout the wait
// for the removal of the merged segments' files.
const (
	compactTimeout = time.Minute
	cleanupTimeout = 5 * time.Second
)

// waitPersisted waits (at most timeout) until scorch has persisted its
// current in-memory snapshot. Batches are applied without waiting for the
// disk (unsafe_batch: the store is the durable copy); a snapshot lost in a
// crash is caught up from the store's change feed on the next open.
func (ix *index) waitPersisted(timeout time.Duration) {
	_, st := ix.scorch()
	if st == nil {
		return
	}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if atomic.LoadUint64(&st.LastPersistedEpoch) >= atomic.LoadUint64(&st.CurRootEpoch) {
			return
		}
	}
}

// docFreqs returns how many articles contain each term in the title or the
// body (the larger of the two counts; unknown terms are absent) and the
// number of articles in the index.
func (ix *index) docFreqs(ctx context.Context, terms []string) (map[string]uint64, uint64) {
	out := make(map[string]uint64, len(terms))
	rd, err := ix.reader()
	if err != nil {
		return out, 0
	}
	defer rd.Close()
	docs, _ := rd.DocCount()
	for _, t := range terms {
		for _, f := range []string{fieldTitle, fieldBody} {
			tfr, err := rd.TermFieldReader(ctx, []byte(t), f, false, false, false)
			if err != nil {
				continue
			}
			if n := tfr.Count(); n > out[t] {
				out[t] = n
			}
			_ = tfr.Close()
		}
		if out[t] == 0 {
			delete(out, t)
		}
	}
	return out, docs
}

// prefixExpansions returns up to k title or body terms that start with
// prefix, the most frequent first.
func (ix *index) prefixExpansions(ctx context.Context, prefix string, k int) []string {
	rd, err := ix.reader()
	if err != nil {
		return nil
	}
	defer rd.Close()
	counts := map[string]uint64{}
	for _, f := range []string{fieldTitle, fieldBody} {
		d, err := rd.FieldDictPrefix(f, []byte(prefix))
		if err != nil {
			continue
		}
		for e, err := d.Next(); e != nil && err == nil && ctx.Err() == nil; e, err = d.Next() {
			counts[e.Term] += e.Count
		}
		_ = d.Close()
	}
	out := make([]string, 0, len(counts))
	for t := range counts {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	return out[:min(k, len(out))]
}

// reader opens a reader on the current index snapshot.
func (ix *index) reader() (bleveindex.IndexReader, error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index reader: %w", err)
	}
	return rd, nil
}

// sortByDF sorts xs by ascending key, keeping the order of equal keys.
func sortByDF[T any](xs []T, key func(T) uint64) {
	sort.SliceStable(xs, func(i, j int) bool { return key(xs[i]) < key(xs[j]) })
}
