package cases

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Summary is a case as the list shows it: what it is and how urgent.
type Summary struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Customer string    `json:"customer"`
	Contract string    `json:"contract"`
	Assignee string    `json:"assignee,omitempty"`
	Status   Status    `json:"status"`
	Priority Priority  `json:"priority"`
	Level    int       `json:"level"`
	Updated  time.Time `json:"updated"`
	// Clock names the governing clock: "reaction" until the first reaction,
	// then "resolution".
	Clock   string        `json:"clock"`
	Target  time.Duration `json:"target_ns"`
	Running bool          `json:"running"`
	Paused  bool          `json:"paused"`
	// Due and SoonAt are set while the clock runs.
	Due    *time.Time `json:"due,omitempty"`
	SoonAt *time.Time `json:"soon_at,omitempty"`
	// Remaining is the service time left when the clock does not run.
	Remaining *time.Duration `json:"remaining_ns,omitempty"`
	// State is the clock's colour at the time of the listing.
	State State `json:"state"`
	// stopped is the state of a clock that does not run.
	stopped State
}

// index key classes: running clocks first by due time, then paused clocks
// by the service time they have left, then finished cases, newest first.
const (
	classRunning byte = iota
	classPaused
	classDone
)

// summarize builds the index entry of c from its SLA.
func summarize(c *Case, sla SLA) Summary {
	g := sla.Governing()
	if !c.Status.Open() {
		g = sla.Resolution
	}
	sum := Summary{
		ID: c.ID, Title: c.Title, Customer: c.Customer, Contract: c.Contract, Assignee: c.Assignee,
		Status: c.Status, Priority: c.Priority, Level: c.Level, Updated: c.Updated,
		Clock: g.Name, Target: g.Target, Running: g.Running, Paused: g.Paused,
		Due: g.Due, SoonAt: g.SoonAt, stopped: g.State,
	}
	if !g.Running {
		r := g.Remaining
		sum.Remaining = &r
	}
	return sum
}

// stateAt computes the summary's state at now.
func (s *Summary) stateAt(now time.Time) State {
	switch {
	case !s.Running || s.Due == nil:
		return s.stopped
	case !now.Before(*s.Due):
		return StateBreached
	case s.SoonAt != nil && !now.Before(*s.SoonAt):
		return StateDueSoon
	}
	return StateOK
}

// orderable maps a signed number onto bytes that sort in the same order.
func orderable(v int64) uint64 { return uint64(v) ^ (1 << 63) }

// indexKey is class (1 byte) + urgency (8 bytes) + id.
func indexKey(sum *Summary) []byte {
	var class byte
	var v int64
	switch {
	case !sum.Status.Open():
		class, v = classDone, math.MaxInt64-sum.Updated.UnixNano()
	case sum.Running && sum.Due != nil:
		class, v = classRunning, sum.Due.UnixNano()
	default:
		class = classPaused
		if sum.Remaining != nil {
			v = int64(*sum.Remaining)
		}
	}
	k := make([]byte, 9, 9+len(sum.ID))
	k[0] = class
	binary.BigEndian.PutUint64(k[1:], orderable(v))
	return append(k, sum.ID...)
}

// encodeSummary writes the compact binary form stored in cases.due.
func encodeSummary(sum *Summary) []byte {
	b := make([]byte, 0, 128)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	num := func(v int64) { b = binary.AppendVarint(b, v) }
	tm := func(t *time.Time) {
		if t == nil {
			num(0)
			return
		}
		num(t.UnixNano())
	}
	for _, s := range []string{sum.ID, sum.Title, sum.Customer, sum.Contract, sum.Assignee, string(sum.Status), sum.Clock, string(sum.stopped)} {
		str(s)
	}
	var flags int64
	if sum.Running {
		flags |= 1
	}
	if sum.Paused {
		flags |= 2
	}
	if sum.Remaining != nil {
		flags |= 4
	}
	num(flags)
	if sum.Remaining != nil {
		num(int64(*sum.Remaining))
	}
	num(int64(sum.Priority))
	num(int64(sum.Level))
	num(sum.Updated.UnixNano())
	num(int64(sum.Target))
	tm(sum.Due)
	tm(sum.SoonAt)
	return b
}

var errCorruptSummary = errors.New("corrupt index entry")

// decodeSummary reads what encodeSummary wrote.
func decodeSummary(b []byte) (Summary, error) {
	var sum Summary
	bad := false
	str := func() string {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			bad = true
			return ""
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s
	}
	num := func() int64 {
		v, k := binary.Varint(b)
		if k <= 0 {
			bad = true
			return 0
		}
		b = b[k:]
		return v
	}
	tm := func() *time.Time {
		v := num()
		if v == 0 {
			return nil
		}
		t := time.Unix(0, v)
		return &t
	}
	sum.ID, sum.Title, sum.Customer, sum.Contract, sum.Assignee = str(), str(), str(), str(), str()
	sum.Status, sum.Clock, sum.stopped = Status(str()), str(), State(str())
	flags := num()
	sum.Running, sum.Paused = flags&1 != 0, flags&2 != 0
	if flags&4 != 0 {
		r := time.Duration(num())
		sum.Remaining = &r
	}
	sum.Priority, sum.Level = Priority(num()), int(num())
	sum.Updated = time.Unix(0, num())
	sum.Target = time.Duration(num())
	sum.Due, sum.SoonAt = tm(), tm()
	if bad {
		return Summary{}, errCorruptSummary
	}
	return sum, nil
}

// putIndex replaces the index entry of c.
func putIndex(tx *bolt.Tx, c *Case, sla SLA) error {
	keys, due := tx.Bucket(bucketDueKey), tx.Bucket(bucketDue)
	if old := keys.Get([]byte(c.ID)); old != nil {
		if err := due.Delete(old); err != nil {
			return fmt.Errorf("index case %s: %w", c.ID, err)
		}
	}
	sum := summarize(c, sla)
	k := indexKey(&sum)
	if err := due.Put(k, encodeSummary(&sum)); err != nil {
		return fmt.Errorf("index case %s: %w", c.ID, err)
	}
	if err := keys.Put([]byte(c.ID), k); err != nil {
		return fmt.Errorf("index case %s: %w", c.ID, err)
	}
	return nil
}

// rebuildIndex recomputes the due index from every case.
func (s *Store) rebuildIndex(tx *bolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bucketDue, bucketDueKey} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return fmt.Errorf("rebuild case index: %w", err)
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return fmt.Errorf("rebuild case index: %w", err)
		}
	}
	err := forEachCase(tx, func(c *Case) error {
		sla, err := s.sla(c, now)
		if err != nil {
			return err
		}
		return putIndex(tx, c, sla)
	})
	if err != nil {
		return fmt.Errorf("rebuild case index: %w", err)
	}
	if err := tx.Bucket(bucketMeta).Put(keyIndex, []byte(fmt.Sprint(indexVersion))); err != nil {
		return fmt.Errorf("rebuild case index: %w", err)
	}
	return nil
}

// Remaining returns the service time the summary's clock has left at the
// store's now; negative when breached.
func (s *Store) Remaining(sum Summary) (time.Duration, error) {
	if sum.Remaining != nil {
		return *sum.Remaining, nil
	}
	if sum.Due == nil {
		return 0, nil
	}
	cal, err := s.calendar(sum.Contract, sum.Priority)
	if err != nil {
		return 0, err
	}
	now := s.now()
	if now.Before(*sum.Due) {
		return cal.Between(now, *sum.Due), nil
	}
	return -cal.Between(*sum.Due, now), nil
}
