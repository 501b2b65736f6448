package kb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Config configures a Store.
type Config struct {
	// DB is the shared bbolt file; the store uses only its own buckets
	// (see schema.go).
	DB *bolt.DB
	// IndexDir is the folder of the search index (derived data).
	IndexDir string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Filter selects articles for List. Zero fields match everything.
type Filter struct {
	Status  Status
	Tag     string
	Product string
}

// Store is the knowledge base: articles with their revisions in bbolt and a
// search index derived from them.
//
// Every save is a new revision, committed (fsynced) to bbolt before the
// call returns; the index is updated afterwards. If the index update fails
// or the process dies in between, the next write or the next Open catches
// the index up from the store's change feed, so nothing is lost.
type Store struct {
	db  *bolt.DB
	ix  *index
	now func() time.Time

	// wmu serialises writes, so that the index applies changes in the
	// order bbolt committed them.
	wmu sync.Mutex
	// indexBehind is set (under wmu) when an index update failed; the next
	// write catches the index up from the change feed first.
	indexBehind bool
}

// Open opens the knowledge base in cfg.DB, creating or migrating its
// buckets, and opens the search index in cfg.IndexDir, rebuilding it when
// it is missing, incompatible or ahead of the store, and catching it up
// when it lags behind.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DB == nil {
		return nil, errors.New("open knowledge base: no database")
	}
	if cfg.IndexDir == "" {
		return nil, errors.New("open knowledge base: no index folder")
	}
	if err := cfg.DB.Update(migrate); err != nil {
		return nil, fmt.Errorf("open knowledge base: %w", err)
	}
	ix, err := openIndex(ctx, cfg.IndexDir)
	if err != nil {
		return nil, fmt.Errorf("open knowledge base: %w", err)
	}
	s := &Store{db: cfg.DB, ix: ix, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.syncIndex(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open knowledge base: %w", err), ix.close())
	}
	return s, nil
}

// Close closes the search index. The bbolt file belongs to the caller.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.ix.close()
}

// Get returns the current version of article id.
func (s *Store) Get(ctx context.Context, id string) (Article, error) {
	if err := ctx.Err(); err != nil {
		return Article{}, fmt.Errorf("get article %s: %w", id, err)
	}
	var a Article
	err := s.db.View(func(tx *bolt.Tx) error {
		h, ok, err := getHead(tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		a, err = getContent(tx, h.rec.Seq)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("get article %s: %w", id, err)
	}
	return a, nil
}

// List returns the current versions of the articles that match f, the most
// recently updated first.
func (s *Store) List(ctx context.Context, f Filter) ([]Article, error) {
	var out []Article
	err := s.db.View(func(tx *bolt.Tx) error {
		return scanHeads(tx, "", func(h head) (bool, error) {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			if f.Status != "" && h.rec.Status != f.Status {
				return true, nil
			}
			a, err := getContent(tx, h.rec.Seq)
			if err != nil {
				return false, fmt.Errorf("article %s: %w", h.ID, err)
			}
			if f.match(a) {
				out = append(out, a)
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Article) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func (f Filter) match(a Article) bool {
	if f.Status != "" && a.Status != f.Status {
		return false
	}
	if f.Product != "" && a.Product != f.Product {
		return false
	}
	if f.Tag != "" && !slices.Contains(a.Tags, f.Tag) {
		return false
	}
	return true
}

// Save stores a as a new revision of its article (a new article when a.ID
// is empty or unknown) and returns what was stored. An empty a.Status
// keeps the current status (draft for a new article). Saving an article as
// published or archived, or bringing one back from the archive, needs a
// role that may publish, else the error wraps ErrForbidden.
//
// The revision is durable when Save returns. If only the index update
// fails, Save returns the stored article together with the error; the
// index catches up on the next write or Open.
func (s *Store) Save(ctx context.Context, a Article, by User, note string) (Article, error) {
	out, err := s.saveOne(ctx, saveOp{a: a, note: revNote{text: note}}, by)
	if err != nil {
		return out, fmt.Errorf("save article %s: %w", a.ID, err)
	}
	return out, nil
}

// saveOne runs one saveOp. Like Save, it returns the stored article along
// with the error when only the index update failed.
func (s *Store) saveOne(ctx context.Context, op saveOp, by User) (Article, error) {
	res, err := s.write(ctx, []saveOp{op}, by, true)
	if len(res) == 1 && res[0].saved {
		return res[0].a, err
	}
	return Article{}, err
}

// SaveMany saves many articles, each as a new revision, in few bbolt
// transactions with one index batch per chunk. It is meant for bulk loads;
// the first invalid or forbidden article aborts its chunk, earlier chunks
// stay saved.
func (s *Store) SaveMany(ctx context.Context, arts []Article, by User) error {
	for start := 0; start < len(arts); start += batchSize {
		chunk := arts[start:min(start+batchSize, len(arts))]
		ops := make([]saveOp, len(chunk))
		for i, a := range chunk {
			ops[i] = saveOp{a: a}
		}
		if _, err := s.write(ctx, ops, by, true); err != nil {
			return fmt.Errorf("save %d articles: %w", len(arts), err)
		}
	}
	return nil
}

// batchSize is the number of articles per bbolt transaction and index
// batch in bulk writes.
const batchSize = 2000

// saveOp is one article to save.
type saveOp struct {
	a    Article
	note revNote
	// onlyIfChanged skips the save when the article's content equals the
	// current revision (re-import of an unchanged file).
	onlyIfChanged bool
	// statusOnly moves the current revision to a.Status (SetStatus),
	// ignoring the other fields of a.
	statusOnly bool
	// restore, when positive, saves the content of that revision of a.ID
	// (Restore), ignoring the other fields of a.
	restore int
	// keepUpdated keeps a.Updated (an import's front matter) when it lies
	// between the creation time and now; otherwise Updated is the time of
	// the save. The revision itself always records the time of the save.
	keepUpdated bool
}

// saveResult is the outcome of one saveOp.
type saveResult struct {
	a     Article
	saved bool
	// added is true for a new article.
	added bool
	// err is why this article was not saved (invalid, forbidden).
	err error
}

// write saves ops as new revisions in one bbolt transaction and then
// applies them to the index in one batch. With atomic set, the first
// article error aborts the transaction and is returned; otherwise article
// errors are reported per result and the others are saved.
func (s *Store) write(ctx context.Context, ops []saveOp, by User, atomic bool) ([]saveResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(by.Name) == "" {
		return nil, errors.New("no user name given for the revision")
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	now := s.now().Round(0)
	res := make([]saveResult, len(ops))
	var seq uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		seq = storeSeq(tx)
		for i, op := range ops {
			prep := prepare
			switch {
			case op.statusOnly:
				prep = prepareStatus
				if op.note.text == "" {
					// Read in this transaction: what the status was.
					if h, ok, err := getHead(tx, op.a.ID); err == nil && ok {
						op.note = revNote{fmt.Sprintf("status %s → %s", h.rec.Status, op.a.Status), NoteStatus,
							[]string{string(h.rec.Status), string(op.a.Status)}}
					}
				}
			case op.restore > 0:
				prep = prepareRestore
			}
			a, added, changed, err := prep(tx, op, by, now)
			if err != nil {
				if atomic {
					return fmt.Errorf("article %q: %w", op.a.ID, err)
				}
				res[i].err = err
				continue
			}
			res[i].a, res[i].added = a, added
			if !changed {
				continue
			}
			seq++
			a.Rev++
			if !op.keepUpdated || a.Updated.IsZero() || a.Updated.After(now) || a.Updated.Before(a.Created) {
				a.Updated = now
			}
			if err := putRevision(tx, seq, a, by, op.note, now); err != nil {
				return err
			}
			res[i].a, res[i].saved = a, true
		}
		return meta.Put(keySeq, u64(seq))
	})
	if err != nil {
		return nil, err
	}
	var put []Article
	for _, r := range res {
		if r.saved {
			put = append(put, r.a)
		}
	}
	if len(put) == 0 {
		return res, nil
	}
	if err := s.indexChanges(ctx, seq, put); err != nil {
		return res, fmt.Errorf("saved in the store, but the search index is behind (it catches up on the next write or start): %w", err)
	}
	return res, nil
}

// indexChanges brings the index to seq after a commit whose changed
// articles are put. Called with wmu held.
func (s *Store) indexChanges(ctx context.Context, seq uint64, put []Article) error {
	if s.indexBehind {
		if err := s.catchUp(ctx, s.ix.appliedSeq()); err != nil {
			return err
		}
		s.indexBehind = false
		return nil
	}
	if err := s.ix.apply(ctx, seq, dedupeLast(put), nil); err != nil {
		s.indexBehind = true
		return err
	}
	return nil
}

// dedupeLast keeps the last article of each id (a bleve batch holds one
// operation per document).
func dedupeLast(arts []Article) []Article {
	seen := make(map[string]int, len(arts))
	out := arts[:0:0]
	for _, a := range arts {
		if i, ok := seen[a.ID]; ok {
			out[i] = a
			continue
		}
		seen[a.ID] = len(out)
		out = append(out, a)
	}
	return out
}

// putRevision writes article a, saved as change seq, as its new head and
// revision.
func putRevision(tx *bolt.Tx, seq uint64, a Article, by User, note revNote, at time.Time) error {
	content, err := encodeContent(a)
	if err != nil {
		return err
	}
	changes := tx.Bucket(bucketChanges)
	// Keys only grow: fill pages completely instead of splitting them
	// half-full.
	changes.FillPercent = 1.0
	if err := changes.Put(u64(seq), content); err != nil {
		return fmt.Errorf("store article %s: %w", a.ID, err)
	}
	rec, err := json.Marshal(revisionRecord{Seq: seq, At: at, By: by.Name, Role: by.Role,
		Note: note.text, Code: note.code, Args: note.args, Status: a.Status})
	if err != nil {
		return fmt.Errorf("encode revision of %s: %w", a.ID, err)
	}
	if err := tx.Bucket(bucketRevisions).Put(revKey(a.ID, a.Rev), rec); err != nil {
		return fmt.Errorf("store revision %d of %s: %w", a.Rev, a.ID, err)
	}
	return nil
}

// storeSeq is the store's last change sequence.
func storeSeq(tx *bolt.Tx) uint64 {
	return decodeU64(tx.Bucket(bucketMeta).Get(keySeq))
}

// getContent reads the article stored by change seq.
func getContent(tx *bolt.Tx, seq uint64) (Article, error) {
	v := tx.Bucket(bucketChanges).Get(u64(seq))
	if v == nil {
		return Article{}, fmt.Errorf("content of change %d is missing", seq)
	}
	a, err := decodeContent(v)
	if err != nil {
		return Article{}, fmt.Errorf("decode change %d: %w", seq, err)
	}
	return a, nil
}

// loadArticles returns the current versions of the articles ids that
// exist; the index uses it to resolve hits.
func (s *Store) loadArticles(ids []string) (map[string]Article, error) {
	out := make(map[string]Article, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			h, ok, err := getHead(tx, id)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			a, err := getContent(tx, h.rec.Seq)
			if err != nil {
				return fmt.Errorf("article %s: %w", id, err)
			}
			out[id] = a
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load articles: %w", err)
	}
	return out, nil
}
