package kb

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// textAnalyzer is the name of the analyzer used for titles and bodies: it
// lower-cases, drops German and English stop words, folds umlauts in both directions (ä = ae, ß = ss) and applies
// German and English snowball stemmers, so that inflected forms and umlauts typed as
// ae/oe/ue meet the same index term.
const textAnalyzer = "werkbank_text"

// addAnalyzers registers Werkbank's custom analyzers on m.
func addAnalyzers(m *mapping.IndexMappingImpl) error {
	err := m.AddCustomAnalyzer(textAnalyzer, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []string{
			lowercase.Name,
			en.StopName,
			de.StopName,
			de.NormalizeName,
			de.SnowballStemmerName,
			en.SnowballStemmerName,
		},
	})
	if err != nil {
		return fmt.Errorf("add analyzer %s: %w", textAnalyzer, err)
	}
	return nil
}

// germanNormalize is the umlaut folding of the text analyzer, for words
// that are not run through the whole analyzer (prefixes, snippets).
var germanNormalize = de.NewGermanNormalizeFilter()

// foldUmlauts folds a lower-case word the way the text analyzer does
// (ä, ae → a; ß → ss) without stemming it.
func foldUmlauts(word string) string {
	ts := analysis.TokenStream{&analysis.Token{Term: []byte(word)}}
	return string(germanNormalize.Filter(ts)[0].Term)
}
