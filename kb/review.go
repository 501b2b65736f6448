package kb

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The review workflow. Articles move between the four statuses freely, but
// the role decides who may do what:
//
//   - anyone may write drafts and send them to review (or back to draft);
//   - only a role that may publish (team lead, admin) may save an article
//     as published or archived, or bring one back from the archive.
//
// A specialist who edits a published article therefore saves it as draft
// or review, and a team lead publishes it again.

// ErrInvalid reports an article that cannot be saved as it is.
var ErrInvalid = errors.New("invalid article")

// checkRole reports whether by may move an article from status from ("" for
// a new article) to status to.
func checkRole(from, to Status, by User) error {
	if by.Role.CanPublish() {
		return nil
	}
	switch {
	case to == StatusPublished:
		return fmt.Errorf("%s (%s) may not publish: %w", by.Name, roleName(by.Role), ErrForbidden)
	case to == StatusArchived:
		return fmt.Errorf("%s (%s) may not archive: %w", by.Name, roleName(by.Role), ErrForbidden)
	case from == StatusArchived:
		return fmt.Errorf("%s (%s) may not bring an article back from the archive: %w", by.Name, roleName(by.Role), ErrForbidden)
	}
	return nil
}

func roleName(r Role) string {
	if r == "" {
		return "no role"
	}
	return string(r)
}

// prepare validates op against the current head of its article and fills
// in what the store decides: id, status, author, reviewer, creation time,
// revision. changed is false when op.onlyIfChanged is set and the content
// equals the current revision.
func prepare(tx *bolt.Tx, op saveOp, by User, now time.Time) (a Article, added, changed bool, err error) {
	a = op.a
	normalize(&a)
	if a.ID == "" {
		if a.ID, err = newID(tx, a.Title); err != nil {
			return a, false, false, err
		}
	} else if !ValidID(a.ID) {
		return a, false, false, fmt.Errorf("id %q: use 1 to %d letters, digits, '.', '_' or '-', starting with a letter or digit: %w", a.ID, maxIDLen, ErrInvalid)
	}
	if a.Title == "" {
		return a, false, false, fmt.Errorf("article %s has no title: %w", a.ID, ErrInvalid)
	}
	if a.Status != "" && !a.Status.Valid() {
		return a, false, false, fmt.Errorf("status %q is not one of draft, review, published, archived: %w", a.Status, ErrInvalid)
	}
	h, exists, err := getHead(tx, a.ID)
	if err != nil {
		return a, false, false, err
	}
	var from Status
	var cur Article
	if exists {
		if cur, err = getContent(tx, h.rec.Seq); err != nil {
			return a, false, false, fmt.Errorf("article %s: %w", a.ID, err)
		}
		from = cur.Status
		if a.Status == "" {
			a.Status = cur.Status
		}
		if a.Author == "" {
			a.Author = cur.Author
		}
		if a.Reviewer == "" {
			a.Reviewer = cur.Reviewer
		}
		a.Created = cur.Created
		a.Rev = h.Rev
	} else {
		if a.Status == "" {
			a.Status = StatusDraft
		}
		if a.Author == "" {
			a.Author = by.Name
		}
		if a.Created.IsZero() {
			a.Created = now
		}
		a.Rev = 0
	}
	if err := checkRole(from, a.Status, by); err != nil {
		return a, false, false, err
	}
	if a.Status == StatusPublished && from != StatusPublished && (op.a.Reviewer == "" || op.a.Reviewer == cur.Reviewer) {
		a.Reviewer = by.Name
	}
	if exists && op.onlyIfChanged {
		if sameContent(a, cur) {
			return cur, false, false, nil
		}
	}
	return a, !exists, true, nil
}

// prepareStatus prepares a SetStatus: the current revision with the new
// status op.a.Status, and the publisher as reviewer.
func prepareStatus(tx *bolt.Tx, op saveOp, by User, _ time.Time) (a Article, added, changed bool, err error) {
	h, exists, err := getHead(tx, op.a.ID)
	if err != nil {
		return a, false, false, err
	}
	if !exists {
		return a, false, false, ErrNotFound
	}
	cur, err := getContent(tx, h.rec.Seq)
	if err != nil {
		return a, false, false, err
	}
	to := op.a.Status
	if cur.Status == to {
		return a, false, false, fmt.Errorf("it is %s already: %w", to, ErrInvalid)
	}
	if err := checkRole(cur.Status, to, by); err != nil {
		return a, false, false, err
	}
	a = cur
	a.Status = to
	if to == StatusPublished {
		a.Reviewer = by.Name
	}
	return a, false, true, nil
}

// SetStatus moves article id to status to as a new revision (the review
// workflow: send to review, publish, archive, back to draft), in one
// transaction with the check of the current status. Publishing, archiving
// and leaving the archive need a role that may publish, else the error
// wraps ErrForbidden. Publishing records by as the reviewer. An empty note
// becomes "status <from> → <to>".
func (s *Store) SetStatus(ctx context.Context, id string, to Status, by User, note string) (Article, error) {
	if !to.Valid() {
		return Article{}, fmt.Errorf("set status of %s: %q is not one of draft, review, published, archived: %w", id, to, ErrInvalid)
	}
	a, err := s.saveOne(ctx, saveOp{a: Article{ID: id, Status: to}, note: revNote{text: note}, statusOnly: true}, by)
	if err != nil {
		return a, fmt.Errorf("set status of %s to %s: %w", id, to, err)
	}
	return a, nil
}
