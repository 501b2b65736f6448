package kb

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query shaping. Short queries are typed: every term may carry a typo and
// the last one may be unfinished. Long queries are pasted problem
// descriptions or log lines: most terms are noise, so they become a
// disjunction of the rarest terms scored by BM25, without fuzziness except
// for terms the index does not know at all.
const (
	// shortQueryTerms is the largest number of analysed terms that is
	// treated as a typed query.
	shortQueryTerms = 6
	// maxQueryTerms caps the terms of a long query (the rarest win).
	maxQueryTerms = 24
	// minQueryTerms is how many of the rarest terms a long query keeps
	// even when they are common.
	minQueryTerms = 3
	// commonDivisor, commonMinDF: a long query drops terms found in more
	// than 1/commonDivisor of the articles and in more than commonMinDF;
	// in a large knowledge base they cost much and tell little.
	commonDivisor = 20
	commonMinDF   = 500
	// rareDivisor: a typed term is matched fuzzily when it is in at most
	// 1/rareDivisor of the articles (a typo is rare or unknown).
	rareDivisor = 200
	// fuzzyMinLen is the shortest term (in runes) that is matched with
	// edit distance 1; fuzzyUnknownMinLen the shortest unknown one (the
	// stem of a five-letter word can have four).
	fuzzyMinLen        = 5
	fuzzyUnknownMinLen = 4
	// fuzzy2MinLen is the shortest unknown term matched with edit
	// distance 2.
	fuzzy2MinLen = 6
	// maxPrefixTerms caps the expansions of an unfinished word.
	maxPrefixTerms = 24
	// stemPrefixMinLen is the shortest unknown term whose front (all but
	// three letters) is expanded as a prefix, in at most
	// maxStemPrefixTerms terms.
	stemPrefixMinLen   = 8
	maxStemPrefixTerms = 8
	// prefixMinLen is the shortest unfinished last word that is expanded
	// as a prefix.
	prefixMinLen = 3
	// titleBoost weighs a title match above a body match in typed
	// queries; in pasted text the title counts like the body (measured:
	// a higher weight lets title words among the noise win).
	titleBoost     = 2.5
	longTitleBoost = 1.0
	// fuzzyBoost weighs a fuzzy or prefix match below an exact one.
	fuzzyBoost = 0.4
	// maxUnknownFuzzy caps the fuzzy expansions of a long query.
	maxUnknownFuzzy = 4
)

// parsedQuery is the user's text split into quoted phrases and free text.
type parsedQuery struct {
	phrases []string
	free    string
	// partial is the unfinished last word of the free text ("" when the
	// text ends with a space or a phrase).
	partial string
}

// parseQuery splits text into "quoted phrases" and free text.
func parseQuery(text string) parsedQuery {
	var pq parsedQuery
	var free strings.Builder
	rest := text
	for {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			free.WriteString(rest)
			break
		}
		free.WriteString(rest[:i])
		free.WriteByte(' ')
		j := strings.IndexByte(rest[i+1:], '"')
		if j < 0 {
			// An unclosed quote while typing: treat as free text.
			free.WriteString(rest[i+1:])
			break
		}
		if p := strings.TrimSpace(rest[i+1 : i+1+j]); p != "" {
			pq.phrases = append(pq.phrases, p)
		}
		rest = rest[i+1+j+1:]
	}
	pq.free = free.String()
	if !strings.HasSuffix(text, "\"") && text != "" {
		r := []rune(text)
		if last := r[len(r)-1]; unicode.IsLetter(last) || unicode.IsDigit(last) {
			f := strings.FieldsFunc(pq.free, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if len(f) > 0 {
				pq.partial = f[len(f)-1]
			}
		}
	}
	return pq
}

// shapeQuery drops the phrases of pasted text: quotes in a log line or a
// problem description quote paths and messages that need not match word
// for word, so they count as free text there.
func (ix *index) shapeQuery(pq parsedQuery) parsedQuery {
	if len(pq.phrases) == 0 {
		return pq
	}
	all := pq.free + " " + strings.Join(pq.phrases, " ")
	if len(ix.analyze(all)) <= shortQueryTerms {
		return pq
	}
	return parsedQuery{free: all, partial: pq.partial}
}

// analyze runs text through the index's text analyzer and returns the
// distinct terms in order of appearance.
func (ix *index) analyze(text string) []string {
	a := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		t := string(tok.Term)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// terms runs text through the index's text analyzer and returns all
// terms in order.
func (ix *index) terms(text string) []string {
	a := ix.bi.Mapping().AnalyzerNamed(textAnalyzer)
	if a == nil {
		return nil
	}
	toks := a.Analyze([]byte(text))
	out := make([]string, len(toks))
	for i, tok := range toks {
		out[i] = string(tok.Term)
	}
	return out
}

// textQuery builds the bleve query for the text of pq.
func (ix *index) textQuery(ctx context.Context, pq parsedQuery) query.Query {
	terms := ix.analyze(pq.free)
	var must []query.Query
	for _, p := range pq.phrases {
		must = append(must, ix.phraseQuery(p))
	}
	if len(terms) == 0 && pq.partial == "" {
		switch {
		case len(must) > 0:
			return bleve.NewConjunctionQuery(must...)
		case strings.TrimSpace(pq.free) == "":
			return bleve.NewMatchAllQuery()
		}
		// Only stop words or noise: nothing to look for.
		return bleve.NewMatchNoneQuery()
	}
	var should []query.Query
	if len(terms) <= shortQueryTerms {
		should = ix.shortTerms(ctx, pq.free, terms, pq.partial)
	} else {
		should = ix.longTerms(ctx, terms)
	}
	if len(should) == 0 {
		if len(must) == 0 {
			return bleve.NewMatchNoneQuery()
		}
		return bleve.NewConjunctionQuery(must...)
	}
	dis := bleve.NewDisjunctionQuery(should...)
	if len(terms) <= shortQueryTerms {
		// A typed query wants articles with most of its words: those
		// with one of three words only would swell the total and the
		// facets (and cost time) without a chance to rank.
		dis.SetMin(float64(len(should) / 2))
	}
	if len(must) == 0 {
		return dis
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddShould(dis)
	return b
}

// phraseQuery requires every term of the phrase p in the title or the
// body. The index keeps no positions (they would double its size), so
// search verifies the word order on the stored text of the candidates.
func (ix *index) phraseQuery(p string) query.Query {
	terms := ix.analyze(p)
	if len(terms) == 0 {
		return bleve.NewMatchAllQuery()
	}
	must := make([]query.Query, len(terms))
	for i, t := range terms {
		must[i] = fieldsQuery(t, 0, 1)
	}
	return bleve.NewConjunctionQuery(must...)
}

// phraseTerms are the analysed terms of each phrase of pq.
func (ix *index) phraseTerms(pq parsedQuery) [][]string {
	var out [][]string
	for _, p := range pq.phrases {
		if ts := ix.terms(p); len(ts) > 0 {
			out = append(out, ts)
		}
	}
	return out
}

// containsPhrases reports whether every phrase occurs, as consecutive
// analysed terms, in the title or the body of a.
func (ix *index) containsPhrases(a Article, phrases [][]string) bool {
	if len(phrases) == 0 {
		return true
	}
	title := ix.terms(a.Title)
	body := ix.terms(plainText(a.Body))
	for _, p := range phrases {
		if !containsSeq(title, p) && !containsSeq(body, p) {
			return false
		}
	}
	return true
}

// containsSeq reports whether seq occurs consecutively in ts.
func containsSeq(ts, seq []string) bool {
outer:
	for i := 0; i+len(seq) <= len(ts); i++ {
		for j, s := range seq {
			if ts[i+j] != s {
				continue outer
			}
		}
		return true
	}
	return false
}

// termQuery matches term in field, exactly or within edit distance fuzzy,
// with boost.
func termQuery(field, term string, fuzzy int, boost float64) query.Query {
	if fuzzy > 0 {
		q := bleve.NewFuzzyQuery(term)
		q.SetField(field)
		q.SetFuzziness(fuzzy)
		q.SetBoost(boost)
		return q
	}
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// fieldsQuery matches term in the title (boosted by titleBoost) or the
// body.
func fieldsQuery(term string, fuzzy int, boost float64) query.Query {
	return weightedFieldsQuery(term, fuzzy, boost, titleBoost)
}

// weightedFieldsQuery matches term in the title (boosted by title) or the
// body.
func weightedFieldsQuery(term string, fuzzy int, boost, title float64) query.Query {
	return bleve.NewDisjunctionQuery(
		termQuery(fieldTitle, term, fuzzy, boost*title),
		termQuery(fieldBody, term, fuzzy, boost),
	)
}

// shortTerms are the clauses of a typed query: every term exact, in the
// other spellings of a compound (see compoundAlternatives) and, when it is
// rare or unknown (a typo is), fuzzy; the unfinished last word also as a
// prefix of the most frequent index terms that start with it.
func (ix *index) shortTerms(ctx context.Context, free string, terms []string, partial string) []query.Query {
	dfs, docs := ix.docFreqs(ctx, terms)
	compounds := ix.compoundAlternatives(ctx, free, dfs)
	var out []query.Query
	for _, t := range terms {
		alts := []query.Query{fieldsQuery(t, 0, 1)}
		alts = append(alts, compounds[t]...)
		if fz := fuzziness(t, dfs[t], docs); fz > 0 {
			alts = append(alts, fieldsQuery(t, fz, fuzzyBoost))
		}
		if r := []rune(t); dfs[t] == 0 && len(r) >= stemPrefixMinLen && !isNumber(t) {
			// A typo near the end of a word can change what the
			// stemmer cuts off; try the front of the word.
			for _, e := range ix.prefixExpansions(ctx, string(r[:len(r)-3]), maxStemPrefixTerms) {
				alts = append(alts, fieldsQuery(e, 0, fuzzyBoost/2))
			}
		}
		out = append(out, bleve.NewDisjunctionQuery(alts...))
	}
	if p := ix.prefixTerm(partial); p != "" {
		var alts []query.Query
		for _, t := range ix.prefixExpansions(ctx, p, maxPrefixTerms) {
			alts = append(alts, fieldsQuery(t, 0, fuzzyBoost))
		}
		if len(alts) > 0 {
			out = append(out, bleve.NewDisjunctionQuery(alts...))
		}
	}
	return out
}

// fuzziness is the edit distance allowed for term t with document
// frequency df among docs articles: none for short terms and for terms
// common enough to be typed on purpose, 2 for long unknown terms
// (transposed letters cost two edits), else 1.
func fuzziness(t string, df, docs uint64) int {
	n := utf8.RuneCountInString(t)
	switch {
	case isNumber(t) || n < fuzzyUnknownMinLen || (n < fuzzyMinLen && df > 0):
		return 0
	case df == 0 && n >= fuzzy2MinLen:
		return 2
	case df*rareDivisor <= docs:
		return 1
	}
	return 0
}

// prefixTerm is the normalised (folded, not stemmed) form of an unfinished
// word, or "" when it is too short to expand.
func (ix *index) prefixTerm(partial string) string {
	if utf8.RuneCountInString(partial) < prefixMinLen {
		return ""
	}
	return foldUmlauts(strings.ToLower(partial))
}

// longTerms are the clauses of a pasted query: the rarest maxQueryTerms
// terms that the index knows and that are not too common to tell articles
// apart, plus a fuzzy match for a few unknown ones (likely typos).
func (ix *index) longTerms(ctx context.Context, terms []string) []query.Query {
	type tdf struct {
		term string
		df   uint64
	}
	dfs, docs := ix.docFreqs(ctx, terms)
	var known []tdf
	var unknown []string
	for _, t := range terms {
		df := dfs[t]
		switch {
		case df > 0:
			known = append(known, tdf{t, df})
		case utf8.RuneCountInString(t) >= fuzzyMinLen && !isNumber(t):
			unknown = append(unknown, t)
		}
	}
	sortByDF(known, func(x tdf) uint64 { return x.df })
	keep := 0
	for keep < len(known) && keep < maxQueryTerms && (keep < minQueryTerms || !isCommon(known[keep].df, docs)) {
		keep++
	}
	var out []query.Query
	for _, k := range known[:keep] {
		out = append(out, weightedFieldsQuery(k.term, 0, 1, longTitleBoost))
	}
	for _, u := range unknown[:min(len(unknown), maxUnknownFuzzy)] {
		out = append(out, weightedFieldsQuery(u, 1, fuzzyBoost, longTitleBoost))
	}
	return out
}

// isCommon reports whether a term found in df of docs articles is too
// common to be worth its cost in a long query.
func isCommon(df, docs uint64) bool {
	return df > commonMinDF && df*commonDivisor > docs
}

// isNumber reports whether t consists of digits only.
func isNumber(t string) bool {
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return t != ""
}
