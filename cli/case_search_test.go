package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// appServerLog writes an application-server log with a lock timeout whose
// numbers differ by seed.
func appServerLog(t *testing.T, seed int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "2026-05-04 08:%02d:%02d,%03d INFO  [BatchRunner] job %d step %d done\r\n", i/60, i%60, seed+i, 1000+seed+i, i)
		if i%5 == 0 {
			fmt.Fprintf(&b, "2026-05-04 08:%02d:%02d,%03d ERROR [MrpPlanner] Lock wait timeout exceeded on table mrp_plan row %d (session %d)\r\n", i/60, i%60, seed, 7000+seed*3+i, 40+seed+i)
		}
	}
	p := filepath.Join(t.TempDir(), fmt.Sprintf("server-%d.log", seed))
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCaseSearchAndSimilar(t *testing.T) {
	t.Setenv(UserEnvVar, "anna")
	data := t.TempDir()
	newCase := func(title, customer string) string {
		t.Helper()
		code, out, errOut := caseCLI(t, data, "new", "--title", title, "--customer", customer, "--priority", "2")
		if code != 0 {
			t.Fatalf("new: %s", errOut)
		}
		return strings.TrimSpace(out)
	}
	run := func(args ...string) string {
		t.Helper()
		code, out, errOut := caseCLI(t, data, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %q", args, code, errOut)
		}
		return out
	}
	old := newCase("Nachtlauf hängt", "Berger AG")
	run("attach", old, appServerLog(t, 1))
	run("status", old, "in_progress")
	run("analysis", old, "--cause", "Archivjob sperrt mrp_plan", "--solution", "Archivjob auf 02:00 verlegt")
	run("status", old, "solved", "--reason", "gelöst")
	other := newCase("Dispositionslauf bricht ab", "Kraus GmbH")
	run("status", other, "in_progress")
	run("status", other, "solved", "--reason", "Speicher erhöht")
	current := newCase("Planung steht", "Huber KG")
	run("attach", current, appServerLog(t, 2))

	var sim []struct {
		ID       string  `json:"id"`
		Score    float64 `json:"score"`
		Solution string  `json:"solution"`
		Shared   []struct {
			Text  string `json:"text"`
			Count int    `json:"count"`
		} `json:"shared_templates"`
	}
	out := run("similar", "--json", current)
	if err := json.Unmarshal([]byte(out), &sim); err != nil || len(sim) != 1 || sim[0].ID != old {
		t.Fatalf("similar --json: %v\n%s", err, out)
	}
	if sim[0].Solution != "Archivjob auf 02:00 verlegt" || len(sim[0].Shared) != 1 ||
		!strings.Contains(sim[0].Shared[0].Text, "Lock wait timeout exceeded on table mrp_plan") || sim[0].Shared[0].Count != 8 {
		t.Fatalf("similar case: %+v", sim[0])
	}
	if out := run("similar", current); !strings.Contains(out, old) || !strings.Contains(out, "solution: Archivjob auf 02:00 verlegt") || !strings.Contains(out, "same error: ") {
		t.Fatalf("similar:\n%s", out)
	}

	var res struct {
		Query string `json:"query"`
		Total int    `json:"total"`
		Hits  []struct {
			ID    string  `json:"id"`
			Title string  `json:"title"`
			Score float64 `json:"score"`
		} `json:"hits"`
	}
	out = run("search", "--json", "lock", "timeout")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Total != 2 || res.Query != "lock timeout" {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if out := run("search", "nachtlauf"); !strings.Contains(out, old) || strings.Contains(out, current) {
		t.Fatalf("search:\n%s", out)
	}
	if out := run("search", "--json", "Lagerbestand"); !strings.Contains(out, `"hits": []`) && !strings.Contains(out, `"hits":[]`) {
		t.Fatalf("search without hits:\n%s", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"similar", "C-1999-0042"}, 1, `case "C-1999-0042": not found`},
		{[]string{"similar"}, 2, "needs ID"},
		{[]string{"similar", "--limit", "0", current}, 2, "must be positive"},
		{[]string{"search"}, 2, "needs a QUERY"},
		{[]string{"search", ",;"}, 1, "no words"},
	} {
		before := dbBytes(t, data)
		code, _, errOut := caseCLI(t, data, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if !bytes.Equal(before, dbBytes(t, data)) {
			t.Errorf("%v changed the data", tc.args)
		}
	}
}
