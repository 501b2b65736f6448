package kb

import (
	"bytes"
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
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
		stop := map[string]bool{}
		for _, name := range []string{en.StopName, de.StopName} {
			m, err := cache.TokenMapNamed(name)
			if err != nil {
				return nil, fmt.Errorf("analyzer %s: %w", textAnalyzer, err)
			}
			for w := range m {
				stop[w] = true
			}
		}
		return &werkbankAnalyzer{stop: stop}, nil
	})
	if err != nil {
		panic(err)
	}
}

// werkbankAnalyzer implements textAnalyzer in one pass over the text.
type werkbankAnalyzer struct {
	stop map[string]bool
}

// Analyze turns text into index terms.
func (a *werkbankAnalyzer) Analyze(text []byte) analysis.TokenStream {
	ts := tokenize(text)
	out := ts[:0]
	for _, t := range ts {
		t.Term = toLower(t.Term)
		if isNoise(t.Term, text, t.Start, t.End) || a.stop[string(t.Term)] {
			continue
		}
		t.Term = stem(normalizeGerman(t.Term))
		t.Position = len(out) + 1
		out = append(out, t)
	}
	return out
}

// toLower lower-cases term in place when it is ASCII.
func toLower(term []byte) []byte {
	for i, c := range term {
		if c >= utf8.RuneSelf {
			return bytes.ToLower(term)
		}
		if 'A' <= c && c <= 'Z' {
			term[i] = c + 'a' - 'A'
		}
	}
	return term
}

// normalizeGerman folds umlauts like bleve's normalize_de (the German2
// snowball variant): ä, ö, ü → a, o, u; ae, oe → a, o; ue → u unless
// after a vowel or q; ß → ss. It rewrites term in place (the result is
// never longer).
func normalizeGerman(term []byte) []byte {
	const (
		n = iota // ordinary
		v        // after a vowel: u does not start an umlaut
		u        // after a, o, u: a following e is dropped
	)
	state := n
	w := 0
	for i := 0; i < len(term); {
		r, size := rune(term[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(term[i:])
		}
		i += size
		switch r {
		case 'a', 'o':
			state = u
		case 'u':
			if state == n {
				state = u
			} else {
				state = v
			}
		case 'e':
			if state == u {
				state = v
				continue
			}
			state = v
		case 'i', 'q', 'y':
			state = v
		case 'ä':
			r, state = 'a', v
		case 'ö':
			r, state = 'o', v
		case 'ü':
			r, state = 'u', v
		case 'ß':
			term[w], term[w+1] = 's', 's'
			w += 2
			state = n
			continue
		default:
			state = n
		}
		w += utf8.EncodeRune(term[w:], r)
	}
	return term[:w]
}

// tokenize splits text into maximal runs of letters and digits, with byte
// offsets and 1-based positions.
func tokenize(text []byte) analysis.TokenStream {
	ts := make(analysis.TokenStream, 0, len(text)/6)
	// One copy of the text backs all terms and tokens come in blocks:
	// analysis allocates little.
	buf := append([]byte(nil), text...)
	var block []analysis.Token
	start := -1
	for i := 0; i <= len(text); {
		var word bool
		n := 1
		switch {
		case i == len(text):
		case text[i] < utf8.RuneSelf:
			c := text[i] | 0x20 // lower-cases ASCII letters
			word = ('a' <= c && c <= 'z') || ('0' <= text[i] && text[i] <= '9')
		default:
			var r rune
			r, n = utf8.DecodeRune(text[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			if len(block) == cap(block) {
				block = make([]analysis.Token, 0, 64)
			}
			block = append(block, analysis.Token{Start: start, End: i, Term: buf[start:i:i], Position: len(ts) + 1, Type: analysis.AlphaNumeric})
			ts = append(ts, &block[len(block)-1])
			start = -1
		}
		i += n
	}
	return ts
}

// isNoise reports whether the token term at text[start:end] is noise: a
// single character, a token longer than maxTokenLen, or a number that is
// not a 3 to 5 digit code. Numbers joined to another number by '.', ',',
// '/' or '+' are parts of times, dates, amounts or addresses
// ("22.018+0100", "2026/01/09", "1.234,56", "10.0.0.12") and noise too;
// codes stand alone or next to words ("ORA-01555", "HTTP 401", "(1432)",
// "Line:418").
func isNoise(term, text []byte, start, end int) bool {
	if len(term) > maxTokenLen || utf8.RuneCount(term) < 2 {
		return true
	}
	for _, c := range term {
		if c < '0' || c > '9' {
			return false
		}
	}
	if len(term) < 3 || len(term) > 5 {
		return true
	}
	before := start >= 2 && isNumberJoint(text[start-1]) && isDigit(text[start-2])
	after := end+1 < len(text) && isNumberJoint(text[end]) && isDigit(text[end+1])
	return before || after
}

// isNumberJoint reports whether c joins the parts of a time, date,
// amount or address.
func isNumberJoint(c byte) bool {
	return c == '.' || c == ',' || c == '/' || c == '+'
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// stemCacheMax bounds the stem cache (entries).
const stemCacheMax = 1 << 19

// stemCache memoises stems: stemming is the costliest analysis step and
// the vocabulary of a knowledge base is small.
var stemCache = struct {
	sync.RWMutex
	m map[string][]byte
}{m: map[string][]byte{}}

// stem applies the German and then the English snowball stemmer to a
// lower-case, umlaut-folded word. Words with digits are codes and stay.
// The result may be shared and must not be modified.
func stem(term []byte) []byte {
	for _, c := range term {
		if c >= '0' && c <= '9' {
			return term
		}
	}
	stemCache.RLock()
	v, ok := stemCache.m[string(term)]
	stemCache.RUnlock()
	if ok {
		return v
	}
	env := snowballstem.NewEnv(string(term))
	german.Stem(env)
	env = snowballstem.NewEnv(env.Current())
	english.Stem(env)
	out := []byte(env.Current())
	stemCache.Lock()
	if len(stemCache.m) < stemCacheMax {
		stemCache.m[string(term)] = out
	}
	stemCache.Unlock()
	return out
}

// foldUmlauts folds a lower-case word the way the text analyzer does
// (ä, ae → a; ß → ss) without stemming it.
func foldUmlauts(word string) string {
	return string(normalizeGerman([]byte(word)))
}
