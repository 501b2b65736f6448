package sync

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ServerDBFile is the name of the server's bbolt file in its data folder.
const ServerDBFile = "server.db"

// BoltStore is the Store in one bbolt file. Pushes from concurrent clients
// are committed together (bbolt's batch), one fsync for many requests.
type BoltStore struct {
	db *bolt.DB
	id string
}

// OpenBoltStore opens or creates the store file at path.
func OpenBoltStore(ctx context.Context, path string) (*BoltStore, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open server store %s: it is in use by a running server (stop it first): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open server store %s: %w", path, err)
	}
	s := &BoltStore{db: db}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := ensureServerSchema(tx); err != nil {
			return err
		}
		if err := pruneBatches(tx, time.Now()); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if id := meta.Get(keyServerID); id != nil {
			s.id = string(id)
			return nil
		}
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("make server id: %w", err)
		}
		s.id = hex.EncodeToString(b)
		return meta.Put(keyServerID, []byte(s.id))
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open server store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the file.
func (s *BoltStore) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close server store: %w", err)
	}
	return nil
}

// ServerID returns the store's permanent id.
func (s *BoltStore) ServerID(ctx context.Context) (string, error) { return s.id, ctx.Err() }

func docKey(kind, id string) []byte { return []byte(kind + "\x00" + id) }

// Get returns the current version of a document.
func (s *BoltStore) Get(ctx context.Context, kind, id string) (Doc, bool, error) {
	var d Doc
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSrvDocs).Get(docKey(kind, id))
		if v == nil {
			return nil
		}
		ok = true
		return decodeStored(v, &d)
	})
	if err != nil {
		return Doc{}, false, fmt.Errorf("get %s/%s: %w", kind, id, err)
	}
	return d, ok, ctx.Err()
}

// List returns up to limit current documents of kind with ids after after.
func (s *BoltStore) List(ctx context.Context, kind, after string, limit int) ([]Doc, error) {
	var out []Doc
	prefix := []byte(kind + "\x00")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSrvDocs).Cursor()
		k, v := c.Seek(docKey(kind, after))
		if after != "" && k != nil && bytes.Equal(k, docKey(kind, after)) {
			k, v = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
			var d Doc
			if err := decodeStored(v, &d); err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			out = append(out, d)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", kind, err)
	}
	return out, nil
}

// Seq returns the latest sequence number.
func (s *BoltStore) Seq(ctx context.Context) (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		n = getUint(tx.Bucket(bucketMeta), keySeq)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read sequence: %w", err)
	}
	return n, ctx.Err()
}

// maxPageBytes bounds a page of the change feed (unless one document
// alone is larger).
const maxPageBytes = 8 << 20

// maxScan bounds the feed entries one Changes call skips when a kind
// filter leaves most of them out; the caller continues from Next.
const maxScan = 20_000

// Changes returns the documents changed after since, in feed order.
func (s *BoltStore) Changes(ctx context.Context, since uint64, limit int, kinds []string) (ChangesResponse, error) {
	resp := ChangesResponse{Docs: []Doc{}, Next: since}
	want := map[string]bool{}
	for _, k := range kinds {
		want[k+"\x00"] = true
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		docs := tx.Bucket(bucketSrvDocs)
		c := tx.Bucket(bucketFeed).Cursor()
		k, v := c.Seek(seqKey(since + 1))
		size := 0
		for skipped := 0; k != nil && len(resp.Docs) < limit && skipped < maxScan && size < maxPageBytes; k, v = c.Next() {
			if len(want) > 0 && !want[string(v[:bytes.IndexByte(v, 0)+1])] {
				resp.Next = binary.BigEndian.Uint64(k)
				skipped++
				continue
			}
			raw := docs.Get(v)
			if raw == nil {
				return fmt.Errorf("feed entry %x names a missing document", k)
			}
			var d Doc
			if err := decodeStored(raw, &d); err != nil {
				return fmt.Errorf("decode %q: %w", v, err)
			}
			size += len(raw)
			resp.Docs = append(resp.Docs, d)
			resp.Next = d.Seq
		}
		resp.More = k != nil
		if !resp.More {
			resp.Next = max(resp.Next, getUint(tx.Bucket(bucketMeta), keySeq))
		}
		return ctx.Err()
	})
	if err != nil {
		return ChangesResponse{}, fmt.Errorf("read changes after %d: %w", since, err)
	}
	return resp, nil
}

// Push applies a batch atomically; see Store.
func (s *BoltStore) Push(ctx context.Context, user string, req PushRequest, check CheckFunc) (PushResponse, error) {
	if err := ctx.Err(); err != nil {
		return PushResponse{}, err
	}
	// The documents are encoded here, concurrently with other requests,
	// so that the shared write transaction only stores them.
	enc := make([][]byte, len(req.Docs))
	for i := range req.Docs {
		var err error
		if enc[i], err = encodeStored(req.Docs[i], user); err != nil {
			return PushResponse{}, fmt.Errorf("push batch %s: %w", req.Batch, err)
		}
	}
	var resp PushResponse
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var err error
		resp, err = pushTx(tx, user, req, enc, check)
		return err
	})
	if err != nil {
		var rej *RejectError
		if errors.As(err, &rej) {
			return PushResponse{}, rej
		}
		return PushResponse{}, fmt.Errorf("push batch %s: %w", req.Batch, err)
	}
	return resp, nil
}

// batchRecord is the answer given to a batch, kept for replays.
type batchRecord struct {
	At       time.Time    `json:"at"`
	Response PushResponse `json:"response"`
}

// BatchRetention is how long the server remembers answered batches. A
// batch replayed later is applied again, which changes nothing: each of
// its documents is then already stored (unchanged) or older (conflict).
const BatchRetention = 30 * 24 * time.Hour

// pruneBatches forgets batch records older than BatchRetention.
func pruneBatches(tx *bolt.Tx, now time.Time) error {
	b := tx.Bucket(bucketBatches)
	var old [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var rec batchRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode batch record: %w", err)
		}
		if now.Sub(rec.At) > BatchRetention {
			old = append(old, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("prune batch record: %w", err)
		}
	}
	return nil
}

// encodeStored returns the stored form of d pushed by user, without its
// closing brace: withSeq completes it once the sequence is known.
func encodeStored(d Doc, user string) ([]byte, error) {
	d.Seq, d.Author = 0, user
	return appendDocOpen(nil, d)
}

// storedOptions read documents as the store wrote them: leniently where
// the wire decoder is strict, since documents stored by earlier versions
// may hold bodies with invalid UTF-8, which encoding/json passed on.
var storedOptions = jsonv2.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

// decodeStored decodes a stored document in one pass (JSON v2), several
// times faster than encoding/json: every pull reads a page of them.
func decodeStored(raw []byte, d *Doc) error {
	return jsonv2.Unmarshal(raw, d, storedOptions)
}

// withSeq completes a document encoded by encodeStored with its sequence.
func withSeq(enc []byte, seq uint64) []byte {
	raw := make([]byte, 0, len(enc)+30)
	raw = append(append(raw, enc...), `,"seq":`...)
	return append(strconv.AppendUint(raw, seq, 10), '}')
}

// pushTx is Push inside one transaction; enc holds the documents encoded
// by encodeStored. It may run more than once (bbolt retries a failed batch
// member alone), so it keeps no state outside tx.
func pushTx(tx *bolt.Tx, user string, req PushRequest, enc [][]byte, check CheckFunc) (PushResponse, error) {
	batches := tx.Bucket(bucketBatches)
	bkey := []byte(user + "\x00" + req.Replica + "\x00" + req.Batch)
	if old := batches.Get(bkey); old != nil {
		var rec batchRecord
		if err := json.Unmarshal(old, &rec); err != nil {
			return PushResponse{}, fmt.Errorf("decode recorded batch: %w", err)
		}
		rec.Response.Replayed = true
		return rec.Response, nil
	}
	docs, feed, meta := tx.Bucket(bucketSrvDocs), tx.Bucket(bucketFeed), tx.Bucket(bucketMeta)
	resp := PushResponse{Batch: req.Batch, Results: make([]PushResult, len(req.Docs))}
	stored := make([]*Doc, len(req.Docs))
	accept := make([]bool, len(req.Docs))
	var rejects []DocReject
	status := 0
	for i := range req.Docs {
		in := &req.Docs[i]
		res := PushResult{Kind: in.Kind, ID: in.ID}
		if raw := docs.Get(docKey(in.Kind, in.ID)); raw != nil {
			stored[i] = &Doc{}
			if err := decodeStored(raw, stored[i]); err != nil {
				return PushResponse{}, fmt.Errorf("decode %s: %w", in.Key(), err)
			}
		}
		switch {
		case stored[i] == nil:
			accept[i] = true
		default:
			switch in.Version.Compare(stored[i].Version) {
			case After:
				accept[i] = true
			case Equal:
				if in.Hash() == stored[i].Hash() {
					res.Status, res.Seq = Unchanged, stored[i].Seq
				} else {
					res.Status = Conflicted
				}
			default:
				res.Status = Conflicted
			}
		}
		if accept[i] && check != nil {
			if r := check(stored[i], in); r != nil {
				rejects = append(rejects, r.DocReject)
				status = max(status, r.Status)
			}
		}
		resp.Results[i] = res
	}
	if len(rejects) > 0 {
		if status == 0 {
			status = http.StatusUnprocessableEntity
		}
		return PushResponse{}, &RejectError{Status: status, Docs: rejects}
	}
	seq := getUint(meta, keySeq)
	for i := range req.Docs {
		if !accept[i] {
			continue
		}
		d := &req.Docs[i]
		if stored[i] != nil {
			if err := feed.Delete(seqKey(stored[i].Seq)); err != nil {
				return PushResponse{}, fmt.Errorf("compact feed: %w", err)
			}
		}
		seq++
		if err := docs.Put(docKey(d.Kind, d.ID), withSeq(enc[i], seq)); err != nil {
			return PushResponse{}, fmt.Errorf("store %s: %w", d.Key(), err)
		}
		if err := feed.Put(seqKey(seq), docKey(d.Kind, d.ID)); err != nil {
			return PushResponse{}, fmt.Errorf("feed %s: %w", d.Key(), err)
		}
		resp.Results[i].Status, resp.Results[i].Seq = Accepted, seq
	}
	if err := putUint(meta, keySeq, seq); err != nil {
		return PushResponse{}, fmt.Errorf("store sequence: %w", err)
	}
	raw, err := json.Marshal(batchRecord{At: time.Now().UTC(), Response: resp})
	if err != nil {
		return PushResponse{}, fmt.Errorf("encode batch record: %w", err)
	}
	if err := batches.Put(bkey, raw); err != nil {
		return PushResponse{}, fmt.Errorf("record batch: %w", err)
	}
	return resp, nil
}

// PutUser creates or replaces a user and its token hash.
func (s *BoltStore) PutUser(ctx context.Context, u User) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode user %s: %w", u.Name, err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		users, tokens := tx.Bucket(bucketUsers), tx.Bucket(bucketTokens)
		if old := users.Get([]byte(u.Name)); old != nil {
			var o User
			if err := json.Unmarshal(old, &o); err != nil {
				return fmt.Errorf("decode user: %w", err)
			}
			if err := tokens.Delete([]byte(o.TokenHash)); err != nil {
				return err
			}
		}
		if err := users.Put([]byte(u.Name), raw); err != nil {
			return err
		}
		return tokens.Put([]byte(u.TokenHash), []byte(u.Name))
	})
	if err != nil {
		return fmt.Errorf("store user %s: %w", u.Name, err)
	}
	return nil
}

// UserByTokenHash finds the user whose token hashes to hash.
func (s *BoltStore) UserByTokenHash(ctx context.Context, hash string) (User, bool, error) {
	var u User
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		name := tx.Bucket(bucketTokens).Get([]byte(hash))
		if name == nil {
			return nil
		}
		raw := tx.Bucket(bucketUsers).Get(name)
		if raw == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(raw, &u)
	})
	if err != nil {
		return User{}, false, fmt.Errorf("look up token: %w", err)
	}
	return u, ok, ctx.Err()
}

// Users lists the users by name, without their token hashes.
func (s *BoltStore) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(_, v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			u.TokenHash = ""
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, ctx.Err()
}
