// Package sync replicates Werkbank's documents (articles, cases, audit logs)
// between offline-first clients and one central server.
//
// The package knows nothing about articles or cases: a store takes part by
// implementing Replica (list, put, delete and merge its documents as JSON).
// Every document carries a version vector, so concurrent edits are detected
// rather than overwritten; the client merges them with the replica's merge
// function (three-way, field by field, with a line-based diff3 for text) and
// keeps what cannot be merged side by side as Conflicts for the user.
//
// The client keeps, per server, an outbox of local edits, the last synced
// version of every document (the merge base) and a checkpoint in the server's
// change feed, all in its own buckets of the workspace's bbolt file (see
// schema.go). The server (HTTPS with a pinned certificate, per-user tokens,
// roles) keeps a sequence-numbered change feed in a Store, bbolt by default.
// Pushes and pulls go in batches and are idempotent, so a connection cut at
// any point resumes without loss or duplicates. Attachments travel as blobs
// addressed by their SHA-256, resumable in both directions.
//
// Callers import it under another name, e.g. wsync "werkbank/sync", since
// the standard library has a package of the same name.
package sync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Kinds of documents that Werkbank replicates. The engine treats every kind
// alike; the server keeps the events of audit logs and recordings
// append-only (ServerConfig.AppendOnly).
const (
	KindArticle = "article"
	KindCase    = "case"
	KindAudit   = "audit"
)

// Version is a version vector: for every replica that changed the document,
// the replica's logical clock at its latest change.
type Version map[string]uint64

// Order is how two versions relate.
type Order int

// The possible relations between two versions.
const (
	Equal      Order = iota // the same version
	Before                  // the first is an ancestor of the second
	After                   // the first descends from the second
	Concurrent              // neither descends from the other: a conflict
)

// Compare tells how v relates to w.
func (v Version) Compare(w Version) Order {
	less, more := false, false
	for r, n := range v {
		switch m := w[r]; {
		case n < m:
			less = true
		case n > m:
			more = true
		}
	}
	for r, m := range w {
		if _, ok := v[r]; !ok && m > 0 {
			less = true
		}
	}
	switch {
	case less && more:
		return Concurrent
	case less:
		return Before
	case more:
		return After
	}
	return Equal
}

// Join returns the smallest version that descends from both v and w.
func (v Version) Join(w Version) Version {
	out := maps.Clone(v)
	if out == nil {
		out = Version{}
	}
	for r, m := range w {
		if m > out[r] {
			out[r] = m
		}
	}
	return out
}

// With returns a copy of v in which replica's clock is n.
func (v Version) With(replica string, n uint64) Version {
	out := maps.Clone(v)
	if out == nil {
		out = Version{}
	}
	out[replica] = n
	return out
}

// String renders v deterministically, replicas sorted.
func (v Version) String() string {
	var b bytes.Buffer
	for i, r := range slices.Sorted(maps.Keys(v)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%d", r, v[r])
	}
	return b.String()
}

// Doc is one replicated document as it travels and as the server keeps it.
type Doc struct {
	// Kind says which replica the document belongs to ("article", "case",
	// "audit"); ID is unique within the kind.
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Version is the document's version vector.
	Version Version `json:"version"`
	// Replica is the replica that made this version; it orders concurrent
	// versions deterministically when they are merged.
	Replica string `json:"replica"`
	// Deleted marks a tombstone: the document was deleted at Version.
	Deleted bool `json:"deleted,omitempty"`
	// Body is the document itself, as the replica encodes it.
	Body json.RawMessage `json:"body,omitempty"`
	// Events is an append-only log (audit events); Chain is the hash chain
	// over it (see ChainOf). The server refuses any change to stored events.
	Events []json.RawMessage `json:"events,omitempty"`
	Chain  string            `json:"chain,omitempty"`
	// Blobs lists the SHA-256 (hex) of attachments the document refers to;
	// they travel alongside it.
	Blobs []string `json:"blobs,omitempty"`
	// Conflicts holds what a merge could not reconcile, side by side, until
	// a user resolves it.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Seq is the document's position in the server's change feed and
	// Author the user who pushed it; both are set by the server.
	Seq    uint64 `json:"seq,omitempty"`
	Author string `json:"author,omitempty"`
}

// Key returns the document's key "kind/id".
func (d *Doc) Key() string { return d.Kind + "/" + d.ID }

// Hash is a digest of the document's content (not its version, sequence or
// author): equal hashes mean the same content.
func (d *Doc) Hash() string {
	return contentHash(d.Deleted, d.Body, d.Events, d.Blobs, d.Conflicts)
}

func contentHash(deleted bool, body json.RawMessage, events []json.RawMessage, blobs []string, conflicts []Conflict) string {
	h := sha256.New()
	if deleted {
		h.Write([]byte("deleted\n"))
		return hex.EncodeToString(h.Sum(nil))
	}
	fmt.Fprintf(h, "body %d\n", len(body))
	h.Write(body)
	fmt.Fprintf(h, "events %d\n", len(events))
	for _, e := range events {
		fmt.Fprintf(h, "%d\n", len(e))
		h.Write(e)
	}
	fmt.Fprintf(h, "blobs %d\n", len(blobs))
	for _, b := range blobs {
		fmt.Fprintf(h, "%s\n", b)
	}
	if len(conflicts) > 0 {
		c, _ := json.Marshal(conflicts) // a slice of plain structs always encodes
		fmt.Fprintf(h, "conflicts %d\n", len(c))
		h.Write(c)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainOf returns the hash chain over events: starting from the empty
// string, each link is hex(SHA-256(previous link + "\n" + event)).
func ChainOf(events []json.RawMessage) string {
	link := ""
	for _, e := range events {
		h := sha256.New()
		h.Write([]byte(link))
		h.Write([]byte{'\n'})
		h.Write(e)
		link = hex.EncodeToString(h.Sum(nil))
	}
	return link
}

// Conflict is one part of a document that concurrent edits changed in
// different ways. The document holds one of the values (the variant of the
// replica with the greatest id); Variants keeps every value, ordered by
// replica id, so the user can choose.
type Conflict struct {
	// Field is the top-level JSON field, or "" for the whole document.
	Field    string    `json:"field"`
	Variants []Variant `json:"variants"`
}

// Variant is one replica's value of a conflicting field.
type Variant struct {
	Replica string          `json:"replica"`
	Value   json.RawMessage `json:"value"`
}

// Item is a document as a Replica sees it: its id and content, without
// version information.
type Item struct {
	ID     string
	Body   json.RawMessage
	Events []json.RawMessage
	Blobs  []string
	// Author is, on a document received from the server, the user who
	// pushed it (empty for merges and in Scan); a store may record it as
	// the writer of the new revision.
	Author string
}
