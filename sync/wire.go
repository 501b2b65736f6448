package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
)

// APIPrefix is where the server's HTTP API lives.
const APIPrefix = "/api/v1"

// Limits of the wire format.
const (
	// MaxBatch is the most documents one push or pull carries.
	MaxBatch = 500
	// MaxRequestBytes bounds a JSON request body.
	MaxRequestBytes = 16 << 20
	// MaxBlobChunk bounds one upload request of a blob.
	MaxBlobChunk = 32 << 20
	// MaxBlobSize bounds a whole blob.
	MaxBlobSize = 4 << 30
)

// Info is the answer to GET /info: who the server is and who the caller is.
type Info struct {
	ServerID string `json:"server_id"`
	User     string `json:"user"`
	Role     Role   `json:"role"`
	Seq      uint64 `json:"seq"`
}

// ChangesResponse is a page of the change feed: the documents changed after
// the requested sequence, in sequence order, and the sequence to ask from
// next. More is true when another page follows at once.
type ChangesResponse struct {
	Docs []Doc  `json:"docs"`
	Next uint64 `json:"next"`
	More bool   `json:"more"`
}

// PushRequest is one batch of documents a client pushes. Batch is a
// client-chosen id: a batch the server has already applied is answered
// from its record without changing anything.
type PushRequest struct {
	Batch   string `json:"batch"`
	Replica string `json:"replica"`
	Docs    []Doc  `json:"docs"`
}

// Push results for one document.
const (
	// Accepted: the document is stored at Seq.
	Accepted = "accepted"
	// Unchanged: the server already had exactly this version.
	Unchanged = "unchanged"
	// Conflicted: the server has a version the client has not seen; pull,
	// merge and push again.
	Conflicted = "conflict"
)

// PushResult is the outcome for one pushed document.
type PushResult struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Seq    uint64 `json:"seq,omitempty"`
}

// PushResponse answers a PushRequest, one result per document in order.
// Replayed is true when the batch had been applied before.
type PushResponse struct {
	Batch    string       `json:"batch"`
	Replayed bool         `json:"replayed"`
	Results  []PushResult `json:"results"`
}

// ErrorResponse is the body of every 4xx and 5xx answer. Docs names the
// documents that caused a rejected push, with the reason for each.
type ErrorResponse struct {
	Error string      `json:"error"`
	Docs  []DocReject `json:"docs,omitempty"`
}

// DocReject names one document of a rejected batch and why.
type DocReject struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

var (
	kindRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$`)
	shaRE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// batchRE allows the client's random batch ids.
	batchRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// ValidID reports whether id may name a document: 1 to 200 bytes of UTF-8
// without control characters or "/".
func ValidID(id string) bool {
	if id == "" || len(id) > 200 || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r == '/' {
			return false
		}
	}
	return true
}

// ValidBlob reports whether s is a blob name: a lowercase hex SHA-256.
func ValidBlob(s string) bool { return shaRE.MatchString(s) }

// Validate checks a document's form (not whether it may be stored).
func (d *Doc) Validate() error {
	if !kindRE.MatchString(d.Kind) {
		return fmt.Errorf("invalid kind %q", d.Kind)
	}
	if !ValidID(d.ID) {
		return fmt.Errorf("invalid id %q", d.ID)
	}
	if len(d.Version) == 0 {
		return fmt.Errorf("%s: no version", d.Key())
	}
	for r, n := range d.Version {
		if !nameRE.MatchString(r) || n == 0 {
			return fmt.Errorf("%s: invalid version entry %q:%d", d.Key(), r, n)
		}
	}
	if d.Version[d.Replica] == 0 {
		return fmt.Errorf("%s: replica %q is not in the version", d.Key(), d.Replica)
	}
	if !d.Deleted && len(d.Body) == 0 {
		return fmt.Errorf("%s: no body", d.Key())
	}
	if d.Chain != ChainOf(d.Events) {
		return fmt.Errorf("%s: the hash chain does not match the events", d.Key())
	}
	for _, b := range d.Blobs {
		if !ValidBlob(b) {
			return fmt.Errorf("%s: invalid blob %q", d.Key(), b)
		}
	}
	for _, c := range d.Conflicts {
		if len(c.Variants) == 0 {
			return fmt.Errorf("%s: conflict on %q without variants", d.Key(), c.Field)
		}
	}
	return nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and trailing data.
func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("invalid JSON: data after the value")
	}
	return nil
}

// DecodePushRequest reads and checks a push batch. It decodes in one pass
// (JSON v2, the mirror of encoding/json/v2), the bulk of the server's work
// per push, and refuses unknown or duplicate fields, field names in
// another case, invalid UTF-8 and data after the value.
func DecodePushRequest(r io.Reader) (PushRequest, error) {
	var p PushRequest
	if err := jsonv2.UnmarshalRead(r, &p, jsonv2.RejectUnknownMembers(true)); err != nil {
		return PushRequest{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if !batchRE.MatchString(p.Batch) {
		return PushRequest{}, fmt.Errorf("invalid batch id %q", p.Batch)
	}
	if !nameRE.MatchString(p.Replica) {
		return PushRequest{}, fmt.Errorf("invalid replica %q", p.Replica)
	}
	if len(p.Docs) > MaxBatch {
		return PushRequest{}, fmt.Errorf("%d documents in one batch, at most %d", len(p.Docs), MaxBatch)
	}
	seen := map[string]bool{}
	for i := range p.Docs {
		d := &p.Docs[i]
		if err := d.Validate(); err != nil {
			return PushRequest{}, err
		}
		if seen[d.Key()] {
			return PushRequest{}, fmt.Errorf("%s twice in one batch", d.Key())
		}
		seen[d.Key()] = true
	}
	return p, nil
}

// DecodeChangesResponse reads and checks a page of the change feed.
func DecodeChangesResponse(r io.Reader) (ChangesResponse, error) {
	var c ChangesResponse
	if err := decodeStrict(r, &c); err != nil {
		return ChangesResponse{}, err
	}
	if len(c.Docs) > MaxBatch {
		return ChangesResponse{}, fmt.Errorf("%d documents in one page, at most %d", len(c.Docs), MaxBatch)
	}
	for i := range c.Docs {
		if err := c.Docs[i].Validate(); err != nil {
			return ChangesResponse{}, err
		}
		if c.Docs[i].Seq == 0 || c.Docs[i].Seq > c.Next {
			return ChangesResponse{}, fmt.Errorf("%s: sequence %d outside the page", c.Docs[i].Key(), c.Docs[i].Seq)
		}
	}
	return c, nil
}

// DecodePushResponse reads and checks the answer to a push of n documents.
func DecodePushResponse(r io.Reader, n int) (PushResponse, error) {
	var p PushResponse
	if err := decodeStrict(r, &p); err != nil {
		return PushResponse{}, err
	}
	if len(p.Results) != n {
		return PushResponse{}, fmt.Errorf("%d results for %d documents", len(p.Results), n)
	}
	for _, res := range p.Results {
		switch res.Status {
		case Accepted, Unchanged, Conflicted:
		default:
			return PushResponse{}, fmt.Errorf("unknown push status %q", res.Status)
		}
	}
	return p, nil
}

// NewCase is what a ticket system posts to create a case: a JSON object
// with at least a title. The object becomes the case document's body as
// it is (fields the case store does not know are ignored there).
type NewCase map[string]json.RawMessage

// DecodeNewCase reads and checks a case posted by a ticket system.
func DecodeNewCase(r io.Reader) (NewCase, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	var c NewCase
	if err := decodeStrict(bytes.NewReader(data), &c); err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errors.New("a case must be a JSON object")
	}
	var title string
	if err := json.Unmarshal(c["title"], &title); err != nil || title == "" {
		return nil, errors.New(`a case needs a "title" string`)
	}
	if raw, ok := c["id"]; ok {
		var id string
		if err := json.Unmarshal(raw, &id); err != nil || !ValidID(id) {
			return nil, errors.New(`"id" must be a valid document id`)
		}
	}
	return c, nil
}
