package cases

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// State is the colour of an SLA clock.
type State string

// The states of a clock.
const (
	// StateOK: enough time left, or the target was met.
	StateOK State = "ok"
	// StateDueSoon: less than 20 % of the target or less than one service
	// hour (at most half the target) left.
	StateDueSoon State = "due_soon"
	// StateBreached: the target is exceeded.
	StateBreached State = "breached"
)

// Clock is one SLA clock of a case, counted in service hours.
type Clock struct {
	// Name is "reaction", "resolution" or "vendor".
	Name string `json:"name"`
	// Target is zero when the clock only measures (vendor without target).
	Target time.Duration `json:"target_ns"`
	// Used is the service time consumed so far (until done).
	Used time.Duration `json:"used_ns"`
	// Remaining is Target − Used; negative when breached.
	Remaining time.Duration `json:"remaining_ns"`
	// Due is the wall-clock instant at which a running clock breaches (in
	// the past when already breached); nil when paused or done.
	Due *time.Time `json:"due,omitempty"`
	// SoonAt is when a running clock turns "due soon".
	SoonAt  *time.Time `json:"soon_at,omitempty"`
	State   State      `json:"state"`
	Running bool       `json:"running"`
	Paused  bool       `json:"paused"`
	// DoneAt is when the clock stopped for good (reaction given, solved).
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// SLA holds the clocks of a case at one instant.
type SLA struct {
	At         time.Time `json:"at"`
	Reaction   Clock     `json:"reaction"`
	Resolution Clock     `json:"resolution"`
	// Vendor runs while the case waits for the vendor's 3rd level; nil if
	// the case never did.
	Vendor *Clock `json:"vendor,omitempty"`
}

// Governing returns the clock that decides the case's urgency: the
// reaction clock until the first reaction, then the resolution clock.
func (s SLA) Governing() Clock {
	if s.Reaction.DoneAt == nil {
		return s.Reaction
	}
	return s.Resolution
}

// soonThreshold is the remaining time under which a clock is due soon.
func soonThreshold(target time.Duration) time.Duration {
	hour := time.Hour
	if target/2 < hour {
		hour = target / 2
	}
	if fifth := target / 5; fifth > hour {
		return fifth
	}
	return hour
}

// point is the state of a case from At on.
type point struct {
	at     time.Time
	status Status
	prio   Priority
}

// timeline returns the status and priority of c over time, oldest first
// (never empty), and the instant of the first reaction (zero if none yet).
func timeline(c *Case) ([]point, time.Time) {
	acts := make([]Activity, len(c.Activities))
	copy(acts, c.Activities)
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].At.Before(acts[j].At) })
	cur := point{at: c.Created, status: StatusNew, prio: c.Priority}
	for _, a := range acts {
		if a.Kind == KindCreated {
			if p, err := strconv.Atoi(a.To); err == nil {
				cur.prio = Priority(p)
			}
			break
		}
	}
	pts := []point{cur}
	var reacted time.Time
	for _, a := range acts {
		if reacted.IsZero() && (a.Kind.reaction() || a.Kind == KindStatus) {
			reacted = a.At
		}
		switch a.Kind {
		case KindStatus:
			cur.status = Status(a.To)
		case KindPriority:
			p, err := strconv.Atoi(a.To)
			if err != nil {
				continue
			}
			cur.prio = Priority(p)
		default:
			continue
		}
		cur.at = a.At
		if cur.at.Before(c.Created) {
			cur.at = c.Created
		}
		pts = append(pts, cur)
	}
	return pts, reacted
}

// calendars hands out the calendar of a priority.
type calendars func(Priority) (*Calendar, error)

// clockSpec says when a clock runs and what it aims at.
type clockSpec struct {
	name   string
	runs   func(Status) bool
	target func(Priority) time.Duration
	// stopAt ends the clock for good at that instant (zero: never).
	stopAt time.Time
	// stopped ends the clock for good while the case is in that status.
	stopped func(Status) bool
	// measureOnly: a clock that is not running is neither paused nor due.
	measureOnly bool
}

// evalClock walks the timeline and computes one clock at now.
func evalClock(pts []point, spec clockSpec, cals calendars, now time.Time) (Clock, error) {
	end := now
	clk := Clock{Name: spec.name}
	if !spec.stopAt.IsZero() && !spec.stopAt.After(now) {
		end = spec.stopAt
		clk.DoneAt = ptr(spec.stopAt)
	}
	lastIdx := 0
	for i, p := range pts {
		if !p.at.After(end) {
			lastIdx = i
		}
	}
	last := pts[lastIdx]
	if clk.DoneAt == nil && spec.stopped != nil && spec.stopped(last.status) {
		// Done when the final stop began (solved, then closed: solved).
		j := lastIdx
		for j > 0 && spec.stopped(pts[j-1].status) {
			j--
		}
		clk.DoneAt = ptr(pts[j].at)
	}
	T := spec.target(last.prio)
	clk.Target = T
	thr := soonThreshold(T)
	var used time.Duration
	var due, soon *time.Time
	for i := 0; i <= lastIdx; i++ {
		p := pts[i]
		segEnd := end
		if i < lastIdx {
			segEnd = pts[i+1].at
		}
		if !spec.runs(p.status) || !segEnd.After(p.at) {
			continue
		}
		cal, err := cals(p.prio)
		if err != nil {
			return clk, err
		}
		l := cal.Between(p.at, segEnd)
		if T > 0 && soon == nil && used+l >= T-thr {
			t, err := cal.Add(p.at, T-thr-used)
			if err != nil {
				return clk, err
			}
			soon = &t
		}
		if T > 0 && due == nil && used+l >= T {
			t, err := cal.Add(p.at, T-used)
			if err != nil {
				return clk, err
			}
			due = &t
		}
		used += l
	}
	clk.Used = used
	clk.Remaining = T - used
	clk.Running = clk.DoneAt == nil && spec.runs(last.status)
	clk.Paused = clk.DoneAt == nil && !clk.Running && !spec.measureOnly
	if clk.Running && T > 0 {
		cal, err := cals(last.prio)
		if err != nil {
			return clk, err
		}
		if soon == nil {
			t, err := cal.Add(now, T-thr-used)
			if err != nil {
				return clk, err
			}
			soon = &t
		}
		if due == nil {
			t, err := cal.Add(now, T-used)
			if err != nil {
				return clk, err
			}
			due = &t
		}
		clk.Due, clk.SoonAt = due, soon
	}
	switch {
	case T == 0:
		clk.State = StateOK
	case clk.Running && !now.Before(*due):
		clk.State = StateBreached
	case clk.Running && !now.Before(*soon):
		clk.State = StateDueSoon
	case clk.Running:
		clk.State = StateOK
	case clk.Remaining < 0 || (clk.Remaining == 0 && clk.Paused):
		clk.State = StateBreached
	case clk.Paused && clk.Remaining < thr:
		clk.State = StateDueSoon
	default:
		clk.State = StateOK
	}
	return clk, nil
}

// MarshalJSON adds readable durations ("3h20m0s") and whole seconds to
// the nanosecond fields.
func (c Clock) MarshalJSON() ([]byte, error) {
	type plain Clock
	return json.Marshal(struct {
		plain
		TargetText       string `json:"target"`
		UsedText         string `json:"used"`
		RemainingText    string `json:"remaining"`
		RemainingSeconds int64  `json:"remaining_seconds"`
	}{plain(c), c.Target.String(), c.Used.String(), c.Remaining.String(), int64(c.Remaining / time.Second)})
}

func ptr(t time.Time) *time.Time { return &t }

// ComputeSLA computes the clocks of c under contract ct at now. The
// resolution clock runs while the case is new or in progress, pauses while
// it waits for the customer or the vendor and stops when solved or closed;
// the vendor clock runs while the case waits for the vendor's 3rd level.
func ComputeSLA(c *Case, ct Contract, now time.Time) (SLA, error) {
	cache := map[Priority]*Calendar{}
	cals := func(p Priority) (*Calendar, error) {
		if cal, ok := cache[p]; ok {
			return cal, nil
		}
		cal, err := NewCalendar(ct, p)
		if err != nil {
			return nil, err
		}
		cache[p] = cal
		return cal, nil
	}
	return computeSLA(c, ct, cals, now)
}

func computeSLA(c *Case, ct Contract, cals calendars, now time.Time) (SLA, error) {
	pts, reacted := timeline(c)
	for _, p := range pts {
		if !p.prio.Valid() {
			return SLA{}, fmt.Errorf("case %s: priority %d in its history: %w", c.ID, p.prio, ErrInvalid)
		}
	}
	target := func(f func(Target) Duration) func(Priority) time.Duration {
		return func(p Priority) time.Duration { return time.Duration(f(ct.Targets[p])) }
	}
	sla := SLA{At: now}
	var err error
	sla.Reaction, err = evalClock(pts, clockSpec{
		name:   "reaction",
		runs:   func(s Status) bool { return s == StatusNew || s == StatusInProgress },
		target: target(func(t Target) Duration { return t.Reaction }),
		stopAt: reacted,
	}, cals, now)
	if err != nil {
		return sla, fmt.Errorf("case %s: reaction clock: %w", c.ID, err)
	}
	sla.Resolution, err = evalClock(pts, clockSpec{
		name:    "resolution",
		runs:    func(s Status) bool { return s == StatusNew || s == StatusInProgress },
		target:  target(func(t Target) Duration { return t.Resolution }),
		stopped: func(s Status) bool { return !s.Open() },
	}, cals, now)
	if err != nil {
		return sla, fmt.Errorf("case %s: resolution clock: %w", c.ID, err)
	}
	for _, p := range pts {
		if p.status == StatusWaitingVendor {
			v, err := evalClock(pts, clockSpec{
				name:        "vendor",
				runs:        func(s Status) bool { return s == StatusWaitingVendor },
				target:      target(func(t Target) Duration { return t.Vendor }),
				measureOnly: true,
			}, cals, now)
			if err != nil {
				return sla, fmt.Errorf("case %s: vendor clock: %w", c.ID, err)
			}
			sla.Vendor = &v
			break
		}
	}
	return sla, nil
}
