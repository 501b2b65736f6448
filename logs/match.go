package logs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Signature is one error signature of a knowledge-base article: a plain
// substring (matched case-insensitively) or a regular expression written
// as /…/.
type Signature struct {
	ArticleID string
	Title     string
	Source    string
	Pattern   string
}

// Candidate is an article that a knowledge-base search returned.
type Candidate struct {
	ID, Title, Source string
	Score             float64
}

// KnowledgeBase is what the matcher needs from the knowledge base: the
// error signatures of its articles and a full-text search.
type KnowledgeBase interface {
	Signatures(ctx context.Context) ([]Signature, error)
	Search(ctx context.Context, text string, limit int) ([]Candidate, error)
}

// MatcherConfig configures a Matcher.
type MatcherConfig struct {
	// KB provides signatures and search. Required.
	KB KnowledgeBase
	// MaxEvidence is the number of evidence line numbers kept per article.
	// Default 50; Count always counts every matching line.
	MaxEvidence int
	// SearchTemplates is the number of the most frequent error templates
	// sent to the knowledge-base search. Default 10.
	SearchTemplates int
	// Analyze configures the template mining of the file.
	Analyze AnalyzeConfig
}

// Hit is a known problem found in a log: an article with its evidence.
type Hit struct {
	ID     string  `json:"id"`
	Title  string  `json:"title"`
	Source string  `json:"source"`
	Score  float64 `json:"score"`
	// Lines are 1-based evidence line numbers (at most MaxEvidence).
	Lines []int `json:"lines"`
	// Count is the number of matching lines.
	Count int `json:"count"`
	// Signatures lists the article's signatures that matched; empty when
	// the article was found by search over the error templates.
	Signatures []string `json:"signatures,omitempty"`
	// Templates lists the error templates that led the search to it.
	Templates []string `json:"templates,omitempty"`
}

// Message returns the one-line summary shown to the user.
func (h Hit) Message() string {
	return fmt.Sprintf("Known problem: %s — %d matching lines", h.Title, h.Count)
}

// Matcher finds knowledge-base articles that match a log's errors.
type Matcher struct {
	cfg MatcherConfig
}

// NewMatcher returns a matcher over the given knowledge base.
func NewMatcher(cfg MatcherConfig) (*Matcher, error) {
	if cfg.KB == nil {
		return nil, errors.New("matcher needs a knowledge base")
	}
	if cfg.MaxEvidence <= 0 {
		cfg.MaxEvidence = 50
	}
	if cfg.SearchTemplates <= 0 {
		cfg.SearchTemplates = 10
	}
	return &Matcher{cfg: cfg}, nil
}

// compiled is a signature ready to test lines.
type compiled struct {
	sig   Signature
	re    *regexp.Regexp
	lower string
}

func compileSignatures(sigs []Signature) ([]compiled, error) {
	out := make([]compiled, 0, len(sigs))
	for _, s := range sigs {
		p := strings.TrimSpace(s.Pattern)
		if p == "" {
			continue
		}
		if len(p) > 2 && strings.HasPrefix(p, "/") && strings.HasSuffix(p, "/") {
			re, err := regexp.Compile(p[1 : len(p)-1])
			if err != nil {
				return nil, fmt.Errorf("signature %s of article %s: %w", p, s.ArticleID, err)
			}
			out = append(out, compiled{sig: s, re: re})
			continue
		}
		out = append(out, compiled{sig: s, lower: strings.ToLower(p)})
	}
	return out, nil
}

func (c *compiled) match(line, lower string) bool {
	if c.re != nil {
		return c.re.MatchString(line)
	}
	return strings.Contains(lower, c.lower)
}

// MatchFile reads the log at path and returns the matching articles, best
// first, at most limit (all when limit <= 0).
func (m *Matcher) MatchFile(ctx context.Context, path string, limit int) ([]Hit, error) {
	cfg := m.cfg.Analyze
	cfg.KeepAssignments = true
	a, err := Analyze(ctx, path, cfg)
	if err != nil {
		return nil, err
	}
	return m.Match(ctx, path, a, limit)
}

// Match is MatchFile with the file's analysis already done (with
// KeepAssignments, for the evidence lines of search hits): only the
// signature scan reads the file again.
func (m *Matcher) Match(ctx context.Context, path string, a *Analysis, limit int) ([]Hit, error) {
	sigs, err := m.cfg.KB.Signatures(ctx)
	if err != nil {
		return nil, fmt.Errorf("load error signatures: %w", err)
	}
	comp, err := compileSignatures(sigs)
	if err != nil {
		return nil, err
	}
	hits := map[string]*Hit{}
	get := func(id, title, source string) *Hit {
		h, ok := hits[id]
		if !ok {
			h = &Hit{ID: id, Title: title, Source: source}
			hits[id] = h
		}
		return h
	}
	if err := m.scanSignatures(ctx, path, comp, get); err != nil {
		return nil, err
	}
	for _, h := range hits {
		h.Score = 10 + math.Log2(1+float64(h.Count))
	}
	if err := m.searchTemplates(ctx, a, get); err != nil {
		return nil, err
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		slices.Sort(h.Lines)
		h.Lines = slices.Compact(h.Lines)
		if len(h.Lines) > m.cfg.MaxEvidence {
			h.Lines = h.Lines[:m.cfg.MaxEvidence]
		}
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// scanSignatures tests every line against every signature.
func (m *Matcher) scanSignatures(ctx context.Context, path string, comp []compiled, get func(id, title, source string) *Hit) error {
	if len(comp) == 0 {
		return nil
	}
	r, err := Open(ctx, path, m.cfg.Analyze.Reader)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		ln, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("match %s: %w", path, err)
		}
		lower := strings.ToLower(ln.Text)
		for i := range comp {
			c := &comp[i]
			if !c.match(ln.Text, lower) {
				continue
			}
			h := get(c.sig.ArticleID, c.sig.Title, c.sig.Source)
			if h.Count == 0 || h.Lines[len(h.Lines)-1] != ln.No {
				h.Count++
				if len(h.Lines) < m.cfg.MaxEvidence {
					h.Lines = append(h.Lines, ln.No)
				}
			}
			if !slices.Contains(h.Signatures, c.sig.Pattern) {
				h.Signatures = append(h.Signatures, c.sig.Pattern)
			}
		}
	}
}

// searchTemplates sends the most frequent error templates to the search
// and adds the articles found, with the template's lines as evidence.
func (m *Matcher) searchTemplates(ctx context.Context, a *Analysis, get func(id, title, source string) *Hit) error {
	var errs []*TemplateStats
	for _, st := range a.Templates {
		if l := st.Level(); l == "ERROR" || l == "FATAL" {
			errs = append(errs, st)
		}
	}
	slices.SortStableFunc(errs, func(x, y *TemplateStats) int { return cmp.Compare(y.Count, x.Count) })
	if len(errs) > m.cfg.SearchTemplates {
		errs = errs[:m.cfg.SearchTemplates]
	}
	asked := map[string]bool{}
	for _, st := range errs {
		query := queryText(st.Template)
		if query == "" || asked[query] {
			continue
		}
		asked[query] = true
		cands, err := m.cfg.KB.Search(ctx, query, 3)
		if err != nil {
			return fmt.Errorf("search knowledge base for %q: %w", query, err)
		}
		lines := templateLines(a, st.Template.idx, m.cfg.MaxEvidence)
		for _, c := range cands {
			h := get(c.ID, c.Title, c.Source)
			if len(h.Signatures) == 0 {
				h.Count += st.Count
			}
			h.Score += c.Score * math.Log2(1+float64(st.Count)) / 10
			h.Templates = append(h.Templates, st.Template.Text())
			if len(h.Signatures) == 0 {
				h.Lines = append(h.Lines, lines...)
			}
		}
	}
	return nil
}

// queryText turns a template into search words: the constant words only.
// A template with fewer than two such words says too little to search for
// and gives "".
func queryText(t *Template) string {
	var words []string
	for _, tok := range t.Tokens {
		if tok == Wildcard {
			continue
		}
		w := strings.Trim(strings.ReplaceAll(tok, Wildcard, " "), "\"'()[]{}<>,;:.=!?*")
		if len([]rune(w)) >= 3 && hasLetter(w) {
			words = append(words, w)
		}
	}
	if len(words) < 2 {
		return ""
	}
	return strings.Join(words, " ")
}

// templateLines returns up to n line numbers of template idx.
func templateLines(a *Analysis, idx, n int) []int {
	var out []int
	for i, t := range a.Assign {
		if int(t) == idx {
			out = append(out, i+1)
			if len(out) == n {
				break
			}
		}
	}
	return out
}
