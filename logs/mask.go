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
	var rawBuf [48]string
	raw := rawBuf[:0]
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
			raw = append(raw, msg[i:j])
		}
		i = j
	}
	for k := 0; k < len(raw); k++ {
		t := raw[k]
		// "<1 sec", ">100 ms": a bound and its unit form one duration.
		if len(t) > 1 && (t[0] == '<' || t[0] == '>') && dig(t, 1) && k+1 < len(raw) && durationUnits[strings.TrimRight(raw[k+1], ",.;)")] {
			dst = append(dst, Wildcard)
			k++
			continue
		}
		m := maskToken(t)
		if m != Wildcard && k > 0 && (nameContext(raw, k) && isNameValue(t) || isValueAfterEquals(raw[k-1]) && !strings.Contains(t, "=") || isBoolean(t)) {
			m = Wildcard
		}
		dst = append(dst, m)
	}
	// Dates written out ("Sat Jun 18 02:08:10 2005"): a day or month name
	// next to a masked number is part of the variable.
	toks := dst[start:]
	for changed := true; changed; {
		changed = false
		for k, t := range toks {
			if t != Wildcard && dayMonthWords[strings.TrimRight(t, ",")] && ((k+1 < len(toks) && toks[k+1] == Wildcard) || (k > 0 && toks[k-1] == Wildcard)) {
				toks[k] = Wildcard
				changed = true
			}
		}
	}
	// A run of variables is one variable: lists of addresses, stack
	// pointers or hosts vary in length.
	n := 0
	for k, t := range toks {
		if t == Wildcard && k > 0 && toks[n-1] == Wildcard {
			continue
		}
		toks[n] = t
		n++
	}
	return dst[:start+n]
}

// isValueAfterEquals reports that the token before ends a "key =" or
// "key=" assignment written with a space.
func isValueAfterEquals(prev string) bool {
	return prev != "" && prev[len(prev)-1] == '=' && prev != "==" && (prev == "=" || strings.IndexByte(prev, '=') == len(prev)-1)
}

// isBoolean accepts true and false in any case, values by nature.
func isBoolean(t string) bool {
	t = trimPunct(t)
	return strings.EqualFold(t, "true") || strings.EqualFold(t, "false")
}

// authWords precede "for NAME" in sshd-style messages ("Failed password
// for root", "Too many authentication failures for admin").
var authWords = map[string]bool{
	"password": true, "publickey": true, "keyboard-interactive/pam": true, "hostbased": true,
	"gssapi-with-mic": true, "none": true, "passwort": true, "failures": true, "failure": true,
}

// nameContext reports that raw[k] follows a word that introduces a name.
func nameContext(raw []string, k int) bool {
	p := trimPunct(raw[k-1])
	if len(p) < 3 || len(p) > 24 || !nameStart[p[0]|0x20] {
		return false
	}
	p = strings.ToLower(p)
	if namePrefixes[p] {
		return true
	}
	return (p == "for" || p == "für") && k >= 2 && authWords[strings.ToLower(raw[k-2])]
}

// nameStart holds the lower-case first letters of namePrefixes and "for",
// to skip most tokens without allocating.
var nameStart = [256]bool{'u': true, 'b': true, 'l': true, 'a': true, 'o': true, 'm': true, 'c': true, 'f': true}

// namePrefixes are words after which a single word names something
// variable: a user, host or file ("Invalid user admin from …").
var namePrefixes = map[string]bool{
	"user": true, "users": true, "username": true, "benutzer": true, "login": true, "account": true,
	"owner": true, "mandant": true, "client": true,
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
	"wurde": true, "hat": true, "kann": true, "unbekannt": true, "invalid": true, "illegal": true,
	"attempting": true, "closed": true, "connection": true,
}

var durationUnits = map[string]bool{
	"s": true, "sec": true, "secs": true, "second": true, "seconds": true, "ms": true,
	"min": true, "mins": true, "minute": true, "minutes": true, "h": true, "hours": true,
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
	// One pass decides whether the token can be anything but a word.
	digit, hasEq, special := false, false, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == '=':
			hasEq = true
		case c == '/' || c == '\\' || c == '@' || c == '.' || c == ':' || c == '(' || c == '[' || c == '{' || c == '\'' || c == '"' || c == '<':
			special = true
		}
	}
	if !digit && !hasEq && !special {
		return t
	}
	if wholeVariable(t) || emptyValue(t) {
		return Wildcard
	}
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
			afterEq = c == '=' || (afterEq && (c == '"' || c == '\''))
			i++
			continue
		}
		j := i
		for j < len(t) && !isDelim(t[j]) {
			j++
		}
		piece := t[i:j]
		if afterEq || (hasDigit(piece) && !isVersionedWord(piece) && !isErrorCode(piece)) || wholeVariable(piece) {
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

// emptyValue recognises an empty variable: "()", "[]", "”" and the like.
func emptyValue(t string) bool {
	t = strings.TrimRight(t, ",;:.")
	switch t {
	case "()", "[]", "{}", "''", `""`, "<>":
		return true
	}
	return false
}

// isErrorCode accepts error codes such as ORA-00060 or SPOOL-0815: they
// name the problem and stay in the template.
func isErrorCode(p string) bool {
	i := 0
	for i < len(p) && p[i] >= 'A' && p[i] <= 'Z' {
		i++
	}
	if i < 2 || i+3 > len(p) || (p[i] != '-' && p[i] != '_') {
		return false
	}
	return digits(p, i+1, len(p)-i-1)
}

// isVersionedWord accepts names with one trailing digit such as SOCKS5,
// ssh2 or md5, which are constants, unlike device or node numbers.
func isVersionedWord(p string) bool {
	n := len(p)
	if n < 4 || !dig(p, n-1) {
		return false
	}
	for i := 0; i < n-1; i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	switch strings.ToLower(p[:n-1]) {
	case "eth", "cpu", "tty", "sda", "sdb", "sdc", "hda", "wlan", "node", "host", "core", "disk", "lun", "port", "alt", "slot", "bond", "vlan", "user", "test":
		return false
	}
	return true
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
	if dot <= 0 {
		return false
	}
	tld := t[dot+1:]
	if !tlds[strings.ToLower(tld)] && !(len(tld) == 2 && tld[0] >= 'a' && tld[0] <= 'z' && tld[1] >= 'a' && tld[1] <= 'z' && strings.Count(t, ".") >= 2) {
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
