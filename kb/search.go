package kb

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query is a knowledge-base search.
type Query struct {
	// Text is what the user typed or pasted: keywords, "quoted phrases",
	// a problem description or a log line. Empty text matches every
	// article (useful with filters and facets).
	Text string
	// Limit is the number of hits to return (default 20); Offset skips
	// hits for paging.
	Limit, Offset int
	// Tags, Products and Statuses filter the results: an article must
	// carry one of the given values of each non-empty filter.
	Tags, Products []string
	Statuses       []Status
	// Facets asks for counts of tags, products and statuses over all
	// matching articles.
	Facets bool
}

// Results is the answer to a Query.
type Results struct {
	// Total is the number of matching articles.
	Total uint64
	// Took is how long the search took.
	Took time.Duration
	Hits []Hit
	// Facets is filled when Query.Facets is set. With quoted phrases it
	// counts the articles that contain all words of the phrases.
	Facets Facets
}

// Hit is one matching article.
type Hit struct {
	ID, Title, Source, Product string
	Status                     Status
	Tags                       []string
	Score                      float64
	// Snippet is plain text from the body with the matches wrapped in
	// <mark>…</mark>.
	Snippet string
}

// Facets counts the values of the facet fields over all matching articles.
type Facets struct {
	Tags, Products, Statuses []FacetCount
}

// FacetCount is how many matching articles carry a value.
type FacetCount struct {
	Value string
	Count int
}

// defaultLimit is the number of hits when Query.Limit is 0.
const defaultLimit = 20

// maxPhraseCandidates is how many of the best articles that contain all
// words of the quoted phrases are checked for the word order. With more
// candidates than that, Total counts the unverified candidates.
const maxPhraseCandidates = 300

// facetSize is the number of values reported per facet; maxMetaValues
// the number of tags, products and statuses counted in all.
const (
	facetSize     = 30
	maxMetaValues = 10_000
)

// search runs q against the index; load fetches the articles of the hits
// from the store, for titles, metadata and snippets.
func (ix *index) search(ctx context.Context, q Query, load func(ids []string) (map[string]Article, error)) (Results, error) {
	start := time.Now()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return Results{}, fmt.Errorf("search %q: %w", q.Text, errClosed)
	}
	pq := ix.shapeQuery(parseQuery(q.Text))
	tq := ix.textQuery(ctx, pq)
	full := applyFilters(tq, q)

	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	offset := max(q.Offset, 0)
	phrases := ix.phraseTerms(pq)
	size, from := limit, offset
	if len(phrases) > 0 {
		// Word order is verified on the stored text of the best
		// candidates; paging happens after the verification.
		size, from = maxPhraseCandidates, 0
	}
	req := bleve.NewSearchRequestOptions(full, size, from, false)
	req.Fields = nil
	req.IncludeLocations = false
	if q.Facets {
		req.AddFacet(fieldMeta, bleve.NewFacetRequest(fieldMeta, maxMetaValues))
	}
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return Results{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	out := Results{Total: res.Total}
	if len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		arts, err := load(ids)
		if err != nil {
			return Results{}, fmt.Errorf("search %q: load hits: %w", q.Text, err)
		}
		hl := ix.newHighlighter(pq)
		var verified uint64
		for _, h := range res.Hits {
			a, ok := arts[h.ID]
			if !ok {
				// The index lags behind a delete; skip the stale hit.
				continue
			}
			if len(phrases) > 0 {
				if !ix.containsPhrases(a, phrases) {
					continue
				}
				verified++
				if verified <= uint64(offset) || verified > uint64(offset+limit) {
					continue
				}
			}
			out.Hits = append(out.Hits, Hit{
				ID: a.ID, Title: a.Title, Source: a.Source, Product: a.Product,
				Status: a.Status, Tags: a.Tags, Score: h.Score,
				Snippet: hl.snippet(a.Body),
			})
		}
		if len(phrases) > 0 && res.Total <= maxPhraseCandidates {
			out.Total = verified
		}
	}
	if q.Facets {
		out.Facets = facetCounts(res.Facets[fieldMeta])
	}
	out.Took = time.Since(start)
	return out, nil
}

// applyFilters restricts tq to the tags, products and statuses of q.
func applyFilters(tq query.Query, q Query) query.Query {
	conj := []query.Query{tq}
	add := func(prefix string, vals []string) {
		if len(vals) == 0 {
			return
		}
		var dis []query.Query
		for _, v := range vals {
			t := bleve.NewTermQuery(prefix + v)
			t.SetField(fieldMeta)
			dis = append(dis, t)
		}
		conj = append(conj, bleve.NewDisjunctionQuery(dis...))
	}
	add(metaTag, q.Tags)
	add(metaProduct, q.Products)
	st := make([]string, len(q.Statuses))
	for i, s := range q.Statuses {
		st[i] = string(s)
	}
	add(metaStatus, st)
	if len(conj) == 1 {
		return tq
	}
	return bleve.NewConjunctionQuery(conj...)
}

// facetCounts splits the counts of fieldMeta into tags, products and
// statuses, each most frequent first and at most facetSize long.
func facetCounts(fr *search.FacetResult) Facets {
	var f Facets
	if fr == nil || fr.Terms == nil {
		return f
	}
	for _, t := range fr.Terms.Terms() {
		switch {
		case strings.HasPrefix(t.Term, metaTag):
			f.Tags = append(f.Tags, FacetCount{strings.TrimPrefix(t.Term, metaTag), t.Count})
		case strings.HasPrefix(t.Term, metaProduct):
			f.Products = append(f.Products, FacetCount{strings.TrimPrefix(t.Term, metaProduct), t.Count})
		case strings.HasPrefix(t.Term, metaStatus):
			f.Statuses = append(f.Statuses, FacetCount{strings.TrimPrefix(t.Term, metaStatus), t.Count})
		}
	}
	for _, fc := range []*[]FacetCount{&f.Tags, &f.Products, &f.Statuses} {
		sort.SliceStable(*fc, func(i, j int) bool {
			a, b := (*fc)[i], (*fc)[j]
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			return a.Value < b.Value
		})
		if len(*fc) > facetSize {
			*fc = (*fc)[:facetSize]
		}
	}
	return f
}

// Search finds articles for q: German and English stemming, umlaut
// folding, typo tolerance, the unfinished last word as a prefix, "quoted
// phrases", filters and facets. Hits carry snippets from the stored bodies.
func (s *Store) Search(ctx context.Context, q Query) (Results, error) {
	return s.ix.search(ctx, q, s.loadArticles)
}
