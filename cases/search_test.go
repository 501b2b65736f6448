package cases

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// lineTemplates is a small real TemplateSource: every line with ERROR is a
// template with its numbers masked; a file with a NUL byte is refused.
type lineTemplates struct {
	mu    sync.Mutex
	reads map[string]int
}

var digits = regexp.MustCompile(`[0-9]+`)

func (l *lineTemplates) ErrorTemplates(ctx context.Context, path string) ([]LogTemplate, error) {
	l.mu.Lock()
	if l.reads == nil {
		l.reads = map[string]int{}
	}
	l.reads[filepath.Base(path)]++
	l.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []LogTemplate
	idx := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.ContainsRune(line, 0) {
			return nil, errors.New("not a text log: the file looks binary")
		}
		if !strings.Contains(line, "ERROR") {
			continue
		}
		text := digits.ReplaceAllString(line[strings.Index(line, "ERROR"):], "<*>")
		if i, ok := idx[text]; ok {
			out[i].Count++
			continue
		}
		sum := sha256.Sum256([]byte(text))
		idx[text] = len(out)
		out = append(out, LogTemplate{ID: hex.EncodeToString(sum[:8]), Text: text, Count: 1})
	}
	return out, sc.Err()
}

func (l *lineTemplates) count(sha string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reads[sha]
}

func hitIDs(hits []Hit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestSearchCases(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	skonto, err := s.Create(ctx, NewCase{Title: "Skontobuchungen falsch", Customer: "Huber Haustechnik KG", Priority: PriorityHigh,
		Description: "Die Prüfung der OP-Ausgleiche zeigt falsche Konten.", By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	mrp, err := s.Create(ctx, NewCase{Title: "Dispositionslauf bricht ab", Customer: "Berger Antriebstechnik AG", Priority: PriorityEmergency,
		Systems: []string{"erp-prod-02"}, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddActivity(ctx, mrp.ID, Activity{Kind: KindNote, By: "ben", Text: "Deadlock in der Tabelle mrp_plan beobachtet"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"Pruefung", []string{skonto.ID}},         // umlaut folded
		{"prüfungen konten", []string{skonto.ID}}, // stemmed, every word
		{"Skontobuchung", []string{skonto.ID}},    // plural in the title
		{"Skon", []string{skonto.ID}},             // prefix as you type
		{"deadlock", []string{mrp.ID}},            // a note
		{"Berger", []string{mrp.ID}},              // the customer
		{"erp-prod-02", []string{mrp.ID}},         // the system
		{"deadlock skonto ", nil},                 // no case has both
		{"Lagerbestand", nil},                     // nothing
		{"ab", []string{mrp.ID}},                  // short words are not prefixes
		{"Dispo Huber", nil},                      // prefix only for the last word
		{"Huber Dispo", nil},                      // and every word must match
		{"haustechnik", []string{skonto.ID}},      // a word of the customer
		{"falsch", []string{skonto.ID}},           // title and description
		{"OP-Ausgleich", []string{skonto.ID}},     // split words
		{"skontobuchungen falsch", []string{skonto.ID}},
	} {
		hits, err := s.Search(ctx, tc.query, 10)
		if err != nil {
			t.Fatalf("search %q: %v", tc.query, err)
		}
		if got := hitIDs(hits); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("search %q: %v, want %v", tc.query, got, tc.want)
		}
	}
	if _, err := s.Search(ctx, " ,; ", 10); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty query: %v", err)
	}
	// A title match ranks above a match in an activity.
	if _, err := s.AddActivity(ctx, skonto.ID, Activity{Kind: KindNote, By: "ben", Text: "kein Deadlock, nur falsche Konten"}); err != nil {
		t.Fatal(err)
	}
	dl, err := s.Create(ctx, NewCase{Title: "Deadlock beim Buchen", Customer: "Kunz", Priority: PriorityLow, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(ctx, "deadlock", 10)
	if err != nil || len(hits) != 3 || hits[0].ID != dl.ID || hits[0].Score <= hits[1].Score {
		t.Fatalf("deadlock: %+v %v", hits, err)
	}
	// A changed case is found by its new words only.
	if _, err := s.SetAnalysis(ctx, dl.ID, "Sperre durch Archivierungsjob", "", "ben"); err != nil {
		t.Fatal(err)
	}
	if hits, err := s.Search(ctx, "archivierungsjob", 10); err != nil || len(hits) != 1 || hits[0].ID != dl.ID {
		t.Fatalf("archivierungsjob: %+v %v", hits, err)
	}
	// A title changed elsewhere (sync): the old words are gone, the
	// counts of the cases holding them too.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		c, err := getCase(tx, dl.ID)
		if err != nil {
			return err
		}
		c.Title = "Sperre beim Buchen"
		return s.save(tx, &c, clk.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if hits, err := s.Search(ctx, "sperre buchen", 10); err != nil || len(hits) != 1 || hits[0].ID != dl.ID {
		t.Fatalf("new title: %v %v", hitIDs(hits), err)
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		// "deadlock" is left in two activities of two cases.
		if n := docFreq(tx, "deadlock"); n != 2 {
			t.Errorf("deadlock held by %d cases", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSimilarCases(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, db, dir := openTest(t, clk)
	src := &lineTemplates{}
	deadlock := "2026-05-04 08:00:01 ERROR Deadlock detected on table mrp_plan, transaction 4711 rolled back\n" +
		"2026-05-04 08:00:02 INFO retry\n2026-05-04 08:00:03 ERROR Deadlock detected on table mrp_plan, transaction 4712 rolled back\n"
	create := func(title, desc string) Case {
		t.Helper()
		c, err := s.Create(ctx, NewCase{Title: title, Customer: "Berger", Priority: PriorityHigh, Description: desc, By: "anna"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	solve := func(id, solution string) {
		t.Helper()
		if _, err := s.SetStatus(ctx, id, StatusInProgress, "", "ben"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetStatus(ctx, id, StatusSolved, solution, "ben"); err != nil {
			t.Fatal(err)
		}
	}
	// A: solved, the same error in its log, different words.
	a := create("Nachtlauf hängt", "Der nächtliche Lauf steht morgens noch.")
	attachTestLog(t, s, t.TempDir(), a.ID, deadlock)
	solve(a.ID, "Index auf mrp_plan neu aufgebaut, Lauf neu gestartet.")
	// B: closed, similar words, no log.
	b := create("Dispositionslauf bricht ab", "Dispositionslauf bricht nach zehn Minuten ab.")
	if _, err := s.AddActivity(ctx, b.ID, Activity{Kind: KindNote, By: "ben", Text: "Speicher des Appservers erhöht"}); err != nil {
		t.Fatal(err)
	}
	solve(b.ID, "")
	if _, err := s.SetStatus(ctx, b.ID, StatusClosed, "Kunde bestätigt", "ben"); err != nil {
		t.Fatal(err)
	}
	// C: open, same log; open cases are not "past cases".
	c := create("Dispositionslauf Deadlock", "Dispositionslauf bricht ab.")
	attachTestLog(t, s, t.TempDir(), c.ID, deadlock)
	// E: solved, unrelated.
	e := create("DATEV-Export leer", "Export liefert leere Datei.")
	solve(e.ID, "Exportpfad korrigiert.")
	// D: the new case.
	d := create("Dispositionslauf bricht ab", "Seit heute bricht der Dispositionslauf ab.")
	logA := attachTestLog(t, s, t.TempDir(), d.ID, deadlock)

	// Before the logs are analysed, only the words count: B first.
	got, err := s.Similar(ctx, d.ID, 5)
	if err != nil || len(got) == 0 || got[0].ID != b.ID {
		t.Fatalf("similar before analysis: %+v %v", got, err)
	}
	n, err := s.AnalyzeAttachments(ctx, src)
	if err != nil || n != 1 {
		t.Fatalf("analysed %d files: %v", n, err)
	}
	if n, err := s.AnalyzeAttachments(ctx, src); err != nil || n != 0 || src.count(logA.SHA256) != 1 {
		t.Fatalf("second analysis read %d files (%d reads): %v", n, src.count(logA.SHA256), err)
	}
	got, err = s.Similar(ctx, d.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range got {
		ids = append(ids, h.ID)
		if h.ID == c.ID || h.ID == d.ID {
			t.Fatalf("similar lists open case %s", h.ID)
		}
	}
	if len(got) < 2 || got[0].ID != a.ID || got[1].ID != b.ID {
		t.Fatalf("similar %v, want %s (shared error) then %s", ids, a.ID, b.ID)
	}
	if len(got[0].Shared) != 1 || got[0].Shared[0].Text != "ERROR Deadlock detected on table mrp_plan, transaction <*> rolled back" || got[0].Shared[0].Count != 2 {
		t.Fatalf("shared templates %+v", got[0].Shared)
	}
	if got[0].Solution != "Index auf mrp_plan neu aufgebaut, Lauf neu gestartet." || got[1].Solution != "Kunde bestätigt" ||
		len(got[1].Last) != 1 || got[1].Last[0].Text != "Speicher des Appservers erhöht" {
		t.Fatalf("how solved: %q / %q %+v", got[0].Solution, got[1].Solution, got[1].Last)
	}
	for _, h := range got {
		if h.ID == e.ID && h.Score >= got[1].Score {
			t.Fatalf("unrelated case ranks %v", h.Score)
		}
	}
	// The error template is searchable.
	if hits, err := s.Search(ctx, "deadlock mrp_plan", 10); err != nil || len(hits) != 3 {
		t.Fatalf("template words: %v %v", hitIDs(hits), err)
	}
	tpl, err := s.Templates(ctx, d.ID)
	if err != nil || len(tpl) != 1 || tpl[0].Count != 2 {
		t.Fatalf("templates of D: %+v %v", tpl, err)
	}

	// The index is derived: forgotten and rebuilt, the answers stay.
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketTerms); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketTerms); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(keySearch)
	}); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, Config{DB: db, AttachDir: filepath.Join(dir, "attachments"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s2.Similar(ctx, d.ID, 5)
	if err != nil || len(again) != len(got) {
		t.Fatalf("after rebuild: %+v %v", again, err)
	}
	for i := range got {
		if again[i].ID != got[i].ID || again[i].Score != got[i].Score {
			t.Fatalf("after rebuild %d: %s %v, before %s %v", i, again[i].ID, again[i].Score, got[i].ID, got[i].Score)
		}
	}

	if _, err := s.Similar(ctx, "C-2026-9999-XXXX", 5); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
}

func TestAnalyzeAttachmentsBadFiles(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, _, _ := openTest(t, clk)
	src := &lineTemplates{}
	c, err := s.Create(ctx, NewCase{Title: "Binärdatei", Customer: "K", Priority: PriorityLow, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	bin := attachTestLog(t, s, t.TempDir(), c.ID, "ERROR \x00\x01\x02")
	// An attachment whose file has not arrived yet (sync) stays pending.
	missing := strings.Repeat("ab", 32)
	if err := s.db.Update(func(tx *bolt.Tx) error {
		cs, err := getCase(tx, c.ID)
		if err != nil {
			return err
		}
		cs.Attachments = append(cs.Attachments, Attachment{Name: "later.log", SHA256: missing, Size: 3})
		return s.save(tx, &cs, clk.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.AnalyzeAttachments(ctx, src); err != nil || n != 1 || src.count(bin.SHA256) != 1 {
		t.Fatalf("analysed %d: %v", n, err)
	}
	// The binary file is not read again; the missing one is read once it is there.
	if err := os.MkdirAll(filepath.Dir(s.AttachmentPath(missing)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.AttachmentPath(missing), []byte("x ERROR Platte voll 98%\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := s.AnalyzeAttachments(ctx, src); err != nil || n != 1 || src.count(bin.SHA256) != 1 || src.count(missing) != 1 {
		t.Fatalf("second round analysed %d: %v (%v)", n, err, src.reads)
	}
	if hits, err := s.Search(ctx, "platte", 5); err != nil || len(hits) != 1 {
		t.Fatalf("template of the late file: %v %v", hitIDs(hits), err)
	}
	if _, err := s.AnalyzeAttachments(ctx, nil); err == nil {
		t.Fatal("no template source accepted")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Search(cancelled, "platte", 5); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled search: %v", err)
	}
}

func TestHowSolvedAndLastWork(t *testing.T) {
	c := &Case{Solution: "Archivjob verlegt", Activities: []Activity{
		{Kind: KindCall, Text: "Kunde angerufen"},
		{Kind: KindNote, Text: "Cause: Sperre\nSolution: Archivjob verlegt"},
		{Kind: KindStatus, To: string(StatusSolved), Text: "erledigt"},
		{Kind: KindMail, Text: "Fix ausgeliefert"},
		{Kind: KindNote, Text: "  "},
	}}
	if got := howSolved(c); got != "Archivjob verlegt" {
		t.Fatalf("how solved %q", got)
	}
	last := lastWork(c, 3)
	if len(last) != 2 || last[0].Text != "Fix ausgeliefert" || last[1].Text != "Kunde angerufen" {
		t.Fatalf("last work %+v", last)
	}
	c.Solution = ""
	if got := howSolved(c); got != "erledigt" {
		t.Fatalf("how solved without solution %q", got)
	}
}

// TestMigrateSchema1 opens a file written before the search index existed:
// the buckets are added and the index is built from the cases.
func TestMigrateSchema1(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: berlin(t, "2026-05-04 09:00")}
	s, db, dir := openTest(t, clk)
	c, err := s.Create(ctx, NewCase{Title: "Lagerbuchung doppelt", Customer: "Kunz", Priority: PriorityMedium, By: "anna"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketTerms, bucketTermDF, bucketDocTerms, bucketTemplates, bucketPending} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(keySearch); err != nil {
			return err
		}
		return meta.Put(keySchema, []byte("1"))
	}); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, Config{DB: db, AttachDir: filepath.Join(dir, "attachments"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s2.Search(ctx, "lagerbuchungen", 5)
	if err != nil || len(hits) != 1 || hits[0].ID != c.ID {
		t.Fatalf("after migration: %v %v", hitIDs(hits), err)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketMeta).Get(keySchema)); v != "2" {
			t.Errorf("schema %q", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
