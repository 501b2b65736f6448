package logs

import (
	"strings"
	"time"
)

var monthNo = map[string]time.Month{
	"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
	"Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}

// parseTS reads a timestamp matched by matchTS. Missing years are taken as
// the current year; time zones other than an explicit offset are UTC.
// It returns the zero time when the text does not make a valid date.
func parseTS(s string, kind tsKind) time.Time {
	nums, month, offset := splitTS(s)
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
		d, mo, y, h, mi, sec = get(0), int(month), get(1), get(2), get(3), get(4)
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
func splitTS(s string) (nums []int, month time.Month, offset int) {
	nums = make([]int, 0, 8)
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
		case c >= 'A' && c <= 'Z' && i+3 <= len(s):
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
