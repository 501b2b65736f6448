package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// raw is a plain HTTPS client for the API, pinned to the test server.
type raw struct {
	t  *testing.T
	ts *testServer
	hc *http.Client
}

func newRaw(t *testing.T, ts *testServer) *raw {
	return &raw{t: t, ts: ts, hc: &http.Client{Transport: &http.Transport{TLSClientConfig: PinnedTLS(ts.fingerprint, nil)}}}
}

// do sends a request with token (empty: none) and returns status and body.
func (r *raw) do(method, path, token string, body []byte, hdr ...string) (int, []byte, http.Header) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.ts.url+APIPrefix+path, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

// errorJSON checks that an error answer is the documented JSON.
func errorJSON(t *testing.T, status int, data []byte, want int) string {
	t.Helper()
	if status != want {
		t.Fatalf("status %d, want %d: %s", status, want, data)
	}
	var e ErrorResponse
	if err := json.Unmarshal(data, &e); err != nil || e.Error == "" {
		t.Fatalf("not a JSON error: %q (%v)", data, err)
	}
	return e.Error
}

// serverState is a digest of everything the server stores.
func serverState(t *testing.T, ts *testServer) string {
	t.Helper()
	docs := allDocs(t, ts.store)
	seq, err := ts.store.Seq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, d := range docs {
		fmt.Fprintf(h, "%s %d %s %s\n", d.Key(), d.Seq, d.Version, d.Hash())
	}
	return fmt.Sprintf("%d docs seq %d %x", len(docs), seq, h.Sum(nil))
}

func pushBody(t *testing.T, batch string, docs ...Doc) []byte {
	t.Helper()
	return mustJSON(t, PushRequest{Batch: batch, Replica: "rtest", Docs: docs})
}

func testArticle(id, status string, n uint64) Doc {
	return Doc{Kind: KindArticle, ID: id, Version: Version{"rtest": n}, Replica: "rtest", Body: json.RawMessage(fmt.Sprintf(`{"title":"t%d","status":%q}`, n, status))}
}

func TestBadInput(t *testing.T) {
	ts := startTestServer(t)
	r := newRaw(t, ts)
	spec := ts.tokens[RoleSpecialist]
	status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b1", testArticle("A", "draft", 1)))
	if status != 200 {
		t.Fatalf("good push: %d %s", status, data)
	}
	before := serverState(t, ts)

	t.Run("wrong token", func(t *testing.T) {
		status, data, _ := r.do("POST", "/push", "nope", pushBody(t, "b2", testArticle("B", "draft", 1)))
		errorJSON(t, status, data, http.StatusUnauthorized)
		status, data, _ = r.do("GET", "/changes", "", nil)
		errorJSON(t, status, data, http.StatusUnauthorized)
	})
	t.Run("wrong role", func(t *testing.T) {
		status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b3", testArticle("A", "published", 2)))
		msg := errorJSON(t, status, data, http.StatusForbidden)
		if !strings.Contains(msg, "published") {
			t.Errorf("message %q", msg)
		}
		status, data, _ = r.do("GET", "/users", spec, nil)
		errorJSON(t, status, data, http.StatusForbidden)
		status, data, _ = r.do("POST", "/cases", ts.tokens[RoleConsultant], []byte(`{"title":"x"}`))
		errorJSON(t, status, data, http.StatusForbidden)
	})
	t.Run("tampered audit log", func(t *testing.T) {
		ev := []json.RawMessage{json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":2}`)}
		d := Doc{Kind: KindAudit, ID: "S", Version: Version{"rtest": 1}, Replica: "rtest", Body: json.RawMessage(`{}`), Events: ev, Chain: ChainOf(ev)}
		if status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b4", d)); status != 200 {
			t.Fatalf("audit push: %d %s", status, data)
		}
		before := serverState(t, ts)
		// A chain that does not match the events.
		bad := d
		bad.Version, bad.Events = Version{"rtest": 2}, append(ev, json.RawMessage(`{"n":3}`))
		status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b5", bad))
		errorJSON(t, status, data, http.StatusBadRequest)
		// Changed history with a correct new chain.
		bad.Events = []json.RawMessage{json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":"X"}`), json.RawMessage(`{"n":3}`)}
		bad.Chain = ChainOf(bad.Events)
		status, data, _ = r.do("POST", "/push", spec, pushBody(t, "b6", bad))
		errorJSON(t, status, data, http.StatusUnprocessableEntity)
		// Truncated history.
		bad.Events, bad.Chain = ev[:1], ChainOf(ev[:1])
		status, data, _ = r.do("POST", "/push", spec, pushBody(t, "b7", bad))
		errorJSON(t, status, data, http.StatusUnprocessableEntity)
		if after := serverState(t, ts); after != before {
			t.Fatalf("server changed: %s → %s", before, after)
		}
	})
	before = serverState(t, ts)
	t.Run("oversized body", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), MaxRequestBytes+10)
		body := append([]byte(`{"batch":"b8","replica":"rtest","docs":[{"kind":"article","id":"Z","version":{"rtest":1},"replica":"rtest","body":"`), big...)
		body = append(body, []byte(`"}]}`)...)
		status, data, _ := r.do("POST", "/push", spec, body)
		errorJSON(t, status, data, http.StatusRequestEntityTooLarge)
	})
	t.Run("invalid JSON", func(t *testing.T) {
		for _, body := range []string{`{`, `[]`, `{"batch":"b9","replica":"rtest","docs":[{"kind":"article"}]}`, `{"batch":"b9","replica":"rtest","docs":[],"extra":1}`, `{"batch":"b9","replica":"r"} {}`} {
			status, data, _ := r.do("POST", "/push", spec, []byte(body))
			errorJSON(t, status, data, http.StatusBadRequest)
		}
		status, data, _ := r.do("GET", "/changes?since=abc", spec, nil)
		errorJSON(t, status, data, http.StatusBadRequest)
		status, data, _ = r.do("POST", "/cases", spec, []byte(`{"customer":"no title"}`))
		errorJSON(t, status, data, http.StatusBadRequest)
		status, data, _ = r.do("GET", "/nowhere", spec, nil)
		errorJSON(t, status, data, http.StatusNotFound)
	})
	t.Run("replayed batch", func(t *testing.T) {
		status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b1", testArticle("A", "draft", 1)))
		var resp PushResponse
		if status != 200 || json.Unmarshal(data, &resp) != nil || !resp.Replayed || resp.Results[0].Status != Accepted {
			t.Fatalf("replay: %d %s", status, data)
		}
		// The same old document in a new batch: already there.
		status, data, _ = r.do("POST", "/push", spec, pushBody(t, "b10", testArticle("A", "draft", 1)))
		if status != 200 || json.Unmarshal(data, &resp) != nil || resp.Results[0].Status != Unchanged {
			t.Fatalf("old doc again: %d %s", status, data)
		}
		// An older version than stored, or a different one with the same
		// version: conflicts, nothing stored.
		if status, data, _ := r.do("POST", "/push", spec, pushBody(t, "b11", testArticle("A", "draft", 3))); status != 200 {
			t.Fatalf("newer: %d %s", status, data)
		}
		mid := serverState(t, ts)
		for i, d := range []Doc{testArticle("A", "draft", 2), testArticle("A", "review", 3)} {
			status, data, _ = r.do("POST", "/push", spec, pushBody(t, fmt.Sprintf("b1%d", 2+i), d))
			if status != 200 || json.Unmarshal(data, &resp) != nil || resp.Results[0].Status != Conflicted {
				t.Fatalf("stale doc: %d %s", status, data)
			}
		}
		if after := serverState(t, ts); after != mid {
			t.Fatalf("server changed by stale pushes: %s → %s", mid, after)
		}
		before = mid
	})
	if after := serverState(t, ts); after != before {
		t.Fatalf("server changed by bad input: %s → %s", before, after)
	}
}

func TestTicketAPI(t *testing.T) {
	ts := startTestServer(t)
	r := newRaw(t, ts)
	tok := ts.tokens[RoleSpecialist]
	status, data, _ := r.do("POST", "/cases", tok, []byte(`{"title":"Drucker druckt nicht","customer":"ACME","priority":"high","external_ref":"TS-4711"}`))
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, data)
	}
	var created Doc
	if err := json.Unmarshal(data, &created); err != nil || created.ID == "" || created.Kind != KindCase {
		t.Fatalf("created %s (%v)", data, err)
	}
	status, data, _ = r.do("POST", "/cases", tok, []byte(`{"id":"C-7","title":"second"}`))
	if status != http.StatusCreated {
		t.Fatalf("create with id: %d %s", status, data)
	}
	status, data, _ = r.do("POST", "/cases", tok, []byte(`{"id":"C-7","title":"again"}`))
	errorJSON(t, status, data, http.StatusConflict)
	status, data, _ = r.do("GET", "/cases?limit=1", tok, nil)
	var list CaseList
	if status != 200 || json.Unmarshal(data, &list) != nil || len(list.Cases) != 1 || list.Next == "" {
		t.Fatalf("list page 1: %d %s", status, data)
	}
	status, data, _ = r.do("GET", "/cases?limit=1&after="+list.Next, tok, nil)
	var list2 CaseList
	if status != 200 || json.Unmarshal(data, &list2) != nil || len(list2.Cases) != 1 || list2.Cases[0].ID == list.Cases[0].ID {
		t.Fatalf("list page 2: %d %s", status, data)
	}
	status, data, _ = r.do("GET", "/cases/C-7", tok, nil)
	if status != 200 || !strings.Contains(string(data), "second") {
		t.Fatalf("get: %d %s", status, data)
	}
	status, data, _ = r.do("GET", "/cases/nope", tok, nil)
	errorJSON(t, status, data, http.StatusNotFound)
	// A client pulls the cases the ticket system created.
	p := newPeer(t, ts.url, ts.tokens[RoleConsultant], ts.fingerprint)
	p.sync()
	if d, ok := p.get(KindCase, "C-7"); !ok || d.Title != "second" {
		t.Fatalf("client got %v %+v", ok, d)
	}
}

func TestBlobsResumable(t *testing.T) {
	ts := startTestServer(t)
	r := newRaw(t, ts)
	tok := ts.tokens[RoleSpecialist]
	a := newPeer(t, ts.url, tok, ts.fingerprint)
	b := newPeer(t, ts.url, tok, ts.fingerprint)
	data := bytes.Repeat([]byte("log line with some text 0123456789\n"), 300_000) // ~10 MB: two chunks
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(a.dir, "attachments", sha), data, 0o600); err != nil {
		t.Fatal(err)
	}
	// An upload that stopped after 1000 bytes.
	status, body, hdr := r.do("PUT", "/blobs/"+sha+"?offset=0", tok, data[:1000], BlobSizeHeader, strconv.Itoa(len(data)))
	if status != http.StatusAccepted || hdr.Get(UploadOffsetHeader) != "1000" {
		t.Fatalf("partial upload: %d %s", status, body)
	}
	// A wrong offset is refused with the right one.
	status, body, hdr = r.do("PUT", "/blobs/"+sha+"?offset=5", tok, data[5:10], BlobSizeHeader, strconv.Itoa(len(data)))
	if status != http.StatusConflict || hdr.Get(UploadOffsetHeader) != "1000" {
		t.Fatalf("wrong offset: %d %s %v", status, body, hdr)
	}
	a.putItem(KindCase, Item{ID: "C", Body: json.RawMessage(`{"title":"with log"}`), Blobs: []string{sha}})
	if rep := a.sync(); rep.BlobsUp != 1 || rep.Pushed != 1 {
		t.Fatalf("upload: %+v", rep)
	}
	// b has a corrupted partial download; it is detected and fetched again.
	if err := os.WriteFile(filepath.Join(b.dir, "attachments", sha+".part"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep := b.sync(); rep.BlobsDown != 1 {
		t.Fatalf("download: %+v", rep)
	}
	got, err := os.ReadFile(filepath.Join(b.dir, "attachments", sha))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded blob differs (%v)", err)
	}
	// Content that does not match its name is refused and not kept.
	wrong := strings.Repeat("0", 64)
	status, body, _ = r.do("PUT", "/blobs/"+wrong, tok, []byte("abc"), BlobSizeHeader, "3")
	errorJSON(t, status, body, http.StatusUnprocessableEntity)
	if status, _, _ := r.do("HEAD", "/blobs/"+wrong, tok, nil); status != http.StatusNotFound {
		t.Fatalf("bad blob kept: %d", status)
	}
	// A document naming a blob the server lacks is refused.
	d := Doc{Kind: KindCase, ID: "X", Version: Version{"rtest": 1}, Replica: "rtest", Body: json.RawMessage(`{}`), Blobs: []string{wrong}}
	status, body, _ = r.do("POST", "/push", tok, pushBody(t, "bx", d))
	errorJSON(t, status, body, http.StatusUnprocessableEntity)
}
