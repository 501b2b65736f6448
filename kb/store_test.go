package kb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	alice = User{Name: "alice", Role: RoleSpecialist}
	lead  = User{Name: "lena", Role: RoleTeamLead}
	admin = User{Name: "root", Role: RoleAdmin}
)

// fakeClock is a Config.Now that advances a second on each call.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// testStore is a store on a real bbolt file in a test folder.
type testStore struct {
	*Store
	db  *bolt.DB
	dir string
}

// openTestStore opens (or reopens) the store in dir; t.Cleanup closes it.
func openTestStore(t testing.TB, dir string) *testStore {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(context.Background(), Config{DB: db, IndexDir: filepath.Join(dir, "index"), Now: clock.now})
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	ts := &testStore{Store: s, db: db, dir: dir}
	t.Cleanup(ts.close)
	return ts
}

// close closes the store and its file; closing twice is harmless.
func (ts *testStore) close() {
	if ts.db == nil {
		return
	}
	ts.Store.Close()
	ts.db.Close()
	ts.db = nil
}

// docCount is the number of documents in the index.
func (ts *testStore) docCount(t testing.TB) uint64 {
	t.Helper()
	n, err := ts.ix.bi.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (ts *testStore) seq(t testing.TB) uint64 {
	t.Helper()
	var seq uint64
	if err := ts.db.View(func(tx *bolt.Tx) error { seq = storeSeq(tx); return nil }); err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestSaveGetList(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	a, err := s.Save(ctx, Article{Title: "Drucker  druckt nicht", Body: "\n\nProblem: nichts.\r\n", Tags: []string{"druck", " druck ", ""}, Product: "ERP"}, alice, "first")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "drucker-druckt-nicht" || a.Rev != 1 || a.Status != StatusDraft || a.Author != "alice" || a.Title != "Drucker druckt nicht" {
		t.Fatalf("saved %+v", a)
	}
	if a.Body != "Problem: nichts." || len(a.Tags) != 1 || a.Created.IsZero() || !a.Created.Equal(a.Updated) {
		t.Fatalf("not normalised: %+v", a)
	}
	got, err := s.Get(ctx, a.ID)
	if err != nil || !sameContent(got, a) || got.Rev != 1 || !got.Updated.Equal(a.Updated) {
		t.Fatalf("Get = %+v, %v; want %+v", got, err, a)
	}
	// The same title again gets another id.
	b, err := s.Save(ctx, Article{Title: "Drucker druckt nicht", Body: "x", Product: "WMS", Tags: []string{"lager"}}, alice, "")
	if err != nil || b.ID == a.ID || !strings.HasPrefix(b.ID, a.ID+"-") {
		t.Fatalf("second article id %q, %v", b.ID, err)
	}
	a.Body = "Problem: alles."
	a2, err := s.Save(ctx, a, alice, "second")
	if err != nil || a2.Rev != 2 || !a2.Created.Equal(a.Created) || !a2.Updated.After(a.Updated) {
		t.Fatalf("update = %+v, %v", a2, err)
	}
	all, err := s.List(ctx, Filter{})
	if err != nil || len(all) != 2 || all[0].ID != a.ID || all[0].Body != "Problem: alles." {
		t.Fatalf("List = %+v, %v", all, err)
	}
	for _, f := range []Filter{{Product: "WMS"}, {Tag: "lager"}, {Status: StatusDraft, Tag: "lager"}} {
		l, err := s.List(ctx, f)
		if err != nil || len(l) != 1 || l[0].ID != b.ID {
			t.Fatalf("List(%+v) = %+v, %v", f, l, err)
		}
	}
	if l, err := s.List(ctx, Filter{Status: StatusPublished}); err != nil || len(l) != 0 {
		t.Fatalf("List(published) = %+v, %v", l, err)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(nope) = %v", err)
	}
	if n := s.docCount(t); n != 2 {
		t.Fatalf("index holds %d documents, want 2", n)
	}
	if applied, seq := s.ix.appliedSeq(), s.seq(t); applied != seq || seq != 3 {
		t.Fatalf("applied %d, store seq %d, want 3", applied, seq)
	}
}

func TestSaveRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	good, err := s.Save(ctx, Article{ID: "KB-1", Title: "Gut", Body: "bleibt"}, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		a    Article
		by   User
		want error
	}{
		{Article{ID: "KB-1", Title: "  "}, alice, ErrInvalid},
		{Article{ID: "a/b", Title: "x"}, alice, ErrInvalid},
		{Article{ID: "-x", Title: "x"}, alice, ErrInvalid},
		{Article{ID: "KB-1", Title: "x", Status: "weird"}, alice, ErrInvalid},
		{Article{ID: "KB-1", Title: "x", Status: StatusPublished}, alice, ErrForbidden},
		{Article{ID: "KB-1", Title: "x"}, User{}, nil},
	}
	for _, c := range cases {
		_, err := s.Save(ctx, c.a, c.by, "")
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("Save(%+v by %+v) = %v, want %v", c.a, c.by, err, c.want)
		}
	}
	got, err := s.Get(ctx, "KB-1")
	if err != nil || got.Rev != 1 || got.Body != "bleibt" || got.Title != good.Title {
		t.Fatalf("store damaged by bad input: %+v, %v", got, err)
	}
	if err := s.SaveMany(ctx, []Article{{ID: "ok-1", Title: "a"}, {ID: "bad id", Title: "b"}}, alice); !errors.Is(err, ErrInvalid) {
		t.Fatalf("SaveMany with a bad article = %v", err)
	}
	if _, err := s.Get(ctx, "ok-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SaveMany saved part of an invalid chunk: %v", err)
	}
}

func TestSaveManyAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir)
	var arts []Article
	for i := range 2*batchSize + 10 {
		arts = append(arts, Article{ID: "bulk-" + itoa(i), Title: "Artikel " + itoa(i), Body: "Inhalt " + itoa(i), Tags: []string{"t" + itoa(i%3)}})
	}
	if err := s.SaveMany(ctx, arts, admin); err != nil {
		t.Fatal(err)
	}
	if n := s.docCount(t); n != uint64(len(arts)) {
		t.Fatalf("index holds %d, want %d", n, len(arts))
	}
	s.close()

	// Reopen: the index is up to date and needs no work.
	s = openTestStore(t, dir)
	got, err := s.Get(ctx, "bulk-4009")
	if err != nil || got.Body != "Inhalt 4009" || got.Rev != 1 {
		t.Fatalf("after reopen: %+v, %v", got, err)
	}
	if n := s.docCount(t); n != uint64(len(arts)) {
		t.Fatalf("index holds %d after reopen, want %d", n, len(arts))
	}
	s.close()

	// A rebuild runs in several batches and indexes every article once.
	if err := removeAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	s = openTestStore(t, dir)
	if n := s.docCount(t); n != uint64(len(arts)) {
		t.Fatalf("index holds %d after rebuild, want %d", n, len(arts))
	}
	if l, err := s.List(ctx, Filter{Tag: "t1"}); err != nil || len(l) != (len(arts)+1)/3 {
		t.Fatalf("List(tag t1) = %d articles, %v", len(l), err)
	}
}

func TestIndexRebuiltWhenMissingAndCaughtUpWhenBehind(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, dir)
	for i := range 5 {
		if _, err := s.Save(ctx, Article{ID: "a" + itoa(i), Title: "T" + itoa(i)}, alice, ""); err != nil {
			t.Fatal(err)
		}
	}
	// The index fails after the bbolt commit: the save is kept and reported.
	if err := s.ix.close(); err != nil {
		t.Fatal(err)
	}
	a, err := s.Save(ctx, Article{ID: "late", Title: "Spät"}, alice, "")
	if err == nil || a.ID != "late" || a.Rev != 1 {
		t.Fatalf("Save with a broken index = %+v, %v; want the article and an error", a, err)
	}
	s.db.Close()
	s.db = nil

	s = openTestStore(t, dir)
	if n := s.docCount(t); n != 6 {
		t.Fatalf("after catch-up the index holds %d, want 6", n)
	}
	if s.ix.appliedSeq() != s.seq(t) {
		t.Fatalf("applied %d, want %d", s.ix.appliedSeq(), s.seq(t))
	}
	s.close()

	// Without its index folder the store rebuilds it.
	if err := removeAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	s = openTestStore(t, dir)
	if n := s.docCount(t); n != 6 {
		t.Fatalf("after rebuild the index holds %d, want 6", n)
	}
	if s.ix.appliedSeq() != 6 {
		t.Fatalf("applied %d after rebuild, want 6", s.ix.appliedSeq())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	db := s.db
	s.Store.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("99")) }); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), Config{DB: db, IndexDir: filepath.Join(dir, "index")})
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema = %v", err)
	}
	db.Close()
	s.db = nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func removeAll(p string) error { return os.RemoveAll(p) }

func TestConcurrentWritesAndReads(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	const writers, saves = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*saves*3)
	for w := range writers {
		wg.Go(func() {
			id := "c-" + itoa(w)
			for i := range saves {
				if _, err := s.Save(ctx, Article{ID: id, Title: "Artikel " + id, Body: "Fassung " + itoa(i)}, alice, ""); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for range saves {
			if _, err := s.List(ctx, Filter{}); err != nil {
				errs <- err
			}
			if _, err := s.Search(ctx, Query{Text: "Fassung"}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for w := range writers {
		h, err := s.History(ctx, "c-"+itoa(w))
		if err != nil || len(h) != saves {
			t.Fatalf("history of c-%d: %d revisions, %v", w, len(h), err)
		}
	}
	if s.ix.appliedSeq() != s.seq(t) || s.seq(t) != writers*saves {
		t.Fatalf("index at %d, store at %d", s.ix.appliedSeq(), s.seq(t))
	}
}
