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
	s   string
	pos int
	h   Header
	ts  bool
	// upper is where the last run of upper-case words began (-1: none):
	// when they turn out to be the whole message ("LOOKING"), they are
	// the message, not header fields.
	upper int
}

// SplitHeader separates a log line into header and message without any
// configuration: timestamps in many formats, levels, pids and thread ids,
// bracketed fields, syslog host and process, logger names and separators.
func SplitHeader(line string) Header {
	if len(line) > 1 && (line[0] == '{' || line[0] == ' ' && strings.HasPrefix(strings.TrimSpace(line), "{")) {
		if h, ok := splitJSONHeader(line); ok {
			return h
		}
	}
	sc := hdrScan{s: line, upper: -1}
	sc.run()
	if sc.upper >= 0 && strings.TrimSpace(line[sc.pos:]) == "" {
		sc.pos = sc.upper
	}
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
		if steps == 0 && rest[0] == '<' {
			// RFC 5424/3164 priority: "<34>1 " or "<13>".
			if n := syslogPRI(rest); n > 0 {
				sc.pos += n
				continue
			}
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
		// Monolog's "channel.LEVEL:" carries the level.
		if dot := strings.LastIndexByte(sc.h.Component, '.'); dot > 0 && sc.h.Level == "" {
			sc.h.Level = levelOf(sc.h.Component[dot+1:])
		}
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
		if sc.upper < 0 {
			sc.upper = sc.pos
		}
		sc.pos += len(tok)
		return true
	}
	sc.upper = -1
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
		if t == "-" && seen && i == 1 && i+2 < len(toks) && levelOf(toks[i+1]) != "" && toks[i+2] == "-" {
			// Python's "name - LEVEL - message".
			sc.h.Component = toks[0]
			sc.h.Level = levelOf(toks[i+1])
			for j := 0; j <= i+2; j++ {
				sc.skipSpace()
				sc.pos += len(toks[j])
			}
			return false
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
		if l := levelOf(rest[:i]); l != "" {
			sc.h.Level = l
		} else if sc.h.Component == "" && !isNumber(rest[:i]) {
			sc.h.Component = rest[:i]
		}
		sc.pos += 1 + i
	}
}

// syslogPRI returns the length of a syslog priority "<34>" with an
// optional version digit, or 0.
func syslogPRI(s string) int {
	n := digitRun(s, 1, 3)
	if n == 0 || !at(s, 1+n, ">") {
		return 0
	}
	i := n + 2
	if dig(s, i) && at(s, i+1, " ") {
		i++
	}
	return i
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
