package kb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// crashDirEnv tells a re-executed test binary to act as the crash child.
const crashDirEnv = "WERKBANK_KB_CRASH_DIR"

// TestMain runs the crash child instead of the tests when the test binary
// is re-executed by TestKill9LosesNoSavedRevision.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		if err := crashChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild is the process that TestKill9LosesNoSavedRevision kills: it
// saves revisions in a loop and prints each one after Save returned.
func crashChild(dir string) error {
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{DB: db, IndexDir: filepath.Join(dir, "index")})
	if err != nil {
		return err
	}
	body := strings.Repeat("Zeile mit etwas Text über den Spooler und die Buchungsperiode.\n", 30)
	deadline := time.Now().Add(time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		id := fmt.Sprintf("crash-%d", i%40)
		a, err := s.Save(ctx, Article{ID: id, Title: "Absturz " + id, Body: fmt.Sprintf("%s\nSchritt %d", body, i)}, alice, "")
		if err != nil {
			return err
		}
		fmt.Printf("saved %s %d %d\n", a.ID, a.Rev, i)
	}
	return errors.Join(s.Close(), db.Close())
}

func TestKill9LosesNoSavedRevision(t *testing.T) {
	dir := t.TempDir()
	saved := map[string]int{} // id → highest revision reported saved
	steps := map[string]int{} // id → step of that revision
	for round, after := range []int{40, 150, 400} {
		cmd := exec.Command(os.Args[0])
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
