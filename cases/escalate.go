package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ChecklistError is the refusal of an escalation: it names every item of
// the checklist that is missing.
type ChecklistError struct {
	CaseID  string
	Missing []string
}

// Error lists the missing items.
func (e *ChecklistError) Error() string {
	return fmt.Sprintf("escalation of case %s refused, the checklist is incomplete; missing: %s", e.CaseID, strings.Join(e.Missing, "; "))
}

// Unwrap makes a ChecklistError an ErrInvalid.
func (e *ChecklistError) Unwrap() error { return ErrInvalid }

// The checklist items, as a refusal names them.
const (
	MissingReproduced  = "reproduced on a current standard demo system (which version)"
	MissingDescription = "exact description of the error and its context"
	MissingDone        = "activities already done"
	MissingFindings    = "findings from the analysis"
	MissingLogs        = "logs attached to the case as evidence for the findings"
)

// Checklist returns the missing items for escalating c with e. The location
// in the standard source code is optional.
func Checklist(c *Case, e Escalation) []string {
	var missing []string
	if strings.TrimSpace(e.ReproducedOn) == "" {
		missing = append(missing, MissingReproduced)
	}
	if strings.TrimSpace(e.Description) == "" {
		missing = append(missing, MissingDescription)
	}
	if strings.TrimSpace(e.Done) == "" {
		missing = append(missing, MissingDone)
	}
	var findings int
	for _, f := range e.Findings {
		if strings.TrimSpace(f) != "" {
			findings++
		}
	}
	if findings == 0 {
		missing = append(missing, MissingFindings)
	}
	if len(c.Attachments) == 0 {
		missing = append(missing, MissingLogs)
	}
	return missing
}

// Escalate hands the case to the vendor's 3rd level once the checklist is
// complete: level 3, status waiting for the vendor (the vendor clock
// starts), the checklist kept with the case and logged. An incomplete
// checklist is refused with a *ChecklistError and nothing changes.
func (s *Store) Escalate(ctx context.Context, id string, e Escalation) (Case, error) {
	c, err := s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		if c.Level == 3 && c.Status == StatusWaitingVendor {
			return fmt.Errorf("%w: the case already waits for the vendor's 3rd level", ErrInvalid)
		}
		if !c.Status.Open() {
			return fmt.Errorf("%w: the case is %s; reopen it first", ErrInvalid, c.Status)
		}
		if missing := Checklist(c, e); len(missing) > 0 {
			return &ChecklistError{CaseID: c.ID, Missing: missing}
		}
		e.At = now
		if e.Product == "" {
			e.Product = c.Product
		}
		var clean []string
		for _, f := range e.Findings {
			if f = strings.TrimSpace(f); f != "" {
				clean = append(clean, f)
			}
		}
		e.Findings = clean
		c.Escalation = &e
		c.Level = 3
		c.Activities = append(c.Activities, escalationActivities(c, e, now)...)
		c.Status = StatusWaitingVendor
		return nil
	})
	if err != nil {
		var ce *ChecklistError
		if errors.As(err, &ce) {
			return Case{}, err
		}
		return Case{}, fmt.Errorf("escalate case %s: %w", id, err)
	}
	return c, nil
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Attach records a file that already lives at AttachmentPath(a.SHA256) as an
// attachment of the case and logs a collected-log activity. The file must
// exist with the given size. Attaching the same content twice is a no-op.
func (s *Store) Attach(ctx context.Context, id string, a Attachment) error {
	a.SHA256 = strings.ToLower(a.SHA256)
	if !sha256Hex.MatchString(a.SHA256) {
		return fmt.Errorf("attach to case %s: SHA-256 %q: %w: want 64 hex digits", id, a.SHA256, ErrInvalid)
	}
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("attach to case %s: %w: a file name is needed", id, ErrInvalid)
	}
	fi, err := os.Stat(s.AttachmentPath(a.SHA256))
	if err != nil {
		return fmt.Errorf("attach %s to case %s: %w", a.Name, id, err)
	}
	if fi.Size() != a.Size {
		return fmt.Errorf("attach %s to case %s: %w: the stored file has %d bytes, not %d", a.Name, id, ErrInvalid, fi.Size(), a.Size)
	}
	_, err = s.mutate(ctx, id, func(_ *bolt.Tx, c *Case, now time.Time) error {
		for _, old := range c.Attachments {
			if old.SHA256 == a.SHA256 && old.Name == a.Name {
				return nil
			}
		}
		if a.At.IsZero() {
			a.At = now
		}
		if a.By == "" {
			a.By = "unknown"
		}
		c.Attachments = append(c.Attachments, a)
		act := logActivity(a)
		act.ID = newActivityID()
		c.Activities = append(c.Activities, act)
		return nil
	})
	if err != nil {
		return fmt.Errorf("attach %s to case %s: %w", a.Name, id, err)
	}
	return nil
}

// AttachFile copies a local file into the attachment folder (named by its
// SHA-256, written durably) and attaches it to the case.
func (s *Store) AttachFile(ctx context.Context, id, path, by string) (Attachment, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return Attachment{}, err
	}
	src, err := os.Open(path)
	if err != nil {
		return Attachment{}, fmt.Errorf("attach to case %s: %w", id, err)
	}
	defer src.Close()
	if err := os.MkdirAll(s.attachDir, 0o700); err != nil {
		return Attachment{}, fmt.Errorf("attach to case %s: %w", id, err)
	}
	tmp, err := os.CreateTemp(s.attachDir, ".incoming-*")
	if err != nil {
		return Attachment{}, fmt.Errorf("attach to case %s: %w", id, err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("attach %s to case %s: %w", path, id, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), s.AttachmentPath(sum)); err != nil {
		return Attachment{}, fmt.Errorf("attach %s to case %s: %w", path, id, err)
	}
	if err := syncDir(s.attachDir); err != nil {
		return Attachment{}, fmt.Errorf("attach %s to case %s: %w", path, id, err)
	}
	source := path
	if abs, err := filepath.Abs(path); err == nil {
		source = abs
	}
	a := Attachment{Name: filepath.Base(path), SHA256: sum, Size: n, Source: "file://" + filepath.ToSlash(source), By: by}
	if err := s.Attach(ctx, id, a); err != nil {
		return Attachment{}, err
	}
	return a, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// escalationActivities are the two activities of an escalation of c at
// now: the escalation itself and the status change to waiting for the
// vendor.
func escalationActivities(c *Case, e Escalation, now time.Time) []Activity {
	esc := NewSystemText(MsgEscalated, "reproduced_on", e.ReproducedOn, "description", e.Description).Activity(KindEscalation, e.By)
	esc.ID, esc.At, esc.Ref = newActivityID(), now, e.ReproducedOn
	st := NewSystemText(MsgToVendor).Activity(KindStatus, e.By)
	st.ID, st.At, st.From, st.To = newActivityID(), now, string(c.Status), string(StatusWaitingVendor)
	return []Activity{esc, st}
}

// logActivity is the activity that records attachment a.
func logActivity(a Attachment) Activity {
	act := NewSystemText(MsgLogAttached, "name", a.Name, "size", strconv.FormatInt(a.Size, 10), "sha256", a.SHA256, "source", a.Source).Activity(KindLog, a.By)
	act.At, act.Ref = a.At, a.SHA256
	return act
}
