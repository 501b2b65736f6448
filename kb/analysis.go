package kb

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

// textAnalyzer is the name of the analyzer used for titles and bodies. It
// splits text into runs of letters and digits, lower-cases them, drops
// noise (see isNoise) and German and English stop words, folds umlauts in
// both directions (ä = ae, ß = ss) and stems with the German and then the
// English snowball stemmer, so that inflected forms and umlauts typed as
// ae/oe/ue meet the same index term in a mixed-language knowledge base.
const textAnalyzer = "werkbank_text"

// maxTokenLen is the longest token (in bytes) the index keeps.
const maxTokenLen = 40

func init() {
	err := registry.RegisterAnalyzer(textAnalyzer, func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		var filters []analysis.TokenFilter
		for _, name := range []string{lowercase.Name, en.StopName, de.StopName, de.NormalizeName} {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, fmt.Errorf("analyzer %s: %w", textAnalyzer, err)
			}
			filters = append(filters, f)
		}
		return &werkbankAnalyzer{lower: filters[0], stops: filters[1:3], normalize: filters[3]}, nil
	})
	if err != nil {
		panic(err)
	}
}

// werkbankAnalyzer implements textAnalyzer in one pass over the text.
type werkbankAnalyzer struct {
	lower, normalize analysis.TokenFilter
	stops            []analysis.TokenFilter
}

// Analyze turns text into index terms.
func (a *werkbankAnalyzer) Analyze(text []byte) analysis.TokenStream {
	ts := tokenize(text)
	ts = a.lower.Filter(ts)
	ts = dropNoise(ts)
	for _, s := range a.stops {
		ts = s.Filter(ts)
	}
	ts = a.normalize.Filter(ts)
	for _, t := range ts {
		t.Term = stem(t.Term)
	}
	return ts
}

// tokenize splits text into maximal runs of letters and digits, with byte
// offsets and 1-based positions.
func tokenize(text []byte) analysis.TokenStream {
	ts := make(analysis.TokenStream, 0, len(text)/6)
	start := -1
	for i := 0; i <= len(text); {
		r, n := rune(-1), 1
		if i < len(text) {
			r, n = utf8.DecodeRune(text[i:])
		}
		word := r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			term := make([]byte, i-start)
			copy(term, text[start:i])
			ts = append(ts, &analysis.Token{Start: start, End: i, Term: term, Position: len(ts) + 1, Type: analysis.AlphaNumeric})
			start = -1
		}
		i += n
	}
	return ts
}

// dropNoise removes the tokens that carry no meaning for search but
// bloat the index (see isNoise).
func dropNoise(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for _, t := range input {
		if !isNoise(t.Term) {
			out = append(out, t)
		}
	}
	return out
}

// isNoise reports whether a token is noise: a single character, a token
// longer than maxTokenLen, or a number that is not a 3 to 5 digit code
// (time stamps, process ids, amounts).
func isNoise(term []byte) bool {
	if len(term) > maxTokenLen || utf8.RuneCount(term) < 2 {
		return true
	}
	for _, c := range term {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(term) < 3 || len(term) > 5
}

// stemCacheMax bounds the stem cache (entries).
const stemCacheMax = 1 << 19

// stemCache memoises stems: stemming is the costliest analysis step and
// the vocabulary of a knowledge base is small.
var (
	stemCache     sync.Map
	stemCacheSize atomic.Int64
)

// stem applies the German and then the English snowball stemmer to a
// lower-case, umlaut-folded word. Words with digits are codes and stay.
func stem(term []byte) []byte {
	for _, c := range term {
		if c >= '0' && c <= '9' {
			return term
		}
	}
	if v, ok := stemCache.Load(string(term)); ok {
		return v.([]byte)
	}
	env := snowballstem.NewEnv(string(term))
	german.Stem(env)
	env = snowballstem.NewEnv(env.Current())
	english.Stem(env)
	out := []byte(env.Current())
	if stemCacheSize.Load() < stemCacheMax {
		if _, loaded := stemCache.LoadOrStore(string(term), out); !loaded {
			stemCacheSize.Add(1)
		}
	}
	return out
}

// germanNormalize is the umlaut folding of the text analyzer, for words
// that are not run through the whole analyzer (prefixes).
var germanNormalize = de.NewGermanNormalizeFilter()

// foldUmlauts folds a lower-case word the way the text analyzer does
// (ä, ae → a; ß → ss) without stemming it.
func foldUmlauts(word string) string {
	ts := analysis.TokenStream{&analysis.Token{Term: []byte(word)}}
	return string(germanNormalize.Filter(ts)[0].Term)
}
