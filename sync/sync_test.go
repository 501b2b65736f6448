package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestVersionCompare(t *testing.T) {
	a := Version{"x": 1}
	b := Version{"x": 2}
	c := Version{"x": 1, "y": 1}
	cases := []struct {
		v, w Version
		want Order
	}{
		{a, a, Equal}, {a, b, Before}, {b, a, After}, {b, c, Concurrent},
		{a, c, Before}, {Version{}, a, Before}, {c, Version{"y": 1}, After},
	}
	for _, tc := range cases {
		if got := tc.v.Compare(tc.w); got != tc.want {
			t.Errorf("%v vs %v = %d, want %d", tc.v, tc.w, got, tc.want)
		}
	}
	if j := b.Join(c); j.Compare(b) != After || j.Compare(c) != After || j.String() != "x:2,y:1" {
		t.Errorf("join = %v", j)
	}
}

func TestSyncTwoClients(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	b := newPeer(t, ts.url, ts.tokens[RoleTeamLead], "")
	for i := range 30 {
		a.put(KindCase, fmt.Sprintf("C-%d", i), testDoc{Title: fmt.Sprintf("case %d", i)})
	}
	a.put(KindArticle, "A-1", testDoc{Title: "Drucker", Body: "one\ntwo\n", Status: "draft"})
	rep := a.sync()
	if rep.Pushed != 31 || rep.Scanned != 31 {
		t.Fatalf("first push: %+v", rep)
	}
	// The client pinned the certificate on first contact.
	if _, fp := a.client.Server(); fp != ts.fingerprint {
		t.Fatalf("pinned %q, want %q", fp, ts.fingerprint)
	}
	rep = b.sync()
	if rep.Pulled != 31 || rep.Pushed != 0 {
		t.Fatalf("b pulled: %+v", rep)
	}
	if got := assertEqual(t, a, b); len(got) != 31 {
		t.Fatalf("%d docs", len(got))
	}
	// A round without changes moves nothing.
	if rep := a.sync(); rep.Pushed+rep.Pulled+rep.Scanned != 0 {
		t.Fatalf("idle round moved: %+v", rep)
	}
	// Deletion travels as a tombstone.
	b.del(KindCase, "C-3")
	b.sync()
	a.sync()
	if _, ok := a.get(KindCase, "C-3"); ok {
		t.Fatal("deleted case still on a")
	}
	assertEqual(t, a, b)
	st, err := a.client.Status(context.Background())
	if err != nil || !st.Online || st.Pending != 0 || st.LastSync.IsZero() {
		t.Fatalf("status %+v %v", st, err)
	}
}

func TestConcurrentEditsMerge(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	b := newPeer(t, ts.url, ts.tokens[RoleConsultant], "")
	c := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	body := "# Title\n\nline 1\nline 2\nline 3\nline 4\nline 5\n"
	a.put(KindArticle, "A", testDoc{Title: "Orig", Body: body, Tags: []string{"x"}})
	a.put(KindCase, "C", testDoc{Title: "Case", Notes: []testNote{{"n1", "first"}}})
	a.sync()
	b.sync()
	c.sync()

	// Offline: both edit different lines of the body, the same title, the
	// tags, and each adds a note to the case.
	a.put(KindArticle, "A", testDoc{Title: "Title by A", Body: strings.Replace(body, "line 1", "line 1 by A", 1), Tags: []string{"x", "a"}})
	b.put(KindArticle, "A", testDoc{Title: "Title by B", Body: strings.Replace(body, "line 5", "line 5 by B", 1), Tags: []string{"x", "b"}})
	a.put(KindCase, "C", testDoc{Title: "Case", Notes: []testNote{{"n1", "first"}, {"n2", "by a"}}})
	b.put(KindCase, "C", testDoc{Title: "Case", Notes: []testNote{{"n1", "first"}, {"n3", "by b"}}})
	a.sync()
	rep := b.sync()
	if rep.Merged != 2 {
		t.Fatalf("b merged %d, want 2: %+v", rep.Merged, rep)
	}
	a.sync()
	c.sync()
	assertEqual(t, a, b, c)

	art, _ := c.get(KindArticle, "A")
	if !strings.Contains(art.Body, "line 1 by A") || !strings.Contains(art.Body, "line 5 by B") || strings.Contains(art.Body, "<<<<<<<") {
		t.Fatalf("body not merged cleanly:\n%s", art.Body)
	}
	if len(art.Tags) != 3 {
		t.Fatalf("tags %v", art.Tags)
	}
	cs, _ := c.get(KindCase, "C")
	if len(cs.Notes) != 3 {
		t.Fatalf("notes %v", cs.Notes)
	}
	// The title conflicts: both values kept, the same on every client.
	for _, p := range []*peer{a, b, c} {
		cf, err := p.client.Conflicts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(cf) != 1 || cf[0].ID != "A" || cf[0].Conflicts[0].Field != "title" || len(cf[0].Conflicts[0].Variants) != 2 {
			t.Fatalf("conflicts on %s: %+v", p.client.ReplicaID(), cf)
		}
		vals := []string{string(cf[0].Conflicts[0].Variants[0].Value), string(cf[0].Conflicts[0].Variants[1].Value)}
		if !strings.Contains(strings.Join(vals, " "), "Title by A") || !strings.Contains(strings.Join(vals, " "), "Title by B") {
			t.Fatalf("variants %v", vals)
		}
	}

	// Overlapping edits of the same line stay side by side in the text.
	a.put(KindArticle, "A", testDoc{Title: "Title by A", Body: strings.Replace(art.Body, "line 3", "line 3 A", 1)})
	b.put(KindArticle, "A", testDoc{Title: "Title by A", Body: strings.Replace(art.Body, "line 3", "line 3 B", 1)})
	b.sync()
	a.sync()
	b.sync()
	c.sync()
	assertEqual(t, a, b, c)
	art, _ = a.get(KindArticle, "A")
	if !strings.Contains(art.Body, "<<<<<<< ") || !strings.Contains(art.Body, "line 3 A") || !strings.Contains(art.Body, "line 3 B") {
		t.Fatalf("overlap not kept side by side:\n%s", art.Body)
	}

	// The user resolves on c; every client sees the resolution.
	c.put(KindArticle, "A", testDoc{Title: "Final", Body: body})
	if err := c.client.Resolve(context.Background(), KindArticle, "A"); err != nil {
		t.Fatal(err)
	}
	c.sync()
	a.sync()
	b.sync()
	assertEqual(t, a, b, c)
	for _, p := range []*peer{a, b, c} {
		if cf, err := p.client.Conflicts(context.Background()); err != nil || len(cf) != 0 {
			t.Fatalf("conflicts left on %s: %+v, %v", p.client.ReplicaID(), cf, err)
		}
	}
}

func TestEditWinsOverDelete(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	b := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	a.put(KindCase, "C", testDoc{Title: "v1"})
	a.sync()
	b.sync()
	a.del(KindCase, "C")
	b.put(KindCase, "C", testDoc{Title: "v2"})
	a.sync()
	b.sync()
	a.sync()
	assertEqual(t, a, b)
	if d, ok := a.get(KindCase, "C"); !ok || d.Title != "v2" {
		t.Fatalf("edit lost: %v %+v", ok, d)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleConsultant], "")
	b := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	ev := func(i int) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"n":%d,"what":"cmd %d"}`, i, i)) }
	body := json.RawMessage(`{"title":"session"}`)
	a.putItem(KindAudit, Item{ID: "S1", Body: body, Events: []json.RawMessage{ev(1), ev(2)}})
	a.sync()
	a.putItem(KindAudit, Item{ID: "S1", Body: body, Events: []json.RawMessage{ev(1), ev(2), ev(3)}})
	a.sync()
	b.sync()
	assertEqual(t, a, b)
	before, _, _ := ts.store.Get(context.Background(), KindAudit, "S1")
	if len(before.Events) != 3 {
		t.Fatalf("server has %d events", len(before.Events))
	}

	// Tampering with an old event is refused; the document stays local,
	// held, and the server keeps the original.
	a.putItem(KindAudit, Item{ID: "S1", Body: body, Events: []json.RawMessage{ev(1), json.RawMessage(`{"n":2,"what":"rm -rf"}`), ev(3), ev(4)}})
	rep := a.sync()
	if len(rep.Held) != 1 || !strings.Contains(rep.Held[0].Reason, "append-only") {
		t.Fatalf("tampered log not held: %+v", rep)
	}
	after, _, _ := ts.store.Get(context.Background(), KindAudit, "S1")
	if after.Hash() != before.Hash() || after.Seq != before.Seq {
		t.Fatal("server changed by a tampered audit log")
	}
	// Deleting it is refused too.
	b.del(KindAudit, "S1")
	rep = b.sync()
	if len(rep.Held) != 1 || !strings.Contains(rep.Held[0].Reason, "cannot be deleted") {
		t.Fatalf("deletion not held: %+v", rep)
	}
	if d, ok, _ := ts.store.Get(context.Background(), KindAudit, "S1"); !ok || d.Deleted {
		t.Fatal("audit log deleted on the server")
	}
}

func TestRolePublish(t *testing.T) {
	ts := startTestServer(t)
	spec := newPeer(t, ts.url, ts.tokens[RoleSpecialist], "")
	lead := newPeer(t, ts.url, ts.tokens[RoleTeamLead], "")
	spec.put(KindArticle, "A", testDoc{Title: "draft", Status: "draft"})
	spec.put(KindArticle, "P", testDoc{Title: "sneaky", Status: "published"})
	rep := spec.sync()
	if rep.Pushed != 1 || len(rep.Held) != 1 || rep.Held[0].ID != "P" {
		t.Fatalf("specialist publish: %+v", rep)
	}
	if _, ok, _ := ts.store.Get(context.Background(), KindArticle, "P"); ok {
		t.Fatal("published article by a specialist reached the server")
	}
	st, _ := spec.client.Status(context.Background())
	if st.Held != 1 || st.Pending != 1 {
		t.Fatalf("status %+v", st)
	}
	lead.sync()
	lead.put(KindArticle, "A", testDoc{Title: "draft", Status: "published"})
	if rep := lead.sync(); rep.Pushed != 1 || len(rep.Held) != 0 {
		t.Fatalf("team lead publish: %+v", rep)
	}
	// A specialist may not change the published article as published,
	// but may save it as a draft again (the review workflow).
	spec.sync()
	spec.put(KindArticle, "A", testDoc{Title: "changed", Status: "published"})
	if rep := spec.sync(); len(rep.Held) != 1 {
		t.Fatalf("specialist edit of published: %+v", rep)
	}
	spec.put(KindArticle, "A", testDoc{Title: "changed", Status: "draft"})
	if rep := spec.sync(); len(rep.Held) != 0 || rep.Pushed != 1 {
		t.Fatalf("specialist back to draft: %+v", rep)
	}
	// Archived articles stay archived unless a team lead brings them back.
	lead.sync()
	lead.put(KindArticle, "A", testDoc{Title: "old", Status: "archived"})
	lead.sync()
	spec.sync()
	spec.put(KindArticle, "A", testDoc{Title: "revived", Status: "draft"})
	if rep := spec.sync(); len(rep.Held) != 1 || !strings.Contains(rep.Held[0].Reason, "from archived") {
		t.Fatalf("specialist revives archived: %+v", rep)
	}
}

func TestPinnedFingerprint(t *testing.T) {
	ts := startTestServer(t)
	p := newPeer(t, ts.url, ts.tokens[RoleSpecialist], strings.Repeat("ab", 32))
	_, err := p.client.Sync(context.Background())
	if !errors.Is(err, ErrFingerprint) && !strings.Contains(fmt.Sprint(err), "certificate changed") {
		t.Fatalf("wrong pin accepted: %v", err)
	}
	st, _ := p.client.Status(context.Background())
	if st.Online || st.LastError == "" {
		t.Fatalf("status after refusal: %+v", st)
	}
	ok := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	ok.sync()
}

// hookReplica runs hook once, at its n-th State call: an edit made while a
// round is between its scan and storing a pulled page.
type hookReplica struct {
	*testReplica
	calls, n int
	hook     func()
}

func (h *hookReplica) State(ctx context.Context) (string, error) {
	h.calls++
	if h.calls == h.n {
		h.hook()
	}
	return h.testReplica.State(ctx)
}

func TestEditDuringPullIsKept(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	b := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	a.put(KindCase, "X", testDoc{Title: "x", Body: "1\n2\n3\n"})
	a.sync()
	b.sync()
	b.put(KindCase, "X", testDoc{Title: "x", Body: "1 by b\n2\n3\n"})
	b.sync()

	// a's client with a replica that edits X right after the scan.
	h := &hookReplica{testReplica: a.reps[KindCase], n: 2}
	h.hook = func() { a.put(KindCase, "X", testDoc{Title: "x", Body: "1\n2\n3 by a\n"}) }
	c, err := NewClient(context.Background(), ClientConfig{DB: a.db, BlobDir: a.dir + "/attachments", Replicas: []Replica{h}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h.calls < 2 {
		t.Fatalf("the hook did not run (%d State calls)", h.calls)
	}
	b.sync()
	d, _ := b.get(KindCase, "X")
	if d.Body != "1 by b\n2\n3 by a\n" {
		t.Fatalf("edit lost: %q", d.Body)
	}
}

// TestInflightBatchReplayed: the server applied a batch but the answer was
// lost; the next round sends the same batch id and the server answers
// from its record without storing anything twice.
func TestInflightBatchReplayed(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	a.put(KindCase, "C", testDoc{Title: "once"})
	ctx := context.Background()
	info, err := a.client.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.client.scan(ctx, info.ServerID); err != nil {
		t.Fatal(err)
	}
	var in inflight
	err = a.db.Update(func(tx *bolt.Tx) error {
		sb, err := serverBucket(tx, info.ServerID)
		if err != nil {
			return err
		}
		var d Doc
		if _, err := getJSON(sb.Bucket(bucketOutbox), []byte("case/C"), &d); err != nil {
			return err
		}
		in = inflight{Batch: "lost-answer", Docs: []Doc{d}}
		return putJSON(sb, keyInflight, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The batch reaches the server; its answer is dropped.
	err = a.client.call(ctx, "POST", "/push", nil, PushRequest{Batch: in.Batch, Replica: a.client.ReplicaID(), Docs: in.Docs}, func(io.Reader) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := ts.store.Seq(ctx)
	rep := a.sync()
	if rep.Pushed != 0 {
		t.Fatalf("pushed again: %+v", rep)
	}
	if after, _ := ts.store.Seq(ctx); after != seq {
		t.Fatalf("the replay changed the server: seq %d → %d", seq, after)
	}
	if st, _ := a.client.Status(ctx); st.Pending != 0 {
		t.Fatalf("still pending: %+v", st)
	}
}

// pickyReplica refuses to store documents whose body contains "poison"
// while picky is set.
type pickyReplica struct {
	*testReplica
	picky bool
}

func (r *pickyReplica) Put(ctx context.Context, items []Item) ([]Item, error) {
	for _, it := range items {
		if r.picky && strings.Contains(string(it.Body), "poison") {
			return nil, errors.New("this store cannot hold poison")
		}
	}
	return r.testReplica.Put(ctx, items)
}

func TestRefusedDocumentDoesNotStopSync(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	b := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	for i := range 5 {
		a.put(KindCase, fmt.Sprintf("ok-%d", i), testDoc{Title: "fine"})
	}
	a.put(KindCase, "bad", testDoc{Title: "poison"})
	a.sync()
	picky := &pickyReplica{testReplica: b.reps[KindCase], picky: true}
	c, err := NewClient(context.Background(), ClientConfig{DB: b.db, BlobDir: b.dir + "/attachments", Replicas: []Replica{picky}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pulled != 5 || len(rep.Failed) != 1 || rep.Failed[0].ID != "bad" {
		t.Fatalf("round: %+v", rep)
	}
	if st, _ := c.Status(context.Background()); st.Failed != 1 {
		t.Fatalf("status %+v", st)
	}
	// Once the store accepts it, the next round stores it.
	picky.picky = false
	if rep, err = c.Sync(context.Background()); err != nil || rep.Pulled != 1 || len(rep.Failed) != 0 {
		t.Fatalf("retry: %+v %v", rep, err)
	}
	if st, _ := c.Status(context.Background()); st.Failed != 0 {
		t.Fatalf("status %+v", st)
	}
	assertEqual(t, a, b)
}

func TestWaitWakesOnChange(t *testing.T) {
	ts := startTestServer(t)
	a := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	b := newPeer(t, ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	a.sync()
	b.sync()
	// Nothing new: the long poll ends empty.
	if more, err := a.client.Wait(context.Background(), 50*time.Millisecond); err != nil || more {
		t.Fatalf("idle wait: %v %v", more, err)
	}
	got := make(chan bool, 1)
	go func() {
		more, err := a.client.Wait(context.Background(), 20*time.Second)
		if err != nil {
			t.Error(err)
		}
		got <- more
	}()
	b.put(KindCase, "new", testDoc{Title: "news"})
	b.sync()
	if !<-got {
		t.Fatal("the long poll ended without the change")
	}
	a.sync()
	if _, ok := a.get(KindCase, "new"); !ok {
		t.Fatal("change not pulled")
	}
}
