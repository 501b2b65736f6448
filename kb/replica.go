package kb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	wsync "werkbank/sync"
)

// Replica lets the knowledge base take part in sync (werkbank/sync): it
// lists, stores and merges articles as JSON documents of kind "article".
//
// The replicated body is the article without its local bookkeeping (Rev
// and Updated, which every store counts for itself). Received articles are
// saved as new revisions by the user "sync" with a role that may publish:
// the server has already checked that whoever pushed them was allowed to.
type Replica struct {
	s *Store
}

// NewReplica returns the sync adapter of s.
func NewReplica(s *Store) *Replica { return &Replica{s: s} }

// syncUser saves what the server delivers; its name is replaced by the
// user who pushed it, when known.
var syncUser = User{Name: "sync", Role: RoleAdmin}

// articleMerger merges concurrent edits: the Markdown body line by line,
// lists by union, the time of the last edit as the later one; title,
// status and the other single values are kept side by side when both
// sides changed them.
var articleMerger = wsync.ObjectMerger{Fields: map[string]wsync.Strategy{
	"body":       wsync.Text,
	"tags":       wsync.Union,
	"versions":   wsync.Union,
	"signatures": wsync.Union,
	"cases":      wsync.Union,
	"created":    wsync.Latest,
}}

// Kind is "article".
func (r *Replica) Kind() string { return wsync.KindArticle }

// syncBody is the replicated form of an article.
func syncBody(a Article) (json.RawMessage, error) {
	a.Rev, a.Updated = 0, time.Time{}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode article %s: %w", a.ID, err)
	}
	return b, nil
}

// State is the store's change sequence: it moves with every save, so the
// sync client skips reading all articles while it stays the same.
func (r *Replica) State(ctx context.Context) (string, error) {
	var seq uint64
	err := r.s.db.View(func(tx *bolt.Tx) error {
		seq = storeSeq(tx)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read change sequence: %w", err)
	}
	return strconv.FormatUint(seq, 10), ctx.Err()
}

// Scan lists every article.
func (r *Replica) Scan(ctx context.Context, fn func(wsync.Item) error) error {
	arts, err := r.s.List(ctx, Filter{})
	if err != nil {
		return err
	}
	for _, a := range arts {
		body, err := syncBody(a)
		if err != nil {
			return err
		}
		if err := fn(wsync.Item{ID: a.ID, Body: body}); err != nil {
			return err
		}
	}
	return nil
}

// Put saves received or merged articles as new revisions (written by the
// user who pushed them, else "sync") and returns them as Scan lists them.
func (r *Replica) Put(ctx context.Context, items []wsync.Item) ([]wsync.Item, error) {
	byAuthor := map[string][]Article{}
	var authors []string
	for _, it := range items {
		var a Article
		if err := json.Unmarshal(it.Body, &a); err != nil {
			return nil, fmt.Errorf("decode article %s: %w", it.ID, err)
		}
		a.ID, a.Rev = it.ID, 0
		if _, ok := byAuthor[it.Author]; !ok {
			authors = append(authors, it.Author)
		}
		byAuthor[it.Author] = append(byAuthor[it.Author], a)
	}
	for _, name := range authors {
		by := syncUser
		if name != "" {
			by.Name = name
		}
		if err := r.s.SaveMany(ctx, byAuthor[name], by); err != nil {
			return nil, err
		}
	}
	out := make([]wsync.Item, len(items))
	for i, it := range items {
		a, err := r.s.Get(ctx, it.ID)
		if err != nil {
			return nil, err
		}
		body, err := syncBody(a)
		if err != nil {
			return nil, err
		}
		out[i] = wsync.Item{ID: it.ID, Body: body}
	}
	return out, nil
}

// Delete keeps the articles: the knowledge base archives articles instead
// of deleting them, so a deletion from elsewhere is not applied (the
// article returns to the server on the next round; nothing is lost).
func (r *Replica) Delete(ctx context.Context, ids []string) error { return ctx.Err() }

// Merge merges two concurrent versions of an article. When one side
// published (or archived) it while the other changed it without doing so,
// the merged article goes back to review: a team lead must see the merged
// text before it is published again; both statuses are kept as a conflict.
func (r *Replica) Merge(_ context.Context, base json.RawMessage, a, b wsync.Variant) (json.RawMessage, []wsync.Conflict, error) {
	merged, conflicts, err := articleMerger.Merge(base, a, b)
	if err != nil {
		return nil, nil, err
	}
	var sa, sb, m struct {
		Status Status `json:"status"`
	}
	if json.Unmarshal(a.Value, &sa) != nil || json.Unmarshal(b.Value, &sb) != nil || json.Unmarshal(merged, &m) != nil {
		return merged, conflicts, nil
	}
	if sa.Status == sb.Status || (m.Status != StatusPublished && m.Status != StatusArchived) {
		return merged, conflicts, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(merged, &fields); err != nil {
		return nil, nil, fmt.Errorf("merge article: %w", err)
	}
	fields["status"], _ = json.Marshal(StatusReview) // a string always encodes
	if merged, err = json.Marshal(fields); err != nil {
		return nil, nil, fmt.Errorf("merge article: %w", err)
	}
	for _, c := range conflicts {
		if c.Field == "status" {
			return merged, conflicts, nil
		}
	}
	va, _ := json.Marshal(sa.Status) // a string always encodes
	vb, _ := json.Marshal(sb.Status)
	side := []wsync.Variant{{Replica: a.Replica, Value: va}, {Replica: b.Replica, Value: vb}}
	if a.Replica > b.Replica {
		side[0], side[1] = side[1], side[0]
	}
	return merged, append(conflicts, wsync.Conflict{Field: "status", Variants: side}), nil
}
