package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// caseCLI runs "werkbank --data data case args…".
func caseCLI(t *testing.T, data string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"--data", data, "case"}, args...), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// dbBytes returns the bbolt file's content, to prove that nothing changed.
func dbBytes(t *testing.T, data string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "werkbank.db"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCaseCommandLine(t *testing.T) {
	t.Setenv(UserEnvVar, "anna")
	data := t.TempDir()
	code, out, errOut := caseCLI(t, data, "new", "--title", "Archivlauf PRN-4410", "--customer", "Huber KG", "--priority", "2", "--system", "prt01", "--product", "ERPplus 8.0")
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("new: exit %d %q %q", code, out, errOut)
	}
	id := strings.TrimSpace(out)
	if code, _, errOut := caseCLI(t, data, "new", "--title", "Zweiter", "--customer", "Kraus", "--priority", "1", "--contract", "Premium 24/7"); code != 0 {
		t.Fatalf("new premium: %s", errOut)
	}

	code, out, _ = caseCLI(t, data, "list", "--json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 {
		t.Fatalf("list --json: exit %d %q", code, out)
	}
	for _, it := range list {
		for _, k := range []string{"id", "due", "state", "remaining", "remaining_seconds", "priority", "status"} {
			if _, ok := it[k]; !ok {
				t.Fatalf("list item lacks %q: %v", k, it)
			}
		}
	}
	// The emergency with 30 minutes to react comes first.
	if list[0]["priority"].(float64) != 1 {
		t.Fatalf("list not sorted by due time: %v", list)
	}
	if code, out, _ := caseCLI(t, data, "list"); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "DUE") {
		t.Fatalf("list: %q", out)
	}

	steps := [][]string{
		{"note", id, "Log", "angefordert"},
		{"note", "--kind", "call", id, "Rückruf beim Kunden"},
		{"note", id, "--", "-5 °C im Lager, Scanner fallen aus"},
		{"status", id, "in-progress"},
		{"priority", id, "1", "--reason", "Rechnungen können nicht archiviert werden, Prüfung steht an"},
	}
	for _, s := range steps {
		if code, out, errOut := caseCLI(t, data, s...); code != 0 {
			t.Fatalf("%v: exit %d %q %q", s, code, out, errOut)
		}
	}
	code, out, _ = caseCLI(t, data, "show", "--json", id)
	var show struct {
		Case struct {
			Priority   int
			Status     string
			Activities []map[string]any
		}
		SLA struct {
			Reaction   map[string]any
			Resolution map[string]any
		}
		PriorityHistory []map[string]any `json:"priority_history"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &show) != nil {
		t.Fatalf("show --json: exit %d %q", code, out)
	}
	if show.Case.Priority != 1 || show.Case.Status != "in_progress" || len(show.Case.Activities) != 6 || len(show.PriorityHistory) != 2 {
		t.Fatalf("show: %+v", show)
	}
	if show.SLA.Reaction["done_at"] == nil || show.SLA.Resolution["state"] == nil || show.SLA.Resolution["due"] == nil {
		t.Fatalf("show lacks the SLA clocks: %+v", show.SLA)
	}
	if code, out, _ := caseCLI(t, data, "show", id); code != 0 || !strings.Contains(out, "## Priority history") || !strings.Contains(out, "Prüfung steht an") {
		t.Fatalf("show: %q", out)
	}

	// Escalation is refused until the checklist is complete, and names what is missing.
	before := dbBytes(t, data)
	code, _, errOut = caseCLI(t, data, "escalate", id, "--reproduced-on", "ERPplus 8.0.2.1144 Demo")
	if code != 1 || !strings.Contains(errOut, "exact description of the error") || !strings.Contains(errOut, "logs attached") {
		t.Fatalf("incomplete escalation: exit %d %q", code, errOut)
	}
	if !bytes.Equal(before, dbBytes(t, data)) {
		t.Fatal("a refused escalation changed the data")
	}
	logFile := filepath.Join(t.TempDir(), "printsrv.log")
	if err := os.WriteFile(logFile, []byte("ERROR PRN-4410 Access is denied\nlogin user=svc password=Sommer2026!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := caseCLI(t, data, "attach", id, logFile); code != 0 || !strings.Contains(out, "printsrv.log") {
		t.Fatalf("attach: %d %q %q", code, out, errOut)
	}
	code, out, errOut = caseCLI(t, data, "escalate", id, "--reproduced-on", "ERPplus 8.0.2.1144 Demo",
		"--description", "Archivlauf bricht mit PRN-4410 ab", "--done", "Berechtigungen geprüft", "--finding", "tritt auch im Demosystem auf")
	if code != 0 || !strings.Contains(out, "escalated") {
		t.Fatalf("escalate: %d %q %q", code, out, errOut)
	}

	bundle := filepath.Join(t.TempDir(), "bundle.zip")
	if code, out, errOut := caseCLI(t, data, "bundle", id, bundle); code != 0 || !strings.Contains(out, "logs/printsrv.log") {
		t.Fatalf("bundle: %d %q %q", code, out, errOut)
	}
	zr, err := zip.OpenReader(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		if strings.Contains(b.String(), "Sommer2026!") {
			t.Errorf("%s holds the password", f.Name)
		}
		if f.Name == "report.md" && !strings.Contains(b.String(), "No audit logs") {
			t.Errorf("report does not say that there are no audit logs")
		}
	}
	zr.Close()
	if strings.Join(names, " ") != "logs/printsrv.log report.md report.html SHA256SUMS" {
		t.Fatalf("bundle holds %v", names)
	}
	// An existing output path is refused and left alone.
	zipBefore, _ := os.ReadFile(bundle)
	if code, _, errOut := caseCLI(t, data, "bundle", id, bundle); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("bundle onto an existing file: %d %q", code, errOut)
	}
	if zipAfter, _ := os.ReadFile(bundle); !bytes.Equal(zipBefore, zipAfter) {
		t.Fatal("the existing bundle was changed")
	}

	// Fix delivery.
	if code, out, errOut := caseCLI(t, data, "fix", "add", "--id", "BF-77", "--version", "8.0.2.1150", "--case", id); code != 0 || !strings.Contains(out, "1 customers") {
		t.Fatalf("fix add: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := caseCLI(t, data, "fix", "deliver", "BF-77", "Huber KG"); code != 0 || !strings.Contains(out, "fix done: true") {
		t.Fatalf("fix deliver: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := caseCLI(t, data, "mail", id, "fix_delivered", "--lang", "en"); code != 0 || !strings.Contains(out, "BF-77") {
		t.Fatalf("mail: %d %q %q", code, out, errOut)
	}
}

func TestCaseBadInput(t *testing.T) {
	t.Setenv(UserEnvVar, "anna")
	data := t.TempDir()
	code, out, _ := caseCLI(t, data, "new", "--title", "T", "--customer", "K", "--priority", "3")
	if code != 0 {
		t.Fatal("new failed")
	}
	id := strings.TrimSpace(out)
	existing := filepath.Join(t.TempDir(), "exists.zip")
	if err := os.WriteFile(existing, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"show", "C-1999-0042"}, 1, `case "C-1999-0042": not found`},
		{[]string{"note", "C-1999-0042", "x"}, 1, "not found"},
		{[]string{"new", "--title", "T", "--customer", "K", "--priority", "7"}, 1, "use 1 (emergency)"},
		{[]string{"new", "--title", "T", "--customer", "K", "--priority", "2", "--contract", "Gold"}, 1, `contract "Gold": not found`},
		{[]string{"new", "--title", "T"}, 2, "needs --title, --customer and --priority"},
		{[]string{"status", id, "erledigt"}, 1, "use one of new, in_progress"},
		{[]string{"status", id, "waiting_vendor"}, 1, "needs an escalation"},
		{[]string{"priority", id, "0", "--reason", "x"}, 1, "use 1 (emergency)"},
		{[]string{"priority", id, "2"}, 2, "needs --reason"},
		{[]string{"note", "--kind", "gossip", id, "x"}, 1, "activity kind"},
		{[]string{"escalate", id}, 1, "checklist is incomplete"},
		{[]string{"bundle", id, existing}, 1, "already exists"},
		{[]string{"bundle", id}, 2, "needs ID OUT.zip"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"list", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"fix", "deliver", "BF-0", "K"}, 1, `fix "BF-0": not found`},
		{[]string{"mail", id, "goodbye"}, 1, "message template"},
	}
	for _, tc := range tests {
		before := dbBytes(t, data)
		code, _, errOut := caseCLI(t, data, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if !bytes.Equal(before, dbBytes(t, data)) {
			t.Errorf("%v changed the data", tc.args)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep" {
		t.Fatal("existing bundle path was overwritten")
	}
	if code, _, _ := caseCLI(t, data, "new", "--help"); code != 0 {
		t.Fatal("--help does not exit 0")
	}
}

func TestCaseDemoAndHolidays(t *testing.T) {
	data := t.TempDir()
	if code, out, errOut := caseCLI(t, data, "demo"); code != 0 || !strings.Contains(out, "imported 16 demo cases") {
		t.Fatalf("demo: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := caseCLI(t, data, "demo"); code != 1 || !strings.Contains(errOut, "already has cases") {
		t.Fatalf("second demo: %d %q", code, errOut)
	}
	if code, out, _ := caseCLI(t, data, "holidays", "2026", "--bundesland", "BY"); code != 0 || !strings.Contains(out, "2026-06-04  Fronleichnam") {
		t.Fatalf("holidays: %q", out)
	}
	if code, out, _ := caseCLI(t, data, "report"); code != 0 || !strings.Contains(out, "ERPplus 8.0 Disposition") || !strings.Contains(out, "Open cases by age") {
		t.Fatalf("report: %q", out)
	}
	var rep struct {
		Open        int `json:"open"`
		Escalations []struct{ Product string }
	}
	if code, out, _ := caseCLI(t, data, "report", "--json"); code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Open == 0 || len(rep.Escalations) != 2 {
		t.Fatalf("report --json: %q", out)
	}
	if code, out, _ := caseCLI(t, data, "contract", "list"); code != 0 || !strings.Contains(out, "Premium 24/7") {
		t.Fatalf("contract list: %q", out)
	}
}

func TestCaseDraftAndContract(t *testing.T) {
	t.Setenv(UserEnvVar, "lea")
	data := t.TempDir()
	_, out, _ := caseCLI(t, data, "new", "--title", "Archivlauf PRN-4410", "--customer", "Huber KG", "--priority", "2", "--description", "Archivlauf: Access denied")
	id := strings.TrimSpace(out)
	if code, _, errOut := caseCLI(t, data, "draft", id); code != 1 || !strings.Contains(errOut, "only a solved or closed case") {
		t.Fatalf("draft of an open case: %d %q", code, errOut)
	}
	for _, s := range [][]string{
		{"analysis", id, "--cause", "Dienstkonto ohne Schreibrecht"},
		{"status", id, "solved", "--reason", "Schreibrecht vergeben"},
	} {
		if code, _, errOut := caseCLI(t, data, s...); code != 0 {
			t.Fatalf("%v: %q", s, errOut)
		}
	}
	code, out, errOut := caseCLI(t, data, "draft", id)
	if code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("draft: %d %q %q", code, out, errOut)
	}
	articleID := strings.TrimSpace(out)
	_, out, _ = caseCLI(t, data, "show", "--json", id)
	if !strings.Contains(out, `"articles":["`+articleID+`"]`) {
		t.Fatalf("case does not link the article %s: %s", articleID, out)
	}

	// Contracts: a new one is stored; a broken one is refused, nothing changed.
	dir := t.TempDir()
	good := filepath.Join(dir, "gold.json")
	if err := os.WriteFile(good, []byte(`{"name":"Gold","hours":"mon-fri 07:00-18:00","bundesland":"NW","targets":{"1":{"reaction":"30m","resolution":"4h","all_hours":true},"2":{"reaction":"2h","resolution":"16h"},"3":{"reaction":"4h","resolution":"40h"},"4":{"reaction":"8h","resolution":"80h"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := caseCLI(t, data, "contract", "set", good); code != 0 || !strings.Contains(out, "Gold") {
		t.Fatalf("contract set: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := caseCLI(t, data, "new", "--title", "T", "--customer", "K", "--priority", "1", "--contract", "Gold"); code != 0 {
		t.Fatalf("new with the new contract: %q", errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":"Blech","hours":"mon-fri 17:00-08:00","targets":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	before := dbBytes(t, data)
	if code, _, errOut := caseCLI(t, data, "contract", "set", bad); code != 1 || !strings.Contains(errOut, "service window") {
		t.Fatalf("bad contract: %d %q", code, errOut)
	}
	if !bytes.Equal(before, dbBytes(t, data)) {
		t.Fatal("a refused contract changed the data")
	}
}
