package cases

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Config says where the store keeps its data.
type Config struct {
	// DB is the shared bbolt file; the store uses only its own buckets.
	DB *bolt.DB
	// AttachDir is <data>/attachments: files content-addressed by SHA-256 hex.
	AttachDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Store keeps the cases, contracts and fixes. Safe for concurrent use.
type Store struct {
	db        *bolt.DB
	attachDir string
	now       func() time.Time

	// analyzing serialises AnalyzeAttachments, so that a large log is
	// read once even when several screens ask.
	analyzing sync.Mutex

	mu        sync.Mutex
	contracts map[string]Contract
	cals      map[string]map[Priority]*Calendar
}

// Open prepares the store's buckets (migrating older layouts), adds the
// demo contracts to a store that has none and rebuilds the due index when
// its layout changed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.DB == nil {
		return nil, errors.New("open cases: no database")
	}
	s := &Store{db: cfg.DB, attachDir: cfg.AttachDir, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	// A store that needs nothing is only read, so that opening it never
	// rewrites the file.
	ready := false
	err := s.db.View(func(tx *bolt.Tx) error {
		meta, cb := tx.Bucket(bucketMeta), tx.Bucket(bucketContracts)
		if meta == nil || cb == nil || string(meta.Get(keySchema)) != strconv.Itoa(schemaVersion) || !indexCurrent(tx) || !searchCurrent(tx) || cb.Stats().KeyN == 0 {
			return nil
		}
		ready = true
		return s.loadContracts(tx)
	})
	if err == nil && !ready {
		err = s.db.Update(func(tx *bolt.Tx) error {
			if err := migrate(tx); err != nil {
				return err
			}
			cb := tx.Bucket(bucketContracts)
			if cb.Stats().KeyN == 0 {
				for _, c := range DemoContracts() {
					if err := putJSON(cb, c.Name, c); err != nil {
						return fmt.Errorf("store contract %s: %w", c.Name, err)
					}
				}
			}
			if err := s.loadContracts(tx); err != nil {
				return err
			}
			if !indexCurrent(tx) {
				if err := s.rebuildIndex(tx, s.now()); err != nil {
					return err
				}
			}
			if !searchCurrent(tx) {
				return rebuildSearch(tx)
			}
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	return s, nil
}

// loadContracts reads every contract into memory.
func (s *Store) loadContracts(tx *bolt.Tx) error {
	m := map[string]Contract{}
	err := tx.Bucket(bucketContracts).ForEach(func(k, v []byte) error {
		var c Contract
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("read contract %s: %w", k, err)
		}
		m[c.Name] = c
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.contracts, s.cals = m, map[string]map[Priority]*Calendar{}
	s.mu.Unlock()
	return nil
}

// contract returns the named contract.
func (s *Store) contract(name string) (Contract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contracts[name]
	if !ok {
		return Contract{}, fmt.Errorf("contract %q: %w", name, ErrNotFound)
	}
	return c, nil
}

// calendar returns the cached calendar of a contract and priority.
func (s *Store) calendar(name string, p Priority) (*Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cal, ok := s.cals[name][p]; ok {
		return cal, nil
	}
	c, ok := s.contracts[name]
	if !ok {
		return nil, fmt.Errorf("contract %q: %w", name, ErrNotFound)
	}
	cal, err := NewCalendar(c, p)
	if err != nil {
		return nil, err
	}
	if s.cals[name] == nil {
		s.cals[name] = map[Priority]*Calendar{}
	}
	s.cals[name][p] = cal
	return cal, nil
}

// sla computes the clocks of c at now with the cached calendars.
func (s *Store) sla(c *Case, now time.Time) (SLA, error) {
	ct, err := s.contract(c.Contract)
	if err != nil {
		return SLA{}, fmt.Errorf("case %s: %w", c.ID, err)
	}
	return computeSLA(c, ct, func(p Priority) (*Calendar, error) { return s.calendar(c.Contract, p) }, now)
}

// SLA returns the clocks of c now.
func (s *Store) SLA(c *Case) (SLA, error) { return s.sla(c, s.now()) }

// AttachmentPath returns where the attachment with that SHA-256 lives.
func (s *Store) AttachmentPath(sha256hex string) string {
	return filepath.Join(s.attachDir, strings.ToLower(sha256hex))
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

// NewCase is what opening a case needs.
type NewCase struct {
	Title       string
	Customer    string
	Contract    string // empty: "Standard"
	Priority    Priority
	Systems     []string
	Product     string
	Description string
	Assignee    string
	By          string
	// Reason says why the priority was chosen (impact on the business).
	Reason string
}

// Create opens a case and returns it with its new id
// (C-<year>-<number>-<workstation tag>).
func (s *Store) Create(ctx context.Context, n NewCase) (Case, error) {
	if err := ctx.Err(); err != nil {
		return Case{}, err
	}
	switch {
	case strings.TrimSpace(n.Title) == "":
		return Case{}, fmt.Errorf("new case: %w: a title is needed", ErrInvalid)
	case strings.TrimSpace(n.Customer) == "":
		return Case{}, fmt.Errorf("new case: %w: a customer is needed", ErrInvalid)
	case !n.Priority.Valid():
		return Case{}, fmt.Errorf("new case: priority %d: %w: use 1 (emergency) … 4 (low)", n.Priority, ErrInvalid)
	}
	if n.Contract == "" {
		n.Contract = "Standard"
	}
	if _, err := s.contract(n.Contract); err != nil {
		return Case{}, fmt.Errorf("new case: %w (known: %s)", err, strings.Join(s.ContractNames(), ", "))
	}
	if n.By == "" {
		n.By = "unknown"
	}
	now := s.now()
	c := Case{
		Title: strings.TrimSpace(n.Title), Customer: strings.TrimSpace(n.Customer), Contract: n.Contract,
		Systems: n.Systems, Product: n.Product, Description: n.Description, Priority: n.Priority,
		Status: StatusNew, Level: 2, Assignee: n.Assignee, Created: now, Updated: now, Revision: 1,
	}
	c.Activities = []Activity{{ID: newActivityID(), Kind: KindCreated, At: now, By: n.By, To: strconv.Itoa(int(n.Priority)), Text: n.Reason}}
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		year := now.Year()
		var seq uint64
		if raw := meta.Get(seqKey(year)); len(raw) == 8 {
			seq = binary.BigEndian.Uint64(raw)
		}
		seq++
		tag, err := stationTag(meta)
		if err != nil {
			return err
		}
		c.ID = caseID(year, seq, tag)
		if err := meta.Put(seqKey(year), binary.BigEndian.AppendUint64(nil, seq)); err != nil {
			return err
		}
		return s.save(tx, &c, now)
	})
	if err != nil {
		return Case{}, fmt.Errorf("new case: %w", err)
	}
	return c, nil
}

// save writes c and its index entry.
func (s *Store) save(tx *bolt.Tx, c *Case, now time.Time) error {
	sla, err := s.sla(c, now)
	if err != nil {
		return err
	}
	if err := putJSON(tx.Bucket(bucketCases), c.ID, c); err != nil {
		return fmt.Errorf("store case %s: %w", c.ID, err)
	}
	if err := indexTerms(tx, c); err != nil {
		return err
	}
	return putIndex(tx, c, sla)
}

// Get returns the case with that id.
func (s *Store) Get(ctx context.Context, id string) (Case, error) {
	if err := ctx.Err(); err != nil {
		return Case{}, err
	}
	var c Case
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getCase(tx, id)
		return err
	})
	return c, err
}

func getCase(tx *bolt.Tx, id string) (Case, error) {
	raw := tx.Bucket(bucketCases).Get([]byte(strings.TrimSpace(id)))
	if raw == nil {
		return Case{}, fmt.Errorf("case %q: %w", id, ErrNotFound)
	}
	var c Case
	if err := json.Unmarshal(raw, &c); err != nil {
		return Case{}, fmt.Errorf("read case %s: %w", id, err)
	}
	return c, nil
}

// forEachCase calls f with every stored case, decoded, in id order.
func forEachCase(tx *bolt.Tx, f func(c *Case) error) error {
	return tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c Case
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("read case %s: %w", k, err)
		}
		return f(&c)
	})
}

// caseCount returns the number of stored cases.
func caseCount(tx *bolt.Tx) int { return tx.Bucket(bucketCases).Stats().KeyN }

// casesChecksum is the number of stored cases and a CRC-32C of their ids
// and JSON (not decoded): it changes with every write.
func casesChecksum(tx *bolt.Tx) (string, error) {
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	n := 0
	err := tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		n++
		h.Write(k) // a hash.Hash never fails to write
		h.Write([]byte{0})
		h.Write(v)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("checksum of the cases: %w", err)
	}
	return fmt.Sprintf("%d-%08x", n, h.Sum32()), nil
}

// mutate loads a case, lets f change it and stores it durably with a new
// revision and index entry, all in one transaction: when f fails, nothing
// is written.
func (s *Store) mutate(ctx context.Context, id string, f func(tx *bolt.Tx, c *Case, now time.Time) error) (Case, error) {
	if err := ctx.Err(); err != nil {
		return Case{}, err
	}
	var c Case
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if c, err = getCase(tx, id); err != nil {
			return err
		}
		now := s.now()
		if err := f(tx, &c, now); err != nil {
			return err
		}
		c.Updated = now
		c.Revision++
		return s.save(tx, &c, now)
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// stationAlphabet has no look-alikes (0/O, 1/I/L).
const stationAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// stationTag returns this data folder's tag, created on first use. It
// makes case ids unique across the workstations that sync with one
// server: each numbers its cases on its own, offline.
func stationTag(meta *bolt.Bucket) (string, error) {
	if t := meta.Get(keyStation); len(t) > 0 {
		return string(t), nil
	}
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	for i := range b {
		b[i] = stationAlphabet[int(b[i])%len(stationAlphabet)]
	}
	if err := meta.Put(keyStation, b[:]); err != nil {
		return "", fmt.Errorf("store the workstation tag: %w", err)
	}
	return string(b[:]), nil
}

// caseID is C-<year>-<number>-<workstation tag>, e.g. C-2026-0042-K7MX.
func caseID(year int, seq uint64, tag string) string {
	return fmt.Sprintf("C-%d-%04d-%s", year, seq, tag)
}

func newActivityID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// AddActivity appends a note, call, mail, remote session or collected log
// to the case's log. At defaults to now; By and (for notes) Text are needed.
func (s *Store) AddActivity(ctx context.Context, id string, a Activity) (Activity, error) {
	if !contains(kindNames(Kinds), string(a.Kind)) {
		return Activity{}, fmt.Errorf("case %s: activity kind %q: %w: use one of %s", id, a.Kind, ErrInvalid, strings.Join(kindNames(Kinds), ", "))
	}
	if strings.TrimSpace(a.By) == "" {
		return Activity{}, fmt.Errorf("case %s: activity: %w: who did it (By) is needed", id, ErrInvalid)
	}
	if strings.TrimSpace(a.Text) == "" && a.Ref == "" {
		return Activity{}, fmt.Errorf("case %s: activity: %w: a text is needed", id, ErrInvalid)
	}
	_, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		a.ID = newActivityID()
		if a.At.IsZero() {
			a.At = now
		}
		c.Activities = append(c.Activities, a)
		return nil
	})
	if err != nil {
		return Activity{}, fmt.Errorf("add activity to case %s: %w", id, err)
	}
	return a, nil
}

func kindNames(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// SetStatus moves the case to status st. Waiting for the vendor needs an
// escalation (Escalate); solving records reason as the solution when the
// case has none yet.
func (s *Store) SetStatus(ctx context.Context, id string, st Status, reason, by string) (Case, error) {
	if !st.Valid() {
		_, err := ParseStatus(string(st))
		return Case{}, fmt.Errorf("case %s: %w", id, err)
	}
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		if c.Status == st {
			return fmt.Errorf("%w: the case is already %s", ErrInvalid, st)
		}
		if st == StatusWaitingVendor && c.Escalation == nil {
			return fmt.Errorf("%w: waiting for the vendor needs an escalation with the complete checklist (case escalate)", ErrInvalid)
		}
		if st == StatusSolved && c.Solution == "" {
			c.Solution = strings.TrimSpace(reason)
		}
		c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: KindStatus, At: now, By: by, From: string(c.Status), To: string(st), Text: reason})
		c.Status = st
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("set status of case %s: %w", id, err)
	}
	return c, nil
}

// SetPriority changes the priority; the reason (the impact on the
// customer's business) is required and kept in the priority history.
func (s *Store) SetPriority(ctx context.Context, id string, p Priority, reason, by string) (Case, error) {
	if !p.Valid() {
		return Case{}, fmt.Errorf("case %s: priority %d: %w: use 1 (emergency) … 4 (low)", id, p, ErrInvalid)
	}
	if strings.TrimSpace(reason) == "" {
		return Case{}, fmt.Errorf("case %s: priority change: %w: a reason is needed (impact on the customer's business)", id, ErrInvalid)
	}
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		if c.Priority == p {
			return fmt.Errorf("%w: the priority is already %d", ErrInvalid, p)
		}
		c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: KindPriority, At: now, By: by, From: strconv.Itoa(int(c.Priority)), To: strconv.Itoa(int(p)), Text: reason})
		c.Priority = p
		return nil
	})
	if err != nil {
		return Case{}, fmt.Errorf("set priority of case %s: %w", id, err)
	}
	return c, nil
}

// List returns the cases sorted by what is due first: running clocks by
// due time (breached ones first), then paused clocks by the service time
// they have left, then solved and closed cases, most recent first. With
// openOnly, solved and closed cases are left out.
func (s *Store) List(ctx context.Context, openOnly bool) ([]Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []Summary
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDue)
		out = make([]Summary, 0, b.Stats().KeyN)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if openOnly && k[0] == classDone {
				break
			}
			sum, err := decodeSummary(v)
			if err != nil {
				return fmt.Errorf("case index entry %x: %w", k, err)
			}
			sum.State = sum.stateAt(now)
			out = append(out, sum)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
}
