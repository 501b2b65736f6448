package sync

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The endpoints for a ticket system: read cases, create a case.

// CaseList is the answer to GET /cases: a page of case documents. Next is
// the id to pass as "after" for the following page, empty at the end.
type CaseList struct {
	Cases []Doc  `json:"cases"`
	Next  string `json:"next,omitempty"`
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request, _ User) {
	limit, err := queryUint(r, "limit", 100, MaxBatch)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	after := r.URL.Query().Get("after")
	if after != "" && !ValidID(after) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("query parameter after=%q is not a valid id", after))
		return
	}
	out := CaseList{Cases: []Doc{}}
	for len(out.Cases) < int(max(limit, 1)) {
		docs, err := s.cfg.Store.List(r.Context(), KindCase, after, int(max(limit, 1)))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, d := range docs {
			after = d.ID
			if !d.Deleted && len(out.Cases) < int(max(limit, 1)) {
				out.Cases = append(out.Cases, d)
				out.Next = d.ID
			}
		}
		if len(docs) < int(max(limit, 1)) {
			out.Next = ""
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, _ User) {
	s.writeDoc(w, r, KindCase, r.PathValue("id"))
}

// postCase creates a case from a ticket system's JSON object. The object
// becomes the case's body; the server fills in an id when it has none and
// "created" when missing.
func (s *Server) postCase(w http.ResponseWriter, r *http.Request, u User) {
	c, err := DecodeNewCase(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	if err != nil {
		badBody(w, err)
		return
	}
	var id string
	if raw, ok := c["id"]; ok {
		_ = json.Unmarshal(raw, &id) // DecodeNewCase checked it is a string
	} else {
		id = "T-" + time.Now().UTC().Format("20060102") + "-" + randomID(4)
		c["id"], _ = json.Marshal(id) // a string always encodes
	}
	if _, ok := c["created"]; !ok {
		c["created"], _ = json.Marshal(time.Now().UTC()) // a time always encodes
	}
	body, err := json.Marshal(c)
	if err != nil {
		s.fail(w, r, fmt.Errorf("encode case: %w", err))
		return
	}
	replica, err := s.serverReplica(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := Doc{Kind: KindCase, ID: id, Version: Version{replica: 1}, Replica: replica, Body: body}
	if old, ok, err := s.cfg.Store.Get(r.Context(), KindCase, id); err != nil {
		s.fail(w, r, err)
		return
	} else if ok {
		d.Version = old.Version.With(replica, old.Version[replica]+1)
		if !old.Deleted {
			writeError(w, http.StatusConflict, fmt.Sprintf("case %q exists", id))
			return
		}
	}
	resp, ok := s.store(w, r, u, PushRequest{Batch: "case-" + randomID(12), Replica: replica, Docs: []Doc{d}})
	if !ok {
		return
	}
	if resp.Results[0].Status != Accepted {
		writeError(w, http.StatusConflict, fmt.Sprintf("case %q was created at the same time by someone else", id))
		return
	}
	s.notify()
	d.Seq, d.Author = resp.Results[0].Seq, u.Name
	writeJSON(w, http.StatusCreated, d)
}
