package logs

import (
	"strings"
)

// Wildcard stands for a masked variable part in a template.
const Wildcard = "<*>"

// tlds are the last labels that make a dotted word a host name.
var tlds = map[string]bool{
	"com": true, "net": true, "org": true, "edu": true, "gov": true, "mil": true, "int": true,
	"de": true, "at": true, "ch": true, "uk": true, "fr": true, "nl": true, "it": true, "es": true,
	"cn": true, "hk": true, "jp": true, "kr": true, "ru": true, "in": true, "br": true, "us": true,
	"io": true, "eu": true, "info": true, "biz": true, "local": true, "lan": true, "corp": true,
	"internal": true, "intranet": true, "localdomain": true, "home": true, "cloud": true,
}

var dayMonthWords = map[string]bool{
	"Mon": true, "Tue": true, "Wed": true, "Thu": true, "Fri": true, "Sat": true, "Sun": true,
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true,
	"Jul": true, "Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true,
}

// MaskTokens splits a message into tokens and masks the variable parts:
// numbers, ids that mix letters and digits, hex, UUIDs, IPs, paths, URLs,
// e-mail addresses, host names, dates and times, and key=value values.
// Words are kept. The result is appended to dst.
func MaskTokens(dst []string, msg string) []string {
	start := len(dst)
	for i := 0; i < len(msg); {
		for i < len(msg) && (msg[i] == ' ' || msg[i] == '\t') {
			i++
		}
		j := i
		for j < len(msg) && msg[j] != ' ' && msg[j] != '\t' {
			j++
		}
		// key="a quoted value" with spaces is one token.
		if q := strings.Index(msg[i:j], "=\""); q >= 0 && strings.Count(msg[i+q+2:j], "\"") == 0 {
			if end := strings.IndexByte(msg[j:], '"'); end >= 0 && end < 200 {
				j += end + 1
				for j < len(msg) && msg[j] != ' ' && msg[j] != '\t' {
					j++
				}
			}
		}
		if j > i {
			dst = append(dst, maskToken(msg[i:j]))
		}
		i = j
	}
	// Dates written out ("Sat Jun 18 02:08:10 2005"): a day or month name
	// next to a masked number is part of the variable.
	toks := dst[start:]
	for k := 1; k < len(toks); k++ {
		if p := trimPunct(toks[k-1]); len(p) >= 4 && len(p) <= 9 && namePrefixes[strings.ToLower(p)] && toks[k] != Wildcard && isNameValue(toks[k]) {
			toks[k] = Wildcard
		}
		// "<1 sec", ">100 ms": a bound and its unit form one duration.
		if k > 0 && toks[k-1] == Wildcard && durationUnits[strings.TrimRight(toks[k], ",.;)")] && k >= 1 {
			if raw := rawTokenBefore(msg, k-1); len(raw) > 1 && (raw[0] == '<' || raw[0] == '>') {
				toks = append(toks[:k], toks[k+1:]...)
				dst = dst[:start+len(toks)]
				k--
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for k, t := range toks {
			if dayMonthWords[strings.TrimRight(t, ",")] && ((k+1 < len(toks) && toks[k+1] == Wildcard) || (k > 0 && toks[k-1] == Wildcard)) {
				toks[k] = Wildcard
				changed = true
			}
		}
	}
	return dst
}

// namePrefixes are words after which a single word names something
// variable: a user, host or file ("Invalid user admin from …").
var namePrefixes = map[string]bool{
	"user": true, "users": true, "username": true, "benutzer": true, "login": true, "account": true,
	"owner": true, "mandant": true,
}

// isNameValue accepts a word that can be a name: not a stop word and not
// punctuation alone.
func isNameValue(t string) bool {
	core := trimPunct(t)
	if core == "" || stopWords[strings.ToLower(core)] {
		return false
	}
	return true
}

var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "is": true, "was": true, "has": true, "not": true, "from": true,
	"for": true, "to": true, "by": true, "with": true, "on": true, "in": true, "of": true, "and": true,
	"or": true, "at": true, "as": true, "if": true, "unknown": true, "name": true, "id": true,
	"cannot": true, "can": true, "does": true, "did": true, "will": true, "must": true, "may": true,
	"could": true, "should": true, "would": true, "are": true, "were": true, "be": true, "been": true,
	"already": true, "logged": true, "none": true, "null": true, "session": true, "request": true,
	"von": true, "für": true, "mit": true, "ist": true, "nicht": true, "der": true, "die": true, "das": true,
	"wurde": true, "hat": true, "kann": true, "unbekannt": true,
}

var durationUnits = map[string]bool{
	"s": true, "sec": true, "secs": true, "second": true, "seconds": true, "ms": true,
	"min": true, "mins": true, "minute": true, "minutes": true, "h": true, "hours": true,
}

// rawTokenBefore returns the k-th whitespace-delimited token of msg.
func rawTokenBefore(msg string, k int) string {
	f := strings.Fields(msg)
	if k < len(f) {
		return f[k]
	}
	return ""
}

// isPunct reports quotes, brackets and punctuation around words.
func isPunct(c byte) bool {
	switch c {
	case '"', '\'', '(', ')', '[', ']', '{', '}', '<', '>', ',', ';', ':', '.':
		return true
	}
	return false
}

// trimPunct strips quotes, brackets and punctuation from both ends.
func trimPunct(t string) string {
	i, j := 0, len(t)
	for i < j && isPunct(t[i]) {
		i++
	}
	for j > i && isPunct(t[j-1]) {
		j--
	}
	return t[i:j]
}

// isDelim reports the characters that split a token into pieces.
func isDelim(c byte) bool {
	switch c {
	case ':', '=', ',', ';', '(', ')', '[', ']', '{', '}', '"', '\'', '<', '>', '|', '#', '!', '?', '&':
		return true
	}
	return false
}

// maskToken masks one whitespace-delimited token.
func maskToken(t string) string {
	if wholeVariable(t) {
		return Wildcard
	}
	digit := false
	for i := 0; i < len(t); i++ {
		if c := t[i]; c >= '0' && c <= '9' {
			digit = true
			break
		}
	}
	hasEq := strings.IndexByte(t, '=') >= 0
	if !digit && !hasEq {
		return t
	}
	var b strings.Builder
	b.Grow(len(t))
	letters := false
	afterEq := false
	for i := 0; i < len(t); {
		c := t[i]
		if isDelim(c) {
			b.WriteByte(c)
			afterEq = c == '='
			i++
			continue
		}
		j := i
		for j < len(t) && !isDelim(t[j]) {
			j++
		}
		piece := t[i:j]
		if afterEq || hasDigit(piece) || wholeVariable(piece) {
			b.WriteString(Wildcard)
		} else {
			b.WriteString(piece)
			letters = letters || hasLetter(piece)
		}
		afterEq = false
		i = j
	}
	if !letters && strings.Contains(b.String(), Wildcard) {
		return Wildcard
	}
	return b.String()
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

// wholeVariable recognises URLs, paths, e-mail addresses and host names.
func wholeVariable(t string) bool {
	t = trimPunct(t)
	if len(t) < 3 {
		return false
	}
	if strings.Contains(t, "://") {
		return true
	}
	if t[0] == '/' && len(t) > 1 && t[1] != '/' && t != "/>" {
		return true
	}
	if t[0] == '\\' || (len(t) > 2 && t[1] == ':' && t[2] == '\\') || strings.HasPrefix(t, "~/") || strings.HasPrefix(t, "./") {
		return true
	}
	if at := strings.IndexByte(t, '@'); at > 0 && strings.IndexByte(t[at:], '.') > 0 && !strings.ContainsAny(t, "/:") {
		return true
	}
	if slash := strings.IndexByte(t, '/'); slash > 0 && len(t) >= 8 && (strings.Count(t, "/") >= 2 || strings.IndexByte(t, '.') >= 0) && !strings.ContainsAny(t, "=:") {
		return true
	}
	return isHostName(t)
}

// isHostName accepts "host.example.com" and "host.example.com:8080".
func isHostName(t string) bool {
	if c := strings.LastIndexByte(t, ':'); c > 0 && isNumber(t[c+1:]) {
		t = t[:c]
	}
	dot := strings.LastIndexByte(t, '.')
	if dot <= 0 || !tlds[strings.ToLower(t[dot+1:])] {
		return false
	}
	for i := 0; i < dot; i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
