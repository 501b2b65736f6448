package sync

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	stdsync "sync"
	"time"
)

// OpenAPI is the description of the server's HTTP API (OpenAPI 3), served
// at GET /api/v1/openapi.yaml and checked against the server in a test.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Rule restricts who may push a document of Kind, judged by the body
// field Field: a version whose field holds one of Values, a change of a
// stored version whose field holds one of Leave to another value, and the
// deletion of a stored version holding one of Values may be pushed only by
// the Roles listed.
type Rule struct {
	Kind   string
	Field  string
	Values []string
	Leave  []string
	Roles  []Role
}

// DefaultRules is Werkbank's policy, the knowledge base's review workflow:
// only team leads and admins publish or archive articles (or delete
// published ones) and bring them back from the archive. Anyone may save a
// published article as a draft again.
func DefaultRules() []Rule {
	return []Rule{{
		Kind: KindArticle, Field: "status",
		Values: []string{"published", "archived"},
		Leave:  []string{"archived"},
		Roles:  []Role{RoleTeamLead, RoleAdmin},
	}}
}

// ServerConfig configures a Server.
type ServerConfig struct {
	// Store keeps documents and users; BlobDir holds the blobs.
	Store   Store
	BlobDir string
	// Rules restrict pushes by role; nil means DefaultRules.
	Rules []Rule
	// AppendOnly lists the kinds whose events may only be appended to and
	// which nobody may delete; nil means audit logs and recordings.
	AppendOnly []string
	// Validators check the content of a kind's documents before they are
	// stored (e.g. the audit logs' own hash chain and signatures); an error
	// refuses the batch with 422.
	Validators map[string]func(Doc) error
	// Logger receives one line per failed request; nil discards.
	Logger *slog.Logger
	// MaxWait bounds a long poll of the change feed; zero means 30 s.
	MaxWait time.Duration
}

// Server is the central sync server's HTTP API. Every endpoint
// authenticates the caller by token and checks the caller's role.
type Server struct {
	cfg   ServerConfig
	blobs *blobStore
	mu    stdsync.Mutex
	// changed is closed and replaced after every stored change, waking
	// long polls.
	changed chan struct{}
}

// NewServer returns a server on cfg.Store.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Store == nil || cfg.BlobDir == "" {
		return nil, errors.New("sync server: store and blob folder are required")
	}
	if cfg.Rules == nil {
		cfg.Rules = DefaultRules()
	}
	if cfg.AppendOnly == nil {
		cfg.AppendOnly = []string{KindAudit, KindRecording}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = 30 * time.Second
	}
	bs, err := newBlobStore(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, blobs: bs, changed: make(chan struct{})}, nil
}

// route is one endpoint: method, path pattern and the roles allowed.
type route struct {
	method, path string
	roles        []Role
	handle       func(*Server, http.ResponseWriter, *http.Request, User)
}

// anyone is every role.
var anyone = Roles

// routes is the server's API; openapi.yaml describes the same list.
var routes = []route{
	{"GET", "/info", anyone, (*Server).info},
	{"GET", "/openapi.yaml", anyone, (*Server).openapi},
	{"GET", "/changes", anyone, (*Server).changes},
	{"POST", "/push", anyone, (*Server).push},
	{"GET", "/docs/{kind}/{id}", anyone, (*Server).getDoc},
	{"HEAD", "/blobs/{sha256}", anyone, (*Server).headBlob},
	{"GET", "/blobs/{sha256}", anyone, (*Server).getBlob},
	{"PUT", "/blobs/{sha256}", anyone, (*Server).putBlob},
	{"GET", "/cases", anyone, (*Server).listCases},
	{"GET", "/cases/{id}", anyone, (*Server).getCase},
	{"POST", "/cases", []Role{RoleSpecialist, RoleTeamLead, RoleAdmin}, (*Server).postCase},
	{"GET", "/users", []Role{RoleAdmin}, (*Server).listUsers},
}

// Handler returns the HTTP handler of the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+APIPrefix+rt.path, s.guard(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// guard authenticates the caller and checks the route's roles.
func (s *Server) guard(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="werkbank"`)
			writeError(w, http.StatusUnauthorized, "missing token: send Authorization: Bearer <token>")
			return
		}
		u, found, err := s.cfg.Store.UserByTokenHash(r.Context(), HashToken(token))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="werkbank", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "unknown token")
			return
		}
		if !slices.Contains(rt.roles, u.Role) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("role %s may not %s %s", u.Role, rt.method, rt.path))
			return
		}
		rt.handle(s, w, r, u)
	}
}

// fail answers a server-side error with 500 and logs it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "internal error; see the server log")
}

// badBody answers an unreadable request body: 413 when too large, else 400.
func badBody(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooBig.Limit))
		return
	}
	writeError(w, http.StatusBadRequest, err.Error())
}

func writeError(w http.ResponseWriter, status int, msg string, docs ...DocReject) {
	writeJSON(w, status, ErrorResponse{Error: msg, Docs: docs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing left to tell it
}

func (s *Server) info(w http.ResponseWriter, r *http.Request, u User) {
	seq, err := s.cfg.Store.Seq(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.cfg.Store.ServerID(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Info{ServerID: id, User: u.Name, Role: u.Role, Seq: seq})
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request, _ User) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(OpenAPI) // the client went away; nothing left to tell it
}

// queryUint reads an optional unsigned query parameter.
func queryUint(r *http.Request, name string, def, limit uint64) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > limit {
		return 0, fmt.Errorf("query parameter %s=%q: want a number up to %d", name, v, limit)
	}
	return n, nil
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request, _ User) {
	since, err := queryUint(r, "since", 0, 1<<62)
	if err == nil {
		var limit, wait uint64
		if limit, err = queryUint(r, "limit", MaxBatch, MaxBatch); err == nil {
			if wait, err = queryUint(r, "wait", 0, 1<<31); err == nil {
				wait = min(wait, uint64(s.cfg.MaxWait/time.Millisecond)) // a longer wish gets the server's limit
				var kinds []string
				if k := r.URL.Query().Get("kinds"); k != "" {
					kinds = strings.Split(k, ",")
				}
				s.changesWait(w, r, since, int(max(limit, 1)), kinds, time.Duration(wait)*time.Millisecond)
				return
			}
		}
	}
	writeError(w, http.StatusBadRequest, err.Error())
}

// changesWait answers a page of the feed; when it is empty and wait > 0,
// it waits up to wait for a change first (long poll).
func (s *Server) changesWait(w http.ResponseWriter, r *http.Request, since uint64, limit int, kinds []string, wait time.Duration) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		resp, err := s.cfg.Store.Changes(r.Context(), since, limit, kinds)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(resp.Docs) > 0 || resp.More || wait == 0 {
			s.writeChanges(w, r, resp)
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			wait = 0
		case <-r.Context().Done():
			return
		}
	}
}

// notify wakes the long polls.
func (s *Server) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, u User) {
	req, err := DecodePushRequest(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		badBody(w, err)
		return
	}
	resp, ok := s.store(w, r, u, req)
	if !ok {
		return
	}
	for _, res := range resp.Results {
		if res.Status == Accepted && !resp.Replayed {
			s.notify()
			break
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// store pushes req into the store as u under the rules; when the store
// refuses the batch or fails, it answers the request itself and returns
// false.
func (s *Server) store(w http.ResponseWriter, r *http.Request, u User, req PushRequest) (PushResponse, bool) {
	resp, err := s.cfg.Store.Push(r.Context(), u.Name, req, s.check(u))
	var rej *RejectError
	switch {
	case errors.As(err, &rej):
		writeError(w, rej.Status, rej.Error(), rej.Docs...)
		return resp, false
	case err != nil:
		s.fail(w, r, err)
		return resp, false
	}
	return resp, true
}

// check enforces the rules on a document about to be stored: the role
// rules, append-only audit logs, and blobs that must be uploaded first.
func (s *Server) check(u User) CheckFunc {
	return func(stored, in *Doc) *Reject {
		reject := func(status int, format string, args ...any) *Reject {
			return &Reject{Status: status, DocReject: DocReject{Kind: in.Kind, ID: in.ID, Reason: fmt.Sprintf(format, args...)}}
		}
		if slices.Contains(s.cfg.AppendOnly, in.Kind) {
			if in.Deleted {
				return reject(http.StatusForbidden, "%s logs cannot be deleted", in.Kind)
			}
			if stored != nil {
				if !jsonEqual(in.Body, stored.Body) {
					return reject(http.StatusUnprocessableEntity, "%s is append-only: its description cannot change", in.Kind)
				}
				if len(in.Events) < len(stored.Events) {
					return reject(http.StatusUnprocessableEntity, "%s log is append-only: %d events stored, %d pushed", in.Kind, len(stored.Events), len(in.Events))
				}
				if ChainOf(in.Events[:len(stored.Events)]) != stored.Chain {
					return reject(http.StatusUnprocessableEntity, "%s log is append-only: stored events were changed (hash chain differs)", in.Kind)
				}
			}
		}
		for _, rule := range s.cfg.Rules {
			if rule.Kind != in.Kind || slices.Contains(rule.Roles, u.Role) {
				continue
			}
			now, was := fieldOf(in, rule.Field), ""
			if stored != nil {
				was = fieldOf(stored, rule.Field)
			}
			switch {
			case slices.Contains(rule.Values, now):
				return reject(http.StatusForbidden, "role %s may not push a %s whose %s is %s", u.Role, rule.Kind, rule.Field, now)
			case in.Deleted && slices.Contains(rule.Values, was):
				return reject(http.StatusForbidden, "role %s may not delete a %s whose %s is %s", u.Role, rule.Kind, rule.Field, was)
			case now != was && slices.Contains(rule.Leave, was):
				return reject(http.StatusForbidden, "role %s may not change the %s of a %s from %s", u.Role, rule.Field, rule.Kind, was)
			}
		}
		if v := s.cfg.Validators[in.Kind]; v != nil && !in.Deleted {
			if err := v(*in); err != nil {
				return reject(http.StatusUnprocessableEntity, "%v", err)
			}
		}
		for _, b := range in.Blobs {
			if !s.blobs.has(b) {
				return reject(http.StatusUnprocessableEntity, "blob %s not uploaded", b)
			}
		}
		return nil
	}
}

// fieldOf returns a string field of d's body ("" for a tombstone, a
// missing field or another type).
func fieldOf(d *Doc, field string) string {
	if d.Deleted || len(d.Body) == 0 {
		return ""
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(d.Body, &fields) != nil {
		return ""
	}
	var v string
	if json.Unmarshal(fields[field], &v) != nil {
		return ""
	}
	return v
}

func (s *Server) getDoc(w http.ResponseWriter, r *http.Request, _ User) {
	s.writeDoc(w, r, r.PathValue("kind"), r.PathValue("id"))
}

func (s *Server) writeDoc(w http.ResponseWriter, r *http.Request, kind, id string) {
	d, ok, err := s.cfg.Store.Get(r.Context(), kind, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok || d.Deleted {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no %s %q", kind, id))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ User) {
	users, err := s.cfg.Store.Users(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]User{"users": users})
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24 and later)
	return hex.EncodeToString(b)
}

// serverReplica is the replica name under which the server itself writes
// documents (cases posted by a ticket system).
func (s *Server) serverReplica(ctx context.Context) (string, error) {
	id, err := s.cfg.Store.ServerID(ctx)
	if err != nil {
		return "", err
	}
	return "server-" + id[:min(len(id), 12)], nil
}
