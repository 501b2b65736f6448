package sync

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// realisticDoc is a test document of about the size of a real one: an
// article of ~3 kB Markdown, or a case with a description and activities.
func realisticDoc(kind string, i int) testDoc {
	if kind == KindArticle {
		var body strings.Builder
		fmt.Fprintf(&body, "# Druckauftrag %d hängt in der Warteschlange\n\n", i)
		for p := range 12 {
			fmt.Fprintf(&body, "Schritt %d: Prüfen Sie den Spooler-Dienst und die Rechte des Benutzers auf dem Druckserver %d. ", p, i%17)
			body.WriteString("Die Fehlermeldung lautet meist »Access denied« oder »Queue stopped«.\n\n")
		}
		return testDoc{Title: fmt.Sprintf("article %d", i), Status: "draft", Body: body.String(), Tags: []string{"druck", "spooler", fmt.Sprintf("v%d", i%5)}}
	}
	notes := make([]testNote, 8)
	for n := range notes {
		notes[n] = testNote{ID: fmt.Sprintf("%d-%d", i, n), Text: fmt.Sprintf("Kunde angerufen, Log gesammelt, Fehler %d reproduziert auf dem Demosystem; nächster Schritt folgt.", n)}
	}
	return testDoc{Title: fmt.Sprintf("case %d", i), Status: "in_progress", Body: strings.Repeat("Beschreibung des Problems beim Kunden. ", 20), Notes: notes}
}

// seed puts n documents of kind into p in batches.
func seed(b testing.TB, p *peer, kind, prefix string, n int) {
	b.Helper()
	for start := 0; start < n; start += 1000 {
		var items []Item
		for i := start; i < min(n, start+1000); i++ {
			items = append(items, Item{ID: fmt.Sprintf("%s-%06d", prefix, i), Body: mustJSON(b, realisticDoc(kind, i))})
		}
		if _, err := p.reps[kind].Put(context.Background(), items); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInitialSync measures a new client's first round against a
// server holding 10,000 cases and 10,000 articles (goal: ≤ 20 s).
func BenchmarkInitialSync(b *testing.B) {
	ts := startTestServer(b)
	src := openPeer(b, b.TempDir(), ts.url, ts.tokens[RoleTeamLead], ts.fingerprint)
	seed(b, src, KindCase, "C", 10_000)
	seed(b, src, KindArticle, "A", 10_000)
	if _, err := src.client.Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		p := openPeer(b, b.TempDir(), ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
		start := time.Now()
		rep, err := p.client.Sync(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/initial-sync")
		if rep.Pulled != 20_000 {
			b.Fatalf("pulled %d", rep.Pulled)
		}
	}
}

// BenchmarkPropagation measures how long one change takes from one client
// to another that waits on the change feed (goal: ≤ 1 s).
func BenchmarkPropagation(b *testing.B) {
	ts := startTestServer(b)
	a := openPeer(b, b.TempDir(), ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	c := openPeer(b, b.TempDir(), ts.url, ts.tokens[RoleSpecialist], ts.fingerprint)
	a.client.Sync(context.Background())
	c.client.Sync(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	arrived := make(chan string, 1)
	var wg stdsync.WaitGroup
	wg.Add(1)
	go func() { // c's background loop: long poll, then a round
		defer wg.Done()
		for ctx.Err() == nil {
			if more, err := c.client.Wait(ctx, 5*time.Second); err != nil || !more {
				continue
			}
			if _, err := c.client.Sync(ctx); err != nil {
				continue
			}
			if d, ok := c.get(KindCase, "P"); ok {
				select {
				case arrived <- d.Title:
				default:
				}
			}
		}
	}()
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		title := fmt.Sprintf("change %d", i)
		start := time.Now()
		a.put(KindCase, "P", testDoc{Title: title})
		if _, err := a.client.Sync(context.Background()); err != nil {
			b.Fatal(err)
		}
		for got := <-arrived; got != title; got = <-arrived {
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "ms/median")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "ms/max")
}

// timing records how long the server takes for push requests.
type timing struct {
	next http.Handler
	mu   stdsync.Mutex
	push []time.Duration
}

func (t *timing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	t.next.ServeHTTP(w, r)
	if r.URL.Path == APIPrefix+"/push" {
		t.mu.Lock()
		t.push = append(t.push, time.Since(start))
		t.mu.Unlock()
	}
}

// BenchmarkConcurrentClients runs 50 clients that each push 1,000 new
// documents in rounds of 100 at the same time; nothing may be lost, and
// the 95th percentile of push requests should stay ≤ 100 ms.
func BenchmarkConcurrentClients(b *testing.B) {
	const clients, rounds, perRound = 50, 10, 100
	for range b.N {
		ts := startTestServer(b)
		// Re-serve the same store behind a timing handler.
		srv, err := NewServer(ServerConfig{Store: ts.store, BlobDir: filepath.Join(ts.dir, "blobs")})
		if err != nil {
			b.Fatal(err)
		}
		tm := &timing{next: srv.Handler()}
		url, fp := serveHandler(b, ts.dir, tm)
		// Each client replicates a kind of its own, so that its rounds pull
		// only its own documents: the benchmark loads the server with
		// pushes (BenchmarkInitialSync measures pulling).
		peers := make([]*kindPeer, clients)
		for i := range peers {
			peers[i] = newKindPeer(b, fmt.Sprintf("k%02d", i), url, ts.tokens[RoleSpecialist], fp)
		}
		start := time.Now()
		var wg stdsync.WaitGroup
		errs := make(chan error, clients)
		for i, p := range peers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range rounds {
					var items []Item
					for k := range perRound {
						items = append(items, Item{ID: fmt.Sprintf("c%02d-%04d", i, r*perRound+k), Body: mustJSON(b, realisticDoc(KindCase, k))})
					}
					if _, err := p.rep.Put(context.Background(), items); err != nil {
						errs <- err
						return
					}
					if _, err := p.client.Sync(context.Background()); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if n := len(allDocs(b, ts.store)); n != clients*rounds*perRound {
			b.Fatalf("server holds %d of %d documents", n, clients*rounds*perRound)
		}
		slices.Sort(tm.push)
		b.ReportMetric(float64(tm.push[len(tm.push)*95/100].Microseconds())/1000, "ms/push-p95")
		b.ReportMetric(float64(len(tm.push)), "push-requests")
		b.ReportMetric(elapsed.Seconds(), "s/total")
	}
}

// kindPeer is a client with one test replica of its own kind.
type kindPeer struct {
	rep    *testReplica
	client *Client
}

func newKindPeer(b testing.TB, kind, url, token, fp string) *kindPeer {
	b.Helper()
	// The clients stand in for machines of their own: their files live in
	// memory (/dev/shm when there is one) and skip fsync, so that their
	// writes do not queue before the server's on this machine's disk.
	dir, err := os.MkdirTemp("/dev/shm", "werkbank-bench")
	if err != nil {
		dir = b.TempDir()
	} else {
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	p := &kindPeer{rep: &testReplica{kind: kind, db: db}}
	p.client, err = NewClient(context.Background(), ClientConfig{DB: db, BlobDir: filepath.Join(dir, "attachments"), Replicas: []Replica{p.rep}, Server: url, Token: token, Fingerprint: fp})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkServerPushLoad loads the server alone: 50 concurrent clients
// (plain HTTPS, no local store) each push 1,000 changes in batches of 100.
// Nothing may be lost; the 95th percentile of push requests should stay
// ≤ 100 ms. The clients' batches are encoded before the clock starts: on
// this machine's two cores the clients' JSON encoding would otherwise
// compete with the server, which real clients on their own machines do
// not.
func BenchmarkServerPushLoad(b *testing.B) {
	const clients, rounds, perRound = 50, 10, 100
	body := mustJSON(b, realisticDoc(KindCase, 1))
	batches := make([][][]byte, clients)
	for i := range batches {
		replica := fmt.Sprintf("r%02d", i)
		for r := range rounds {
			req := PushRequest{Batch: fmt.Sprintf("b%d", r), Replica: replica}
			for k := range perRound {
				req.Docs = append(req.Docs, Doc{Kind: KindCase, ID: fmt.Sprintf("c%02d-%04d", i, r*perRound+k), Version: Version{replica: uint64(r + 1)}, Replica: replica, Body: body})
			}
			batches[i] = append(batches[i], mustJSON(b, req))
		}
	}
	for range b.N {
		ts := startTestServer(b)
		srv, err := NewServer(ServerConfig{Store: ts.store, BlobDir: filepath.Join(ts.dir, "blobs")})
		if err != nil {
			b.Fatal(err)
		}
		tm := &timing{next: srv.Handler()}
		url, fp := serveHandler(b, ts.dir, tm)
		start := time.Now()
		var wg stdsync.WaitGroup
		errs := make(chan error, clients)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hc := &http.Client{Transport: &http.Transport{TLSClientConfig: PinnedTLS(fp, nil)}}
				for _, raw := range batches[i] {
					hreq, err := http.NewRequest("POST", url+APIPrefix+"/push", bytes.NewReader(raw))
					if err != nil {
						errs <- err
						return
					}
					hreq.Header.Set("Authorization", "Bearer "+ts.tokens[RoleSpecialist])
					resp, err := hc.Do(hreq)
					if err != nil {
						errs <- err
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body) // drained for the next request
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						errs <- fmt.Errorf("push: %s", resp.Status)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if n := len(allDocs(b, ts.store)); n != clients*rounds*perRound {
			b.Fatalf("server holds %d of %d documents", n, clients*rounds*perRound)
		}
		slices.Sort(tm.push)
		b.ReportMetric(float64(tm.push[len(tm.push)*95/100].Microseconds())/1000, "ms/push-p95")
		b.ReportMetric(float64(tm.push[len(tm.push)/2].Microseconds())/1000, "ms/push-p50")
		b.ReportMetric(elapsed.Seconds(), "s/total")
	}
}

// BenchmarkDecodePushRequest measures the server's decoding of one push
// of 100 realistic cases, the bulk of its work per push request.
func BenchmarkDecodePushRequest(b *testing.B) {
	req := PushRequest{Batch: "b1", Replica: "r1"}
	for k := range 100 {
		req.Docs = append(req.Docs, Doc{Kind: KindCase, ID: fmt.Sprintf("c-%04d", k), Version: Version{"r1": 1}, Replica: "r1", Body: mustJSON(b, realisticDoc(KindCase, k))})
	}
	raw := mustJSON(b, req)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePushRequest(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangesPage measures the server's work per pull: reading one
// full page of the change feed (500 realistic cases) and encoding it.
func BenchmarkChangesPage(b *testing.B) {
	ctx := context.Background()
	s, err := OpenBoltStore(ctx, filepath.Join(b.TempDir(), ServerDBFile))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req := PushRequest{Batch: "b1", Replica: "r1"}
	for k := range MaxBatch {
		req.Docs = append(req.Docs, Doc{Kind: KindCase, ID: fmt.Sprintf("c-%04d", k), Version: Version{"r1": 1}, Replica: "r1", Body: mustJSON(b, realisticDoc(KindCase, k))})
	}
	if _, err := s.Push(ctx, "u", req, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		page, err := s.Changes(ctx, 0, MaxBatch, nil)
		if err != nil || len(page.Docs) != MaxBatch {
			b.Fatalf("page of %d: %v", len(page.Docs), err)
		}
		if _, err := encodeChanges(page); err != nil {
			b.Fatal(err)
		}
	}
}
