package kb

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// head is an article's current revision: the last entry of its id in
// bucketRevisions.
type head struct {
	ID  string
	Rev int
	rec revisionRecord
}

// getHead finds the current revision of article id.
func getHead(tx *bolt.Tx, id string) (head, bool, error) {
	if id == "" {
		return head{}, false, nil
	}
	c := tx.Bucket(bucketRevisions).Cursor()
	k, _ := c.Seek(revKey(id, 1<<32-1))
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	prefix := revPrefix(id)
	if k == nil || len(k) != len(prefix)+4 || !bytes.HasPrefix(k, prefix) {
		return head{}, false, nil
	}
	return decodeHead(k, v)
}

// hasArticle reports whether article id exists.
func hasArticle(tx *bolt.Tx, id string) bool {
	prefix := revPrefix(id)
	k, _ := tx.Bucket(bucketRevisions).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+4
}

// decodeHead decodes a revision entry.
func decodeHead(k, v []byte) (head, bool, error) {
	if len(k) < 5 || k[len(k)-5] != 0 {
		return head{}, false, fmt.Errorf("malformed revision key %q", k)
	}
	h := head{ID: string(k[:len(k)-5]), Rev: int(binary.BigEndian.Uint32(k[len(k)-4:]))}
	if err := json.Unmarshal(v, &h.rec); err != nil {
		return head{}, false, fmt.Errorf("decode revision %d of %s: %w", h.Rev, h.ID, err)
	}
	return h, true, nil
}

// scanHeads calls fn with the head of every article whose id sorts after
// the id after ("" = from the first), in id order, until fn returns false.
func scanHeads(tx *bolt.Tx, after string, fn func(h head) (bool, error)) error {
	c := tx.Bucket(bucketRevisions).Cursor()
	var k, v []byte
	if after == "" {
		k, v = c.First()
	} else {
		k, v = c.Seek(append([]byte(after), 1))
	}
	var lastK, lastV []byte
	for ; ; k, v = c.Next() {
		if lastK != nil && (k == nil || !bytes.Equal(k[:max(len(k)-4, 0)], lastK[:len(lastK)-4])) {
			h, _, err := decodeHead(lastK, lastV)
			if err != nil {
				return err
			}
			if more, err := fn(h); err != nil || !more {
				return err
			}
		}
		if k == nil {
			return nil
		}
		lastK, lastV = k, v
	}
}
