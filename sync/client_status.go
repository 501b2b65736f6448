package sync

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Status returns the client's sync state: the outcome of the last round
// and the current numbers of pending edits, conflicts and held documents.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var st Status
	err := c.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketClient)
		if _, err := getJSON(root, keyStatus, &st); err != nil {
			return err
		}
		st.Server, _ = c.Server() // the stored status may name an older server
		servers := root.Bucket(bucketServers)
		return servers.ForEachBucket(func(sid []byte) error {
			sb := servers.Bucket(sid)
			st.Pending += sb.Bucket(bucketOutbox).Stats().KeyN
			st.Held += sb.Bucket(bucketHeld).Stats().KeyN
			if f := sb.Bucket(bucketFailed); f != nil {
				st.Failed += f.Stats().KeyN
			}
			return sb.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
				var m docMeta
				if err := json.Unmarshal(v, &m); err != nil {
					return fmt.Errorf("decode %s: %w", k, err)
				}
				if len(m.Conflicts) > 0 {
					st.Conflicts++
				}
				return nil
			})
		})
	})
	if err != nil {
		return Status{}, fmt.Errorf("sync status: %w", err)
	}
	return st, ctx.Err()
}

// DocConflicts is a document with unresolved conflicts.
type DocConflicts struct {
	Kind      string     `json:"kind"`
	ID        string     `json:"id"`
	Conflicts []Conflict `json:"conflicts"`
}

// Conflicts lists the documents whose concurrent edits wait for the user.
func (c *Client) Conflicts(ctx context.Context) ([]DocConflicts, error) {
	var out []DocConflicts
	err := c.db.View(func(tx *bolt.Tx) error {
		servers := tx.Bucket(bucketClient).Bucket(bucketServers)
		return servers.ForEachBucket(func(sid []byte) error {
			return servers.Bucket(sid).Bucket(bucketDocs).ForEach(func(k, v []byte) error {
				var m docMeta
				if err := json.Unmarshal(v, &m); err != nil {
					return fmt.Errorf("decode %s: %w", k, err)
				}
				if len(m.Conflicts) > 0 {
					kind, id := splitKey(string(k))
					out = append(out, DocConflicts{Kind: kind, ID: id, Conflicts: m.Conflicts})
				}
				return nil
			})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	return out, ctx.Err()
}

// Resolve marks a document's conflicts as resolved: the user has chosen
// (and saved in the store) what the document should say. The next round
// pushes the document without its conflicts, to every client.
func (c *Client) Resolve(ctx context.Context, kind, id string) error {
	if _, ok := c.replicas[kind]; !ok {
		return fmt.Errorf("resolve %s/%s: unknown kind", kind, id)
	}
	c.round.Lock()
	defer c.round.Unlock()
	clear(c.scanned) // the next scan must see the cleared hash
	err := c.db.Update(func(tx *bolt.Tx) error {
		servers := tx.Bucket(bucketClient).Bucket(bucketServers)
		return servers.ForEachBucket(func(sid []byte) error {
			sb := servers.Bucket(sid)
			k := []byte(kind + "/" + id)
			var m docMeta
			if ok, err := getJSON(sb.Bucket(bucketDocs), k, &m); err != nil || !ok || len(m.Conflicts) == 0 {
				return err
			}
			// Clearing the hash makes the next scan record the document
			// as a local edit, now without conflicts.
			m.Conflicts, m.Hash = nil, ""
			return putJSON(sb.Bucket(bucketDocs), k, m)
		})
	})
	if err != nil {
		return fmt.Errorf("resolve %s/%s: %w", kind, id, err)
	}
	return ctx.Err()
}
