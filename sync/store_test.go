package sync

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestBatchRecordsPruned(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), ServerDBFile)
	s, err := OpenBoltStore(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc := Doc{Kind: KindCase, ID: "C", Version: Version{"r": 1}, Replica: "r", Body: json.RawMessage(`{}`)}
	if _, err := s.Push(ctx, "u", PushRequest{Batch: "old", Replica: "r", Docs: []Doc{doc}}, nil); err != nil {
		t.Fatal(err)
	}
	doc.Version = Version{"r": 2}
	if _, err := s.Push(ctx, "u", PushRequest{Batch: "new", Replica: "r", Docs: []Doc{doc}}, nil); err != nil {
		t.Fatal(err)
	}
	// Age the first record beyond the retention.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBatches)
		k := []byte("u\x00r\x00old")
		var rec batchRecord
		if err := json.Unmarshal(b.Get(k), &rec); err != nil {
			return err
		}
		rec.At = rec.At.Add(-BatchRetention - time.Hour)
		raw, _ := json.Marshal(rec)
		return b.Put(k, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = OpenBoltStore(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBatches).Get([]byte("u\x00r\x00old")) != nil || tx.Bucket(bucketBatches).Get([]byte("u\x00r\x00new")) == nil {
			t.Error("wrong records pruned")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The forgotten batch, replayed, changes nothing.
	doc.Version = Version{"r": 1}
	resp, err := s.Push(ctx, "u", PushRequest{Batch: "old", Replica: "r", Docs: []Doc{doc}}, nil)
	if err != nil || resp.Replayed || resp.Results[0].Status != Conflicted {
		t.Fatalf("replay after pruning: %+v %v", resp, err)
	}
	if d, _, _ := s.Get(ctx, KindCase, "C"); d.Version["r"] != 2 {
		t.Fatalf("stored %v", d.Version)
	}
}

// TestStoredFormRoundTrip checks that a document stored by Push (encoded
// outside the write transaction, body and events copied as pushed) reads
// back as pushed, with the sequence and author the server set.
func TestStoredFormRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := OpenBoltStore(ctx, filepath.Join(t.TempDir(), ServerDBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ev := []json.RawMessage{json.RawMessage(`{"n":1}`), json.RawMessage(`{"n": 2, "t":"<b>"}`)}
	in := []Doc{
		{Kind: KindAudit, ID: "S", Version: Version{"r": 1}, Replica: "r", Body: json.RawMessage(`{"host": "h1",  "x":[1,2]}`), Events: ev, Chain: ChainOf(ev)},
		{Kind: KindCase, ID: "T", Version: Version{"r": 3}, Replica: "r", Deleted: true},
		{Kind: KindCase, ID: "C", Version: Version{"r": 2}, Replica: "r", Body: json.RawMessage(`{"title":"ä"}`), Blobs: []string{"ab"}, Conflicts: []Conflict{{Field: "title", Variants: []Variant{{Replica: "r"}}}}},
	}
	resp, err := s.Push(ctx, "anna", PushRequest{Batch: "b", Replica: "r", Docs: in}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range in {
		got, ok, err := s.Get(ctx, want.Kind, want.ID)
		if err != nil || !ok {
			t.Fatalf("get %s: %v %v", want.Key(), ok, err)
		}
		if got.Seq != resp.Results[i].Seq || got.Seq == 0 || got.Author != "anna" {
			t.Errorf("%s: seq %d author %q, want seq %d by anna", want.Key(), got.Seq, got.Author, resp.Results[i].Seq)
		}
		if got.Hash() != want.Hash() || got.Chain != want.Chain || got.Version.Compare(want.Version) != Equal || got.Replica != want.Replica || got.Deleted != want.Deleted {
			t.Errorf("%s: stored %+v, pushed %+v", want.Key(), got, want)
		}
	}
	page, err := s.Changes(ctx, 0, 10, nil)
	if err != nil || len(page.Docs) != len(in) || page.Next != uint64(len(in)) {
		t.Fatalf("feed: %+v %v", page, err)
	}
}
