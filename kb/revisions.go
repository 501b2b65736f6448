package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Codes of the notes Werkbank writes itself (Revision.NoteCode), with
// their values (Revision.NoteArgs); the app shows them in its user's
// language, Note has the English text.
const (
	NoteImported = "imported" // source path
	NoteRestored = "restored" // revision number
	NoteStatus   = "status"   // old status, new status
)

// revNote is the note of a revision: its text and, for a note Werkbank
// writes, its code and values.
type revNote struct {
	text, code string
	args       []string
}

// Revision describes one saved version of an article.
type Revision struct {
	Rev  int
	At   time.Time
	By   string
	Note string
	// NoteCode and NoteArgs are set when Werkbank wrote the note (one of
	// the Note* codes).
	NoteCode string
	NoteArgs []string
	Status   Status
	Title    string
}

// revisionRecord is the value in bucketRevisions.
type revisionRecord struct {
	Seq    uint64    `json:"q"`
	At     time.Time `json:"t"`
	By     string    `json:"b"`
	Role   Role      `json:"r,omitempty"`
	Note   string    `json:"n,omitempty"`
	Code   string    `json:"c,omitempty"`
	Args   []string  `json:"x,omitempty"`
	Status Status    `json:"s"`
}

// History returns the revisions of article id, oldest first.
func (s *Store) History(ctx context.Context, id string) ([]Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	var out []Revision
	err := s.db.View(func(tx *bolt.Tx) error {
		if !hasArticle(tx, id) {
			return ErrNotFound
		}
		prefix := revPrefix(id)
		c := tx.Bucket(bucketRevisions).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+4; k, v = c.Next() {
			h, _, err := decodeHead(k, v)
			if err != nil {
				return err
			}
			a, err := getContent(tx, h.rec.Seq)
			if err != nil {
				return fmt.Errorf("revision %d: %w", h.Rev, err)
			}
			rev := Revision{Rev: h.Rev, At: h.rec.At, By: h.rec.By, Note: h.rec.Note,
				NoteCode: h.rec.Code, NoteArgs: h.rec.Args, Status: h.rec.Status, Title: a.Title}
			if h.rec.Code == "" {
				rev.NoteCode, rev.NoteArgs = legacyNote(h.rec.Note)
			}
			out = append(out, rev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	return out, nil
}

// Revision returns revision rev of article id as it was saved.
func (s *Store) Revision(ctx context.Context, id string, rev int) (Article, error) {
	if err := ctx.Err(); err != nil {
		return Article{}, fmt.Errorf("revision %d of %s: %w", rev, id, err)
	}
	var a Article
	err := s.db.View(func(tx *bolt.Tx) error {
		if rev < 1 {
			return ErrNotFound
		}
		v := tx.Bucket(bucketRevisions).Get(revKey(id, rev))
		if v == nil {
			return ErrNotFound
		}
		var r revisionRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode revision: %w", err)
		}
		var err error
		a, err = getContent(tx, r.Seq)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("revision %d of %s: %w", rev, id, err)
	}
	return a, nil
}

// Restore saves the content of revision rev of article id as a new
// revision. The article keeps its current status, so the role rules of
// Save apply as for any edit.
func (s *Store) Restore(ctx context.Context, id string, rev int, by User) (Article, error) {
	if rev < 1 {
		return Article{}, fmt.Errorf("restore revision %d of %s: %w", rev, id, ErrNotFound)
	}
	a, err := s.saveOne(ctx, saveOp{a: Article{ID: id}, note: revNote{fmt.Sprintf("restored revision %d", rev), NoteRestored, []string{strconv.Itoa(rev)}}, restore: rev}, by)
	if err != nil {
		return a, fmt.Errorf("restore revision %d of %s: %w", rev, id, err)
	}
	return a, nil
}

// prepareRestore prepares a Restore: the content of revision op.restore
// with the article's current status and reviewer, saved like any edit.
func prepareRestore(tx *bolt.Tx, op saveOp, by User, now time.Time) (Article, bool, bool, error) {
	k := revKey(op.a.ID, op.restore)
	v := tx.Bucket(bucketRevisions).Get(k)
	if v == nil {
		return Article{}, false, false, ErrNotFound
	}
	r, _, err := decodeHead(k, v)
	if err != nil {
		return Article{}, false, false, err
	}
	old, err := getContent(tx, r.rec.Seq)
	if err != nil {
		return Article{}, false, false, err
	}
	h, _, err := getHead(tx, op.a.ID)
	if err != nil {
		return Article{}, false, false, err
	}
	cur, err := getContent(tx, h.rec.Seq)
	if err != nil {
		return Article{}, false, false, err
	}
	old.Status, old.Reviewer = cur.Status, cur.Reviewer
	return prepare(tx, saveOp{a: old, note: op.note}, by, now)
}

// DiffLine is one line of a line diff: Op is ' ' (in both), '-' (only in
// the old text) or '+' (only in the new text).
type DiffLine struct {
	Op   byte
	Text string
}

// maxDiffEdits bounds the work of Diff: texts that differ in more lines are
// shown as the old middle removed and the new middle added.
const maxDiffEdits = 2000

// Diff returns a shortest line diff from old to new (Myers' algorithm).
func Diff(old, new string) []DiffLine {
	a, b := splitLines(old), splitLines(new)
	var pre, suf []DiffLine
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		pre = append(pre, DiffLine{' ', a[0]})
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		suf = append(suf, DiffLine{' ', a[len(a)-1]})
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	slices.Reverse(suf)
	out := append(pre, myers(a, b)...)
	return append(out, suf...)
}

// splitLines splits text into lines; a final line end does not start
// another line.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// myers diffs a and b, which share no first or last line.
func myers(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(a, b)
	}
	limit := min(n+m, maxDiffEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, slices.Clone(v[off-d:off+d+1]))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	return replaceAll(a, b)
}

// backtrack reads the edit path of length d out of Myers' trace.
func backtrack(a, b []string, trace [][]int, d int) []DiffLine {
	var out []DiffLine
	x, y := len(a), len(b)
	for ; d > 0; d-- {
		v := trace[d]
		at := func(k int) int { return v[k+d] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			out = append(out, DiffLine{' ', a[x-1]})
			x, y = x-1, y-1
		}
		if x == px {
			out = append(out, DiffLine{'+', b[py]})
		} else {
			out = append(out, DiffLine{'-', a[px]})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		out = append(out, DiffLine{' ', a[x-1]})
		x, y = x-1, y-1
	}
	slices.Reverse(out)
	return out
}

// replaceAll is the diff that removes all of a and adds all of b.
func replaceAll(a, b []string) []DiffLine {
	out := make([]DiffLine, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, DiffLine{'-', l})
	}
	for _, l := range b {
		out = append(out, DiffLine{'+', l})
	}
	return out
}

// Notes Werkbank wrote before they carried a code, in their exact form.
var (
	legacyImported = regexp.MustCompile(`^imported from (\S+\.md)$`)
	legacyRestored = regexp.MustCompile(`^restored revision ([0-9]+)$`)
	legacyStatus   = regexp.MustCompile(`^status ([a-z]+) → ([a-z]+)$`)
)

// legacyNote gives a note of an older record its code and values when it
// has exactly the form Werkbank wrote.
func legacyNote(note string) (string, []string) {
	if m := legacyImported.FindStringSubmatch(note); m != nil {
		return NoteImported, m[1:]
	}
	if m := legacyRestored.FindStringSubmatch(note); m != nil {
		return NoteRestored, m[1:]
	}
	if m := legacyStatus.FindStringSubmatch(note); m != nil && Status(m[1]).Valid() && Status(m[2]).Valid() {
		return NoteStatus, m[1:]
	}
	return "", nil
}
