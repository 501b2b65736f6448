package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"werkbank/cases"
)

// lockLog writes an application-server log with lock timeouts whose
// numbers differ by seed.
func lockLog(t *testing.T, seed int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "2026-05-04 08:00:%02d,%03d INFO  [BatchRunner] job %d done\n", i, seed, 900+seed*7+i)
		if i%3 == 0 {
			fmt.Fprintf(&b, "2026-05-04 08:00:%02d,%03d ERROR [Planner] Lock wait timeout exceeded on table mrp_plan row %d\n", i, seed, 5000+seed*13+i)
		}
	}
	p := filepath.Join(t.TempDir(), fmt.Sprintf("app-%d.log", seed))
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCaseDetailShowsSimilarSolvedCases(t *testing.T) {
	h, s := casesHarness(t)
	ctx := context.Background()
	st := h.u.cases
	old, err := st.Create(ctx, cases.NewCase{Title: "Nachtlauf hängt", Customer: "Kunz Logistik", Priority: cases.PriorityHigh, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AttachFile(ctx, old.ID, lockLog(t, 1), "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAnalysis(ctx, old.ID, "Archivjob sperrt mrp_plan", "Archivjob auf 02:00 verlegt", "tester"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStatus(ctx, old.ID, cases.StatusSolved, "", "tester"); err != nil {
		t.Fatal(err)
	}
	cur, err := st.Create(ctx, cases.NewCase{Title: "Planungslauf steht seit heute", Customer: "Kunz Logistik", Priority: cases.PriorityHigh, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AttachFile(ctx, cur.ID, lockLog(t, 2), "tester"); err != nil {
		t.Fatal(err)
	}
	s.reload()
	h.wait("the new case in the list", func() bool {
		for _, it := range s.items {
			if it.ID == cur.ID {
				return true
			}
		}
		return false
	})
	selectCase(h, s, "Planungslauf steht")
	// The logs are read in the background; then the solved case with the
	// same error shows with its solution.
	h.wait("the similar solved case", func() bool {
		return len(s.similar) > 0 && s.similar[0].ID == old.ID && len(s.similar[0].Shared) == 1
	})
	txt := strings.Join(texts(s.simBox), " ")
	for _, want := range []string{"Errors in the logs of this case:\n10× Lock wait timeout exceeded", old.ID, "Solution: Archivjob auf 02:00 verlegt", "Same error in the logs (10×): Lock wait timeout exceeded on table mrp_plan row"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("similar tab lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(s.simTab.Text, fmt.Sprintf("(%d)", len(s.similar))) {
		t.Fatalf("tab title %q", s.simTab.Text)
	}
	s.tabs.SelectIndex(1)
	// Its title opens it, although only open cases are listed.
	var open *widget.Button
	for _, o := range s.simBox.Objects {
		for _, b := range buttons(o) {
			if strings.HasPrefix(b.Text, old.ID) {
				open = b
			}
		}
	}
	if open == nil {
		t.Fatal("no button opens the similar case")
	}
	test.Tap(open)
	h.wait("the similar case opened", func() bool { return s.cur != nil && s.cur.ID == old.ID })

	// Enter in the filter searches everything, the logs' errors too.
	s.filter.SetText("lock timeout")
	s.filter.OnSubmitted(s.filter.Text)
	h.wait("the search hits", func() bool {
		return len(s.items) == 2 && strings.Contains(s.count.Text, "2 cases found")
	})
}

// buttons returns the buttons in o and its containers.
func buttons(o fyne.CanvasObject) []*widget.Button {
	switch o := o.(type) {
	case *widget.Button:
		return []*widget.Button{o}
	case *fyne.Container:
		var out []*widget.Button
		for _, c := range o.Objects {
			out = append(out, buttons(c)...)
		}
		return out
	}
	return nil
}
