package cases

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The query side of the search index (see search.go): postings, scores,
// Search and its ranking.

// posting is one case holding a term.
type posting struct {
	id   string
	w    float64
	norm float64
}

// scanPostings calls fn for every case holding term, or (with prefix) any
// term that starts with it.
func scanPostings(tx *bolt.Tx, term string, prefix bool, fn func(term string, p posting) error) error {
	c := tx.Bucket(bucketTerms).Cursor()
	seek := []byte(term)
	if !prefix {
		seek = append(seek, 0)
	}
	for k, v := c.Seek(seek); k != nil && bytes.HasPrefix(k, seek); k, v = c.Next() {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			return fmt.Errorf("search index key %q: %w", k, errCorruptTerms)
		}
		p, err := decodePosting(v)
		if err != nil {
			return fmt.Errorf("search index key %q: %w", k, err)
		}
		p.id = string(k[i+1:])
		if err := fn(string(k[:i]), p); err != nil {
			return err
		}
	}
	return nil
}

// docFreq is the number of cases holding term.
func docFreq(tx *bolt.Tx, term string) int64 {
	if raw := tx.Bucket(bucketTermDF).Get([]byte(term)); raw != nil {
		if v, k := binary.Varint(raw); k > 0 {
			return v
		}
	}
	return 0
}

// decodePosting reads a posting's weight and norm.
func decodePosting(v []byte) (posting, error) {
	w, n := binary.Uvarint(v)
	if n <= 0 {
		return posting{}, errCorruptTerms
	}
	norm, m := binary.Uvarint(v[n:])
	if m <= 0 {
		return posting{}, errCorruptTerms
	}
	return posting{w: float64(w) / 10, norm: math.Max(1, float64(norm)/10)}, nil
}

// idf is the inverse document frequency of a term among n cases.
func idf(tx *bolt.Tx, term string, n int) float64 {
	return math.Log(1 + float64(n)/float64(max(1, docFreq(tx, term))))
}

// Hit is a case found by Search or Similar.
type Hit struct {
	Summary
	Score float64 `json:"score"`
}

// Search finds the cases whose words match every word of query (the last
// one also as a prefix, for search as you type), best first; at most limit
// (≤ 0: 20). The case list's due order breaks ties.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 20
	}
	qw := words(query)
	if len(qw) == 0 {
		return nil, fmt.Errorf("search cases: %w: the query %q has no words to search for", ErrInvalid, query)
	}
	lastPrefix := !strings.HasSuffix(query, " ") && len(qw[len(qw)-1]) >= 3
	var hits []Hit
	err := s.db.View(func(tx *bolt.Tx) error {
		score, err := matchAll(ctx, tx, qw, lastPrefix)
		if err != nil {
			return err
		}
		for _, id := range topIDs(score, limit) {
			sum, err := summaryOf(tx, id, s.now())
			if err != nil {
				return err
			}
			hits = append(hits, Hit{Summary: sum, Score: math.Round(score[id]*1000) / 1000})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search cases for %q: %w", query, err)
	}
	sortHits(hits)
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// pointLookups is the candidate count below which the remaining words are
// looked up per candidate instead of reading all their postings.
const pointLookups = 4096

// matchAll scores the cases that hold every word of qw (the last one also
// as a prefix). The rarest word goes first; the others are then looked up
// only for the cases still in the running when that is cheaper.
func matchAll(ctx context.Context, tx *bolt.Tx, qw []string, lastPrefix bool) (map[string]float64, error) {
	n := tx.Bucket(bucketDocTerms).Stats().KeyN
	exact := qw
	var prefix string
	if lastPrefix {
		exact, prefix = qw[:len(qw)-1], qw[len(qw)-1]
	}
	type word struct {
		term string
		df   int64
	}
	ws := make([]word, 0, len(exact))
	for _, w := range exact {
		t := stem(w)
		ws = append(ws, word{t, docFreq(tx, t)})
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].df < ws[j].df })
	score := func(term string, w, norm float64) float64 { return w / math.Sqrt(norm) * idf(tx, term, n) }
	var cand map[string]float64
	postings := tx.Bucket(bucketTerms)
	for _, w := range ws {
		if w.df == 0 {
			return nil, nil
		}
		next := map[string]float64{}
		if cand != nil && len(cand) < pointLookups && int64(len(cand)) < w.df {
			for id, sc := range cand {
				if v := postings.Get(postingKey(w.term, id)); v != nil {
					p, err := decodePosting(v)
					if err != nil {
						return nil, fmt.Errorf("search index term %q: %w", w.term, err)
					}
					next[id] = sc + score(w.term, p.w, p.norm)
				}
			}
		} else {
			err := scanPostings(tx, w.term, false, func(term string, p posting) error {
				if cand == nil {
					next[p.id] = score(term, p.w, p.norm)
				} else if sc, ok := cand[p.id]; ok {
					next[p.id] = sc + score(term, p.w, p.norm)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		cand = next
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if prefix == "" {
		return cand, nil
	}
	// The last word: its own term, or (ranked a little lower) any term it
	// begins, the best per case.
	whole := stem(prefix)
	best := map[string]float64{}
	consider := func(id, term string, w, norm float64) {
		switch {
		case term == whole:
		case strings.HasPrefix(term, prefix):
			w *= 0.8
		default:
			return
		}
		if sc := score(term, w, norm); sc > best[id] {
			best[id] = sc
		}
	}
	if cand != nil && len(cand) < pointLookups {
		docs := tx.Bucket(bucketDocTerms)
		for id := range cand {
			d, err := decodeDocTerms(docs.Get([]byte(id)))
			if err != nil {
				return nil, fmt.Errorf("search index entry of case %s: %w", id, err)
			}
			norm := math.Max(1, float64(d.norm)/10)
			for i, t := range d.terms {
				consider(id, t, float64(d.w[i])/10, norm)
			}
		}
	} else {
		for _, q := range []struct {
			term   string
			prefix bool
		}{{whole, false}, {prefix, true}} {
			err := scanPostings(tx, q.term, q.prefix, func(term string, p posting) error {
				if _, ok := cand[p.id]; ok || cand == nil {
					consider(p.id, term, p.w, p.norm)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	for id, sc := range best {
		best[id] = sc + cand[id]
	}
	return best, nil
}

// topIDs returns the ids of the best scores: the first limit and any that
// tie with the last of them (the due order decides among those), at most
// ten times limit.
func topIDs(score map[string]float64, limit int) []string {
	ids := make([]string, 0, len(score))
	for id := range score {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if score[ids[i]] != score[ids[j]] {
			return score[ids[i]] > score[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) <= limit {
		return ids
	}
	cut := limit
	for cut < len(ids) && cut < 10*limit && score[ids[cut]] == score[ids[limit-1]] {
		cut++
	}
	return ids[:cut]
}

// sortHits orders by score, then by the due index key.
func sortHits(hits []Hit) {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return bytes.Compare(indexKey(&hits[i].Summary), indexKey(&hits[j].Summary)) < 0
	})
}

// summaryOf reads the due-index summary of a case.
func summaryOf(tx *bolt.Tx, id string, now time.Time) (Summary, error) {
	k := tx.Bucket(bucketDueKey).Get([]byte(id))
	if k == nil {
		return Summary{}, fmt.Errorf("case %q: %w", id, ErrNotFound)
	}
	sum, err := decodeSummary(tx.Bucket(bucketDue).Get(k))
	if err != nil {
		return Summary{}, fmt.Errorf("case index entry of %s: %w", id, err)
	}
	sum.State = sum.stateAt(now)
	return sum, nil
}
