package kb

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestHistoryRevisionRestore(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	bodies := []string{"eins\nzwei\ndrei", "eins\nZWEI\ndrei", "eins\ndrei\nvier"}
	var a Article
	for i, b := range bodies {
		var err error
		a.ID, a.Title, a.Body = "kb-7", "Titel "+itoa(i+1), b
		if a, err = s.Save(ctx, a, alice, "edit "+itoa(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History(ctx, "kb-7")
	if err != nil || len(h) != 3 {
		t.Fatalf("History = %+v, %v", h, err)
	}
	for i, r := range h {
		if r.Rev != i+1 || r.By != "alice" || r.Note != "edit "+itoa(i+1) || r.Title != "Titel "+itoa(i+1) || r.Status != StatusDraft || r.At.IsZero() {
			t.Fatalf("revision %d = %+v", i+1, r)
		}
		if i > 0 && !r.At.After(h[i-1].At) {
			t.Fatalf("history not oldest first: %+v", h)
		}
	}
	r1, err := s.Revision(ctx, "kb-7", 1)
	if err != nil || r1.Body != bodies[0] || r1.Rev != 1 || r1.Title != "Titel 1" {
		t.Fatalf("Revision 1 = %+v, %v", r1, err)
	}
	restored, err := s.Restore(ctx, "kb-7", 1, alice)
	if err != nil || restored.Rev != 4 || restored.Body != bodies[0] || restored.Title != "Titel 1" {
		t.Fatalf("Restore = %+v, %v", restored, err)
	}
	h, _ = s.History(ctx, "kb-7")
	if len(h) != 4 || h[3].Note != "restored revision 1" || h[3].NoteCode != NoteRestored || len(h[3].NoteArgs) != 1 || h[3].NoteArgs[0] != "1" {
		t.Fatalf("history after restore = %+v", h)
	}
	if h[0].NoteCode != "" { // a user's note has no code
		t.Fatalf("user note with a code: %+v", h[0])
	}
	cur, _ := s.Get(ctx, "kb-7")
	if cur.Rev != 4 || cur.Body != bodies[0] {
		t.Fatalf("current after restore = %+v", cur)
	}
	// Every old revision is still readable as it was.
	if r3, err := s.Revision(ctx, "kb-7", 3); err != nil || r3.Body != bodies[2] {
		t.Fatalf("Revision 3 = %+v, %v", r3, err)
	}
	for _, rev := range []int{0, 5, -1} {
		if _, err := s.Revision(ctx, "kb-7", rev); !errors.Is(err, ErrNotFound) {
			t.Errorf("Revision(%d) = %v", rev, err)
		}
	}
	for _, c := range []struct {
		id  string
		rev int
	}{{"kb-7", 99}, {"kb-7", 0}, {"nope", 1}} {
		if _, err := s.Restore(ctx, c.id, c.rev, alice); !errors.Is(err, ErrNotFound) {
			t.Errorf("Restore(%s, %d) = %v", c.id, c.rev, err)
		}
	}
	// Restoring keeps the current status, so the role rules of an edit
	// apply: a specialist cannot change a published article in place.
	if _, err := s.SetStatus(ctx, "kb-7", StatusPublished, lead, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Restore(ctx, "kb-7", 2, alice); !errors.Is(err, ErrForbidden) {
		t.Errorf("specialist restores into a published article: %v", err)
	}
	if r, err := s.Restore(ctx, "kb-7", 2, lead); err != nil || r.Status != StatusPublished || r.Body != bodies[1] || r.Rev != 6 {
		t.Errorf("lead restores: %+v, %v", r, err)
	}
	if _, err := s.History(ctx, "kb"); !errors.Is(err, ErrNotFound) {
		t.Errorf("History of an unknown id (a prefix of another) = %v", err)
	}
	// A history must not pick up revisions of an id that extends this one.
	if _, err := s.Save(ctx, Article{ID: "kb-7x", Title: "x"}, alice, ""); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.History(ctx, "kb-7"); len(h) != 6 {
		t.Fatalf("history of kb-7 has %d entries", len(h))
	}
}

func TestReviewWorkflow(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, t.TempDir())
	if _, err := s.Save(ctx, Article{ID: "wf", Title: "Workflow", Body: "v1"}, alice, ""); err != nil {
		t.Fatal(err)
	}
	step := func(id string, to Status, by User, want error) Article {
		t.Helper()
		got, err := s.SetStatus(ctx, id, to, by, "")
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Fatalf("%s sets %s: %v, want %v", by.Name, to, err, want)
		}
		return got
	}
	step("wf", StatusReview, alice, nil)
	step("wf", StatusReview, alice, ErrInvalid)
	step("wf", StatusPublished, alice, ErrForbidden)
	step("wf", "gone", lead, ErrInvalid)
	step("nope", StatusReview, alice, ErrNotFound)
	p := step("wf", StatusPublished, lead, nil)
	if p.Status != StatusPublished || p.Reviewer != "lena" || p.Author != "alice" || p.Rev != 3 {
		t.Fatalf("published = %+v", p)
	}
	// A specialist may not change a published article in place ...
	p.Body = "v2"
	if _, err := s.Save(ctx, p, alice, ""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("specialist edits published in place: %v", err)
	}
	// ... but may propose the change for review.
	p.Status = StatusReview
	if r, err := s.Save(ctx, p, alice, "fix"); err != nil || r.Status != StatusReview || r.Body != "v2" {
		t.Fatalf("specialist proposes change: %+v, %v", r, err)
	}
	step("wf", StatusPublished, lead, nil)
	step("wf", StatusArchived, alice, ErrForbidden)
	step("wf", StatusArchived, lead, nil)
	step("wf", StatusDraft, alice, ErrForbidden)
	d := step("wf", StatusDraft, admin, nil)
	if d.Status != StatusDraft {
		t.Fatalf("back to draft: %+v", d)
	}
	h, _ := s.History(ctx, "wf")
	want := []Status{StatusDraft, StatusReview, StatusPublished, StatusReview, StatusPublished, StatusArchived, StatusDraft}
	if len(h) != len(want) {
		t.Fatalf("history %+v", h)
	}
	for i, r := range h {
		if r.Status != want[i] {
			t.Fatalf("revision %d status %s, want %s", i+1, r.Status, want[i])
		}
	}
	if h[2].Note != "status review → published" || h[2].By != "lena" || h[2].NoteCode != NoteStatus ||
		len(h[2].NoteArgs) != 2 || h[2].NoteArgs[0] != "review" || h[2].NoteArgs[1] != "published" {
		t.Fatalf("publish revision = %+v", h[2])
	}
}

func TestDiff(t *testing.T) {
	render := func(d []DiffLine) string {
		var b strings.Builder
		for _, l := range d {
			b.WriteByte(l.Op)
			b.WriteString(l.Text)
			b.WriteByte('|')
		}
		return b.String()
	}
	cases := []struct{ old, new, want string }{
		{"", "", ""},
		{"a\nb\n", "a\nb", " a| b|"},
		{"", "a", "+a|"},
		{"a", "", "-a|"},
		{"a\nb\nc", "a\nx\nc", " a|-b|+x| c|"},
		{"a\nb\nc\nd", "a\nc\nd\ne", " a|-b| c| d|+e|"},
		{"x\na\nb", "a\nb\ny", "-x| a| b|+y|"},
	}
	for _, c := range cases {
		if got := render(Diff(c.old, c.new)); got != c.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", c.old, c.new, got, c.want)
		}
	}
	// Property: the diff rebuilds both texts and keeps every common line
	// of a longest common subsequence.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		a, b := randLines(rng), randLines(rng)
		d := Diff(strings.Join(a, "\n"), strings.Join(b, "\n"))
		var olds, news []string
		same := 0
		for _, l := range d {
			if l.Op != '+' {
				olds = append(olds, l.Text)
			}
			if l.Op != '-' {
				news = append(news, l.Text)
			}
			if l.Op == ' ' {
				same++
			}
		}
		if strings.Join(olds, "\n") != strings.Join(a, "\n") || strings.Join(news, "\n") != strings.Join(b, "\n") {
			t.Fatalf("Diff(%q, %q) = %q does not rebuild the texts", a, b, render(d))
		}
		if want := lcs(a, b); same != want {
			t.Fatalf("Diff(%q, %q) keeps %d lines, the longest common subsequence has %d", a, b, same, want)
		}
	}
}

func randLines(rng *rand.Rand) []string {
	n := rng.IntN(12) + 1
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a' + rng.IntN(4)))
	}
	return out
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func TestDiffLargeTextsStayBounded(t *testing.T) {
	var a, b strings.Builder
	for i := range 6000 {
		a.WriteString("alt " + itoa(i) + "\n")
		b.WriteString("neu " + itoa(i) + "\n")
	}
	d := Diff(a.String(), b.String())
	if len(d) != 12000 || d[0].Op != '-' || d[11999].Op != '+' {
		t.Fatalf("diff of two different texts has %d lines", len(d))
	}
}

func TestLegacyNotes(t *testing.T) {
	// Records from before notes carried a code get it when the note has
	// exactly the form Werkbank wrote; a user's note keeps none.
	for note, want := range map[string]string{
		"imported from erp/drucker.md":   NoteImported,
		"restored revision 12":           NoteRestored,
		"status review → published":      NoteStatus,
		"status nonsense → published":    "",
		"restored revision after review": "",
		"imported from the old wiki":     "",
	} {
		if code, _ := legacyNote(note); code != want {
			t.Errorf("%q: code %q, want %q", note, code, want)
		}
	}
}
