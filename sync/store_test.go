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
