package sync

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// appendDocOpen appends the JSON object of d to dst without its closing
// brace. Body and events are copied as they are, not scanned again:
// encoding/json would validate and compact every body, the bulk of the
// bytes, although the wire decoder or the store has checked them already.
func appendDocOpen(dst []byte, d Doc) ([]byte, error) {
	body, events := d.Body, d.Events
	d.Body, d.Events = nil, nil
	meta, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", d.Key(), err)
	}
	dst = append(dst, meta[:len(meta)-1]...) // kind and id are never omitted
	if len(body) > 0 {
		dst = append(append(dst, `,"body":`...), body...)
	}
	if len(events) > 0 {
		dst = append(dst, `,"events":[`...)
		for i, e := range events {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, e...)
		}
		dst = append(dst, ']')
	}
	return dst, nil
}

// encodeChanges encodes a page of the change feed as writeJSON would, but
// with the documents' bodies copied rather than compacted again.
func encodeChanges(resp ChangesResponse) ([]byte, error) {
	size := 64
	for _, d := range resp.Docs {
		size += len(d.Body) + 256
	}
	out := append(make([]byte, 0, size), `{"docs":[`...)
	for i, d := range resp.Docs {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = appendDocOpen(out, d); err != nil {
			return nil, err
		}
		out = append(out, '}')
	}
	out = strconv.AppendUint(append(out, `],"next":`...), resp.Next, 10)
	out = strconv.AppendBool(append(out, `,"more":`...), resp.More)
	return append(out, "}\n"...), nil
}

// writeChanges answers a page of the change feed.
func (s *Server) writeChanges(w http.ResponseWriter, r *http.Request, resp ChangesResponse) {
	raw, err := encodeChanges(resp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw) // the client went away; nothing left to tell it
}
