package logs

import (
	"regexp"
	"strings"
	"time"
)

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
	{regexp.MustCompile(`^\d{1,2}-` + monthRE + `-\d{4}\s\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?`), tsWeb,
		func(s string) bool { return at(s, 1, "-") || at(s, 2, "-") }, nil},
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

var monthNo = map[string]time.Month{
	"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
	"Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

// parseTS reads a timestamp matched by matchTS. Missing years are taken as
// the current year; time zones other than an explicit offset are UTC.
// It returns the zero time when the text does not make a valid date.
func parseTS(s string, kind tsKind) time.Time {
	var buf [16]int
	nums, month, offset := splitTS(buf[:0], s)
	get := func(i int) int {
		if i < len(nums) {
			return nums[i]
		}
		return 0
	}
	var y, mo, d, h, mi, sec, frac int
	fracDigits := 0
	switch kind {
	case tsISO, tsProgress, tsDate:
		y, mo, d, h, mi, sec, frac = get(0), get(1), get(2), get(3), get(4), get(5), get(6)
		if kind == tsProgress && y < 100 {
			// Progress: dd/mm/yy@hh:mm:ss.mmm
			d, mo, y = get(0), get(1), 2000+get(2)
		}
	case tsSyslog:
		mo, d = int(month), get(0)
		if len(nums) >= 5 {
			y, h, mi, sec, frac = get(1), get(2), get(3), get(4), get(5)
		} else {
			y, h, mi, sec, frac = time.Now().Year(), get(1), get(2), get(3), get(4)
		}
	case tsCtime:
		mo, d, h, mi, sec = int(month), get(0), get(1), get(2), get(3)
		y = nums[len(nums)-1]
		if len(nums) == 6 {
			frac = get(4)
		}
	case tsWeb:
		d, mo, y, h, mi, sec, frac = get(0), int(month), get(1), get(2), get(3), get(4), get(5)
	case tsDMY:
		d, mo, y, h, mi, sec, frac = get(0), get(1), get(2), get(3), get(4), get(5), get(6)
	case tsYMDslash:
		mo, d, y, h, mi, sec, frac = get(0), get(1), get(2), get(3), get(4), get(5), get(6)
		if strings.HasSuffix(s, "PM") && h < 12 {
			h += 12
		}
		if mo > 12 {
			mo, d = d, mo
		}
	case tsShortYMD:
		y, mo, d, h, mi, sec, frac = 2000+get(0), get(1), get(2), get(3), get(4), get(5), get(6)
	case tsCompact:
		if len(nums) >= 2 && nums[0] > 999999 {
			v := nums[0]
			y, mo, d = v/10000, v/100%100, v%100
			h, mi, sec, frac = get(1), get(2), get(3), get(4)
		} else {
			v, t := get(0), get(1)
			y, mo, d = 2000+v/10000, v/100%100, v%100
			h, mi, sec = t/10000, t/100%100, t%100
		}
	case tsMonthDay:
		y, mo, d, h, mi, sec, frac = time.Now().Year(), get(0), get(1), get(2), get(3), get(4), get(5)
	case tsDotted:
		y, mo, d, h, mi, sec = time.Now().Year(), get(0), get(1), get(2), get(3), get(4)
	case tsEpoch:
		v := get(0)
		if v > 1e11 {
			return time.UnixMilli(int64(v)).UTC()
		}
		return time.Unix(int64(v), 0).UTC()
	default:
		return time.Time{}
	}
	if len(nums) > 0 && kind != tsEpoch {
		fracDigits = fracLen(s)
	}
	if y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60 {
		return time.Time{}
	}
	ns := 0
	if fracDigits > 0 && fracDigits <= 9 {
		ns = frac
		for i := fracDigits; i < 9; i++ {
			ns *= 10
		}
	}
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone("", offset)
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, loc).UTC()
}

// splitTS returns the numbers, a month name and a "+hh:mm" offset (in
// seconds) found in a timestamp.
func splitTS(nums []int, s string) (_ []int, month time.Month, offset int) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v := 0
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 18 {
				v = v*10 + int(s[j]-'0')
				j++
			}
			if (i > 0 && (s[i-1] == '+' || s[i-1] == '-') && len(nums) >= 5) && j-i == 4 {
				sign := 1
				if s[i-1] == '-' {
					sign = -1
				}
				offset = sign * (v/100*3600 + v%100*60)
			} else {
				nums = append(nums, v)
			}
			i = j
		case c >= 'A' && c <= 'Z' && i+3 <= len(s) && dayMonthWords[s[i:i+3]]:
			if m, ok := monthNo[s[i:i+3]]; ok {
				month = m
			}
			i += 3
		default:
			i++
		}
	}
	return nums, month, offset
}

// fracLen returns the number of digits of the sub-second part: the digit
// run after the seconds' separator (".", "," or ":") following hh:mm:ss.
func fracLen(s string) int {
	c := strings.Count(s, ":")
	idx := -1
	seen := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' || (c < 2 && s[i] == '.') {
			seen++
			if seen == 2 {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		return 0
	}
	j := idx + 1
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j >= len(s) || (s[j] != '.' && s[j] != ',' && s[j] != ':') {
		return 0
	}
	k := j + 1
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	return k - j - 1
}
