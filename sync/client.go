package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	stdsync "sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Replica is a store that takes part in sync: one per kind of document.
// Its documents are JSON; the engine keeps versions and the outbox.
type Replica interface {
	// Kind names the documents, e.g. "article".
	Kind() string
	// Scan calls fn for every document the store holds. The encoding must
	// be canonical: the same content always yields the same bytes.
	Scan(ctx context.Context, fn func(Item) error) error
	// Put stores documents received or merged, creating or replacing them,
	// durably, and returns them as Scan would list them now.
	Put(ctx context.Context, items []Item) ([]Item, error)
	// Delete removes documents that were deleted elsewhere.
	Delete(ctx context.Context, ids []string) error
	// Merge merges two concurrent bodies a and b of one document, both
	// edited from base (nil when unknown). It must be deterministic and not
	// depend on the order of a and b; what it cannot merge it keeps side by
	// side and returns as conflicts. ObjectMerger does this field by field.
	Merge(ctx context.Context, base json.RawMessage, a, b Variant) (json.RawMessage, []Conflict, error)
}

// StateReporter is an optional interface of a Replica: State returns a
// token that changes whenever the store's documents change (a change
// counter, say). While it stays the same, the client skips the Scan for
// local edits, which otherwise reads every document each round.
type StateReporter interface {
	State(ctx context.Context) (string, error)
}

// ClientConfig configures a Client.
type ClientConfig struct {
	// DB is the workspace's bbolt file; the client uses its own buckets.
	DB *bolt.DB
	// BlobDir holds the attachments, named by SHA-256.
	BlobDir string
	// Replicas are the stores to sync, one per kind.
	Replicas []Replica
	// Server, Token and Fingerprint override the remembered ones and are
	// remembered for the next time. An empty Fingerprint with a new server
	// pins the certificate seen on first contact.
	Server      string
	Token       string
	Fingerprint string
	// Timeout bounds one request (not a long poll); zero means 60 s.
	Timeout time.Duration
}

// remembered is what the client keeps about its server.
type remembered struct {
	Server      string `json:"server"`
	Token       string `json:"token"`
	Fingerprint string `json:"fingerprint"`
	// ServerID is the id the server gave on the last contact.
	ServerID string `json:"server_id,omitempty"`
}

// Client syncs the replicas with a server. Its methods are safe for
// concurrent use; rounds run one at a time.
type Client struct {
	db       *bolt.DB
	blobs    *blobStore
	replicas map[string]Replica
	kinds    []string
	me       string
	timeout  time.Duration

	round stdsync.Mutex // one sync round at a time
	// scanned is, per server id and kind, the replica's state at its last
	// complete scan (see StateReporter); guarded by round.
	scanned map[string]string
	mu      stdsync.Mutex // guards conf and http
	conf    remembered
	http    *http.Client
	seen    string // fingerprint seen on first contact, not yet pinned
}

// NewClient prepares the client's buckets and remembers cfg's server.
func NewClient(ctx context.Context, cfg ClientConfig) (*Client, error) {
	if cfg.DB == nil || cfg.BlobDir == "" {
		return nil, errors.New("sync client: database and blob folder are required")
	}
	bs, err := newBlobStore(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	c := &Client{db: cfg.DB, blobs: bs, replicas: map[string]Replica{}, timeout: cfg.Timeout, scanned: map[string]string{}}
	if c.timeout == 0 {
		c.timeout = 60 * time.Second
	}
	for _, r := range cfg.Replicas {
		if _, dup := c.replicas[r.Kind()]; dup || !kindRE.MatchString(r.Kind()) {
			return nil, fmt.Errorf("sync client: invalid or repeated kind %q", r.Kind())
		}
		c.replicas[r.Kind()] = r
		c.kinds = append(c.kinds, r.Kind())
	}
	err = c.db.Update(func(tx *bolt.Tx) error {
		root, err := ensureClientSchema(tx)
		if err != nil {
			return err
		}
		if id := root.Get(keyReplica); id != nil {
			c.me = string(id)
		} else {
			c.me = "r" + randomID(8)
			if err := root.Put(keyReplica, []byte(c.me)); err != nil {
				return err
			}
		}
		if raw := root.Get(keyConfig); raw != nil {
			if err := json.Unmarshal(raw, &c.conf); err != nil {
				return fmt.Errorf("decode remembered server: %w", err)
			}
		}
		if srv := strings.TrimRight(cfg.Server, "/"); srv != "" && srv != c.conf.Server {
			c.conf.Server, c.conf.Fingerprint = srv, ""
		}
		if cfg.Token != "" {
			c.conf.Token = cfg.Token
		}
		if cfg.Fingerprint != "" {
			c.conf.Fingerprint = strings.ToLower(strings.ReplaceAll(cfg.Fingerprint, ":", ""))
		}
		return putJSON(root, keyConfig, c.conf)
	})
	if err != nil {
		return nil, fmt.Errorf("sync client: %w", err)
	}
	c.http = c.newHTTP(c.conf.Fingerprint)
	return c, ctx.Err()
}

// Configure remembers a (new) server, token and fingerprint, as the
// ClientConfig fields do. An empty token keeps the remembered one; a new
// server without a fingerprint is pinned on first contact.
func (c *Client) Configure(ctx context.Context, server, token, fingerprint string) error {
	server = strings.TrimRight(strings.TrimSpace(server), "/")
	if !strings.HasPrefix(server, "https://") {
		return fmt.Errorf("server %q: an https:// URL is needed", server)
	}
	c.round.Lock()
	defer c.round.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	conf := c.conf
	if server != conf.Server {
		conf.Server, conf.Fingerprint = server, ""
	}
	if t := strings.TrimSpace(token); t != "" {
		conf.Token = t
	}
	if fp := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fingerprint), ":", "")); fp != "" {
		conf.Fingerprint = fp
	}
	err := c.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketClient), keyConfig, conf)
	})
	if err != nil {
		return fmt.Errorf("remember server: %w", err)
	}
	c.conf, c.seen = conf, ""
	c.http = c.newHTTP(conf.Fingerprint)
	return ctx.Err()
}

// ReplicaID is this client's replica id.
func (c *Client) ReplicaID() string { return c.me }

// Server returns the remembered server URL and pinned fingerprint.
func (c *Client) Server() (serverURL, fingerprint string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conf.Server, c.conf.Fingerprint
}

func (c *Client) newHTTP(pin string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: PinnedTLS(pin, func(fp string) {
			c.mu.Lock()
			c.seen = fp
			c.mu.Unlock()
		}),
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}}
}

// pinSeen remembers the fingerprint seen on first contact, after the
// server answered as a Werkbank server should.
func (c *Client) pinSeen() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conf.Fingerprint != "" || c.seen == "" {
		return nil
	}
	c.conf.Fingerprint = c.seen
	c.http = c.newHTTP(c.conf.Fingerprint)
	conf := c.conf
	return c.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketClient), keyConfig, conf)
	})
}

// APIError is an error answer of the server.
type APIError struct {
	Status int
	ErrorResponse
}

// Error says what the server answered.
func (e *APIError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, http.StatusText(e.Status), e.ErrorResponse.Error)
}

// ErrNoServer reports that no server is configured.
var ErrNoServer = errors.New("no sync server configured (give --server URL and --token)")

// request sends one API request and returns the response for a status
// below 400; an error answer becomes an *APIError.
func (c *Client) request(ctx context.Context, method, path string, query url.Values, hdr http.Header, body io.Reader) (*http.Response, error) {
	c.mu.Lock()
	conf, hc := c.conf, c.http
	c.mu.Unlock()
	if conf.Server == "" || conf.Token == "" {
		return nil, ErrNoServer
	}
	u := conf.Server + APIPrefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+conf.Token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		e := &APIError{Status: resp.StatusCode}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20)) // best effort: the status says enough
		if json.Unmarshal(data, &e.ErrorResponse) != nil || e.ErrorResponse.Error == "" {
			e.ErrorResponse.Error = strings.TrimSpace(string(data))
		}
		return nil, e
	}
	return resp, nil
}

// call sends a JSON request (in may be nil) and decodes the answer with
// decode.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in any, decode func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	hdr := http.Header{}
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s request: %w", path, err)
		}
		body = bytes.NewReader(data)
		hdr.Set("Content-Type", "application/json")
	}
	resp, err := c.request(ctx, method, path, query, hdr, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := decode(resp.Body); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// Info asks the server who it is; on first contact it pins the server's
// certificate.
func (c *Client) Info(ctx context.Context) (Info, error) {
	var info Info
	err := c.call(ctx, "GET", "/info", nil, nil, func(r io.Reader) error { return json.NewDecoder(r).Decode(&info) })
	if err != nil {
		return Info{}, err
	}
	if !nameRE.MatchString(info.ServerID) {
		return Info{}, fmt.Errorf("server sent an invalid id %q", info.ServerID)
	}
	if err := c.pinSeen(); err != nil {
		return Info{}, err
	}
	return info, c.rememberID(info.ServerID)
}

// rememberID keeps the server's id, so that local edits can be put into
// its outbox while it is out of reach.
func (c *Client) rememberID(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conf.ServerID == id {
		return nil
	}
	c.conf.ServerID = id
	conf := c.conf
	return c.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketClient), keyConfig, conf)
	})
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return b.Put(key, raw)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %s: %w", key, err)
	}
	return true, nil
}

// blobPath is where the client keeps an attachment.
func (c *Client) blobPath(sha string) string { return filepath.Join(c.blobs.dir, sha) }
