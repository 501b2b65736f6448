package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// docMeta is what the client knows about one document for one server.
type docMeta struct {
	// Base is the version of the server's copy last seen (its body is in
	// the base bucket); nil before the document reached the server.
	Base Version `json:"base,omitempty"`
	// Hash is the hash of the local content that matches Base or, when
	// Pending, the outbox entry. A different local hash is a local edit.
	Hash    string `json:"hash"`
	Deleted bool   `json:"deleted,omitempty"`
	Pending bool   `json:"pending,omitempty"`
	// Conflicts are the unresolved conflicts of the local state.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Report says what one sync round moved.
type Report struct {
	Server string `json:"server"`
	// Scanned counts local edits found; Pushed and Pulled documents moved.
	Scanned int `json:"scanned"`
	Pushed  int `json:"pushed"`
	Pulled  int `json:"pulled"`
	// Merged counts concurrent edits merged; Conflicts lists the documents
	// that now hold unresolved conflicts.
	Merged    int         `json:"merged"`
	Conflicts []DocReject `json:"conflicts,omitempty"`
	// Held lists documents the server refused (they stay local).
	Held []DocReject `json:"held,omitempty"`
	// Failed lists documents from the server that this client's stores
	// refused; they are kept and tried again every round.
	Failed []DocReject `json:"failed,omitempty"`
	// BlobsUp and BlobsDown count attachments transferred.
	BlobsUp   int    `json:"blobs_up"`
	BlobsDown int    `json:"blobs_down"`
	Seq       uint64 `json:"seq"`
}

// Status is the client's sync state for the window.
type Status struct {
	Server    string    `json:"server"`
	Online    bool      `json:"online"`
	LastSync  time.Time `json:"last_sync"`
	LastError string    `json:"last_error,omitempty"`
	Pending   int       `json:"pending"`
	Conflicts int       `json:"conflicts"`
	Held      int       `json:"held"`
	Failed    int       `json:"failed"`
}

// Sync runs one round: find local edits, pull (with the attachments of
// what arrives), merge, push (attachments first). Every step is idempotent; a round cut short is resumed by
// the next one.
func (c *Client) Sync(ctx context.Context) (Report, error) {
	c.round.Lock()
	defer c.round.Unlock()
	rep, err := c.syncRound(ctx)
	if serr := c.saveStatus(err); serr != nil && err == nil {
		err = serr
	}
	return rep, err
}

func (c *Client) syncRound(ctx context.Context) (Report, error) {
	srv, _ := c.Server()
	rep := Report{Server: srv}
	// Local edits go into the outbox first, even when the server is out of
	// reach, so that the window can show them as pending.
	c.mu.Lock()
	known := c.conf.ServerID
	c.mu.Unlock()
	var err error
	if known != "" {
		if rep.Scanned, err = c.scan(ctx, known); err != nil {
			return rep, err
		}
	}
	info, err := c.Info(ctx)
	if err != nil {
		return rep, err
	}
	sid := info.ServerID
	if sid != known {
		if rep.Scanned, err = c.scan(ctx, sid); err != nil {
			return rep, err
		}
	}
	if err := c.pushInflight(ctx, sid, &rep); err != nil {
		return rep, err
	}
	for range 5 {
		if err := c.pull(ctx, sid, &rep); err != nil {
			return rep, err
		}
		conflicts, err := c.push(ctx, sid, &rep)
		if err != nil {
			return rep, err
		}
		if conflicts == 0 {
			break
		}
	}
	rep.Conflicts, err = c.conflicted(sid)
	return rep, err
}

// Wait blocks until the server has changes this client has not pulled, up
// to maxWait, or until ctx ends (a long poll of the change feed).
func (c *Client) Wait(ctx context.Context, maxWait time.Duration) (bool, error) {
	info, err := c.Info(ctx)
	if err != nil {
		return false, err
	}
	var since uint64
	err = c.db.View(func(tx *bolt.Tx) error {
		if sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(info.ServerID)); sb != nil {
			since = getUint(sb, keyCheckpoint)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read checkpoint: %w", err)
	}
	q := url.Values{"since": {strconv.FormatUint(since, 10)}, "limit": {"1"}, "kinds": {strings.Join(c.kinds, ",")}, "wait": {strconv.FormatInt(maxWait.Milliseconds(), 10)}}
	ctx, cancel := context.WithTimeout(ctx, maxWait+c.timeout)
	defer cancel()
	resp, err := c.request(ctx, "GET", "/changes", q, nil, nil)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	page, err := DecodeChangesResponse(resp.Body)
	if err != nil {
		return false, fmt.Errorf("long poll: %w", err)
	}
	return len(page.Docs) > 0 || page.More, nil
}

// itemHash is the content hash of a local document.
func itemHash(it Item) string {
	blobs := slices.Clone(it.Blobs)
	slices.Sort(blobs)
	return contentHash(false, it.Body, it.Events, slices.Compact(blobs), nil)
}

// deletedHash is the content hash of a deleted document.
var deletedHash = contentHash(true, nil, nil, nil, nil)

// scan finds local edits by comparing every document's hash with the
// hash recorded at the last sync, and puts them into the outbox with a new
// version. Documents that vanished become tombstones.
func (c *Client) scan(ctx context.Context, sid string) (int, error) {
	total := 0
	for _, kind := range c.kinds {
		var state string
		if sr, ok := c.replicas[kind].(StateReporter); ok {
			var err error
			if state, err = sr.State(ctx); err != nil {
				return total, fmt.Errorf("scan %s: %w", kind, err)
			}
			if prev, ok := c.scanned[sid+"/"+kind]; ok && prev == state {
				continue
			}
		}
		metas := map[string]docMeta{}
		err := c.db.Update(func(tx *bolt.Tx) error {
			sb, err := serverBucket(tx, sid)
			if err != nil {
				return err
			}
			return forPrefix(sb.Bucket(bucketDocs), kind+"/", func(k, v []byte) error {
				var m docMeta
				if err := json.Unmarshal(v, &m); err != nil {
					return fmt.Errorf("decode %s: %w", k, err)
				}
				metas[string(k)] = m
				return nil
			})
		})
		if err != nil {
			return total, fmt.Errorf("scan %s: %w", kind, err)
		}
		var changed []Item
		seen := map[string]bool{}
		err = c.replicas[kind].Scan(ctx, func(it Item) error {
			if !ValidID(it.ID) {
				return fmt.Errorf("%s has an invalid id %q", kind, it.ID)
			}
			k := kind + "/" + it.ID
			seen[k] = true
			if m, ok := metas[k]; !ok || m.Deleted || m.Hash != itemHash(it) {
				changed = append(changed, it)
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("scan %s: %w", kind, err)
		}
		var gone []string
		for k, m := range metas {
			if !seen[k] && !m.Deleted {
				gone = append(gone, k[len(kind)+1:])
			}
		}
		slices.Sort(gone)
		for len(changed) > 0 || len(gone) > 0 {
			n := min(len(changed), MaxBatch)
			g := min(len(gone), MaxBatch-n)
			if err := c.recordEdits(kind, sid, changed[:n], gone[:g]); err != nil {
				return total, err
			}
			total += n + g
			changed, gone = changed[n:], gone[g:]
		}
		if state != "" {
			c.scanned[sid+"/"+kind] = state
		}
	}
	return total, nil
}

// recordEdits puts local edits and deletions into the outbox.
func (c *Client) recordEdits(kind, sid string, items []Item, gone []string) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, sid)
		if err != nil {
			return err
		}
		root := tx.Bucket(bucketClient)
		clock := getUint(root, keyClock)
		put := func(d Doc, m docMeta) error {
			clock++
			k := []byte(d.Key())
			var prev Doc
			if _, err := getJSON(sb.Bucket(bucketOutbox), k, &prev); err != nil {
				return err
			}
			v := m.Base
			if m.Pending {
				v = prev.Version
			}
			d.Version, d.Replica, d.Conflicts = v.With(c.me, clock), c.me, m.Conflicts
			m.Pending = true
			if err := putJSON(sb.Bucket(bucketOutbox), k, d); err != nil {
				return err
			}
			if err := sb.Bucket(bucketHeld).Delete(k); err != nil {
				return err
			}
			return putJSON(sb.Bucket(bucketDocs), k, m)
		}
		for _, it := range items {
			var m docMeta
			if _, err := getJSON(sb.Bucket(bucketDocs), []byte(kind+"/"+it.ID), &m); err != nil {
				return err
			}
			blobs := slices.Clone(it.Blobs)
			slices.Sort(blobs)
			d := Doc{Kind: kind, ID: it.ID, Body: it.Body, Events: it.Events, Chain: ChainOf(it.Events), Blobs: slices.Compact(blobs)}
			m.Hash, m.Deleted = itemHash(it), false
			if err := put(d, m); err != nil {
				return err
			}
		}
		for _, id := range gone {
			var m docMeta
			if _, err := getJSON(sb.Bucket(bucketDocs), []byte(kind+"/"+id), &m); err != nil {
				return err
			}
			m.Hash, m.Deleted, m.Conflicts = deletedHash, true, nil
			if err := put(Doc{Kind: kind, ID: id, Deleted: true}, m); err != nil {
				return err
			}
		}
		return putUint(root, keyClock, clock)
	})
}

// forPrefix calls fn for every key of b that starts with prefix.
func forPrefix(b *bolt.Bucket, prefix string, fn func(k, v []byte) error) error {
	c := b.Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && len(k) >= len(p) && string(k[:len(p)]) == prefix; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// conflicted lists the documents with unresolved conflicts.
func (c *Client) conflicted(sid string) ([]DocReject, error) {
	var out []DocReject
	err := c.db.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(sid))
		if sb == nil {
			return nil
		}
		return sb.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
			var m docMeta
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			if len(m.Conflicts) > 0 {
				kind, id := splitKey(string(k))
				var fields []string
				for _, cf := range m.Conflicts {
					fields = append(fields, cf.Field)
				}
				out = append(out, DocReject{Kind: kind, ID: id, Reason: fmt.Sprintf("conflicting edits of %v", fields)})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	return out, nil
}

func splitKey(k string) (kind, id string) {
	for i := range len(k) {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return k, ""
}

// saveStatus records the outcome of a round.
func (c *Client) saveStatus(roundErr error) error {
	return c.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketClient)
		var st Status
		if _, err := getJSON(root, keyStatus, &st); err != nil {
			return err
		}
		st.Online = roundErr == nil || isAPIError(roundErr)
		if roundErr == nil {
			st.LastSync, st.LastError = time.Now().UTC(), ""
		} else {
			st.LastError = roundErr.Error()
		}
		return putJSON(root, keyStatus, st)
	})
}

func isAPIError(err error) bool {
	var ae *APIError
	return errors.As(err, &ae)
}
