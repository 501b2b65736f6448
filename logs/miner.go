package logs

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// MinerConfig tunes the template miner. Zero values mean the defaults,
// which need no per-format tuning.
type MinerConfig struct {
	// Similarity is the share of a template's constant tokens a message
	// must share to join it. Default 0.5.
	Similarity float64
	// MaxClusters bounds memory on pathological input; lines beyond it
	// join a per-length overflow template. Default 100000.
	MaxClusters int
}

// Template is a group of messages with the variable parts masked.
type Template struct {
	// Tokens are the template's words, Wildcard for variable parts.
	Tokens []string
	idx    int
	consts int
}

// Text returns the template as text.
func (t *Template) Text() string { return strings.Join(t.Tokens, " ") }

// ID returns a stable id: a hash of the template text.
func (t *Template) ID() string { return TemplateID(t.Text()) }

// Index returns the template's position in creation order.
func (t *Template) Index() int { return t.idx }

// TemplateID returns the stable id of a template text.
func TemplateID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:6])
}

// Miner groups masked messages into templates: a Drain-like search among
// templates of the same length and first word, with the similarity
// threshold counted over constant tokens only. It is not safe for
// concurrent use.
type Miner struct {
	cfg       MinerConfig
	groups    map[string][]*Template
	cache     map[string]*Template
	templates []*Template
	overflow  map[int]*Template
	keyBuf    []byte
}

// NewMiner returns an empty miner.
func NewMiner(cfg MinerConfig) *Miner {
	if cfg.Similarity <= 0 {
		cfg.Similarity = 0.5
	}
	if cfg.MaxClusters <= 0 {
		cfg.MaxClusters = 100000
	}
	return &Miner{cfg: cfg, groups: map[string][]*Template{}, cache: map[string]*Template{}, overflow: map[int]*Template{}}
}

// Templates returns the templates in creation order.
func (m *Miner) Templates() []*Template { return m.templates }

// groupKey buckets templates by token count and first constant word.
func groupKey(buf []byte, toks []string) []byte {
	buf = buf[:0]
	n := len(toks)
	buf = append(buf, byte(n>>8), byte(n))
	if n > 0 {
		if w := strings.TrimLeft(toks[0], "\"'[("); isPlainWord(w) {
			buf = append(buf, w...)
		}
	}
	return buf
}

// isPlainWord reports a token of letters only (and - or _), the kind that
// is rarely a variable.
func isPlainWord(t string) bool {
	if t == "" || t == Wildcard {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c >= 0x80) {
			return false
		}
	}
	return true
}

// isWordToken reports a word of letters such as GET, RUNNING, TaskAttempt
// or startup, ignoring surrounding quotes and punctuation.
func isWordToken(t string) bool {
	t = trimPunct(t)
	if len(t) < 2 {
		return false
	}
	if isVersionedWord(t) {
		return true
	}
	if t[0] >= 'a' && t[0] <= 'z' && strings.ContainsAny(t[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		// lowerCamelCase names a program variable or field: may vary.
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-' || c >= 0x80) {
			return false
		}
	}
	return true
}

// Add assigns masked tokens to a template, creating or generalising one.
// The tokens slice is not retained.
func (m *Miner) Add(toks []string) *Template {
	m.keyBuf = m.keyBuf[:0]
	for i, t := range toks {
		if i > 0 {
			m.keyBuf = append(m.keyBuf, ' ')
		}
		m.keyBuf = append(m.keyBuf, t...)
	}
	if t, ok := m.cache[string(m.keyBuf)]; ok {
		return t
	}
	key := string(m.keyBuf)
	gk := groupKey(m.keyBuf[len(m.keyBuf):], toks)
	group := m.groups[string(gk)]
	best, bestSim := (*Template)(nil), -1.0
	for _, t := range group {
		s := similarity(t, toks)
		if s > bestSim || (s == bestSim && t.consts > best.consts) {
			best, bestSim = t, s
		}
	}
	if best != nil && (bestSim >= m.cfg.Similarity || len(m.templates) >= m.cfg.MaxClusters) {
		for i, tok := range toks {
			if best.Tokens[i] != tok && best.Tokens[i] != Wildcard {
				best.Tokens[i] = Wildcard
				best.consts--
			}
		}
	} else if ov := m.overflow[len(toks)]; ov != nil && len(m.templates) >= m.cfg.MaxClusters {
		// Beyond the cap every new shape joins its length's catch-all.
		for i, tok := range toks {
			if ov.Tokens[i] != tok && ov.Tokens[i] != Wildcard {
				ov.Tokens[i] = Wildcard
				ov.consts--
			}
		}
		best = ov
	} else {
		best = &Template{Tokens: append([]string(nil), toks...), idx: len(m.templates)}
		if len(m.templates) >= m.cfg.MaxClusters {
			m.overflow[len(toks)] = best
		}
		for _, t := range toks {
			if t != Wildcard {
				best.consts++
			}
		}
		m.templates = append(m.templates, best)
		m.groups[string(gk)] = append(group, best)
	}
	if len(m.cache) >= 1<<18 {
		clear(m.cache)
	}
	m.cache[key] = best
	return best
}

// similarity is the share of the template's constant tokens that the
// message repeats at the same place; 1 for templates of wildcards only.
func similarity(t *Template, toks []string) float64 {
	if t.consts == 0 {
		return 1
	}
	eq := 0
	for i, tok := range toks {
		tt := t.Tokens[i]
		if tt == Wildcard {
			continue
		}
		if tt == tok {
			eq++
		} else if isWordToken(tt) && isWordToken(tok) && tt[0] != '(' && tok[0] != '(' {
			// Different words (GET/POST, NEW/RUNNING, Task/TaskAttempt,
			// startup/shutdown) name distinct events; variable names were
			// masked already. A word in parentheses, "(java)", is often a
			// variable name and may still merge.
			return 0
		}
	}
	return float64(eq) / float64(t.consts)
}
