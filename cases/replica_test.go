package cases

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	wsync "werkbank/sync"
)

func openReplicaStore(t *testing.T) *Store {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := Open(context.Background(), Config{DB: db, AttachDir: filepath.Join(dir, "attachments")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func scanAll(t *testing.T, r *Replica) map[string]wsync.Item {
	t.Helper()
	out := map[string]wsync.Item{}
	if err := r.Scan(context.Background(), func(it wsync.Item) error { out[it.ID] = it; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReplicaCanonical(t *testing.T) {
	ctx := context.Background()
	a, b := openReplicaStore(t), openReplicaStore(t)
	ra, rb := NewReplica(a), NewReplica(b)
	c, err := a.Create(ctx, NewCase{Title: "Drucker", Customer: "ACME", Priority: PriorityHigh, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "anna", Text: "angerufen"}); err != nil {
		t.Fatal(err)
	}
	st1, err := ra.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "anna", Text: "again"}); err != nil {
		t.Fatal(err)
	}
	if st2, _ := ra.State(ctx); st2 == st1 {
		t.Fatal("state did not change with a write")
	}
	items := scanAll(t, ra)
	it := items[c.ID]
	if strings.Contains(string(it.Body), `"revision":2`) || !strings.Contains(string(it.Body), "angerufen") {
		t.Fatalf("body %s", it.Body)
	}
	// Stored elsewhere, the case lists exactly as it was sent: no phantom
	// edit after a sync.
	stored, err := rb.Put(ctx, []wsync.Item{it})
	if err != nil {
		t.Fatal(err)
	}
	if string(stored[0].Body) != string(it.Body) || string(scanAll(t, rb)[c.ID].Body) != string(it.Body) {
		t.Fatalf("canonical form changed:\n%s\n%s", it.Body, stored[0].Body)
	}
	got, err := b.Get(ctx, c.ID)
	if err != nil || len(got.Activities) != 3 || got.Priority != PriorityHigh {
		t.Fatalf("stored %+v (%v)", got, err)
	}
}

func TestReplicaTicketDeterministic(t *testing.T) {
	ctx := context.Background()
	s := openReplicaStore(t)
	r := NewReplica(s)
	body := json.RawMessage(`{"id":"T-1","title":"Rechnungslauf bricht ab","customer":"ACME","priority":"hoch","created":"2026-11-27T08:00:00Z","external_ref":"TS-1"}`)
	stored, err := r.Put(ctx, []wsync.Item{{ID: "T-1", Body: body}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Get(ctx, "T-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Priority != PriorityHigh || c.Status != StatusNew || c.Contract != "Standard" || len(c.Activities) != 1 || c.Level != 2 {
		t.Fatalf("ticket case completed as %+v", c)
	}
	// Completing is deterministic: another client stores the same.
	other, err := NewReplica(openReplicaStore(t)).Put(ctx, []wsync.Item{{ID: "T-1", Body: body}})
	if err != nil || string(other[0].Body) != string(stored[0].Body) {
		t.Fatalf("clients differ (%v):\n%s\n%s", err, stored[0].Body, other[0].Body)
	}
	if _, err := r.Put(ctx, []wsync.Item{{ID: "T-2", Body: json.RawMessage(`[1]`)}}); err == nil {
		t.Fatal("a body that is no case was stored")
	}
}

func TestReplicaMergeActivities(t *testing.T) {
	ctx := context.Background()
	s := openReplicaStore(t)
	r := NewReplica(s)
	c, err := s.Create(ctx, NewCase{Title: "x", Customer: "ACME", Priority: PriorityMedium, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	base := scanAll(t, r)[c.ID].Body
	if _, err := s.AddActivity(ctx, c.ID, Activity{Kind: KindNote, By: "anna", Text: "from a"}); err != nil {
		t.Fatal(err)
	}
	x := scanAll(t, r)[c.ID].Body
	var y Case
	if err := json.Unmarshal(base, &y); err != nil {
		t.Fatal(err)
	}
	y.Activities = append(y.Activities, Activity{ID: "b1", Kind: KindCall, By: "bert", Text: "from b", At: time.Now().UTC()})
	y.Assignee = "bert"
	yb, _ := json.Marshal(y)
	merged, conflicts, err := r.Merge(ctx, base, wsync.Variant{Replica: "ra", Value: x}, wsync.Variant{Replica: "rb", Value: yb})
	if err != nil {
		t.Fatal(err)
	}
	var m Case
	if err := json.Unmarshal(merged, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Activities) != 3 || m.Assignee != "bert" {
		t.Fatalf("merged %+v conflicts %+v", m, conflicts)
	}
}
