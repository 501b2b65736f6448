package kb

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	wsync "werkbank/sync"
)

func scanReplica(t *testing.T, r *Replica) map[string]wsync.Item {
	t.Helper()
	out := map[string]wsync.Item{}
	if err := r.Scan(context.Background(), func(it wsync.Item) error { out[it.ID] = it; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSyncReplicaCanonical(t *testing.T) {
	ctx := context.Background()
	a, b := openTestStore(t, t.TempDir()), openTestStore(t, t.TempDir())
	ra, rb := NewReplica(a.Store), NewReplica(b.Store)
	lead := User{Name: "lea", Role: RoleTeamLead}
	if _, err := a.Save(ctx, Article{ID: "druck", Title: "Druck", Body: "eins\nzwei\n", Status: StatusPublished, Tags: []string{"x"}}, lead, ""); err != nil {
		t.Fatal(err)
	}
	before, err := rb.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	it := scanReplica(t, ra)["druck"]
	if strings.Contains(string(it.Body), `"rev":1`) {
		t.Fatalf("local revision in the body: %s", it.Body)
	}
	// A published article from the server is stored on any client and
	// lists exactly as it was sent (no phantom edit).
	it.Author = "lea"
	stored, err := rb.Put(ctx, []wsync.Item{it})
	if err != nil {
		t.Fatal(err)
	}
	if string(stored[0].Body) != string(it.Body) || string(scanReplica(t, rb)["druck"].Body) != string(it.Body) {
		t.Fatalf("canonical form changed:\n%s\n%s", it.Body, stored[0].Body)
	}
	if after, _ := rb.State(ctx); after == before {
		t.Fatal("the state did not move with a save")
	}
	got, err := b.Get(ctx, "druck")
	if err != nil || got.Status != StatusPublished || got.Body != "eins\nzwei" {
		t.Fatalf("stored %+v (%v)", got, err)
	}
	if h, err := b.History(ctx, "druck"); err != nil || len(h) != 1 || h[0].By != "lea" {
		t.Fatalf("history %+v (%v)", h, err)
	}
	if err := rb.Delete(ctx, []string{"druck"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "druck"); err != nil {
		t.Fatalf("a deletion removed the article: %v", err)
	}
}

func TestSyncReplicaMerge(t *testing.T) {
	r := &Replica{}
	base, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1\n2\n3\n", Tags: []string{"x"}})
	x, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1 A\n2\n3\n", Tags: []string{"x", "a"}})
	y, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1\n2\n3 B\n", Tags: []string{"x", "b"}})
	merged, conflicts, err := r.Merge(context.Background(), base, wsync.Variant{Replica: "r1", Value: x}, wsync.Variant{Replica: "r2", Value: y})
	if err != nil || len(conflicts) != 0 {
		t.Fatalf("merge: %v %+v", err, conflicts)
	}
	var m Article
	if err := json.Unmarshal(merged, &m); err != nil {
		t.Fatal(err)
	}
	if m.Body != "1 A\n2\n3 B\n" || len(m.Tags) != 3 {
		t.Fatalf("merged %+v", m)
	}
}

func TestSyncReplicaMergePublishGoesToReview(t *testing.T) {
	r := &Replica{}
	base, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1\n2\n", Status: StatusReview})
	lead, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1\n2\n", Status: StatusPublished, Reviewer: "lea"})
	spec, _ := json.Marshal(Article{ID: "a", Title: "T", Body: "1\n2 more\n", Status: StatusReview})
	for _, order := range [][2]wsync.Variant{{{Replica: "r1", Value: lead}, {Replica: "r2", Value: spec}}, {{Replica: "r2", Value: spec}, {Replica: "r1", Value: lead}}} {
		merged, conflicts, err := r.Merge(context.Background(), base, order[0], order[1])
		if err != nil {
			t.Fatal(err)
		}
		var m Article
		if err := json.Unmarshal(merged, &m); err != nil {
			t.Fatal(err)
		}
		if m.Status != StatusReview || m.Body != "1\n2 more\n" || len(conflicts) != 1 || conflicts[0].Field != "status" || conflicts[0].Variants[0].Replica != "r1" {
			t.Fatalf("merged %+v conflicts %+v", m, conflicts)
		}
	}
}
