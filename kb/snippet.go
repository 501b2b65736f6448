package kb

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Snippet shaping.
const (
	// snippetLen is the approximate length of a snippet in bytes.
	snippetLen = 240
	// snippetLead is how much text precedes the first match of a snippet.
	snippetLead = 40
	// snippetScan caps the body bytes scanned for a snippet.
	snippetScan = 64 << 10
)

// highlighter finds the query's terms in article bodies and cuts snippets
// around the densest cluster of matches.
type highlighter struct {
	analyzer analysis.Analyzer
	terms    map[string]bool
	fuzzy    []string
	prefix   string
}

// newHighlighter prepares snippets for pq, matching the way the query
// matches: analysed terms, fuzzy terms of short queries, the unfinished
// last word as a prefix.
func (ix *index) newHighlighter(pq parsedQuery) *highlighter {
	h := &highlighter{
		analyzer: ix.bi.Mapping().AnalyzerNamed(textAnalyzer),
		terms:    map[string]bool{},
		prefix:   ix.prefixTerm(pq.partial),
	}
	free := ix.analyze(pq.free)
	for _, t := range free {
		h.terms[t] = true
		if len(free) <= shortQueryTerms && utf8.RuneCountInString(t) >= fuzzyMinLen {
			h.fuzzy = append(h.fuzzy, t)
		}
	}
	for _, p := range pq.phrases {
		for _, t := range ix.analyze(p) {
			h.terms[t] = true
		}
	}
	return h
}

// matches reports whether the index term t matches the query.
func (h *highlighter) matches(t string) bool {
	if h.terms[t] {
		return true
	}
	if h.prefix != "" && strings.HasPrefix(t, h.prefix) {
		return true
	}
	for _, f := range h.fuzzy {
		max := 1
		if utf8.RuneCountInString(f) >= fuzzy2MinLen {
			max = 2
		}
		if withinEdits(t, f, max) {
			return true
		}
	}
	return false
}

// snippet returns about snippetLen bytes of the body's plain text around
// the densest cluster of matches, with matches wrapped in <mark>…</mark>.
func (h *highlighter) snippet(body string) string {
	text := plainText(body)
	if len(text) > snippetScan {
		text = text[:snippetScan]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	if h.analyzer == nil || text == "" {
		return cut(text, 0, snippetLen)
	}
	type span struct {
		start, end int
		term       string
	}
	var ms []span
	for _, tok := range h.analyzer.Analyze([]byte(text)) {
		if t := string(tok.Term); h.matches(t) {
			ms = append(ms, span{tok.Start, tok.End, t})
		}
	}
	if len(ms) == 0 {
		return cut(text, 0, snippetLen)
	}
	// Pick the window with the most distinct matched terms.
	best, bestN := 0, 0
	for i := range ms {
		seen := map[string]bool{}
		for j := i; j < len(ms) && ms[j].end-ms[i].start <= snippetLen-snippetLead; j++ {
			seen[ms[j].term] = true
		}
		if len(seen) > bestN {
			best, bestN = i, len(seen)
		}
	}
	from := wordStart(text, ms[best].start-snippetLead)
	to := wordEnd(text, from+snippetLen)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, m := range ms {
		if m.start < pos || m.end > to {
			continue
		}
		b.WriteString(text[pos:m.start])
		b.WriteString("<mark>")
		b.WriteString(text[m.start:m.end])
		b.WriteString("</mark>")
		pos = m.end
	}
	b.WriteString(text[pos:to])
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// cut returns text[from:to] widened to word boundaries, with ellipses
// where text continues.
func cut(text string, from, to int) string {
	from = wordStart(text, from)
	to = wordEnd(text, to)
	s := text[from:to]
	if from > 0 {
		s = "…" + s
	}
	if to < len(text) {
		s += "…"
	}
	return s
}

// wordStart moves i back to the start of the word it falls in (0 when i
// is before the text).
func wordStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(text) {
		return len(text)
	}
	for i > 0 && text[i-1] != ' ' {
		i--
	}
	return i
}

// wordEnd moves i forward to the end of the word it falls in.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for i < len(text) && text[i] != ' ' {
		i++
	}
	return i
}

// plainText strips the Markdown markup that would clutter a snippet and
// folds all whitespace into single spaces.
func plainText(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	for _, line := range strings.Split(md, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "```") || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "|-") || strings.HasPrefix(l, "| -") {
			continue
		}
		l = strings.TrimLeft(l, "#> ")
		l = strings.TrimPrefix(l, "- ")
		l = strings.TrimPrefix(l, "* ")
		l = mdMarkup.Replace(l)
		if b.Len() > 0 && l != "" {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(strings.Fields(l), " "))
	}
	return b.String()
}

// mdMarkup removes inline Markdown markup.
var mdMarkup = strings.NewReplacer("**", "", "__", "", "`", "", "|", " ", "![", "", "](", " (")

// withinEdits reports whether a and b differ by at most max insertions,
// deletions or substitutions (Levenshtein distance).
func withinEdits(a, b string, max int) bool {
	if a == b {
		return true
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > max {
		return false
	}
	prev := make([]int, len(ra)+1)
	cur := make([]int, len(ra)+1)
	for i := range prev {
		prev[i] = i
	}
	for j := 1; j <= len(rb); j++ {
		cur[0] = j
		best := cur[0]
		for i := 1; i <= len(ra); i++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[i] = min(prev[i]+1, cur[i-1]+1, prev[i-1]+cost)
			best = min(best, cur[i])
		}
		if best > max {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(ra)] <= max
}
