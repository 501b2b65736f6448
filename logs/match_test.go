package logs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeKB is a knowledge base with fixed signatures and a word-overlap
// search, recording the queries it got.
type fakeKB struct {
	sigs    []Signature
	docs    map[string]string // id → text
	queries []string
	err     error
}

func (f *fakeKB) Signatures(context.Context) ([]Signature, error) { return f.sigs, f.err }

func (f *fakeKB) Search(_ context.Context, text string, limit int) ([]Candidate, error) {
	f.queries = append(f.queries, text)
	var out []Candidate
	for id, doc := range f.docs {
		n := 0
		for _, w := range strings.Fields(strings.ToLower(text)) {
			if strings.Contains(strings.ToLower(doc), w) {
				n++
			}
		}
		if n >= 3 {
			out = append(out, Candidate{ID: id, Title: "Article " + id, Source: id + ".md", Score: float64(n)})
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func TestMatcher(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 200; i++ {
		switch {
		case i%5 == 0:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:00,000 ERROR [worker-%d] de.acme.erp.fibu.Buchung - Buchung %d konnte nicht gespeichert werden: Periode 11/2026 ist gesperrt\n", i%60, i%7, 1000+i)
		case i%13 == 0:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:00,000 ERROR [worker-1] de.acme.erp.db.Pool - ORA-00060: deadlock detected while waiting for resource (session %d)\n", i%60, i)
		default:
			fmt.Fprintf(&b, "2026-11-27 10:%02d:00,000 INFO  [worker-2] de.acme.erp.session.SessionManager - Anmeldung Benutzer U%d erfolgreich\n", i%60, i)
		}
	}
	path := writeFile(t, "app.log", []byte(b.String()))
	kb := &fakeKB{
		sigs: []Signature{
			{ArticleID: "kb-deadlock", Title: "Oracle deadlock in posting", Source: "deadlock.md", Pattern: "/ORA-0006[01]/"},
			{ArticleID: "kb-never", Title: "Never matches", Pattern: "no such text"},
		},
		docs: map[string]string{
			"kb-period": "Buchung konnte nicht gespeichert werden, weil die Periode gesperrt ist: Periode öffnen.",
			"kb-other":  "Drucker druckt nicht",
		},
	}
	m, err := NewMatcher(MatcherConfig{KB: kb, MaxEvidence: 5})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := m.MatchFile(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Fatalf("hits %+v, want kb-deadlock and kb-period", hits)
	}
	dl := hits[0]
	// 13, 26, …, 195 minus the multiples of 5 (65, 130, 195).
	if dl.ID != "kb-deadlock" || dl.Count != 12 || !slices.Equal(dl.Lines, []int{13, 26, 39, 52, 78}) {
		t.Errorf("signature hit %+v", dl)
	}
	if !strings.Contains(dl.Message(), "Known problem: Oracle deadlock in posting — 12 matching lines") {
		t.Errorf("message %q", dl.Message())
	}
	per := hits[1]
	if per.ID != "kb-period" || per.Count != 40 || len(per.Lines) != 5 || per.Lines[0] != 5 || len(per.Templates) != 1 {
		t.Errorf("search hit %+v", per)
	}
	if len(kb.queries) == 0 || strings.Contains(strings.Join(kb.queries, " "), Wildcard) {
		t.Errorf("queries %q", kb.queries)
	}
	limited, err := m.MatchFile(context.Background(), path, 1)
	if err != nil || len(limited) != 1 || limited[0].ID != "kb-deadlock" {
		t.Errorf("limit 1: %+v %v", limited, err)
	}

	bad := &fakeKB{sigs: []Signature{{ArticleID: "x", Pattern: "/([/"}}}
	m2, _ := NewMatcher(MatcherConfig{KB: bad})
	if _, err := m2.MatchFile(context.Background(), path, 0); err == nil || !strings.Contains(err.Error(), "article x") {
		t.Errorf("broken regex: %v", err)
	}
	broken := &fakeKB{err: errors.New("store closed")}
	m3, _ := NewMatcher(MatcherConfig{KB: broken})
	if _, err := m3.MatchFile(context.Background(), path, 0); err == nil || !strings.Contains(err.Error(), "store closed") {
		t.Errorf("failing knowledge base: %v", err)
	}
	if _, err := NewMatcher(MatcherConfig{}); err == nil {
		t.Error("matcher without knowledge base accepted")
	}
}

func TestSummarize(t *testing.T) {
	data := "2026-11-27 10:00:01,000 ERROR [w] a.B - Posting 1 failed\n" +
		"2026-11-27 10:00:30,000 INFO  [w] a.B - Session 7 started\n" +
		"2026-11-27 10:01:05,000 ERROR [w] a.B - Posting 2 failed\n" +
		"2026-11-27 10:01:06,000 ERROR [w] a.B - Posting 3 failed\r\n" +
		"\tat a.B.post(B.java:12)"
	a, err := Analyze(context.Background(), writeFile(t, "s.log", []byte(data)), AnalyzeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize("s.log", a)
	if s.Lines != 5 || len(s.Templates) != 3 {
		t.Fatalf("summary %+v", s)
	}
	top := s.Templates[0]
	if top.Template != "Posting <*> failed" || top.Count != 3 || top.Level != "ERROR" || top.FirstLine != 1 ||
		top.FirstSeen.Format("15:04:05") != "10:00:01" || top.LastSeen.Format("15:04:05") != "10:01:06" {
		t.Errorf("top template %+v", top)
	}
	if len(s.ErrorsPerMinute) != 2 || s.ErrorsPerMinute[0].Count != 1 || s.ErrorsPerMinute[1].Count != 2 ||
		s.ErrorsPerMinute[1].Minute.Format("15:04") != "10:01" {
		t.Errorf("timeline %+v", s.ErrorsPerMinute)
	}
	if top.ID != TemplateID(top.Template) || len(top.ID) != 12 {
		t.Errorf("template id %q", top.ID)
	}
	if top.LevelText() != "ERROR" {
		t.Errorf("one level: %q", top.LevelText())
	}

	// A template whose lines have several levels counts each.
	mixed := "2026-11-27 10:00:01,000 ERROR [w] a.B - Posting 1 failed\n" +
		"2026-11-27 10:00:02,000 WARN  [w] a.B - Posting 2 failed\n" +
		"2026-11-27 10:00:03,000 ERROR [w] a.B - Posting 3 failed\n"
	a, err = Analyze(context.Background(), writeFile(t, "m.log", []byte(mixed)), AnalyzeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	m := Summarize("m.log", a).Templates[0]
	if m.Level != "ERROR" || m.Levels["ERROR"] != 2 || m.Levels["WARN"] != 1 || m.LevelText() != "ERROR 2 · WARN 1" {
		t.Errorf("mixed levels %+v %q", m, m.LevelText())
	}
}

func TestErrorTemplates(t *testing.T) {
	data := "2026-11-27 10:00:01,000 ERROR [w] a.B - Posting 1 failed\n" +
		"2026-11-27 10:00:02,000 FATAL [w] a.B - Disk full on volume 7\n" +
		"2026-11-27 10:00:30,000 INFO  [w] a.B - Session 7 started\n" +
		"2026-11-27 10:00:31,000 INFO  [w] a.B - Session 8 started\n" +
		"2026-11-27 10:00:32,000 INFO  [w] a.B - Session 9 started\n" +
		"2026-11-27 10:01:05,000 ERROR [w] a.B - Posting 2 failed\n" +
		"2026-11-27 10:01:06,000 INFO  [w] a.B - Posting 3 failed\n" +
		"2026-11-27 10:01:07,000 INFO  [w] a.B - Posting 4 failed\n"
	path := writeFile(t, "e.log", []byte(data))
	got, err := ErrorTemplates(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []ErrorTemplate{
		{ID: TemplateID("Posting <*> failed"), Text: "Posting <*> failed", Count: 2},
		{ID: TemplateID("Disk full on volume <*>"), Text: "Disk full on volume <*>", Count: 1},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("error templates %+v, want %+v", got, want)
	}
	if got, err := ErrorTemplates(context.Background(), path, 1); err != nil || len(got) != 1 || got[0] != want[0] {
		t.Errorf("limit 1: %+v %v", got, err)
	}
	missing := filepath.Join(t.TempDir(), "missing.log")
	if _, err := ErrorTemplates(context.Background(), missing, 0); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v", err)
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	var b strings.Builder
	for i := range 200000 {
		fmt.Fprintf(&b, "2026-11-27 10:00:00 INFO request %d done\n", i)
	}
	path := writeFile(t, "big.log", []byte(b.String()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, path, AnalyzeConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled analysis: %v", err)
	}
	a, err := Analyze(context.Background(), path, AnalyzeConfig{Workers: 3})
	if err != nil || a.Lines != 200000 || len(a.Templates) != 1 || a.Templates[0].Count != 200000 {
		t.Errorf("analysis: %v %+v", err, a)
	}
}
