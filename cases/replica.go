package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	wsync "werkbank/sync"
)

// Replica lets the case store take part in sync (werkbank/sync): it lists,
// stores and merges cases as JSON documents of kind "case", with their
// attachments as blobs.
//
// The replicated body is the case without Revision (each store counts its
// own writes). A body written by a ticket system through the server's API
// may be sparse (a title, a customer, a priority as a word); Put completes
// it the same way on every client.
type Replica struct {
	s *Store
}

// NewReplica returns the sync adapter of s.
func NewReplica(s *Store) *Replica { return &Replica{s: s} }

// caseMerger merges concurrent edits: the activity log, linked articles,
// attachments and systems by union, long texts line by line, the time of
// the last change as the later one; status, priority, assignee and the
// other single values are kept side by side when both sides changed them.
var caseMerger = wsync.ObjectMerger{Fields: map[string]wsync.Strategy{
	"activities":  wsync.Union,
	"articles":    wsync.Union,
	"attachments": wsync.Union,
	"systems":     wsync.Union,
	"description": wsync.Text,
	"cause":       wsync.Text,
	"solution":    wsync.Text,
	"updated":     wsync.Latest,
}}

// Kind is "case".
func (r *Replica) Kind() string { return wsync.KindCase }

// syncItem is the replicated form of a case.
func syncItem(c Case) (wsync.Item, error) {
	c.Revision = 0
	body, err := json.Marshal(c)
	if err != nil {
		return wsync.Item{}, fmt.Errorf("encode case %s: %w", c.ID, err)
	}
	var blobs []string
	for _, a := range c.Attachments {
		blobs = append(blobs, strings.ToLower(a.SHA256))
	}
	slices.Sort(blobs)
	return wsync.Item{ID: c.ID, Body: body, Blobs: slices.Compact(blobs)}, nil
}

// State is a checksum over the stored cases (CRC-32C of ids and JSON, no
// decoding): it changes with every write, so the sync client skips
// reading all cases while it stays the same.
func (r *Replica) State(ctx context.Context) (string, error) {
	var state string
	err := r.s.db.View(func(tx *bolt.Tx) error {
		var err error
		state, err = casesChecksum(tx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cases state: %w", err)
	}
	return state, ctx.Err()
}

// Scan lists every case.
func (r *Replica) Scan(ctx context.Context, fn func(wsync.Item) error) error {
	var items []wsync.Item
	err := r.s.db.View(func(tx *bolt.Tx) error {
		return forEachCase(tx, func(c *Case) error {
			it, err := syncItem(*c)
			if err != nil {
				return err
			}
			items = append(items, it)
			return ctx.Err()
		})
	})
	if err != nil {
		return fmt.Errorf("scan cases: %w", err)
	}
	for _, it := range items {
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// Put stores received or merged cases as they are (completing sparse ones)
// and returns them as Scan lists them.
func (r *Replica) Put(ctx context.Context, items []wsync.Item) ([]wsync.Item, error) {
	out := make([]wsync.Item, len(items))
	err := r.s.db.Update(func(tx *bolt.Tx) error {
		now := r.s.now()
		for i, it := range items {
			c, err := r.decode(it)
			if err != nil {
				return err
			}
			if old, err := getCase(tx, c.ID); err == nil {
				c.Revision = old.Revision + 1
			} else {
				c.Revision = 1
			}
			if err := r.s.save(tx, &c, now); err != nil {
				return fmt.Errorf("store case %s: %w", c.ID, err)
			}
			if out[i], err = syncItem(c); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store synced cases: %w", err)
	}
	return out, nil
}

// decode reads a case body leniently: a priority may be a word ("high")
// or a number, a status any spelling ParseStatus accepts; missing values
// get the defaults of a new case.
func (r *Replica) decode(it wsync.Item) (Case, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(it.Body, &fields); err != nil {
		return Case{}, fmt.Errorf("decode case %s: %w", it.ID, err)
	}
	var word string
	if json.Unmarshal(fields["priority"], &word) == nil {
		p := priorityWord(word)
		fields["priority"] = json.RawMessage(strconv.Itoa(int(p)))
	}
	if json.Unmarshal(fields["status"], &word) == nil {
		st, err := ParseStatus(word)
		if err != nil {
			st = StatusNew
		}
		fields["status"], _ = json.Marshal(st) // a string always encodes
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return Case{}, fmt.Errorf("decode case %s: %w", it.ID, err)
	}
	var c Case
	if err := json.Unmarshal(raw, &c); err != nil {
		return Case{}, fmt.Errorf("decode case %s: %w", it.ID, err)
	}
	c.ID = it.ID
	if !c.Priority.Valid() {
		c.Priority = PriorityMedium
	}
	if !c.Status.Valid() {
		c.Status = StatusNew
	}
	if c.Level == 0 {
		c.Level = 2
	}
	if _, err := r.s.contract(c.Contract); err != nil {
		c.Contract = "Standard"
	}
	if c.Updated.IsZero() {
		c.Updated = c.Created
	}
	if len(c.Activities) == 0 {
		a := NewSystemText(MsgCreatedAPI).Activity(KindCreated, "ticket system")
		a.ID, a.At, a.To = "created", c.Created, strconv.Itoa(int(c.Priority))
		c.Activities = []Activity{a}
	}
	return c, nil
}

// priorityWord reads a priority given as "1"…"4" or as a word in English
// or German; unknown words are medium.
func priorityWord(w string) Priority {
	if p, err := ParsePriority(w); err == nil {
		return p
	}
	switch strings.ToLower(strings.TrimSpace(w)) {
	case "emergency", "critical", "notfall", "kritisch":
		return PriorityEmergency
	case "high", "hoch":
		return PriorityHigh
	case "low", "niedrig":
		return PriorityLow
	}
	return PriorityMedium
}

// Delete keeps the cases: cases are closed, never deleted, so a deletion
// from elsewhere is not applied (the case returns to the server on the
// next round; nothing is lost).
func (r *Replica) Delete(ctx context.Context, ids []string) error { return ctx.Err() }

// Merge merges two concurrent versions of a case.
func (r *Replica) Merge(_ context.Context, base json.RawMessage, a, b wsync.Variant) (json.RawMessage, []wsync.Conflict, error) {
	return caseMerger.Merge(base, a, b)
}
