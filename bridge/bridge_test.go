package bridge

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"werkbank/cases"
	"werkbank/kb"
)

// openKB opens a knowledge base on a real bbolt file.
func openKB(t *testing.T) *kb.Store {
	t.Helper()
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s, err := kb.Open(context.Background(), kb.Config{DB: db, IndexDir: filepath.Join(dir, "index")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); db.Close() })
	return s
}

func TestKnowledgeBaseAndDrafter(t *testing.T) {
	ctx := context.Background()
	s := openKB(t)
	lead := kb.User{Name: "lena", Role: kb.RoleTeamLead}
	if _, err := s.Save(ctx, kb.Article{ID: "kb-1", Title: "Buchungsperiode gesperrt", Body: "FIBU-4711", Status: kb.StatusPublished, Signatures: []string{"FIBU-4711"}}, lead, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(ctx, kb.Article{ID: "kb-2", Title: "Alt", Body: "x", Status: kb.StatusArchived, Signatures: []string{"OLD-1"}}, lead, ""); err != nil {
		t.Fatal(err)
	}
	k := KnowledgeBase(s)
	sigs, err := k.Signatures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 || sigs[0].ArticleID != "kb-1" || sigs[0].Pattern != "FIBU-4711" {
		t.Errorf("signatures of articles not archived: %+v", sigs)
	}
	hits, err := k.Search(ctx, "Buchungsperiode", 5)
	if err != nil || len(hits) == 0 || hits[0].ID != "kb-1" {
		t.Errorf("search: %+v, %v", hits, err)
	}

	id, err := Drafter(s, kb.User{Name: "sam", Role: kb.RoleSpecialist}).DraftArticle(ctx, cases.ArticleDraft{
		Title: "Spooler hängt", Problem: "Druck hängt", Cause: "Treiber", Solution: "Neustart", CaseID: "C-2026-0001-ABCD", Author: "sam"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != kb.StatusDraft || len(a.Cases) != 1 || a.Cases[0] != "C-2026-0001-ABCD" || !strings.Contains(a.Body, "Neustart") {
		t.Errorf("draft article: %+v", a)
	}
}

func TestRedactorAndTemplates(t *testing.T) {
	ctx := context.Background()
	r, err := Redactor()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, err := r.Redact(ctx, &out, strings.NewReader("login ok\npassword=hunter2 for user\n"))
	if err != nil || n != 1 || strings.Contains(out.String(), "hunter2") {
		t.Errorf("redact: %d, %v, %q", n, err, out.String())
	}

	log := filepath.Join(t.TempDir(), "app.log")
	var b strings.Builder
	for i := range 20 {
		b.WriteString("2026-11-27 10:00:0" + string(rune('0'+i%10)) + " INFO request served in 12 ms\n")
		b.WriteString("2026-11-27 10:00:0" + string(rune('0'+i%10)) + " ERROR Buchungsperiode 2024/13 ist gesperrt\n")
	}
	if err := os.WriteFile(log, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ts, err := Templates().ErrorTemplates(ctx, log)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Count != 20 || !strings.Contains(ts[0].Text, "gesperrt") {
		t.Errorf("error templates: %+v", ts)
	}
}

func TestAuditVerifierWithoutLogs(t *testing.T) {
	res, err := AuditVerifier(t.TempDir()).VerifyCase(context.Background(), "C-2026-0001-ABCD")
	if err != nil || len(res) != 0 {
		t.Errorf("a case without sessions: %+v, %v", res, err)
	}
}
