package logs

import (
	"regexp"
	"strings"
	"time"
)

// Header is what SplitHeader found in front of a log message.
type Header struct {
	// Time is the parsed timestamp; zero when there was none or it could not
	// be read.
	Time time.Time
	// Level is the normalised severity (TRACE, DEBUG, INFO, WARN, ERROR,
	// FATAL), empty when the line has none.
	Level string
	// Component is the logger, process or component name, if recognised.
	Component string
	// Content is the message after the header.
	Content string
}

// tsKind tells how to read a matched timestamp.
type tsKind int

const (
	tsISO tsKind = iota
	tsSyslog
	tsCtime
	tsDMY
	tsYMDslash
	tsShortYMD
	tsCompact
	tsMonthDay
	tsDotted
	tsWeb
	tsProgress
	tsTime
	tsDate
	tsEpoch
)

// tsRule is one timestamp shape; pre is a cheap test of the first bytes
// that must pass before the regular expression runs.
type tsRule struct {
	re   *regexp.Regexp
	kind tsKind
	pre  func(s string) bool
	// fast, when set, replaces re: it returns the match length or 0.
	fast func(s string) int
}

const monthRE = `(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)`
const dayRE = `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)`

func dig(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

func at(s string, i int, chars string) bool {
	return i < len(s) && strings.IndexByte(chars, s[i]) >= 0
}

func digits(s string, from, n int) bool {
	for i := from; i < from+n; i++ {
		if !dig(s, i) {
			return false
		}
	}
	return true
}

var tsRules = []tsRule{
	{regexp.MustCompile(`^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]|-|_)\d{1,2}[:.]\d{2}[:.]\d{2}(?:[.,:]\d{1,9})?(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?,?`), tsISO,
		func(s string) bool { return digits(s, 0, 4) && at(s, 4, "-/.") }, matchISO},
	{regexp.MustCompile(`^` + dayRE + `,?\s+` + monthRE + `\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+[A-Z]{3,4})?\s+\d{4}`), tsCtime,
		func(s string) bool { return len(s) > 3 && dayMonthWords[s[:3]] }, nil},
	{regexp.MustCompile(`^` + monthRE + `\s+\d{1,2}(?:\s+\d{4})?\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?`), tsSyslog,
		func(s string) bool { return len(s) > 3 && dayMonthWords[s[:3]] }, matchSyslog},
	{regexp.MustCompile(`^\d{1,2}/` + monthRE + `/\d{4}:\d{2}:\d{2}:\d{2}(?:\s[+-]\d{4})?`), tsWeb,
		func(s string) bool { return at(s, 1, "/") || at(s, 2, "/") }, nil},
	{regexp.MustCompile(`^\d{2,4}/\d{2}/\d{2,4}@\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{4})?`), tsProgress,
		func(s string) bool {
			return (at(s, 2, "/") || at(s, 4, "/")) && strings.IndexByte(s[:min(len(s), 12)], '@') > 0
		}, nil},
	{regexp.MustCompile(`^\d{1,2}\.\d{1,2}\.\d{4}[ ,]+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?`), tsDMY,
		func(s string) bool { return at(s, 1, ".") || at(s, 2, ".") }, matchDMY},
	{regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4}[ ,]+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:\s?[AP]M)?`), tsYMDslash,
		func(s string) bool { return at(s, 1, "/") || at(s, 2, "/") }, nil},
	{regexp.MustCompile(`^\d{2}/\d{2}/\d{2}\s+\d{2}:\d{2}:\d{2}(?:[.,]\d+)?`), tsShortYMD,
		func(s string) bool { return at(s, 2, "/") && at(s, 5, "/") }, nil},
	{regexp.MustCompile(`^\d{8}-\d{2}:\d{2}:\d{2}(?:[:.]\d{1,3})?`), tsCompact,
		func(s string) bool { return digits(s, 0, 8) && at(s, 8, "-") }, nil},
	{regexp.MustCompile(`^\d{6}\s\d{6}\b`), tsCompact,
		func(s string) bool { return digits(s, 0, 6) && at(s, 6, " \t") && digits(s, 7, 6) }, matchCompact6},
	{regexp.MustCompile(`^\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?`), tsMonthDay,
		func(s string) bool { return digits(s, 0, 2) && at(s, 2, "-") && digits(s, 3, 2) && at(s, 5, " \t") }, nil},
	{regexp.MustCompile(`^\d{2}\.\d{2}\s\d{2}:\d{2}:\d{2}`), tsDotted,
		func(s string) bool { return digits(s, 0, 2) && at(s, 2, ".") && digits(s, 3, 2) && at(s, 5, " ") }, nil},
	{regexp.MustCompile(`^\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?\b`), tsTime,
		func(s string) bool { return digits(s, 0, 2) && at(s, 2, ":") }, nil},
	{regexp.MustCompile(`^\d{4}[-.]\d{2}[-.]\d{2}\b`), tsDate,
		func(s string) bool { return digits(s, 0, 4) && at(s, 4, "-.") }, nil},
	{regexp.MustCompile(`^1\d{9}(?:\.\d+)?\b|^1\d{12}\b`), tsEpoch,
		func(s string) bool { return digits(s, 0, 10) }, nil},
}

// digitRun returns the number of digits at s[i:], at most max.
func digitRun(s string, i, max int) int {
	n := 0
	for n < max && dig(s, i+n) {
		n++
	}
	return n
}

func spaces(s string, i int) int {
	n := 0
	for i+n < len(s) && (s[i+n] == ' ' || s[i+n] == '\t') {
		n++
	}
	return n
}

// matchISO is the hand-written form of the ISO rule's expression (the
// most common timestamp, so it avoids the regexp engine).
func matchISO(s string) int {
	i := 4
	if !digits(s, 0, 4) || !at(s, i, "-/.") {
		return 0
	}
	i++
	for _, sep := range []string{"-/.", "T -_"} {
		n := digitRun(s, i, 2)
		if n == 0 || !at(s, i+n, sep) {
			return 0
		}
		i += n + 1
	}
	n := digitRun(s, i, 2)
	if n == 0 || !at(s, i+n, ":.") || !digits(s, i+n+1, 2) || !at(s, i+n+3, ":.") || !digits(s, i+n+4, 2) {
		return 0
	}
	i += n + 6
	if at(s, i, ".,:") && dig(s, i+1) {
		i += 1 + digitRun(s, i+1, 9)
	}
	j := i
	if at(s, j, " \t") {
		j++
	}
	switch {
	case at(s, j, "Z"):
		i = j + 1
	case at(s, j, "+-") && digits(s, j+1, 2):
		k := j + 3
		if at(s, k, ":") {
			k++
		}
		if digits(s, k, 2) {
			i = k + 2
		}
	}
	if at(s, i, ",") {
		i++
	}
	return i
}

// matchSyslog is the hand-written form of the syslog rule's expression:
// "Nov  9 12:01:01", optionally with a year and fractions.
func matchSyslog(s string) int {
	if len(s) < 4 || monthNo[s[:3]] == 0 {
		return 0
	}
	i := 3
	sp := spaces(s, i)
	n := digitRun(s, i+sp, 2)
	if sp == 0 || n == 0 {
		return 0
	}
	i += sp + n
	sp = spaces(s, i)
	if sp == 0 {
		return 0
	}
	if digits(s, i+sp, 4) && !at(s, i+sp+2, ":") {
		i += sp + 4
		sp = spaces(s, i)
		if sp == 0 {
			return 0
		}
	}
	i += sp
	if !digits(s, i, 2) || !at(s, i+2, ":") || !digits(s, i+3, 2) || !at(s, i+5, ":") || !digits(s, i+6, 2) {
		return 0
	}
	i += 8
	if at(s, i, ".") && dig(s, i+1) {
		i += 1 + digitRun(s, i+1, 18)
	}
	return i
}

// matchDMY is the hand-written form of the German date rule's
// expression: "27.11.2026 10:15:30,123".
func matchDMY(s string) int {
	d := digitRun(s, 0, 2)
	if d == 0 || !at(s, d, ".") {
		return 0
	}
	i := d + 1
	m := digitRun(s, i, 2)
	if m == 0 || !at(s, i+m, ".") || !digits(s, i+m+1, 4) {
		return 0
	}
	i += m + 5
	sp := 0
	for at(s, i+sp, " ,") {
		sp++
	}
	if sp == 0 {
		return 0
	}
	i += sp
	h := digitRun(s, i, 2)
	if h == 0 || !at(s, i+h, ":") || !digits(s, i+h+1, 2) {
		return 0
	}
	i += h + 3
	if at(s, i, ":") && digits(s, i+1, 2) {
		i += 3
	}
	if at(s, i, ".,") && dig(s, i+1) {
		i += 1 + digitRun(s, i+1, 18)
	}
	return i
}

// matchCompact6 is the hand-written form of "081109 203615" (HDFS).
func matchCompact6(s string) int {
	if len(s) > 13 {
		if c := s[13]; c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' {
			return 0
		}
	}
	return 13
}

// matchTS returns the length of a timestamp at the start of s.
func matchTS(s string) (int, tsKind) {
	if s == "" {
		return 0, 0
	}
	c := s[0]
	if !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') {
		return 0, 0
	}
	for i := range tsRules {
		r := &tsRules[i]
		if !r.pre(s) {
			continue
		}
		if r.fast != nil {
			if n := r.fast(s); n > 0 {
				return n, r.kind
			}
			continue
		}
		if loc := r.re.FindStringIndex(s); loc != nil {
			return loc[1], r.kind
		}
	}
	return 0, 0
}

// levels maps level words to their normalised form.
var levels = map[string]string{
	"TRACE": "TRACE", "FINEST": "TRACE", "FINER": "TRACE", "VERBOSE": "TRACE",
	"DEBUG": "DEBUG", "FINE": "DEBUG", "DBG": "DEBUG",
	"INFO": "INFO", "INFORMATION": "INFO", "NOTICE": "INFO", "CONFIG": "INFO", "INF": "INFO",
	"WARN": "WARN", "WARNING": "WARN", "WARNUNG": "WARN", "WRN": "WARN",
	"ERROR": "ERROR", "ERR": "ERROR", "SEVERE": "ERROR", "FEHLER": "ERROR", "FAILURE": "ERROR", "CRIT": "ERROR", "CRITICAL": "FATAL",
	"FATAL": "FATAL", "ALERT": "FATAL", "EMERG": "FATAL", "PANIC": "FATAL",
}

// shortLevels are the one-letter levels of Android and glog style logs.
var shortLevels = map[string]string{"V": "TRACE", "D": "DEBUG", "I": "INFO", "W": "WARN", "E": "ERROR", "F": "FATAL", "A": "FATAL"}

func levelOf(tok string) string {
	if len(tok) < 3 || len(tok) > 11 {
		return ""
	}
	if l, ok := levels[tok]; ok {
		return l
	}
	return levels[strings.ToUpper(tok)]
}

// hdrScan is the state of one header scan.
type hdrScan struct {
	s     string
	pos   int
	h     Header
	ts    bool
	kinds tsKind
}

// SplitHeader separates a log line into header and message without any
// configuration: timestamps in many formats, levels, pids and thread ids,
// bracketed fields, syslog host and process, logger names and separators.
func SplitHeader(line string) Header {
	sc := hdrScan{s: line}
	sc.run()
	sc.h.Content = strings.TrimSpace(line[sc.pos:])
	return sc.h
}

func (sc *hdrScan) skipSpace() {
	for sc.pos < len(sc.s) && (sc.s[sc.pos] == ' ' || sc.s[sc.pos] == '\t') {
		sc.pos++
	}
}

// token returns the whitespace-delimited token at offset p.
func (sc *hdrScan) tokenAt(p int) string {
	e := p
	for e < len(sc.s) && sc.s[e] != ' ' && sc.s[e] != '\t' {
		e++
	}
	return sc.s[p:e]
}

func (sc *hdrScan) takeTS(n int, kind tsKind) {
	if !sc.ts {
		sc.h.Time = parseTS(sc.s[sc.pos:sc.pos+n], kind)
		sc.kinds = kind
	}
	sc.ts = true
	sc.pos += n
}

func (sc *hdrScan) run() {
	for steps := 0; steps < 16; steps++ {
		sc.skipSpace()
		if sc.pos >= len(sc.s) {
			return
		}
		rest := sc.s[sc.pos:]
		if n, kind := matchTS(rest); n > 0 && (kind != tsEpoch && kind != tsTime || n == len(rest) || rest[n] == ' ' || rest[n] == '\t' || rest[n] == ']' || rest[n] == '|') {
			sc.takeTS(n, kind)
			if kind == tsSyslog {
				sc.syslogTail()
				return
			}
			if sc.pos < len(sc.s) && sc.s[sc.pos] == '|' {
				sc.pipeFields()
				return
			}
			continue
		}
		if rest[0] == '[' || rest[0] == '<' {
			if n := matchBracket(rest); n > 0 {
				inner := rest[1 : n-1]
				if tn, kind := matchTS(inner); tn > 0 && tn >= len(strings.TrimSpace(inner))-1 {
					if !sc.ts {
						sc.h.Time = parseTS(inner, kind)
					}
					sc.ts = true
					sc.pos += n
				} else if l := levelOf(strings.TrimSpace(inner)); l != "" {
					sc.h.Level = l
					sc.pos += n
				} else if sc.ts || sc.h.Level != "" {
					sc.pos += n
				} else {
					return
				}
				if sc.pos < len(sc.s) && sc.s[sc.pos] == ':' {
					sc.pos++
				}
				continue
			}
			return
		}
		tok := sc.tokenAt(sc.pos)
		if !sc.step(tok) {
			return
		}
	}
}

// step consumes tok if it belongs to the header and says whether to go on.
func (sc *hdrScan) step(tok string) bool {
	seen := sc.ts || sc.h.Level != ""
	switch {
	case tok == "-" || tok == "--" || tok == "---" || tok == "|" || tok == "::" || tok == ":":
		sc.pos += len(tok)
		// "logger - message": the separator after the logger ends the header.
		return sc.h.Component == ""
	case len(tok) > 1 && tok[len(tok)-1] == ':' && seen && isComponent(tok[:len(tok)-1]):
		sc.h.Component = strings.TrimSuffix(tok, ":")
		sc.pos += len(tok)
		return false
	}
	if l := levelOf(tok); l != "" {
		sc.h.Level = l
		sc.pos += len(tok)
		return true
	}
	if l, ok := shortLevels[tok]; ok && sc.ts {
		sc.h.Level = l
		sc.pos += len(tok)
		return true
	}
	if isNumber(tok) || (seen && hasDigit(tok) && !strings.ContainsAny(tok, "\"'=")) {
		sc.pos += len(tok)
		return true
	}
	if seen && isUpperWord(tok) {
		sc.pos += len(tok)
		return true
	}
	if seen && sc.h.Component == "" && isComponent(tok) {
		// "Layer   : message": a padded tag before a lone colon.
		p := sc.pos + len(tok)
		for p < len(sc.s) && sc.s[p] == ' ' {
			p++
		}
		if p > sc.pos+len(tok) && p+1 < len(sc.s) && sc.s[p] == ':' && sc.s[p+1] == ' ' {
			sc.h.Component = tok
			sc.pos = p + 1
			return false
		}
	}
	if sc.h.Level != "" && sc.h.Component == "" && isLogger(tok) {
		sc.h.Component = tok
		sc.pos += len(tok)
		return true
	}
	return sc.lookahead(tok, seen)
}

// lookahead consumes unknown tokens that sit between header fields: fields
// followed by a timestamp (e.g. "unix.hw state 1077804742"), or a program
// name followed by " - " (e.g. "chrome.exe - ").
func (sc *hdrScan) lookahead(tok string, seen bool) bool {
	p := sc.pos
	var toks []string
	var starts []int
	for i := 0; i < 4 && p < len(sc.s); i++ {
		t := sc.tokenAt(p)
		toks = append(toks, t)
		starts = append(starts, p)
		p += len(t)
		for p < len(sc.s) && (sc.s[p] == ' ' || sc.s[p] == '\t') {
			p++
		}
	}
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		n, kind := matchTS(t)
		whole := n > 0 && (kind == tsEpoch || kind == tsISO || kind == tsDate) && n == len(t)
		if !whole && i <= 2 {
			// A multi-word timestamp such as "Nov 9 12:01:01" (after a
			// header timestamp only the syslog form, as in Thunderbird).
			if n, kind := matchTS(sc.s[starts[i]:]); n > 0 && kind != tsTime && kind != tsEpoch && (!sc.ts || kind == tsSyslog) {
				whole = true
			}
		}
		if whole {
			for j := 0; j < i; j++ {
				sc.skipSpace()
				sc.pos += len(toks[j])
			}
			return true
		}
		if len(t) > 2 && t[0] == '[' && sc.tsInBracket(t) {
			for j := 0; j < i; j++ {
				sc.skipSpace()
				sc.pos += len(toks[j])
			}
			return true
		}
		if t == "-" && seen && i <= 2 {
			for j := 0; j < i; j++ {
				if !strings.ContainsAny(toks[j], ".*_0123456789") {
					return false
				}
			}
			if sc.h.Component == "" {
				sc.h.Component = strings.Join(toks[:i], " ")
			}
			for j := 0; j <= i; j++ {
				sc.skipSpace()
				sc.pos += len(toks[j])
			}
			return false
		}
	}
	return false
}

// tsInBracket reports a bracketed timestamp starting with tok.
func (sc *hdrScan) tsInBracket(tok string) bool {
	p := strings.Index(sc.s[sc.pos:], tok)
	if p < 0 {
		return false
	}
	rest := sc.s[sc.pos+p:]
	n := matchBracket(rest)
	if n == 0 {
		return false
	}
	tn, _ := matchTS(rest[1 : n-1])
	return tn > 0
}

// syslogTail reads "host process[pid]: " after a syslog timestamp.
func (sc *hdrScan) syslogTail() {
	sc.skipSpace()
	host := sc.tokenAt(sc.pos)
	if host == "" || strings.HasSuffix(host, ":") && !strings.ContainsAny(host, "[(") {
		if host != "" && isComponent(host[:len(host)-1]) {
			sc.h.Component = host[:len(host)-1]
			sc.pos += len(host)
		}
		return
	}
	sc.pos += len(host)
	sc.skipSpace()
	rest := sc.s[sc.pos:]
	if m := procRE.FindStringSubmatchIndex(rest); m != nil {
		sc.h.Component = rest[m[2]:m[3]]
		sc.pos += m[1]
		return
	}
	if tok := sc.tokenAt(sc.pos); strings.HasSuffix(tok, ":") && len(tok) > 1 {
		sc.h.Component = tok[:len(tok)-1]
		sc.pos += len(tok)
	}
}

var procRE = regexp.MustCompile(`^([^\[\]:\s][^\[\]:]{0,60}?)(?:\([^)\s]*\))?\[\d+\]:\s?`)

// pipeFields reads "|component|pid|" fields after a timestamp.
func (sc *hdrScan) pipeFields() {
	for sc.pos < len(sc.s) && sc.s[sc.pos] == '|' {
		rest := sc.s[sc.pos+1:]
		i := strings.IndexByte(rest, '|')
		if i < 0 || strings.ContainsAny(rest[:i], " \t") {
			sc.pos++
			return
		}
		if sc.h.Component == "" && !isNumber(rest[:i]) {
			sc.h.Component = rest[:i]
		}
		sc.pos += 1 + i
	}
}

// matchBracket returns the length of a balanced [..] or <..> group at the
// start of s, or 0.
func matchBracket(s string) int {
	open := s[0]
	closer := byte(']')
	if open == '<' {
		closer = '>'
	}
	depth := 0
	for i := 0; i < len(s) && i < 256; i++ {
		switch s[i] {
		case open:
			depth++
		case closer:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}

func isNumber(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= '0' && c <= '9') && !(i > 0 && (c == '.' || c == ',')) {
			return false
		}
	}
	return true
}

func hasDigit(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] >= '0' && t[i] <= '9' {
			return true
		}
	}
	return false
}

func isUpperWord(t string) bool {
	if len(t) < 2 || len(t) > 20 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// isComponent accepts names like "sshd[42]", "dfs.DataNode$PacketResponder",
// "crond(pam_unix)[2915]" or "kernel".
func isComponent(t string) bool {
	if t == "" || len(t) > 120 || t[0] == '(' || t[0] == '\'' || t[0] == '"' {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == ' ' || c == '"' || c == '\'' || c == '=' || c == ',' {
			return false
		}
	}
	return true
}

// isLogger accepts dotted logger names such as "nova.compute.manager" or
// "com.acme.erp.Posting$Job".
func isLogger(t string) bool {
	dot := strings.IndexByte(t, '.')
	if dot <= 0 || dot == len(t)-1 || strings.ContainsAny(t, "()[]{}\"'=,:/\\") {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '$' || c == '-') {
			return false
		}
	}
	return true
}
