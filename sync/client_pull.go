package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// pull fetches the change feed from the checkpoint on, page by page, and
// applies each page: documents without local edits are stored, concurrent
// ones merged into a new outbox entry. The checkpoint advances with the
// page's bookkeeping in one transaction, after the replicas stored the
// documents; a page cut short is fetched again and re-applied harmlessly.
func (c *Client) pull(ctx context.Context, sid string, rep *Report) error {
	if err := c.retryFailed(ctx, sid, rep); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	for {
		var since uint64
		err := c.db.View(func(tx *bolt.Tx) error {
			if sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(sid)); sb != nil {
				since = getUint(sb, keyCheckpoint)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read checkpoint: %w", err)
		}
		var page ChangesResponse
		q := url.Values{"since": {strconv.FormatUint(since, 10)}, "limit": {strconv.Itoa(MaxBatch)}, "kinds": {strings.Join(c.kinds, ",")}}
		err = c.call(ctx, "GET", "/changes", q, nil, func(r io.Reader) error {
			var err error
			page, err = DecodeChangesResponse(r)
			return err
		})
		if err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		if err := c.applyPage(ctx, sid, since, page, rep); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		rep.Seq = page.Next
		if !page.More {
			return nil
		}
	}
}

// pulled is the plan for one pulled document.
type pulled struct {
	doc     Doc
	meta    docMeta
	base    *Doc // the previous base, for merging
	pending *Doc // the outbox entry, if any
	// what to do: store the server's copy, merge, only advance the base,
	// or nothing.
	action int
	local  Item // the content to store (apply or merge result)
	merged Doc  // the new outbox entry after a merge
	// failed says why the replica could not store or merge it (actFailed).
	failed string
}

const (
	actSkip = iota
	actApply
	actAdvance
	actMerge
	actFailed
)

// failedDoc is a pulled document the replica refused, kept for retries.
type failedDoc struct {
	Doc    Doc    `json:"doc"`
	Reason string `json:"reason"`
}

// retryFailed applies the documents that failed in earlier rounds again,
// as a page that leaves the checkpoint where it is.
func (c *Client) retryFailed(ctx context.Context, sid string, rep *Report) error {
	var page ChangesResponse
	var since uint64
	err := c.db.View(func(tx *bolt.Tx) error {
		sb := tx.Bucket(bucketClient).Bucket(bucketServers).Bucket([]byte(sid))
		if sb == nil || sb.Bucket(bucketFailed) == nil {
			return nil
		}
		since = getUint(sb, keyCheckpoint)
		return sb.Bucket(bucketFailed).ForEach(func(k, v []byte) error {
			var f failedDoc
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode %s: %w", k, err)
			}
			page.Docs = append(page.Docs, f.Doc)
			return nil
		})
	})
	if err != nil || len(page.Docs) == 0 {
		return err
	}
	page.Next = since
	return c.applyPage(ctx, sid, since, page, rep)
}

func (c *Client) applyPage(ctx context.Context, sid string, since uint64, page ChangesResponse, rep *Report) error {
	// Edits made since the round's scan must reach the outbox before the
	// page is planned, or storing the server's copy would overwrite them.
	if c.changedSinceScan(ctx, sid) {
		n, err := c.scan(ctx, sid)
		if err != nil {
			return err
		}
		rep.Scanned += n
	}
	plans := make([]*pulled, 0, len(page.Docs))
	err := c.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, sid)
		if err != nil {
			return err
		}
		if got := getUint(sb, keyCheckpoint); got != since {
			return fmt.Errorf("checkpoint moved from %d to %d during the pull", since, got)
		}
		for _, d := range page.Docs {
			if _, ok := c.replicas[d.Kind]; !ok {
				continue // a kind this client does not keep
			}
			p := &pulled{doc: d}
			k := []byte(d.Key())
			if _, err := getJSON(sb.Bucket(bucketDocs), k, &p.meta); err != nil {
				return err
			}
			var base, pend Doc
			if ok, err := getJSON(sb.Bucket(bucketBase), k, &base); err != nil {
				return err
			} else if ok {
				p.base = &base
			}
			if ok, err := getJSON(sb.Bucket(bucketOutbox), k, &pend); err != nil {
				return err
			} else if ok && p.meta.Pending {
				p.pending = &pend
			}
			p.action = plan(p)
			plans = append(plans, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := c.mergeAll(ctx, plans, rep); err != nil {
		return err
	}
	if err := c.fetchBlobs(ctx, plans, rep); err != nil {
		return err
	}
	if err := c.storeAll(ctx, plans); err != nil {
		return err
	}
	// What the page stored is known; only later edits need a scan.
	if err := c.noteStates(ctx, sid); err != nil {
		return err
	}
	return c.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, sid)
		if err != nil {
			return err
		}
		root := tx.Bucket(bucketClient)
		clock := getUint(root, keyClock)
		for _, p := range plans {
			k := []byte(p.doc.Key())
			if p.action == actFailed {
				rep.Failed = append(rep.Failed, DocReject{Kind: p.doc.Kind, ID: p.doc.ID, Reason: p.failed})
				if err := putJSON(sb.Bucket(bucketFailed), k, failedDoc{Doc: p.doc, Reason: p.failed}); err != nil {
					return err
				}
				continue
			}
			if err := sb.Bucket(bucketFailed).Delete(k); err != nil {
				return err
			}
			if p.action == actSkip {
				continue
			}
			rep.Pulled++
			base := p.doc
			base.Author = ""
			if err := putJSON(sb.Bucket(bucketBase), k, base); err != nil {
				return err
			}
			m := p.meta
			m.Base = p.doc.Version
			switch p.action {
			case actApply:
				m.Pending, m.Deleted, m.Conflicts = false, p.doc.Deleted, p.doc.Conflicts
				m.Hash = deletedHash
				if !p.doc.Deleted {
					m.Hash = itemHash(p.local)
				}
				if err := sb.Bucket(bucketOutbox).Delete(k); err != nil {
					return err
				}
				if err := sb.Bucket(bucketHeld).Delete(k); err != nil {
					return err
				}
			case actMerge:
				clock++
				p.merged.Version = p.pending.Version.Join(p.doc.Version).With(c.me, clock)
				m.Pending, m.Deleted, m.Conflicts, m.Hash = true, false, p.merged.Conflicts, itemHash(p.local)
				if err := putJSON(sb.Bucket(bucketOutbox), k, p.merged); err != nil {
					return err
				}
			}
			if err := putJSON(sb.Bucket(bucketDocs), k, m); err != nil {
				return err
			}
		}
		if err := putUint(root, keyClock, clock); err != nil {
			return err
		}
		return putUint(sb, keyCheckpoint, page.Next)
	})
}

// changedSinceScan reports whether a replica that reports its state has
// changed since it was last scanned.
func (c *Client) changedSinceScan(ctx context.Context, sid string) bool {
	for _, kind := range c.kinds {
		sr, ok := c.replicas[kind].(StateReporter)
		if !ok {
			continue
		}
		st, err := sr.State(ctx)
		if prev, seen := c.scanned[sid+"/"+kind]; err != nil || !seen || prev != st {
			return true
		}
	}
	return false
}

// noteStates records the replicas' states after the engine's own writes.
func (c *Client) noteStates(ctx context.Context, sid string) error {
	for _, kind := range c.kinds {
		if sr, ok := c.replicas[kind].(StateReporter); ok {
			st, err := sr.State(ctx)
			if err != nil {
				return fmt.Errorf("state of %s: %w", kind, err)
			}
			c.scanned[sid+"/"+kind] = st
		}
	}
	return nil
}

// plan decides what to do with a pulled document.
func plan(p *pulled) int {
	if p.meta.Base != nil {
		if o := p.doc.Version.Compare(p.meta.Base); o == Equal || o == Before {
			return actSkip
		}
	}
	if p.pending == nil {
		return actApply
	}
	switch p.doc.Version.Compare(p.pending.Version) {
	case Equal, After:
		return actApply // the server's copy contains the local edit
	case Before:
		return actAdvance
	}
	if contentHash(p.doc.Deleted, p.doc.Body, p.doc.Events, p.doc.Blobs, nil) ==
		contentHash(p.pending.Deleted, p.pending.Body, p.pending.Events, p.pending.Blobs, nil) {
		return actApply // the same edit made twice
	}
	return actMerge
}

// mergeAll merges the concurrent documents of a page and sets what each
// plan stores locally.
func (c *Client) mergeAll(ctx context.Context, plans []*pulled, rep *Report) error {
	for _, p := range plans {
		d := p.doc
		switch p.action {
		case actApply:
			p.local = Item{ID: d.ID, Body: d.Body, Events: d.Events, Blobs: d.Blobs, Author: d.Author}
		case actMerge:
			l := p.pending
			m := Doc{Kind: d.Kind, ID: d.ID, Replica: c.me}
			switch {
			case d.Deleted && l.Deleted:
				m.Deleted = true
			case d.Deleted: // an edit wins over a concurrent deletion
				m.Body, m.Events, m.Blobs, m.Conflicts = l.Body, l.Events, l.Blobs, l.Conflicts
			case l.Deleted:
				m.Body, m.Events, m.Blobs, m.Conflicts = d.Body, d.Events, d.Blobs, d.Conflicts
			default:
				var base json.RawMessage
				if p.base != nil && !p.base.Deleted {
					base = p.base.Body
				}
				body, conflicts, err := c.replicas[d.Kind].Merge(ctx, base, Variant{c.me, l.Body}, Variant{d.Replica, d.Body})
				if err != nil {
					p.action, p.failed = actFailed, fmt.Sprintf("merge: %v", err)
					continue
				}
				m.Body = body
				m.Events = unionEvents(d.Events, l.Events)
				m.Blobs = unionSorted(d.Blobs, l.Blobs)
				m.Conflicts = mergeConflicts(l.Conflicts, d.Conflicts, conflicts)
			}
			m.Chain = ChainOf(m.Events)
			p.merged = m
			rep.Merged++
			p.local = Item{ID: d.ID, Body: m.Body, Events: m.Events, Blobs: m.Blobs}
			if m.Deleted {
				p.action = actApply // both deleted: nothing left to push
			}
		}
	}
	return nil
}

// storeAll writes the page's documents into the replicas, batched by kind,
// and replaces p.local by the canonical form the replica returns.
func (c *Client) storeAll(ctx context.Context, plans []*pulled) error {
	for _, kind := range c.kinds {
		var put, del []*pulled
		for _, p := range plans {
			if p.doc.Kind != kind || (p.action != actApply && p.action != actMerge) {
				continue
			}
			if p.action == actApply && p.doc.Deleted {
				del = append(del, p)
				continue
			}
			put = append(put, p)
		}
		if err := c.putAll(ctx, kind, put); err != nil {
			return err
		}
		for _, p := range del {
			if err := c.replicas[kind].Delete(ctx, []string{p.doc.ID}); err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("delete %s: %w", p.doc.Key(), err)
				}
				p.action, p.failed = actFailed, fmt.Sprintf("delete: %v", err)
			}
		}
	}
	return nil
}

// fetchBlobs downloads the attachments of the documents about to be
// stored, so that no document is stored without them (a cut download
// resumes in the next round). A blob the server does not have marks its
// document failed.
func (c *Client) fetchBlobs(ctx context.Context, plans []*pulled, rep *Report) error {
	for _, p := range plans {
		if (p.action != actApply && p.action != actMerge) || (p.action == actApply && p.doc.Deleted) {
			continue
		}
		for _, sha := range p.local.Blobs {
			if c.blobs.has(sha) {
				continue
			}
			err := c.downloadBlob(ctx, sha)
			var ae *APIError
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				p.action, p.failed = actFailed, fmt.Sprintf("attachment %s is not on the server", sha)
				break
			}
			if err != nil {
				return err
			}
			rep.BlobsDown++
		}
	}
	return nil
}

// putAll stores the documents of one kind in one call; when the replica
// refuses the batch, it stores them one by one, and the documents it still
// refuses are marked failed (kept for a retry) instead of stopping sync.
func (c *Client) putAll(ctx context.Context, kind string, put []*pulled) error {
	if len(put) == 0 {
		return nil
	}
	items := make([]Item, len(put))
	for i, p := range put {
		items[i] = p.local
	}
	stored, err := c.replicas[kind].Put(ctx, items)
	if err == nil && len(stored) != len(items) {
		return fmt.Errorf("store %s: the replica returned %d of %d documents", kind, len(stored), len(items))
	}
	if err != nil {
		if ctx.Err() != nil || len(put) == 1 {
			if ctx.Err() == nil {
				put[0].action, put[0].failed = actFailed, fmt.Sprintf("store: %v", err)
				return nil
			}
			return fmt.Errorf("store %d %s documents: %w", len(items), kind, err)
		}
		for _, p := range put {
			if err := c.putAll(ctx, kind, []*pulled{p}); err != nil {
				return err
			}
		}
		return nil
	}
	for i, p := range put {
		p.local = stored[i]
		if p.action == actMerge {
			p.merged.Body, p.merged.Events, p.merged.Blobs = stored[i].Body, stored[i].Events, unionSorted(stored[i].Blobs, nil)
			p.merged.Chain = ChainOf(p.merged.Events)
		}
	}
	return nil
}

// unionEvents returns the server's events followed by the local ones the
// server lacks, so the result extends the server's append-only log.
func unionEvents(server, local []json.RawMessage) []json.RawMessage {
	have := map[string]bool{}
	out := slices.Clone(server)
	for _, e := range server {
		have[string(e)] = true
	}
	for _, e := range local {
		if !have[string(e)] {
			have[string(e)] = true
			out = append(out, e)
		}
	}
	return out
}

// unionSorted returns the sorted union of two lists without duplicates.
func unionSorted(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
