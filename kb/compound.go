package kb

import (
	"context"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// German compounds are written as one word, with a hyphen or as two words
// ("Druckerwarteschlange", "Drucker-Warteschlange"). A typed query may use
// another spelling than the article, so its terms get two more
// alternatives: the join with the neighbouring word, and, for a word the
// index does not know, a split into two words it knows.
const (
	// splitMinLen is the shortest unknown word (in runes) that is split;
	// splitPartMinLen the shortest part.
	splitMinLen     = 8
	splitPartMinLen = 3
	// splitBoost weighs a split match below an exact one.
	splitBoost = 0.5
)

// rawWord is a word of the query text with its index term ("" for stop
// words and noise).
type rawWord struct {
	word, term string
}

// compoundAlternatives returns, per index term of the free text of a typed
// query, clauses for the other spellings of a compound that the index
// knows.
func (ix *index) compoundAlternatives(ctx context.Context, free string, dfs map[string]uint64) map[string][]query.Query {
	var words []rawWord
	for _, tok := range tokenize([]byte(free)) {
		w := string(toLower(tok.Term))
		var term string
		if ts := ix.analyze(w); len(ts) == 1 {
			term = ts[0]
		}
		words = append(words, rawWord{w, term})
	}

	type join struct{ a, b, joined string }
	type split struct{ term, head, tail string }
	var joins []join
	var splits []split
	var candidates []string
	for i, w := range words {
		if w.term == "" || isNumber(w.term) {
			continue
		}
		if i+1 < len(words) && words[i+1].term != "" && !isNumber(words[i+1].term) {
			if ts := ix.analyze(w.word + words[i+1].word); len(ts) == 1 && ts[0] != w.term && ts[0] != words[i+1].term {
				joins = append(joins, join{w.term, words[i+1].term, ts[0]})
				candidates = append(candidates, ts[0])
			}
		}
		if dfs[w.term] > 0 || utf8.RuneCountInString(w.word) < splitMinLen {
			continue
		}
		r := []rune(w.word)
		for k := splitPartMinLen; k <= len(r)-splitPartMinLen; k++ {
			h, t := ix.analyze(string(r[:k])), ix.analyze(string(r[k:]))
			if len(h) == 1 && len(t) == 1 {
				splits = append(splits, split{w.term, h[0], t[0]})
				candidates = append(candidates, h[0], t[0])
			}
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	known, _ := ix.docFreqs(ctx, candidates)
	out := map[string][]query.Query{}
	for _, j := range joins {
		if known[j.joined] > 0 {
			q := fieldsQuery(j.joined, 0, 1)
			out[j.a] = append(out[j.a], q)
			out[j.b] = append(out[j.b], q)
		}
	}
	// Per unknown word, the split with the longest shorter part wins.
	best := map[string]split{}
	for _, s := range splits {
		if known[s.head] == 0 || known[s.tail] == 0 {
			continue
		}
		b, ok := best[s.term]
		if !ok || min(len(s.head), len(s.tail)) > min(len(b.head), len(b.tail)) {
			best[s.term] = s
		}
	}
	for term, s := range best {
		c := bleve.NewConjunctionQuery(fieldsQuery(s.head, 0, 1), fieldsQuery(s.tail, 0, 1))
		c.SetBoost(splitBoost)
		out[term] = append(out[term], c)
	}
	return out
}
