package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// testDoc is the body of a test document: a small article or case.
type testDoc struct {
	Title  string     `json:"title"`
	Status string     `json:"status,omitempty"`
	Body   string     `json:"body,omitempty"`
	Tags   []string   `json:"tags,omitempty"`
	Notes  []testNote `json:"notes,omitempty"`
}

type testNote struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// testReplica is a tiny document store in its own bucket of the client's
// bbolt file: id → body, and for audit documents id → events.
type testReplica struct {
	kind string
	db   *bolt.DB
}

var testMerger = ObjectMerger{Fields: map[string]Strategy{"body": Text, "notes": Union, "tags": Union}}

func (r *testReplica) Kind() string { return r.kind }

func (r *testReplica) bucket() []byte { return []byte("test-" + r.kind) }

type storedItem struct {
	Body   json.RawMessage   `json:"body"`
	Events []json.RawMessage `json:"events,omitempty"`
	Blobs  []string          `json:"blobs,omitempty"`
}

func (r *testReplica) Scan(ctx context.Context, fn func(Item) error) error {
	var items []Item
	err := r.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(r.bucket())
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var s storedItem
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			items = append(items, Item{ID: string(k), Body: s.Body, Events: s.Events, Blobs: s.Blobs})
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := fn(it); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// canonical re-encodes a body through testDoc, as a real store would.
func canonical(body json.RawMessage) (json.RawMessage, error) {
	var d testDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, err
	}
	return json.Marshal(d)
}

// State is the bucket's change counter (StateReporter).
func (r *testReplica) State(context.Context) (string, error) {
	var n uint64
	err := r.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(r.bucket()); b != nil {
			n = b.Sequence()
		}
		return nil
	})
	return fmt.Sprint(n), err
}

func (r *testReplica) Put(ctx context.Context, items []Item) ([]Item, error) {
	out := make([]Item, len(items))
	err := r.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(r.bucket())
		if err != nil {
			return err
		}
		if _, err := b.NextSequence(); err != nil {
			return err
		}
		for i, it := range items {
			body, err := canonical(it.Body)
			if err != nil {
				return err
			}
			raw, err := json.Marshal(storedItem{Body: body, Events: it.Events, Blobs: it.Blobs})
			if err != nil {
				return err
			}
			if err := b.Put([]byte(it.ID), raw); err != nil {
				return err
			}
			out[i] = Item{ID: it.ID, Body: body, Events: it.Events, Blobs: it.Blobs}
		}
		return nil
	})
	return out, err
}

func (r *testReplica) Delete(ctx context.Context, ids []string) error {
	return r.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(r.bucket())
		if b == nil {
			return nil
		}
		if _, err := b.NextSequence(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *testReplica) Merge(_ context.Context, base json.RawMessage, a, b Variant) (json.RawMessage, []Conflict, error) {
	return testMerger.Merge(base, a, b)
}

// peer is one client with its own data folder.
type peer struct {
	t      testing.TB
	dir    string
	db     *bolt.DB
	client *Client
	reps   map[string]*testReplica
}

func newPeer(t *testing.T, server, token, fingerprint string) *peer {
	t.Helper()
	return openPeer(t, t.TempDir(), server, token, fingerprint)
}

// openPeer opens (or creates) the client in dir.
func openPeer(t testing.TB, dir, server, token, fingerprint string) *peer {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p := &peer{t: t, dir: dir, db: db, reps: map[string]*testReplica{}}
	var reps []Replica
	for _, k := range []string{KindArticle, KindCase, KindAudit} {
		p.reps[k] = &testReplica{kind: k, db: db}
		reps = append(reps, p.reps[k])
	}
	p.client, err = NewClient(context.Background(), ClientConfig{DB: db, BlobDir: filepath.Join(dir, "attachments"), Replicas: reps, Server: server, Token: token, Fingerprint: fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// put saves a document locally, as a user's edit.
func (p *peer) put(kind, id string, d testDoc) {
	p.t.Helper()
	body, err := json.Marshal(d)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.reps[kind].Put(context.Background(), []Item{{ID: id, Body: body}}); err != nil {
		p.t.Fatal(err)
	}
}

// putItem saves an item (with events or blobs) locally.
func (p *peer) putItem(kind string, it Item) {
	p.t.Helper()
	if _, err := p.reps[kind].Put(context.Background(), []Item{it}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *peer) get(kind, id string) (testDoc, bool) {
	p.t.Helper()
	var d testDoc
	var found bool
	err := p.reps[kind].Scan(context.Background(), func(it Item) error {
		if it.ID == id {
			found = true
			return json.Unmarshal(it.Body, &d)
		}
		return nil
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return d, found
}

func (p *peer) del(kind, id string) {
	p.t.Helper()
	if err := p.reps[kind].Delete(context.Background(), []string{id}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *peer) sync() Report {
	p.t.Helper()
	rep, err := p.client.Sync(context.Background())
	if err != nil {
		p.t.Fatalf("sync: %v", err)
	}
	return rep
}

// snapshot lists every document of every kind as "kind/id body events".
func (p *peer) snapshot() []string {
	p.t.Helper()
	var out []string
	for _, k := range []string{KindArticle, KindCase, KindAudit} {
		err := p.reps[k].Scan(context.Background(), func(it Item) error {
			out = append(out, fmt.Sprintf("%s/%s %s %d %s", k, it.ID, it.Body, len(it.Events), ChainOf(it.Events)))
			return nil
		})
		if err != nil {
			p.t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// assertEqual checks that every peer holds the same documents.
func assertEqual(t *testing.T, peers ...*peer) []string {
	t.Helper()
	want := peers[0].snapshot()
	for i, p := range peers[1:] {
		if got := p.snapshot(); !slices.Equal(got, want) {
			t.Fatalf("peer %d differs from peer 0:\n got %d docs %q\nwant %d docs %q", i+1, len(got), got, len(want), want)
		}
	}
	return want
}

// testServer is an in-process server on loopback with one user per role.
type testServer struct {
	url         string
	fingerprint string
	dir         string
	store       *BoltStore
	tokens      map[Role]string
}

func startTestServer(t testing.TB) *testServer {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	ts := &testServer{dir: dir, tokens: map[Role]string{}}
	store, err := OpenBoltStore(ctx, filepath.Join(dir, ServerDBFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() }) // after the server stopped
	ts.store = store
	for _, r := range Roles {
		token, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := store.PutUser(ctx, User{Name: "user-" + string(r), Role: r, TokenHash: hash}); err != nil {
			t.Fatal(err)
		}
		ts.tokens[r] = token
	}
	srv, err := NewServer(ServerConfig{Store: store, BlobDir: filepath.Join(dir, "blobs"), MaxWait: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ts.url, ts.fingerprint = serveHandler(t, dir, srv.Handler())
	return ts
}

// serveHandler serves h over TLS on a free loopback port with the
// self-signed certificate of dir until the test ends.
func serveHandler(t testing.TB, dir string, h http.Handler) (url, fingerprint string) {
	t.Helper()
	cert, err := SelfSignedCertificate(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, cert, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return "https://" + ln.Addr().String(), Fingerprint(cert.Certificate[0])
}

func mustJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allDocs reads the whole change feed of a store, page by page.
func allDocs(t testing.TB, s Store) []Doc {
	t.Helper()
	var out []Doc
	var since uint64
	for {
		page, err := s.Changes(context.Background(), since, MaxBatch, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Docs...)
		since = page.Next
		if !page.More {
			return out
		}
	}
}
