package kb

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// crashDirEnv tells a re-executed test binary to act as the crash child.
const crashDirEnv = "WERKBANK_KB_CRASH_DIR"

// TestCrashChild is the process that TestKill9LosesNoSavedRevision kills:
// it saves revisions in a loop and prints each one after Save returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestKill9LosesNoSavedRevision")
	}
	s := openTestStore(t, dir)
	ctx := context.Background()
	body := strings.Repeat("Zeile mit etwas Text über den Spooler und die Buchungsperiode.\n", 30)
	deadline := time.Now().Add(time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		id := fmt.Sprintf("crash-%d", i%40)
		a, err := s.Save(ctx, Article{ID: id, Title: "Absturz " + id, Body: fmt.Sprintf("%s\nSchritt %d", body, i)}, alice, "")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("saved %s %d %d\n", a.ID, a.Rev, i)
	}
}

func TestKill9LosesNoSavedRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	saved := map[string]int{} // id → highest revision reported saved
	steps := map[string]int{} // id → step of that revision
	for round, after := range []int{40, 150, 400} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		n := 0
		for sc.Scan() {
			var id string
			var rev, step int
			if _, err := fmt.Sscanf(sc.Text(), "saved %s %d %d", &id, &rev, &step); err != nil {
				continue
			}
			saved[id], steps[id] = rev, step
			n++
			if n == after {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
			}
		}
		_ = cmd.Wait() // killed: the exit status is the signal
		if n < after {
			t.Fatalf("round %d: the child saved only %d revisions before it ended", round, n)
		}
		s := openTestStore(t, dir)
		ctx := context.Background()
		for id, rev := range saved {
			a, err := s.Get(ctx, id)
			if err != nil {
				t.Fatalf("round %d: saved article %s lost: %v", round, id, err)
			}
			if a.Rev < rev {
				t.Fatalf("round %d: %s is at revision %d, but revision %d was reported saved", round, id, a.Rev, rev)
			}
			r, err := s.Revision(ctx, id, rev)
			if err != nil || !strings.HasSuffix(r.Body, fmt.Sprintf("Schritt %d", steps[id])) {
				t.Fatalf("round %d: revision %d of %s: %v", round, rev, id, err)
			}
		}
		if got, want := s.docCount(t), uint64(len(saved)); got < want {
			t.Fatalf("round %d: index holds %d articles after reopening, want at least %d", round, got, want)
		}
		if s.ix.appliedSeq() != s.seq(t) {
			t.Fatalf("round %d: index at %d, store at %d", round, s.ix.appliedSeq(), s.seq(t))
		}
		s.close()
	}
}
