package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strings"
)

// Redaction kinds reported by the Redactor.
const (
	KindPassword   = "password"
	KindToken      = "token"
	KindPrivateKey = "private-key"
	KindIBAN       = "iban"
	KindEmail      = "email"
)

// Pattern is a redaction rule a team adds: a name shown to the user and a
// regular expression. When the expression has a capturing group, only the
// first group is masked; otherwise the whole match.
type Pattern struct {
	Name  string
	Regex string
}

// RedactorConfig configures a Redactor.
type RedactorConfig struct {
	// Extra are the team's own patterns, applied after the built-in ones.
	Extra []Pattern
}

// Redaction says what was masked on one line.
type Redaction struct {
	Kind  string `json:"kind"`
	Line  int    `json:"line"`
	Count int    `json:"count"`
}

// RedactionReport lists every masked place, by line then kind.
type RedactionReport struct {
	Redactions []Redaction `json:"redactions"`
}

// Totals returns the number of masked values per kind.
func (r RedactionReport) Totals() map[string]int {
	out := map[string]int{}
	for _, x := range r.Redactions {
		out[x.Kind] += x.Count
	}
	return out
}

// rule is one compiled redaction rule.
type rule struct {
	kind  string
	re    *regexp.Regexp
	group int
	check func(string) bool
}

// Redactor masks secrets and personal data in text before it is shared:
// passwords, tokens (Bearer, API keys, JWT), private keys (PEM blocks),
// IBANs (checksum-validated), e-mail addresses and team-added patterns.
type Redactor struct {
	rules []rule
}

var builtinRules = []rule{
	{kind: KindPassword, group: 2, re: regexp.MustCompile(`(?i)(["']?\b(?:password|passwort|passwd|pwd|kennwort|secret|client_secret)\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)`)},
	{kind: KindPassword, group: 1, re: regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@`)},
	{kind: KindToken, group: 2, re: regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)([A-Za-z0-9\-._~+/]{8,}=*)`)},
	{kind: KindToken, group: 2, re: regexp.MustCompile(`(?i)(["']?\b(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|x-api-key|token)\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)`)},
	{kind: KindToken, re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}`)},
	{kind: KindToken, re: regexp.MustCompile(`\b(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20})\b`)},
	{kind: KindIBAN, re: regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b`), check: validIBAN},
	{kind: KindEmail, re: regexp.MustCompile(`\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b`)},
}

var (
	pemBegin = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)
	pemEnd   = regexp.MustCompile(`-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----`)
)

// NewRedactor compiles the built-in and the team's patterns.
func NewRedactor(cfg RedactorConfig) (*Redactor, error) {
	r := &Redactor{rules: append([]rule(nil), builtinRules...)}
	for _, p := range cfg.Extra {
		if strings.TrimSpace(p.Name) == "" {
			return nil, fmt.Errorf("redaction pattern %q needs a name", p.Regex)
		}
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %s: %w", p.Name, err)
		}
		g := 0
		if re.NumSubexp() > 0 {
			g = 1
		}
		r.rules = append(r.rules, rule{kind: p.Name, re: re, group: g})
	}
	return r, nil
}

// mask returns the replacement text for a kind.
func mask(kind string) string { return "[REDACTED " + kind + "]" }

// RedactLine masks one line (without PEM block handling) and returns the
// counts per kind.
func (r *Redactor) RedactLine(line string) (string, map[string]int) {
	var counts map[string]int
	for _, ru := range r.rules {
		locs := ru.re.FindAllStringSubmatchIndex(line, -1)
		if locs == nil {
			continue
		}
		var b strings.Builder
		last := 0
		n := 0
		for _, loc := range locs {
			s, e := loc[2*ru.group], loc[2*ru.group+1]
			if s < 0 || s < last {
				continue
			}
			val := line[s:e]
			if strings.HasPrefix(val, "[REDACTED ") || (ru.check != nil && !ru.check(val)) {
				continue
			}
			b.WriteString(line[last:s])
			b.WriteString(mask(ru.kind))
			last = e
			n++
		}
		if n == 0 {
			continue
		}
		b.WriteString(line[last:])
		line = b.String()
		if counts == nil {
			counts = map[string]int{}
		}
		counts[ru.kind] += n
	}
	return line, counts
}

// Redact copies src to dst line by line with secrets masked, and reports
// what was masked where. Lines inside a PEM private-key block are replaced
// as a whole. Line ends are written as "\n".
func (r *Redactor) Redact(ctx context.Context, src io.Reader, dst io.Writer) (RedactionReport, error) {
	var rep RedactionReport
	br := bufio.NewReaderSize(src, 64<<10)
	w := bufio.NewWriterSize(dst, 64<<10)
	inKey := false
	for no := 1; ; no++ {
		if no%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
		line, err := br.ReadString('\n')
		if line == "" && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return rep, fmt.Errorf("redact line %d: %w", no, err)
		}
		nl := strings.HasSuffix(line, "\n")
		line = strings.TrimRight(line, "\r\n")
		var out string
		switch {
		case inKey:
			out = mask(KindPrivateKey)
			if pemEnd.MatchString(line) {
				inKey = false
			}
		case pemBegin.MatchString(line):
			loc := pemBegin.FindStringIndex(line)
			rest := line[loc[1]:]
			if end := pemEnd.FindStringIndex(rest); end != nil {
				out = line[:loc[0]] + mask(KindPrivateKey) + rest[end[1]:]
			} else {
				out = line[:loc[0]] + mask(KindPrivateKey)
				inKey = true
			}
			rep.Redactions = append(rep.Redactions, Redaction{Kind: KindPrivateKey, Line: no, Count: 1})
		default:
			var counts map[string]int
			out, counts = r.RedactLine(line)
			kinds := make([]string, 0, len(counts))
			for k := range counts {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			for _, k := range kinds {
				rep.Redactions = append(rep.Redactions, Redaction{Kind: k, Line: no, Count: counts[k]})
			}
		}
		if _, werr := w.WriteString(out); werr != nil {
			return rep, fmt.Errorf("write redacted text: %w", werr)
		}
		if nl {
			if werr := w.WriteByte('\n'); werr != nil {
				return rep, fmt.Errorf("write redacted text: %w", werr)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return rep, fmt.Errorf("write redacted text: %w", err)
	}
	return rep, nil
}

// RedactString is Redact on a string.
func (r *Redactor) RedactString(ctx context.Context, s string) (string, RedactionReport, error) {
	var b strings.Builder
	rep, err := r.Redact(ctx, strings.NewReader(s), &b)
	return b.String(), rep, err
}

// validIBAN checks length and the ISO 13616 mod-97 checksum.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	re := s[4:] + s[:4]
	var digits strings.Builder
	for _, c := range re {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			fmt.Fprintf(&digits, "%d", c-'A'+10)
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return false
	}
	return new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}
