package kb

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/golang/snappy"
	bolt "go.etcd.io/bbolt"
)

// The knowledge base's buckets in the shared bbolt file. They are declared
// here and nowhere else.
//
//   - kb.meta: "schema" → schema version (decimal), "seq" → last change
//     sequence (8 bytes, big endian).
//   - kb.changes: change sequence (8 bytes, big endian) → the full article
//     as saved by that change (encodeContent: snappy-compressed JSON). It is the only copy of every
//     revision's content and the feed from which the index catches up. Keys
//     only grow, so writes append at the end of the B+tree.
//   - kb.revisions: id + 0x00 + revision (4 bytes, big endian) → JSON of a
//     revisionRecord (who, when, note with its code, status, content sequence). An
//     article's last entry is its current revision (see heads.go); the
//     records are small, so the keys that arrive in random order touch few
//     pages.
var (
	bucketMeta      = []byte("kb.meta")
	bucketChanges   = []byte("kb.changes")
	bucketRevisions = []byte("kb.revisions")
)

// Keys in bucketMeta.
var (
	keySchema = []byte("schema")
	keySeq    = []byte("seq")
)

// schemaVersion is the version of the bucket layout written by this code.
const schemaVersion = 1

// migrations[v] upgrades a store of schema version v to v+1. Version 0 is an
// empty file: the first migration creates the buckets.
var migrations = []func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketChanges, bucketRevisions} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	},
}

// migrate brings the knowledge base's buckets to schemaVersion. A store
// written by a newer Werkbank is refused rather than damaged.
func migrate(tx *bolt.Tx) error {
	v := 0
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if raw := meta.Get(keySchema); raw != nil {
			n, err := strconv.Atoi(string(raw))
			if err != nil {
				return fmt.Errorf("knowledge-base schema version %q: %w", raw, err)
			}
			v = n
		}
	}
	if v > schemaVersion {
		return fmt.Errorf("the knowledge base has schema version %d, newer than this Werkbank understands (%d); update Werkbank", v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	for ; v < schemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate knowledge base from schema %d: %w", v, err)
		}
	}
	if err := tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(schemaVersion))); err != nil {
		return fmt.Errorf("record knowledge-base schema version: %w", err)
	}
	return nil
}

// u64 encodes a sequence number as a bbolt key.
func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// revKey is the key of revision rev of article id in bucketRevisions.
func revKey(id string, rev int) []byte {
	k := make([]byte, 0, len(id)+5)
	k = append(k, id...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(rev))
}

// revPrefix is the common prefix of all revision keys of article id.
func revPrefix(id string) []byte {
	return append([]byte(id), 0)
}

// decodeU64 decodes a sequence key.
func decodeU64(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// contentSnappy marks a value in bucketChanges as snappy-compressed JSON.
// Compression lets several revisions share a 4 KiB page, which keeps the
// file small and the writes short.
const contentSnappy = 's'

// encodeContent encodes an article for bucketChanges.
func encodeContent(a Article) ([]byte, error) {
	js, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	buf := make([]byte, 1+snappy.MaxEncodedLen(len(js)))
	buf[0] = contentSnappy
	n := len(snappy.Encode(buf[1:], js))
	return buf[:1+n], nil
}

// decodeContent decodes a value of bucketChanges.
func decodeContent(v []byte) (Article, error) {
	var a Article
	if len(v) == 0 || v[0] != contentSnappy {
		return a, errors.New("unknown content encoding")
	}
	js, err := snappy.Decode(nil, v[1:])
	if err != nil {
		return a, fmt.Errorf("decompress: %w", err)
	}
	if err := json.Unmarshal(js, &a); err != nil {
		return a, err
	}
	return a, nil
}
