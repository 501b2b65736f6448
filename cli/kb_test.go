package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line with data folder data and stdin.
func runCLI(t *testing.T, data, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), append([]string{"--data", data}, args...), Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKBImportSearchExport(t *testing.T) {
	t.Setenv(UserEnvVar, "tester")
	data := t.TempDir()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"druck/spooler.md": "---\nid: KB-1\ntags: [druck]\n---\n# Druckauftrag hängt im Spooler\n\nDer Spooler meldet SPOOL-0815, der Druckauftrag bleibt hängen.\n",
		"fibu/periode.md":  "# Buchungsperiode gesperrt\n\nDie Buchung wird abgewiesen: Periode 12 ist gesperrt.\n",
		"broken/bad.md":    "---\ntitle: x\n  bad: indent\n---\n",
		"broken/empty.md":  "",
	})
	code, out, errOut := runCLI(t, data, "", "kb", "import", "--status", "published", root)
	if code != 1 || !strings.Contains(out, "imported: 2 new, 0 updated, 0 unchanged, 2 not imported") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{filepath.Join(root, "broken", "bad.md") + ":3:", filepath.Join(root, "broken", "empty.md") + ": empty file"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// A single file is imported with its own name as source.
	single := filepath.Join(root, "fibu", "periode.md")
	if code, out, errOut := runCLI(t, data, "", "kb", "import", single); code != 0 || !strings.Contains(out, "1 new") {
		t.Fatalf("single-file import: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, data, "", "kb", "search", "--limit", "5", "Spooler", "hängt")
	if code != 0 || !strings.Contains(out, "1. Druckauftrag hängt im Spooler") || !strings.Contains(out, "id KB-1 · druck/spooler.md") || !strings.Contains(out, "»") {
		t.Fatalf("plain search: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, data, "spooler\nbuchungsperiode gesperrt\n\nxyzzy\n", "kb", "search", "--json", "-")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 {
		t.Fatalf("stdin search: exit %d, %d lines\n%s\n%s", code, len(lines), out, errOut)
	}
	wantFirst := []string{"KB-1", "fibu-periode", "", ""}
	for i, l := range lines {
		var r struct {
			Query  string   `json:"query"`
			TookMS *float64 `json:"took_ms"`
			Total  *int     `json:"total"`
			Hits   []struct {
				ID, Title, Source, Snippet string
				Score                      *float64
			} `json:"hits"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.TookMS == nil || r.Total == nil || r.Hits == nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if wantFirst[i] != "" && (len(r.Hits) == 0 || r.Hits[0].ID != wantFirst[i] || r.Hits[0].Score == nil || r.Hits[0].Title == "" || r.Hits[0].Source == "") {
			t.Errorf("query %q: hits %+v, want %s first", r.Query, r.Hits, wantFirst[i])
		}
		if i == 3 && (*r.Total != 0 || len(r.Hits) != 0) {
			t.Errorf("nonsense query found %d", *r.Total)
		}
	}
	if !strings.HasPrefix(lines[0], `{"query":"spooler","took_ms":`) {
		t.Errorf("JSON field order: %s", lines[0])
	}

	out2 := t.TempDir()
	if code, out, errOut := runCLI(t, data, "", "kb", "export", out2); code != 0 || !strings.Contains(out, "exported 3 articles") {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errOut)
	}
	data2 := t.TempDir()
	if code, out, errOut := runCLI(t, data2, "", "kb", "import", out2); code != 0 || !strings.Contains(out, "3 new") {
		t.Fatalf("import of export: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestKBUsage(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"kb"}, 2},
		{[]string{"kb", "--help"}, 0},
		{[]string{"kb", "import", "--help"}, 0},
		{[]string{"kb", "search", "--help"}, 0},
		{[]string{"kb", "export", "--help"}, 0},
		{[]string{"kb", "import"}, 2},
		{[]string{"kb", "import", "--status", "done", "x"}, 2},
		{[]string{"kb", "search"}, 2},
		{[]string{"kb", "search", "--limit", "0", "x"}, 2},
		{[]string{"kb", "export"}, 2},
		{[]string{"kb", "frobnicate"}, 2},
		{[]string{"kb", "import", filepath.Join(data, "missing")}, 1},
	} {
		if code, _, errOut := runCLI(t, data, "", c.args...); code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, errOut)
		}
	}
	_, _, help := runCLI(t, data, "", "kb", "import", "--help")
	if !strings.Contains(help, "admin role") || !strings.Contains(help, "--status") {
		t.Errorf("import help:\n%s", help)
	}
}
