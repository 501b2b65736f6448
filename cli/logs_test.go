package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogsCommandLine(t *testing.T) {
	t.Setenv(UserEnvVar, "tester")
	data := t.TempDir()
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 60; i++ {
		switch {
		case i%10 == 0:
			fmt.Fprintf(&b, "2026-11-27 %02d:%02d:00,000 ERROR [w-%d] de.acme.fibu.Buchung - SPOOL-0815 Druckauftrag %d hängt im Spooler\r\n", 10+i/60, i%60, i%3, 4000+i)
		default:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:00,000 INFO  [w-%d] de.acme.session.Manager - Anmeldung Benutzer U%d erfolgreich\r\n", i%60, i%3, i)
		}
	}
	b.WriteString("2026-11-27 11:00:00,000 INFO  [w-1] de.acme.session.Manager - Anmeldung Benutzer X9 erfolgreich") // no final newline
	logPath := filepath.Join(dir, "app.log")
	if err := os.WriteFile(logPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, data, "", "logs", "parse", "--json", logPath)
	if code != 0 {
		t.Fatalf("parse: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 61 {
		t.Fatalf("parse printed %d lines for 61 input lines", len(lines))
	}
	ids := map[string]string{}
	for i, l := range lines {
		var r struct {
			Line       int    `json:"line"`
			TemplateID string `json:"template_id"`
			Template   string `json:"template"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d %q: %v", i+1, l, err)
		}
		if r.Line != i+1 || r.TemplateID == "" {
			t.Fatalf("line %d: %+v", i+1, r)
		}
		if prev, ok := ids[r.Template]; ok && prev != r.TemplateID {
			t.Errorf("template %q has ids %s and %s", r.Template, prev, r.TemplateID)
		}
		ids[r.Template] = r.TemplateID
	}
	if len(ids) != 2 || ids["Anmeldung Benutzer <*> erfolgreich"] == "" || ids["SPOOL-0815 Druckauftrag <*> hängt im Spooler"] == "" {
		t.Errorf("templates %v", ids)
	}
	if !strings.HasPrefix(lines[0], `{"line":1,"template_id":"`) {
		t.Errorf("JSON field order: %s", lines[0])
	}

	code, out, errOut = runCLI(t, data, "", "logs", "summary", logPath)
	if code != 0 || !strings.Contains(out, "61 lines, 2 templates") || !strings.Contains(out, "55     INFO") ||
		!strings.Contains(out, "2026-11-27 10:10:00  2026-11-27 11:00:00  ") {
		t.Errorf("summary: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, data, "", "logs", "summary", "--json", logPath)
	var s struct {
		Lines     int `json:"lines"`
		Templates []struct {
			ID    string `json:"template_id"`
			Count int    `json:"count"`
			Level string `json:"level"`
		} `json:"templates"`
		Timeline []struct{ Count int } `json:"errors_per_minute"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
		t.Fatalf("summary --json: exit %d, %v\n%s", code, err, out)
	}
	if s.Lines != 61 || len(s.Templates) != 2 || s.Templates[1].Level != "ERROR" || s.Templates[1].Count != 6 || len(s.Timeline) != 6 {
		t.Errorf("summary JSON %+v", s)
	}

	kbDir := t.TempDir()
	writeTree(t, kbDir, map[string]string{
		"spooler.md": "---\nid: KB-SPOOL\nsignatures: [\"SPOOL-0815\"]\n---\n# Druckauftrag hängt im Spooler\n\nSPOOL-0815: den Spooler neu starten.\n",
		"other.md":   "---\nid: KB-OTHER\nsignatures: [\"/ORA-0+60/\"]\n---\n# Deadlock\n\nNichts.\n",
	})
	if code, out, errOut := runCLI(t, data, "", "kb", "import", "--status", "published", kbDir); code != 0 {
		t.Fatalf("kb import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, data, "", "logs", "match", "--json", "--limit", "3", logPath)
	if code != 0 {
		t.Fatalf("match: exit %d\n%s", code, errOut)
	}
	var hit struct {
		ID, Title, Source string
		Score             float64
		Lines             []int
		Count             int
	}
	first := strings.SplitN(strings.TrimSpace(out), "\n", 2)[0]
	if err := json.Unmarshal([]byte(first), &hit); err != nil {
		t.Fatalf("match JSON %q: %v", out, err)
	}
	if hit.ID != "KB-SPOOL" || hit.Source != "spooler.md" || hit.Count != 6 || len(hit.Lines) != 6 || hit.Lines[0] != 10 || hit.Score <= 0 {
		t.Errorf("match hit %+v", hit)
	}
	if strings.Contains(out, "KB-OTHER") {
		t.Errorf("unrelated article matched:\n%s", out)
	}
	code, out, _ = runCLI(t, data, "", "logs", "match", logPath)
	if code != 0 || !strings.Contains(out, "Known problem: Druckauftrag hängt im Spooler — 6 matching lines") {
		t.Errorf("match text: exit %d\n%s", code, out)
	}
}

func TestLogsBadInput(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.log")
	binary := filepath.Join(dir, "core")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(binary, append([]byte("\x7fELF"), make([]byte, 100)...), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"logs", "parse", "--json", empty}, 1, "empty"},
		{[]string{"logs", "summary", binary}, 1, "binary"},
		{[]string{"logs", "summary", filepath.Join(dir, "missing.log")}, 1, "no such file"},
		{[]string{"logs", "parse", empty}, 2, "--json"},
		{[]string{"logs", "summary"}, 2, "exactly one FILE"},
		{[]string{"logs", "match", "--limit", "-1", empty}, 2, "--limit"},
		{[]string{"logs", "frobnicate"}, 2, "unknown command"},
		{[]string{"logs", "parse", "--help"}, 0, "usage: werkbank logs parse --json FILE"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, data, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
