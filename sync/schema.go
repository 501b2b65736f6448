package sync

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Every bbolt bucket of the package, in the client's workspace file and in
// the server's own file, is declared here with its schema version.

// Client side, in the workspace's shared bbolt file: one top-level bucket.
//
//	sync/
//	  schema   → client schema version (uint64)
//	  replica  → this replica's random id
//	  clock    → the replica's logical clock (uint64)
//	  config   → remembered server URL, token and pinned fingerprint (JSON)
//	  status   → the last round's Status (JSON)
//	  servers/<server id>/   everything that is per server:
//	    checkpoint → the feed sequence pulled up to (uint64)
//	    inflight   → the push batch sent but not yet answered (JSON)
//	    docs/      kind/id → docMeta: the version of the server's copy last
//	               seen, the hash of the matching local content, flags
//	    base/      kind/id → Doc: the server's copy last seen (merge base)
//	    outbox/    kind/id → Doc: a local version not yet on the server
//	    held/      kind/id → why the server refused it (text)
//	    failed/    kind/id → a pulled Doc the replica could not store or
//	               merge, with the reason; retried every round
var (
	bucketClient     = []byte("sync")
	keySchema        = []byte("schema")
	keyReplica       = []byte("replica")
	keyClock         = []byte("clock")
	keyConfig        = []byte("config")
	keyStatus        = []byte("status")
	bucketServers    = []byte("servers")
	keyCheckpoint    = []byte("checkpoint")
	keyInflight      = []byte("inflight")
	bucketDocs       = []byte("docs")
	bucketBase       = []byte("base")
	bucketOutbox     = []byte("outbox")
	bucketHeld       = []byte("held")
	bucketFailed     = []byte("failed")
	perServerBuckets = [][]byte{bucketDocs, bucketBase, bucketOutbox, bucketHeld, bucketFailed}
)

// clientSchema is the version of the client buckets' layout.
const clientSchema = 1

// Server side, in the server's own bbolt file (ServerDBFile):
//
//	meta/    schema → server schema version; id → the server's random id;
//	         seq → the latest sequence number
//	docs/    kind NUL id → Doc (current version, with Seq)
//	feed/    seq (8 bytes big-endian) → kind NUL id; one entry per document,
//	         its latest change (older entries are removed: a compacted feed)
//	batches/ user NUL replica NUL batch id → the answer given and when
//	         (pruned after BatchRetention)
//	users/   name → User
//	tokens/  token hash → name
var (
	bucketMeta    = []byte("meta")
	bucketSrvDocs = []byte("docs")
	bucketFeed    = []byte("feed")
	bucketBatches = []byte("batches")
	bucketUsers   = []byte("users")
	bucketTokens  = []byte("tokens")
	keyServerID   = []byte("id")
	keySeq        = []byte("seq")
	serverBuckets = [][]byte{bucketMeta, bucketSrvDocs, bucketFeed, bucketBatches, bucketUsers, bucketTokens}
)

// serverSchema is the version of the server buckets' layout.
const serverSchema = 1

// ensureClientSchema creates the client bucket or checks its version.
func ensureClientSchema(tx *bolt.Tx) (*bolt.Bucket, error) {
	b, err := tx.CreateBucketIfNotExists(bucketClient)
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", bucketClient, err)
	}
	if _, err := b.CreateBucketIfNotExists(bucketServers); err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", bucketServers, err)
	}
	if err := checkSchema(b, clientSchema); err != nil {
		return nil, fmt.Errorf("sync client buckets: %w", err)
	}
	return b, nil
}

// ensureServerSchema creates the server buckets or checks their version.
func ensureServerSchema(tx *bolt.Tx) error {
	for _, name := range serverBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	if err := checkSchema(tx.Bucket(bucketMeta), serverSchema); err != nil {
		return fmt.Errorf("sync server store: %w", err)
	}
	return nil
}

// checkSchema writes the version into a fresh bucket; an older version
// would be migrated here, a newer one is refused.
func checkSchema(b *bolt.Bucket, want uint64) error {
	got := getUint(b, keySchema)
	switch {
	case got == 0:
		return putUint(b, keySchema, want)
	case got > want:
		return fmt.Errorf("schema version %d is newer than this program's %d; update Werkbank", got, want)
	}
	return nil
}

// serverBucket returns the per-server bucket of the client, creating it.
func serverBucket(tx *bolt.Tx, serverID string) (*bolt.Bucket, error) {
	root := tx.Bucket(bucketClient)
	if root == nil {
		return nil, fmt.Errorf("bucket %s missing", bucketClient)
	}
	sb, err := root.Bucket(bucketServers).CreateBucketIfNotExists([]byte(serverID))
	if err != nil {
		return nil, fmt.Errorf("create bucket for server %s: %w", serverID, err)
	}
	for _, name := range perServerBuckets {
		if _, err := sb.CreateBucketIfNotExists(name); err != nil {
			return nil, fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return sb, nil
}

func getUint(b *bolt.Bucket, key []byte) uint64 {
	v := b.Get(key)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func putUint(b *bolt.Bucket, key []byte, n uint64) error {
	return b.Put(key, seqKey(n))
}

// seqKey encodes n so that byte order is numeric order.
func seqKey(n uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, n)
	return k
}
