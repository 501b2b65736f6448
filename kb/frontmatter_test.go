package kb

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseMarkdown(t *testing.T) {
	full := "---\nid: KB-0042\ntitle: \"Fehler: Druck hängt\"\ntags: [druck, spooler]\nproduct: ERP\nmodule: Druck\nversions: [7.1, \"8.0\"]\nstatus: Published\nlang: de\nauthor: alice\nreviewer: lena\nsignatures:\n  - \"SPOOL-0815\"\n  - /ORA-\\d+/\ncases: CASE-1, CASE-2\nsource: old/path.md\ncreated: 2024-03-01\nupdated: 2024-03-02T10:00:00Z\nrev: 7\n---\n\n# Überschrift\n\nText\n"
	a, err := ParseMarkdown("a.md", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	want := Article{
		ID: "KB-0042", Title: "Fehler: Druck hängt", Body: "# Überschrift\n\nText", Tags: []string{"druck", "spooler"},
		Product: "ERP", Module: "Druck", Versions: []string{"7.1", "8.0"}, Status: StatusPublished, Lang: "de",
		Author: "alice", Reviewer: "lena", Signatures: []string{"SPOOL-0815", `/ORA-\d+/`}, Cases: []string{"CASE-1", "CASE-2"},
		Source: "old/path.md",
	}
	if !sameContent(a, want) || !a.Created.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) || a.Updated.IsZero() || a.Rev != 0 {
		t.Fatalf("ParseMarkdown =\n%+v\nwant\n%+v", a, want)
	}

	titles := []struct{ name, text, title, body string }{
		{"h.md", "Intro\n\n## Zwei\n\n# Eins `code`\n", "Eins code", "Intro\n\n## Zwei\n\n# Eins `code`"},
		{"h2.md", "## Nur zwei ##\ntext", "Nur zwei", "## Nur zwei ##\ntext"},
		{"setext.md", "Setext Titel\n===\n\nText", "Setext Titel", "Setext Titel\n===\n\nText"},
		{"fence.md", "```\n# kein Titel\n```\n\n# Titel", "Titel", "```\n# kein Titel\n```\n\n# Titel"},
		{"dir/ohne-titel.md", "\xef\xbb\xbfnur text\r\nzweite zeile\r\n", "ohne-titel", "nur text\nzweite zeile"},
		{"empty-fm.md", "---\n---\n# T\n", "T", "# T"},
	}
	for _, c := range titles {
		a, err := ParseMarkdown(c.name, []byte(c.text))
		if err != nil || a.Title != c.title || a.Body != c.body {
			t.Errorf("ParseMarkdown(%s) = title %q body %q, %v; want %q, %q", c.name, a.Title, a.Body, err, c.title, c.body)
		}
	}
}

func TestParseMarkdownErrors(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"empty.md", "", 0, "empty file"},
		{"blank.md", " \n\n\t\n", 0, "empty file"},
		{"latin1.md", "# Titel\nGr\xfc\xdfe\n", 2, "not UTF-8"},
		{"nul.md", "# T\n\nx\x00y", 3, "NUL"},
		{"open.md", "---\ntitle: x\n# kein Ende\n", 1, "no closing"},
		{"yaml.md", "---\ntitle: ok\ntags: [a, b\nproduct: x\n---\nbody", 0, "not valid YAML"},
		{"indent.md", "---\ntitle: ok\n  bad: indent\n---\n", 3, "not valid YAML"},
		{"list.md", "---\n- a\n- b\n---\n", 2, "key: value"},
		{"status.md", "---\ntitle: x\nstatus: fertig\n---\n", 3, "status"},
		{"id.md", "---\n\nid: \"a b\"\n---\n", 3, "id"},
		{"date.md", "---\ntitle: x\ncreated: 1.2.2024\n---\n", 3, "not a date"},
		{"title.md", "---\ntitle: [a, b]\n---\n", 2, "single value"},
		{"dup.md", "---\ntitle: a\ntitle: b\n---\n", 3, "already defined"},
	}
	for _, c := range cases {
		_, err := ParseMarkdown(c.name, []byte(c.text))
		var ie ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%s: error %v is not an ImportError", c.name, err)
			continue
		}
		if ie.Path != c.name || (c.line != 0 && ie.Line != c.line) || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), c.name) {
			t.Errorf("%s: error %q (line %d), want line %d and %q", c.name, err, ie.Line, c.line, c.msg)
		}
	}
	// The YAML syntax error names the file line of the broken list.
	_, err := ParseMarkdown("yaml.md", []byte("---\ntitle: ok\ntags: [a, b\nproduct: x\n---\nbody"))
	var ie ImportError
	if errors.As(err, &ie); ie.Line < 3 || ie.Line > 5 {
		t.Errorf("YAML error on file line %d (%v), want 3..5", ie.Line, err)
	}
	if _, err := ParseMarkdown("big.md", make([]byte, MaxFileSize+1)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized input: %v", err)
	}
}

func TestUnknownFrontMatterKeysAreReported(t *testing.T) {
	a, warns, err := parseMarkdown("x.md", []byte("---\ntitle: T\ncategory: Druck\nweight: 3\n---\nbody\n"))
	if err != nil || a.Title != "T" {
		t.Fatal(a, err)
	}
	if len(warns) != 2 || warns[0].Line != 3 || !strings.Contains(warns[0].Error(), `"category"`) || warns[1].Line != 4 {
		t.Fatalf("warnings %v", warns)
	}
}

func TestMarshalMarkdownRoundTrip(t *testing.T) {
	a := Article{
		ID: "kb-1", Title: "Titel: mit \"Zeichen\" #1", Body: "---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    code\n",
		Tags: []string{"a, b", "ü"}, Product: "ERP", Module: "FI", Versions: []string{"7.1", "8"}, Status: StatusReview,
		Lang: "de", Author: "alice", Reviewer: "lena", Signatures: []string{"ORA-00060: deadlock", `/E\d{4}/`, "- dash"},
		Cases: []string{"C-1"}, Source: "x/y.md", Created: time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.UTC),
		Updated: time.Date(2025, 6, 6, 7, 8, 9, 0, time.FixedZone("CEST", 7200)), Rev: 3,
	}
	data, err := MarshalMarkdown(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "---\nid: kb-1\n") {
		t.Fatalf("front matter:\n%s", data)
	}
	b, err := ParseMarkdown("y.md", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	a.Body = normalizeBody(a.Body)
	if !sameContent(a, b) || !a.Created.Equal(b.Created) || !a.Updated.Equal(b.Updated) {
		t.Fatalf("round trip:\n%+v\n%+v\n%s", a, b, data)
	}
}
