package cases

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Date is a calendar day without a time zone.
type Date struct {
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	Day   int        `json:"day"`
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("date %q: %w: use YYYY-MM-DD", s, ErrInvalid)
	}
	return dateOf(t), nil
}

// MarshalText formats the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// key packs the date into an int for map lookups.
func (d Date) key() int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// Holiday is a public holiday on a date.
type Holiday struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
}

// Bundesländer are the German states whose regional holidays GermanHolidays
// knows, by their official two-letter code.
var Bundeslaender = []string{"BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH"}

// easter returns Easter Sunday of year (Gregorian, anonymous algorithm).
func easter(year int) time.Time {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// GermanHolidays returns the public holidays of year: the nationwide ones
// and, when state is a code of Bundeslaender, that state's regional ones.
// The result is sorted by date.
func GermanHolidays(year int, state string) ([]Holiday, error) {
	state = strings.ToUpper(strings.TrimSpace(state))
	if state != "" && !contains(Bundeslaender, state) {
		return nil, fmt.Errorf("state (Bundesland) %q: %w: use one of %s", state, ErrInvalid, strings.Join(Bundeslaender, ", "))
	}
	e := easter(year)
	fixed := func(m time.Month, d int) Date { return Date{year, m, d} }
	rel := func(days int) Date { return dateOf(e.AddDate(0, 0, days)) }
	hs := []Holiday{
		{fixed(time.January, 1), "Neujahr"},
		{rel(-2), "Karfreitag"},
		{rel(1), "Ostermontag"},
		{fixed(time.May, 1), "Tag der Arbeit"},
		{rel(39), "Christi Himmelfahrt"},
		{rel(50), "Pfingstmontag"},
		{fixed(time.October, 3), "Tag der Deutschen Einheit"},
		{fixed(time.December, 25), "1. Weihnachtstag"},
		{fixed(time.December, 26), "2. Weihnachtstag"},
	}
	in := func(states ...string) bool { return contains(states, state) }
	if in("BW", "BY", "ST") {
		hs = append(hs, Holiday{fixed(time.January, 6), "Heilige Drei Könige"})
	}
	if (in("BE") && year >= 2019) || (in("MV") && year >= 2023) {
		hs = append(hs, Holiday{fixed(time.March, 8), "Internationaler Frauentag"})
	}
	if in("BB") {
		hs = append(hs, Holiday{rel(0), "Ostersonntag"}, Holiday{rel(49), "Pfingstsonntag"})
	}
	if in("BW", "BY", "HE", "NW", "RP", "SL") {
		hs = append(hs, Holiday{rel(60), "Fronleichnam"})
	}
	if in("SL") {
		hs = append(hs, Holiday{fixed(time.August, 15), "Mariä Himmelfahrt"})
	}
	if in("TH") && year >= 2019 {
		hs = append(hs, Holiday{fixed(time.September, 20), "Weltkindertag"})
	}
	if year == 2017 || in("BB", "MV", "SN", "ST", "TH") || (in("HB", "HH", "NI", "SH") && year >= 2018) {
		hs = append(hs, Holiday{fixed(time.October, 31), "Reformationstag"})
	}
	if in("BW", "BY", "NW", "RP", "SL") {
		hs = append(hs, Holiday{fixed(time.November, 1), "Allerheiligen"})
	}
	if in("SN") {
		// Buß- und Bettag: the Wednesday before 23 November.
		d := time.Date(year, time.November, 22, 0, 0, 0, 0, time.UTC)
		for d.Weekday() != time.Wednesday {
			d = d.AddDate(0, 0, -1)
		}
		hs = append(hs, Holiday{dateOf(d), "Buß- und Bettag"})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.key() < hs[j].Date.key() })
	return hs, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
