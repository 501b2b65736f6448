package cases

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// DefaultTimeZone is the time zone of a contract that names none.
const DefaultTimeZone = "Europe/Berlin"

// Duration is a time.Duration that reads and writes as text ("4h", "90m").
type Duration time.Duration

// MarshalText writes the duration like time.Duration.String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses a Go duration such as "4h" or "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, ErrInvalid)
	}
	*d = Duration(v)
	return nil
}

// Target holds the SLA targets of one priority, in service hours.
type Target struct {
	// Reaction is the time to the first reaction.
	Reaction Duration `json:"reaction"`
	// Resolution is the time to a solution (paused while waiting for the
	// customer or the vendor).
	Resolution Duration `json:"resolution"`
	// Vendor is the target of the vendor's 3rd level while the case waits
	// for it; zero means the vendor clock only measures.
	Vendor Duration `json:"vendor,omitempty"`
	// AllHours makes this priority count around the clock, holidays
	// included (24/7 emergency service).
	AllHours bool `json:"all_hours,omitempty"`
}

// Span is a daily service window in minutes after midnight, [From, To).
type Span struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Schedule holds the service windows per weekday, indexed by time.Weekday.
type Schedule [7][]Span

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseSchedule reads service hours such as
// "mon-fri 08:00-17:00; sat 09:00-12:00" or "mon-thu 08:00-12:00,13:00-17:00".
// "24/7" means every day around the clock.
func ParseSchedule(s string) (Schedule, error) {
	var sch Schedule
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "24/7" {
		for d := range sch {
			sch[d] = []Span{{0, 1440}}
		}
		return sch, nil
	}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		days, spans, ok := strings.Cut(part, " ")
		if !ok {
			return sch, fmt.Errorf("service hours %q: %w: want e.g. \"mon-fri 08:00-17:00\"", part, ErrInvalid)
		}
		ds, err := parseDays(days)
		if err != nil {
			return sch, err
		}
		for _, sp := range strings.Split(spans, ",") {
			span, err := parseSpan(strings.TrimSpace(sp))
			if err != nil {
				return sch, err
			}
			for _, d := range ds {
				sch[d] = append(sch[d], span)
			}
		}
	}
	for d := range sch {
		sort.Slice(sch[d], func(i, j int) bool { return sch[d][i].From < sch[d][j].From })
	}
	return sch, sch.validate()
}

func parseDays(s string) ([]int, error) {
	idx := func(n string) (int, error) {
		for i, d := range dayNames {
			if d == n {
				return i, nil
			}
		}
		return 0, fmt.Errorf("weekday %q: %w: use mon, tue, wed, thu, fri, sat, sun", n, ErrInvalid)
	}
	var out []int
	for _, r := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(r, "-")
		from, err := idx(a)
		if err != nil {
			return nil, err
		}
		if !isRange {
			out = append(out, from)
			continue
		}
		to, err := idx(b)
		if err != nil {
			return nil, err
		}
		for d := from; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == to {
				break
			}
		}
	}
	return out, nil
}

func parseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(s, "-")
	bad := fmt.Errorf("service window %q: %w: want HH:MM-HH:MM", s, ErrInvalid)
	if !ok {
		return Span{}, bad
	}
	minutes := func(v string) (int, bool) {
		var h, m int
		if _, err := fmt.Sscanf(v, "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
			return 0, false
		}
		return h*60 + m, true
	}
	from, ok1 := minutes(a)
	to, ok2 := minutes(b)
	if !ok1 || !ok2 || from >= to {
		return Span{}, bad
	}
	return Span{from, to}, nil
}

// validate checks that windows lie within the day and do not overlap.
func (s Schedule) validate() error {
	for d, spans := range s {
		for i, sp := range spans {
			if sp.From < 0 || sp.To > 1440 || sp.From >= sp.To {
				return fmt.Errorf("service hours on %s: window %s: %w", dayNames[d], sp, ErrInvalid)
			}
			if i > 0 && spans[i-1].To > sp.From {
				return fmt.Errorf("service hours on %s: windows overlap: %w", dayNames[d], ErrInvalid)
			}
		}
	}
	return nil
}

// String writes the window as HH:MM-HH:MM.
func (sp Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", sp.From/60, sp.From%60, sp.To/60, sp.To%60)
}

// String writes the schedule in the form ParseSchedule reads, with runs of
// days that share their windows joined ("mon-fri 08:00-17:00").
func (s Schedule) String() string {
	if s.allDay() {
		return "24/7"
	}
	windows := func(d int) string {
		w := make([]string, len(s[d]))
		for j, sp := range s[d] {
			w[j] = sp.String()
		}
		return strings.Join(w, ",")
	}
	order := []int{1, 2, 3, 4, 5, 6, 0}
	var parts []string
	for i := 0; i < len(order); {
		d := order[i]
		j := i
		for j+1 < len(order) && windows(order[j+1]) == windows(d) {
			j++
		}
		if len(s[d]) > 0 {
			days := dayNames[d]
			if j > i {
				days += "-" + dayNames[order[j]]
			}
			parts = append(parts, days+" "+windows(d))
		}
		i = j + 1
	}
	return strings.Join(parts, "; ")
}

// allDay reports whether every day is served around the clock.
func (s Schedule) allDay() bool {
	for _, d := range s {
		if len(d) != 1 || d[0] != (Span{0, 1440}) {
			return false
		}
	}
	return true
}

// MarshalJSON writes the schedule as its text form.
func (s Schedule) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads the text form written by MarshalJSON.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("service hours: %w", err)
	}
	v, err := ParseSchedule(text)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Contract is a support contract: SLA targets per priority, service hours,
// time zone and holidays.
type Contract struct {
	Name string `json:"name"`
	// TimeZone is an IANA zone; empty means DefaultTimeZone.
	TimeZone string   `json:"time_zone,omitempty"`
	Hours    Schedule `json:"hours"`
	// Bundesland adds that state's regional holidays to the nationwide ones.
	Bundesland string `json:"bundesland,omitempty"`
	// NoPublicHolidays switches the German public holidays off.
	NoPublicHolidays bool `json:"no_public_holidays,omitempty"`
	// Holidays are additional closed days (company holidays, 24.12., 31.12.).
	Holidays []Date `json:"holidays,omitempty"`
	// Targets by priority 1…4.
	Targets map[Priority]Target `json:"targets"`
}

// Validate checks the contract and says what is wrong.
func (c *Contract) Validate() error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("contract: %w: a name is needed", ErrInvalid)
	}
	if _, err := c.location(); err != nil {
		return err
	}
	if err := c.Hours.validate(); err != nil {
		return fmt.Errorf("contract %s: %w", c.Name, err)
	}
	if c.Bundesland != "" {
		if _, err := GermanHolidays(2000, c.Bundesland); err != nil {
			return fmt.Errorf("contract %s: %w", c.Name, err)
		}
	}
	hasHours := false
	for _, d := range c.Hours {
		hasHours = hasHours || len(d) > 0
	}
	for p := PriorityEmergency; p <= PriorityLow; p++ {
		t, ok := c.Targets[p]
		if !ok || t.Reaction <= 0 || t.Resolution <= 0 || t.Vendor < 0 {
			return fmt.Errorf("contract %s: %w: priority %d needs positive reaction and resolution targets", c.Name, ErrInvalid, p)
		}
		if !t.AllHours && !hasHours {
			return fmt.Errorf("contract %s: %w: priority %d counts service hours but the contract has none", c.Name, ErrInvalid, p)
		}
	}
	return nil
}

func (c *Contract) location() (*time.Location, error) {
	tz := c.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("contract %s: time zone %q: %w", c.Name, tz, ErrInvalid)
	}
	return loc, nil
}

// DemoContracts are the contracts a new data folder starts with.
func DemoContracts() []Contract {
	std, _ := ParseSchedule("mon-fri 08:00-17:00")
	prem, _ := ParseSchedule("mon-fri 07:00-19:00; sat 08:00-12:00")
	h := func(d time.Duration) Duration { return Duration(d) }
	return []Contract{
		{
			Name: "Standard", Hours: std, Bundesland: "BW",
			Targets: map[Priority]Target{
				1: {Reaction: h(time.Hour), Resolution: h(8 * time.Hour), Vendor: h(16 * time.Hour)},
				2: {Reaction: h(4 * time.Hour), Resolution: h(18 * time.Hour), Vendor: h(36 * time.Hour)},
				3: {Reaction: h(8 * time.Hour), Resolution: h(45 * time.Hour), Vendor: h(90 * time.Hour)},
				4: {Reaction: h(18 * time.Hour), Resolution: h(90 * time.Hour)},
			},
		},
		{
			Name: "Premium 24/7", Hours: prem, Bundesland: "BY",
			Targets: map[Priority]Target{
				1: {Reaction: h(30 * time.Minute), Resolution: h(4 * time.Hour), Vendor: h(8 * time.Hour), AllHours: true},
				2: {Reaction: h(2 * time.Hour), Resolution: h(12 * time.Hour), Vendor: h(24 * time.Hour)},
				3: {Reaction: h(4 * time.Hour), Resolution: h(36 * time.Hour), Vendor: h(72 * time.Hour)},
				4: {Reaction: h(12 * time.Hour), Resolution: h(72 * time.Hour)},
			},
		},
	}
}
