package kb

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// syncIndex brings the index in line with the store on Open: a full
// rebuild when the index is empty but the store is not, or when the index
// claims changes the store does not have; otherwise it applies the changes
// the index has not seen yet.
func (s *Store) syncIndex(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var seq uint64
	var empty bool
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = storeSeq(tx)
		k, _ := tx.Bucket(bucketRevisions).Cursor().First()
		empty = k == nil
		return nil
	})
	if err != nil {
		return fmt.Errorf("read change sequence: %w", err)
	}
	applied := s.ix.appliedSeq()
	switch {
	case applied > seq || (applied == 0 && !empty):
		return s.rebuild(ctx, seq)
	case applied < seq:
		return s.catchUp(ctx, applied)
	}
	return nil
}

// rebuild empties the index and indexes every current article, in batches.
// Only the last batch records the store sequence, so an interrupted rebuild
// leaves appliedSeq at 0 and is redone on the next Open.
func (s *Store) rebuild(ctx context.Context, seq uint64) error {
	if err := s.ix.reset(ctx); err != nil {
		return fmt.Errorf("rebuild index: %w", err)
	}
	after := ""
	for {
		var batch []Article
		err := s.db.View(func(tx *bolt.Tx) error {
			return scanHeads(tx, after, func(h head) (bool, error) {
				a, err := getContent(tx, h.rec.Seq)
				if err != nil {
					return false, fmt.Errorf("article %s: %w", h.ID, err)
				}
				batch = append(batch, a)
				after = h.ID
				return len(batch) < batchSize, nil
			})
		})
		if err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		last := len(batch) < batchSize
		rec := uint64(0)
		if last {
			rec = seq
		}
		if err := s.ix.apply(ctx, rec, batch, nil); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
		if last {
			return nil
		}
	}
}

// catchUp applies the changes after sequence applied to the index, in
// batches, each recording the sequence it reached.
func (s *Store) catchUp(ctx context.Context, applied uint64) error {
	for {
		var batch []Article
		var reached uint64
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketChanges).Cursor()
			for k, v := c.Seek(u64(applied + 1)); k != nil && len(batch) < batchSize; k, v = c.Next() {
				a, err := decodeContent(v)
				if err != nil {
					return fmt.Errorf("decode change %x: %w", k, err)
				}
				batch = append(batch, a)
				reached = decodeU64(k)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("catch up index: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		if err := s.ix.apply(ctx, reached, dedupeLast(batch), nil); err != nil {
			return fmt.Errorf("catch up index: %w", err)
		}
		applied = reached
	}
}
