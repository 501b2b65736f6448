package cases

import (
	"fmt"
	"sync"
	"time"
)

// maxWalkDays bounds a walk through the calendar (ten years).
const maxWalkDays = 3660

// Calendar answers service-hour questions for one contract and priority:
// how much service time lies between two instants, and which wall-clock
// instant lies a given amount of service time after another. Windows are
// built with time.Date in the contract's zone, so a service day that spans a
// summer-time change counts its real length. Safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	hours    Schedule
	allHours bool
	region   string
	public   bool
	custom   map[int]bool

	mu    sync.Mutex
	years map[int]map[int]bool
}

// NewCalendar compiles the calendar of contract c for priority p.
func NewCalendar(c Contract, p Priority) (*Calendar, error) {
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	cal := &Calendar{
		loc: loc, hours: c.Hours, allHours: c.Targets[p].AllHours,
		region: c.Bundesland, public: !c.NoPublicHolidays,
		custom: map[int]bool{}, years: map[int]map[int]bool{},
	}
	for _, d := range c.Holidays {
		cal.custom[d.key()] = true
	}
	return cal, nil
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// closed reports whether the day is a holiday.
func (c *Calendar) closed(y int, m time.Month, d int) bool {
	k := Date{y, m, d}.key()
	if c.custom[k] {
		return true
	}
	if !c.public {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	set, ok := c.years[y]
	if !ok {
		set = map[int]bool{}
		// The region was validated with the contract.
		hs, _ := GermanHolidays(y, c.region)
		for _, h := range hs {
			set[h.Date.key()] = true
		}
		c.years[y] = set
	}
	return set[k]
}

// windows calls f with each service window [from, to) of the day y-m-d
// (normalised) in order, until f returns false.
func (c *Calendar) windows(y int, m time.Month, d int, f func(from, to time.Time) bool) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, c.loc)
	y, m, d = day.Date()
	if c.allHours {
		return f(time.Date(y, m, d, 0, 0, 0, 0, c.loc), time.Date(y, m, d+1, 0, 0, 0, 0, c.loc))
	}
	if c.closed(y, m, d) {
		return true
	}
	for _, sp := range c.hours[day.Weekday()] {
		from := time.Date(y, m, d, sp.From/60, sp.From%60, 0, 0, c.loc)
		to := time.Date(y, m, d, sp.To/60, sp.To%60, 0, 0, c.loc)
		if !f(from, to) {
			return false
		}
	}
	return true
}

// Add returns the instant that lies d of service time after start. With d
// ≤ 0 it returns start.
func (c *Calendar) Add(start time.Time, d time.Duration) (time.Time, error) {
	if d <= 0 {
		return start, nil
	}
	if c.allHours {
		return start.Add(d), nil
	}
	y, m, day := start.In(c.loc).Date()
	var due time.Time
	for i := 0; i < maxWalkDays; i++ {
		found := false
		c.windows(y, m, day+i, func(from, to time.Time) bool {
			if !to.After(start) {
				return true
			}
			if from.Before(start) {
				from = start
			}
			if avail := to.Sub(from); d > avail {
				d -= avail
				return true
			}
			due, found = from.Add(d), true
			return false
		})
		if found {
			return due, nil
		}
	}
	return time.Time{}, fmt.Errorf("service hours: no service time within %d days of %s", maxWalkDays, start.Format(time.RFC3339))
}

// Between returns the service time in [a, b); zero when b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.allHours {
		return b.Sub(a)
	}
	var sum time.Duration
	y, m, day := a.In(c.loc).Date()
	for i := 0; i < maxWalkDays; i++ {
		more := c.windows(y, m, day+i, func(from, to time.Time) bool {
			if !from.Before(b) {
				return false
			}
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
			return true
		})
		if !more || !time.Date(y, m, day+i+1, 0, 0, 0, 0, c.loc).Before(b) {
			break
		}
	}
	return sum
}
