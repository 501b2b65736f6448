package cases

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DemoDir is the folder of the demo cases inside the demo file system.
const DemoDir = "demo/cases"

// demoCase is a case in the demo files. Times are relative to the moment
// of seeding so that the demo always shows running, due-soon and breached
// clocks.
type demoCase struct {
	Title       string   `json:"title"`
	Customer    string   `json:"customer"`
	Contract    string   `json:"contract"`
	Systems     []string `json:"systems"`
	Product     string   `json:"product"`
	Description string   `json:"description"`
	Priority    Priority `json:"priority"`
	Reason      string   `json:"reason"`
	Assignee    string   `json:"assignee"`
	By          string   `json:"by"`
	// Opened is how long ago (wall clock) the case was opened, e.g. "30h".
	Opened     Duration       `json:"opened"`
	Cause      string         `json:"cause"`
	Solution   string         `json:"solution"`
	Activities []demoActivity `json:"activities"`
}

// demoActivity happens After the opening. Kind "attach" attaches the demo
// file Log; "escalate" uses Escalation; "status" and "priority" use To.
type demoActivity struct {
	After      Duration    `json:"after"`
	Kind       string      `json:"kind"`
	By         string      `json:"by"`
	Text       string      `json:"text"`
	To         string      `json:"to"`
	Log        string      `json:"log"`
	Escalation *Escalation `json:"escalation"`
}

// SeedDemo imports the demo cases from fsys (DemoDir/*.json, each an array
// of cases) into a store that has no cases yet, and returns how many it
// imported. A store with cases is left alone.
func (s *Store) SeedDemo(ctx context.Context, fsys fs.FS) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	files, err := fs.Glob(fsys, DemoDir+"/*.json")
	if err != nil {
		return 0, fmt.Errorf("demo cases: %w", err)
	}
	var demos []demoCase
	for _, f := range files {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return 0, fmt.Errorf("demo cases: %w", err)
		}
		var batch []demoCase
		if err := json.Unmarshal(raw, &batch); err != nil {
			return 0, fmt.Errorf("demo cases %s: %w", f, err)
		}
		demos = append(demos, batch...)
	}
	now := s.now()
	built := make([]Case, 0, len(demos))
	for i, d := range demos {
		c, err := s.buildDemo(fsys, d, now)
		if err != nil {
			return 0, fmt.Errorf("demo case %d (%s): %w", i+1, d.Title, err)
		}
		built = append(built, c)
	}
	n := 0
	err = s.db.Update(func(tx *bolt.Tx) error {
		if caseCount(tx) > 0 {
			return nil
		}
		meta := tx.Bucket(bucketMeta)
		year := now.Year()
		tag, err := stationTag(meta)
		if err != nil {
			return err
		}
		for i := range built {
			built[i].ID = caseID(year, uint64(i+1), tag)
			if err := s.save(tx, &built[i], now); err != nil {
				return err
			}
			n++
		}
		return meta.Put(seqKey(year), binary.BigEndian.AppendUint64(nil, uint64(len(built))))
	})
	if err != nil {
		return 0, fmt.Errorf("demo cases: %w", err)
	}
	return n, nil
}

// buildDemo turns a demo case into a case, storing its demo logs as
// attachments.
func (s *Store) buildDemo(fsys fs.FS, d demoCase, now time.Time) (Case, error) {
	if d.Contract == "" {
		d.Contract = "Standard"
	}
	if _, err := s.contract(d.Contract); err != nil {
		return Case{}, err
	}
	if !d.Priority.Valid() {
		return Case{}, fmt.Errorf("priority %d: %w", d.Priority, ErrInvalid)
	}
	created := now.Add(-time.Duration(d.Opened)).Truncate(time.Minute)
	c := Case{
		Title: d.Title, Customer: d.Customer, Contract: d.Contract, Systems: d.Systems, Product: d.Product,
		Description: d.Description, Priority: d.Priority, Status: StatusNew, Level: 2, Assignee: d.Assignee,
		Cause: d.Cause, Solution: d.Solution, Created: created, Updated: created, Revision: 1,
	}
	c.Activities = []Activity{{ID: newActivityID(), Kind: KindCreated, At: created, By: d.By, To: strconv.Itoa(int(d.Priority)), Text: d.Reason}}
	for _, a := range d.Activities {
		at := created.Add(time.Duration(a.After))
		if at.After(now) {
			at = now
		}
		act := Activity{ID: newActivityID(), At: at, By: a.By, Text: a.Text}
		switch a.Kind {
		case "status":
			st, err := ParseStatus(a.To)
			if err != nil {
				return Case{}, err
			}
			act.Kind, act.From, act.To = KindStatus, string(c.Status), string(st)
			c.Status = st
		case "priority":
			p, err := ParsePriority(a.To)
			if err != nil {
				return Case{}, err
			}
			act.Kind, act.From, act.To = KindPriority, strconv.Itoa(int(c.Priority)), a.To
			c.Priority = p
		case "attach":
			att, err := s.storeDemoLog(fsys, a.Log, at, a.By)
			if err != nil {
				return Case{}, err
			}
			c.Attachments = append(c.Attachments, att)
			act = logActivity(att)
			act.ID = newActivityID()
		case "escalate":
			if a.Escalation == nil {
				return Case{}, fmt.Errorf("escalation without checklist: %w", ErrInvalid)
			}
			e := *a.Escalation
			e.At, e.By = at, a.By
			if missing := Checklist(&c, e); len(missing) > 0 {
				return Case{}, &ChecklistError{CaseID: d.Title, Missing: missing}
			}
			c.Escalation, c.Level = &e, 3
			acts := escalationActivities(&c, e, at)
			c.Activities = append(c.Activities, acts[0])
			act = acts[1]
			c.Status = StatusWaitingVendor
		default:
			k := Kind(a.Kind)
			if !contains(kindNames(Kinds), a.Kind) {
				return Case{}, fmt.Errorf("activity kind %q: %w", a.Kind, ErrInvalid)
			}
			act.Kind = k
		}
		c.Activities = append(c.Activities, act)
		c.Updated = at
	}
	return c, nil
}

// storeDemoLog copies a demo log into the attachment folder.
func (s *Store) storeDemoLog(fsys fs.FS, name string, at time.Time, by string) (Attachment, error) {
	raw, err := fs.ReadFile(fsys, path.Join("demo", name))
	if err != nil {
		return Attachment{}, fmt.Errorf("demo log: %w", err)
	}
	sum := sha256.Sum256(raw)
	hexSum := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(s.attachDir, 0o700); err != nil {
		return Attachment{}, fmt.Errorf("demo log: %w", err)
	}
	dst := s.AttachmentPath(hexSum)
	if _, err := os.Stat(dst); err != nil {
		tmp := dst + ".tmp"
		if err := writeSynced(tmp, raw); err != nil {
			return Attachment{}, fmt.Errorf("demo log: %w", err)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return Attachment{}, fmt.Errorf("demo log: %w", err)
		}
	}
	return Attachment{Name: path.Base(name), SHA256: hexSum, Size: int64(len(raw)), Source: "demo://" + name, At: at, By: by}, nil
}

func writeSynced(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
