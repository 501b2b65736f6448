package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestMain runs the killed client instead of the tests when the test
// binary is re-executed by the scenario "client killed mid-sync".
func TestMain(m *testing.M) {
	if dir := os.Getenv("WERKBANK_SYNC_HELPER_DIR"); dir != "" {
		err := killedClient(dir)
		fmt.Fprintln(os.Stderr, "killed client:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// killedClient creates documents and syncs until it is killed; it returns
// only on an error before the sync loop.
func killedClient(dir string) error {
	n, err := strconv.Atoi(os.Getenv("WERKBANK_SYNC_HELPER_N"))
	if err != nil {
		return err
	}
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	var reps []Replica
	var cases *testReplica
	for _, k := range []string{KindArticle, KindCase, KindAudit} {
		r := &testReplica{kind: k, db: db}
		if k == KindCase {
			cases = r
		}
		reps = append(reps, r)
	}
	ctx := context.Background()
	client, err := NewClient(ctx, ClientConfig{DB: db, BlobDir: filepath.Join(dir, "attachments"), Replicas: reps,
		Server: os.Getenv("WERKBANK_SYNC_HELPER_URL"), Token: os.Getenv("WERKBANK_SYNC_HELPER_TOKEN"), Fingerprint: os.Getenv("WERKBANK_SYNC_HELPER_FP")})
	if err != nil {
		return err
	}
	items := make([]Item, n)
	for i := range items {
		body, err := json.Marshal(testDoc{Title: fmt.Sprintf("killed-client %d", i), Body: strings.Repeat("text ", 100)})
		if err != nil {
			return err
		}
		items[i] = Item{ID: fmt.Sprintf("K-%05d", i), Body: body}
	}
	if _, err := cases.Put(ctx, items); err != nil {
		return err
	}
	fmt.Println("ready")
	for {
		// Errors (the server restarting, the cut) are retried until the
		// test kills this process.
		_, _ = client.Sync(ctx)
	}
}

func TestRealPeers(t *testing.T) {
	srv := startServerProc(t)
	top := t // peers live as long as the whole test
	lead, spec := srv.users[RoleTeamLead], srv.users[RoleSpecialist]
	a := newPeer(t, srv.url(), lead, "")
	b := newPeer(t, srv.url(), spec, "")
	c := newPeer(t, srv.url(), spec, "")
	all := []*peer{a, b, c}
	syncAll := func(t *testing.T) {
		t.Helper()
		for range 2 {
			for _, p := range all {
				p.sync()
			}
		}
	}

	t.Run("offline edits on two clients", func(t *testing.T) {
		a.put(KindCase, "shared", testDoc{Title: "shared", Notes: []testNote{{"n0", "start"}}})
		a.sync()
		b.sync()
		for i := range 40 {
			a.put(KindCase, fmt.Sprintf("A-%d", i), testDoc{Title: fmt.Sprintf("offline-a %d", i)})
			b.put(KindArticle, fmt.Sprintf("B-%d", i), testDoc{Title: fmt.Sprintf("offline-b %d", i), Status: "draft"})
		}
		a.put(KindCase, "shared", testDoc{Title: "shared", Notes: []testNote{{"n0", "start"}, {"na", "from a"}}})
		b.put(KindCase, "shared", testDoc{Title: "shared", Notes: []testNote{{"n0", "start"}, {"nb", "from b"}}})
		syncAll(t)
		assertEqual(t, all...)
		if n := countTitles(t, c, KindCase, "offline-a"); n != 40 {
			t.Fatalf("%d cases from a", n)
		}
		if n := countTitles(t, c, KindArticle, "offline-b"); n != 40 {
			t.Fatalf("%d articles from b", n)
		}
		if d, _ := c.get(KindCase, "shared"); len(d.Notes) != 3 {
			t.Fatalf("notes %v", d.Notes)
		}
	})

	t.Run("server restart", func(t *testing.T) {
		srv.stop()
		for i := range 20 {
			c.put(KindCase, fmt.Sprintf("R-%d", i), testDoc{Title: fmt.Sprintf("restart %d", i)})
		}
		if _, err := c.client.Sync(context.Background()); err == nil {
			t.Fatal("sync with the server down succeeded")
		}
		if st, _ := c.client.Status(context.Background()); st.Online || st.Pending != 20 {
			t.Fatalf("status while down: %+v", st)
		}
		srv.start()
		syncAll(t)
		assertEqual(t, all...)
		if n := countTitles(t, a, KindCase, "restart"); n != 20 {
			t.Fatalf("%d cases after restart", n)
		}
	})

	t.Run("server killed mid-sync", func(t *testing.T) {
		n := 0
		for round, delay := range []time.Duration{20 * time.Millisecond, 60 * time.Millisecond, 120 * time.Millisecond} {
			for i := range 500 {
				a.put(KindCase, fmt.Sprintf("X-%d-%d", round, i), testDoc{Title: fmt.Sprintf("crash %d", n), Body: strings.Repeat("some text ", 50)})
				n++
			}
			errc := make(chan error, 1)
			go func() {
				_, err := a.client.Sync(context.Background())
				errc <- err
			}()
			time.Sleep(delay)
			srv.kill()
			// Cut short or, on a fast machine, done: either way nothing
			// may be lost.
			t.Logf("round during the kill after %v: %v", delay, <-errc)
			srv.start()
		}
		syncAll(t)
		assertEqual(t, all...)
		if got := countTitles(t, b, KindCase, "crash"); got != n {
			t.Fatalf("%d of %d cases after the crashes", got, n)
		}
	})

	t.Run("client killed mid-sync", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "WERKBANK_SYNC_HELPER_DIR="+dir, "WERKBANK_SYNC_HELPER_N=1500",
			"WERKBANK_SYNC_HELPER_URL="+srv.url(), "WERKBANK_SYNC_HELPER_TOKEN="+spec, "WERKBANK_SYNC_HELPER_FP="+srv.fp)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "ready") {
			t.Fatalf("helper said %q", buf[:n])
		}
		time.Sleep(200 * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // killed: the error is expected
		k := openPeer(top, dir, "", "", "")
		all = append(all, k)
		syncAll(t)
		assertEqual(t, all...)
		if n := countTitles(t, a, KindCase, "killed-client"); n != 1500 {
			t.Fatalf("%d of 1500 cases from the killed client", n)
		}
	})

	t.Run("connection cut mid-batch", func(t *testing.T) {
		proxy := startCutProxy(top, srv.addr, 40_000, 1<<40, 6)
		d := openPeer(top, top.TempDir(), proxy.url(), spec, srv.fp)
		for i := range 800 {
			d.put(KindCase, fmt.Sprintf("P-%d", i), testDoc{Title: fmt.Sprintf("proxy %d", i), Body: strings.Repeat("cut here ", 40)})
		}
		if failed := syncUntilOK(t, d, 20); failed == 0 {
			t.Fatal("no round was cut")
		}
		all = append(all, d)
		syncAll(t)
		assertEqual(t, all...)
		if n := countTitles(t, a, KindCase, "proxy"); n != 800 {
			t.Fatalf("%d of 800 cases through the cut connection", n)
		}
		// A new client pulls everything through connections cut after
		// 700 kB from the server (a page of the feed is about 300 kB).
		down := startCutProxy(top, srv.addr, 1<<40, 700_000, 8)
		e := openPeer(top, top.TempDir(), down.url(), spec, srv.fp)
		if failed := syncUntilOK(t, e, 30); failed == 0 {
			t.Fatal("no pull was cut")
		}
		all = append(all, e)
		syncAll(t)
		if got := assertEqual(t, all...); len(got) < 800+1500+1500 {
			t.Fatalf("only %d documents", len(got))
		}
		// Nothing arrived twice: one feed entry per document.
		page := pullAll(t, a)
		seen := map[string]bool{}
		for _, key := range page {
			if seen[key] {
				t.Fatalf("%s twice in the feed", key)
			}
			seen[key] = true
		}
	})
}

// pullAll reads the whole change feed with p's client.
func pullAll(t *testing.T, p *peer) []string {
	t.Helper()
	var keys []string
	var since uint64
	for {
		var page ChangesResponse
		err := p.client.call(context.Background(), "GET", "/changes", map[string][]string{"since": {strconv.FormatUint(since, 10)}}, nil, func(r io.Reader) error {
			var err error
			page, err = DecodeChangesResponse(r)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Docs {
			keys = append(keys, d.Key())
		}
		since = page.Next
		if !page.More {
			return keys
		}
	}
}
