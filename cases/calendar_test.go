package cases

import (
	"testing"
	"time"
)

func berlin(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testContract(t *testing.T, hours, region string, allHours bool, holidays ...string) Contract {
	t.Helper()
	sch, err := ParseSchedule(hours)
	if err != nil {
		t.Fatal(err)
	}
	c := Contract{Name: "T", Hours: sch, Bundesland: region, Targets: map[Priority]Target{}}
	for p := PriorityEmergency; p <= PriorityLow; p++ {
		c.Targets[p] = Target{Reaction: Duration(time.Hour), Resolution: Duration(8 * time.Hour), AllHours: allHours}
	}
	for _, h := range holidays {
		d, err := ParseDate(h)
		if err != nil {
			t.Fatal(err)
		}
		c.Holidays = append(c.Holidays, d)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCalendarAdd(t *testing.T) {
	const std = "mon-fri 08:00-17:00"
	tests := []struct {
		name     string
		hours    string
		region   string
		allHours bool
		holidays []string
		start    string
		add      time.Duration
		want     string
	}{
		{"within the day", std, "", false, nil, "2026-01-05 09:00", 2 * time.Hour, "2026-01-05 11:00"},
		{"ends exactly at closing", std, "", false, nil, "2026-01-05 08:00", 9 * time.Hour, "2026-01-05 17:00"},
		{"one minute past closing rolls over", std, "", false, nil, "2026-01-05 08:00", 9*time.Hour + time.Minute, "2026-01-06 08:01"},
		{"start before opening", std, "", false, nil, "2026-01-05 06:00", time.Hour, "2026-01-05 09:00"},
		{"start after closing", std, "", false, nil, "2026-01-05 18:00", time.Hour, "2026-01-06 09:00"},
		{"over the spring-forward weekend", std, "", false, nil, "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 09:00"},
		{"over the fall-back weekend", std, "", false, nil, "2026-10-23 16:30", 2 * time.Hour, "2026-10-26 09:30"},
		{"start on Sunday", std, "", false, nil, "2026-03-29 11:00", 30 * time.Minute, "2026-03-30 08:30"},
		{"over Easter", std, "", false, nil, "2026-04-02 16:00", 2 * time.Hour, "2026-04-07 09:00"},
		{"Fronleichnam is no holiday without a region", std, "", false, nil, "2026-06-03 16:00", 2 * time.Hour, "2026-06-04 09:00"},
		{"Fronleichnam in Bavaria", std, "BY", false, nil, "2026-06-03 16:00", 2 * time.Hour, "2026-06-05 09:00"},
		{"custom holidays", std, "", false, []string{"2026-12-24", "2026-12-31"}, "2026-12-23 16:00", 2 * time.Hour, "2026-12-28 09:00"},
		{"Buß- und Bettag in Saxony", std, "SN", false, nil, "2026-11-17 16:30", time.Hour, "2026-11-19 08:30"},
		{"lunch break", "mon-fri 08:00-12:00,13:00-17:00", "", false, nil, "2026-01-05 11:30", time.Hour, "2026-01-05 13:30"},
		{"three days of service", std, "", false, nil, "2026-01-05 08:00", 27 * time.Hour, "2026-01-07 17:00"},
		{"24/7 across spring forward", std, "", true, nil, "2026-03-28 23:00", 5 * time.Hour, "2026-03-29 05:00"},
		{"24/7 across fall back", std, "", true, nil, "2026-10-24 23:00", 5 * time.Hour, "2026-10-25 03:00"},
		{"24/7 ignores holidays", std, "", true, nil, "2026-12-24 22:00", 4 * time.Hour, "2026-12-25 02:00"},
		{"night window on spring-forward Sunday", "sun 00:00-06:00", "", false, nil, "2026-03-29 00:00", 5 * time.Hour, "2026-03-29 06:00"},
		{"night window on fall-back Sunday", "sun 00:00-06:00", "", false, nil, "2026-10-25 00:00", 6 * time.Hour, "2026-10-25 05:00"},
		{"zero adds nothing", std, "", false, nil, "2026-01-04 10:00", 0, "2026-01-04 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct := testContract(t, tc.hours, tc.region, tc.allHours, tc.holidays...)
			cal, err := NewCalendar(ct, PriorityMedium)
			if err != nil {
				t.Fatal(err)
			}
			start := berlin(t, tc.start)
			got, err := cal.Add(start, tc.add)
			if err != nil {
				t.Fatal(err)
			}
			want := berlin(t, tc.want)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %s) = %s, want %s", tc.start, tc.add, got.In(cal.Location()), want)
			}
			if tc.add > 0 {
				if back := cal.Between(start, got); back != tc.add {
					t.Fatalf("Between(start, due) = %s, want %s", back, tc.add)
				}
			}
		})
	}
}

func TestCalendarBetween(t *testing.T) {
	tests := []struct {
		name     string
		hours    string
		allHours bool
		a, b     string
		want     time.Duration
	}{
		{"a whole week", "mon-fri 08:00-17:00", false, "2026-01-05 00:00", "2026-01-12 00:00", 45 * time.Hour},
		{"reversed is zero", "mon-fri 08:00-17:00", false, "2026-01-06 00:00", "2026-01-05 00:00", 0},
		{"weekend only", "mon-fri 08:00-17:00", false, "2026-01-10 00:00", "2026-01-12 08:00", 0},
		{"Easter week", "mon-fri 08:00-17:00", false, "2026-03-30 00:00", "2026-04-11 00:00", 72 * time.Hour},
		{"24/7 spring-forward day has 23 hours", "mon-fri 08:00-17:00", true, "2026-03-29 00:00", "2026-03-30 00:00", 23 * time.Hour},
		{"24/7 fall-back day has 25 hours", "mon-fri 08:00-17:00", true, "2026-10-25 00:00", "2026-10-26 00:00", 25 * time.Hour},
		{"window through the spring-forward gap", "sun 01:00-04:00", false, "2026-03-29 00:00", "2026-03-30 00:00", 2 * time.Hour},
		{"partial windows", "mon-fri 08:00-12:00,13:00-17:00", false, "2026-01-05 11:00", "2026-01-05 14:00", 2 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct := testContract(t, tc.hours, "", tc.allHours)
			cal, err := NewCalendar(ct, PriorityLow)
			if err != nil {
				t.Fatal(err)
			}
			if got := cal.Between(berlin(t, tc.a), berlin(t, tc.b)); got != tc.want {
				t.Fatalf("Between = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCalendarTimeZones(t *testing.T) {
	// The same instant seen from a contract in Tokyo: 09:00–18:00 JST is
	// 01:00–10:00 in Berlin in winter; 09:00 CET is 17:00 JST, one hour left.
	ct := testContract(t, "mon-fri 09:00-18:00", "", false)
	ct.TimeZone = "Asia/Tokyo"
	ct.NoPublicHolidays = true
	cal, err := NewCalendar(ct, PriorityHigh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cal.Add(berlin(t, "2026-01-05 09:00"), 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := berlin(t, "2026-01-06 02:00"); !got.Equal(want) {
		t.Fatalf("Add in Tokyo = %s, want %s", got, want)
	}
	ct.TimeZone = "Mars/Olympus"
	if err := ct.Validate(); err == nil {
		t.Fatal("unknown time zone accepted")
	}
}

func TestGermanHolidays(t *testing.T) {
	for year, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := dateOf(easter(year)).String(); got != want {
			t.Errorf("Easter %d = %s, want %s", year, got, want)
		}
	}
	hs, err := GermanHolidays(2026, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-10-03", "2026-12-25", "2026-12-26"}
	if len(hs) != len(want) {
		t.Fatalf("nationwide 2026: %v", hs)
	}
	for i, h := range hs {
		if h.Date.String() != want[i] {
			t.Errorf("holiday %d = %s %s, want %s", i, h.Date, h.Name, want[i])
		}
	}
	by, err := GermanHolidays(2026, "by")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, h := range by {
		names[h.Name] = true
	}
	for _, n := range []string{"Heilige Drei Könige", "Fronleichnam", "Allerheiligen"} {
		if !names[n] {
			t.Errorf("Bavaria 2026 lacks %s", n)
		}
	}
	if _, err := GermanHolidays(2026, "XX"); err == nil {
		t.Fatal("unknown Bundesland accepted")
	}
}

func TestParseSchedule(t *testing.T) {
	s, err := ParseSchedule("mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00" {
		t.Fatalf("String() = %q", got)
	}
	for _, text := range []string{"mon 08:00-12:00; wed-fri 08:00-12:00; sun 10:00-11:00", "24/7", "tue 08:00-17:00"} {
		s, err := ParseSchedule(text)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseSchedule(s.String()); err != nil || back.String() != s.String() || s.String() != text {
			t.Errorf("round trip of %q: %q, %v", text, s.String(), err)
		}
	}
	for _, bad := range []string{"mon 17:00-08:00", "xyz 08:00-17:00", "mon 08:00-12:00,11:00-13:00", "mon 25:00-26:00", "monday"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
}
