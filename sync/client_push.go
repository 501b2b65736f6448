package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// A push batch carries at most maxBatchBytes of documents (unless one
// document alone is larger); a document above maxDocBytes cannot be sent.
const (
	maxBatchBytes = MaxRequestBytes / 4
	maxDocBytes   = MaxRequestBytes - 64<<10
)

// inflight is a push batch sent but not yet answered. It is kept until
// the answer is processed, and sent again under the same id after a cut
// connection or a crash, so the server applies it at most once.
type inflight struct {
	Batch string `json:"batch"`
	Docs  []Doc  `json:"docs"`
}

// pushInflight finishes a batch that was sent in an earlier round.
func (c *Client) pushInflight(ctx context.Context, sid string, rep *Report) error {
	var in inflight
	var ok bool
	err := c.db.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(sid))
		if sb == nil {
			return nil
		}
		var err error
		ok, err = getJSON(sb, keyInflight, &in)
		return err
	})
	if err != nil || !ok {
		return err
	}
	_, err = c.sendBatch(ctx, sid, in, rep)
	return err
}

// push sends the outbox in batches and returns how many documents the
// server refused as conflicting (they need a pull and merge first).
func (c *Client) push(ctx context.Context, sid string, rep *Report) (int, error) {
	var keys []string
	err := c.db.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(sid))
		held := sb.Bucket(bucketHeld)
		return sb.Bucket(bucketOutbox).ForEach(func(k, _ []byte) error {
			if held.Get(k) == nil {
				keys = append(keys, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	conflicts := 0
	for len(keys) > 0 {
		in := inflight{Batch: randomID(16)}
		n := 0
		err := c.db.Update(func(tx *bolt.Tx) error {
			sb, err := serverBucket(tx, sid)
			if err != nil {
				return err
			}
			size := 0
			for ; n < len(keys) && len(in.Docs) < MaxBatch; n++ {
				raw := sb.Bucket(bucketOutbox).Get([]byte(keys[n]))
				if raw == nil {
					continue
				}
				if len(raw) > maxDocBytes {
					reason := fmt.Sprintf("%d bytes, more than the server accepts in one request", len(raw))
					kind, id := splitKey(keys[n])
					rep.Held = append(rep.Held, DocReject{Kind: kind, ID: id, Reason: reason})
					if err := sb.Bucket(bucketHeld).Put([]byte(keys[n]), []byte(reason)); err != nil {
						return err
					}
					continue
				}
				if size+len(raw) > maxBatchBytes && len(in.Docs) > 0 {
					break
				}
				var d Doc
				if err := json.Unmarshal(raw, &d); err != nil {
					return fmt.Errorf("decode %s: %w", keys[n], err)
				}
				in.Docs = append(in.Docs, d)
				size += len(raw)
			}
			if len(in.Docs) == 0 {
				return nil
			}
			return putJSON(sb, keyInflight, in)
		})
		if err != nil {
			return conflicts, fmt.Errorf("prepare push: %w", err)
		}
		keys = keys[n:]
		if len(in.Docs) == 0 {
			continue
		}
		if err := c.uploadBlobs(ctx, in.Docs, rep); err != nil {
			return conflicts, err
		}
		k, err := c.sendBatch(ctx, sid, in, rep)
		if err != nil {
			return conflicts, err
		}
		conflicts += k
	}
	return conflicts, nil
}

// sendBatch pushes one batch and records the answer. Documents the server
// refuses (a missing right, a broken rule) are held and the rest is sent
// again as a new batch.
func (c *Client) sendBatch(ctx context.Context, sid string, in inflight, rep *Report) (int, error) {
	for {
		var resp PushResponse
		err := c.call(ctx, "POST", "/push", nil, PushRequest{Batch: in.Batch, Replica: c.me, Docs: in.Docs}, func(r io.Reader) error {
			var err error
			resp, err = DecodePushResponse(r, len(in.Docs))
			return err
		})
		var ae *APIError
		if errors.As(err, &ae) && (ae.Status == http.StatusForbidden || ae.Status == http.StatusUnprocessableEntity) && len(ae.Docs) > 0 {
			rest, err := c.hold(sid, in, ae, rep)
			if err != nil {
				return 0, err
			}
			if len(rest.Docs) == 0 {
				return 0, nil
			}
			in = rest
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("push: %w", err)
		}
		return c.recordPush(sid, in, resp, rep)
	}
}

// hold marks the refused documents of a batch and returns the rest under
// a new batch id (saved as the new inflight batch).
func (c *Client) hold(sid string, in inflight, ae *APIError, rep *Report) (inflight, error) {
	refused := map[string]string{}
	for _, d := range ae.Docs {
		refused[d.Kind+"/"+d.ID] = d.Reason
	}
	rest := inflight{Batch: randomID(16)}
	err := c.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, sid)
		if err != nil {
			return err
		}
		for _, d := range in.Docs {
			reason, ok := refused[d.Key()]
			if !ok {
				rest.Docs = append(rest.Docs, d)
				continue
			}
			rep.Held = append(rep.Held, DocReject{Kind: d.Kind, ID: d.ID, Reason: reason})
			if err := sb.Bucket(bucketHeld).Put([]byte(d.Key()), []byte(reason)); err != nil {
				return err
			}
		}
		if len(rest.Docs) == len(in.Docs) {
			return fmt.Errorf("server refused the batch naming documents not in it: %w", ae)
		}
		if len(rest.Docs) == 0 {
			return sb.Delete(keyInflight)
		}
		return putJSON(sb, keyInflight, rest)
	})
	if err != nil {
		return inflight{}, fmt.Errorf("hold refused documents: %w", err)
	}
	return rest, nil
}

// recordPush records the server's answer: accepted documents become the
// new base and leave the outbox, unless a newer local edit replaced them.
func (c *Client) recordPush(sid string, in inflight, resp PushResponse, rep *Report) (int, error) {
	conflicts := 0
	err := c.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, sid)
		if err != nil {
			return err
		}
		for i, d := range in.Docs {
			res := resp.Results[i]
			if res.Kind != d.Kind || res.ID != d.ID {
				return fmt.Errorf("result %d is for %s/%s, not %s", i, res.Kind, res.ID, d.Key())
			}
			if res.Status == Conflicted {
				conflicts++
				continue
			}
			if res.Status == Accepted && !resp.Replayed {
				rep.Pushed++
			}
			k := []byte(d.Key())
			var m docMeta
			if _, err := getJSON(sb.Bucket(bucketDocs), k, &m); err != nil {
				return err
			}
			if m.Base != nil && d.Version.Compare(m.Base) != After {
				continue // a pull already brought this or a later version
			}
			d.Seq = res.Seq
			if err := putJSON(sb.Bucket(bucketBase), k, d); err != nil {
				return err
			}
			m.Base = d.Version
			var cur Doc
			if ok, err := getJSON(sb.Bucket(bucketOutbox), k, &cur); err != nil {
				return err
			} else if ok && cur.Version.Compare(d.Version) == Equal {
				m.Pending = false
				if err := sb.Bucket(bucketOutbox).Delete(k); err != nil {
					return err
				}
			}
			if err := putJSON(sb.Bucket(bucketDocs), k, m); err != nil {
				return err
			}
		}
		return sb.Delete(keyInflight)
	})
	if err != nil {
		return 0, fmt.Errorf("record push: %w", err)
	}
	return conflicts, nil
}

// uploadBlobs makes sure the server has every blob the documents name.
func (c *Client) uploadBlobs(ctx context.Context, docs []Doc, rep *Report) error {
	var want []string
	for _, d := range docs {
		want = append(want, d.Blobs...)
	}
	slices.Sort(want)
	for _, sha := range slices.Compact(want) {
		if !c.blobs.has(sha) {
			continue // the server will refuse the document; it is held
		}
		sent, err := c.uploadBlob(ctx, sha)
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusUnprocessableEntity {
			continue // the local copy does not match its hash: the document is held
		}
		if err != nil {
			return err
		}
		if sent {
			rep.BlobsUp++
		}
	}
	return nil
}
