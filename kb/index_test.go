package kb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
)

func TestIndexLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := openIndex(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.appliedSeq(); got != 0 {
		t.Fatalf("new index: appliedSeq %d, want 0", got)
	}
	arts := []Article{
		{ID: "a", Title: "Drucker druckt nicht", Body: "Der Spooler hängt.", Status: StatusPublished},
		{ID: "b", Title: "Buchungsperiode gesperrt", Body: "Periode öffnen.", Status: StatusDraft},
	}
	if err := ix.apply(ctx, 7, arts, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.apply(ctx, 8, nil, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if err := ix.close(); err != nil {
		t.Fatal(err)
	}

	ix, err = openIndex(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.appliedSeq(); got != 8 {
		t.Fatalf("reopened index: appliedSeq %d, want 8", got)
	}
	if n, _ := ix.bi.DocCount(); n != 1 {
		t.Fatalf("reopened index: %d documents, want 1", n)
	}
	if err := ix.reset(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ix.appliedSeq(); got != 0 {
		t.Fatalf("reset index: appliedSeq %d, want 0", got)
	}
	if n, _ := ix.bi.DocCount(); n != 0 {
		t.Fatalf("reset index: %d documents, want 0", n)
	}
	if err := ix.apply(ctx, 3, arts[:1], nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.close(); err != nil {
		t.Fatal(err)
	}
}

func TestIndexRecreatedWhenIncompatible(t *testing.T) {
	ctx := context.Background()
	for name, spoil := range map[string]func(dir string) error{
		"other version": func(dir string) error {
			return os.WriteFile(filepath.Join(dir, indexVersionFile), []byte("0\n"), 0o644)
		},
		"corrupt": func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "bleve", "index_meta.json"), []byte("{not json"), 0o644)
		},
		"no version file": func(dir string) error {
			return os.Remove(filepath.Join(dir, indexVersionFile))
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			ix, err := openIndex(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.apply(ctx, 5, []Article{{ID: "a", Title: "Lizenz abgelaufen"}}, nil); err != nil {
				t.Fatal(err)
			}
			if err := ix.close(); err != nil {
				t.Fatal(err)
			}
			if err := spoil(dir); err != nil {
				t.Fatal(err)
			}
			ix, err = openIndex(ctx, dir)
			if err != nil {
				t.Fatalf("open spoiled index: %v", err)
			}
			defer ix.close()
			if got := ix.appliedSeq(); got != 0 {
				t.Errorf("appliedSeq %d, want 0 (rebuilt empty)", got)
			}
			if n, _ := ix.bi.DocCount(); n != 0 {
				t.Errorf("%d documents, want 0", n)
			}
		})
	}
}

func TestIndexRejectsEmptyID(t *testing.T) {
	ix, err := openIndex(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	if err := ix.apply(context.Background(), 1, []Article{{Title: "x"}}, nil); err == nil {
		t.Fatal("apply accepted an article without id")
	}
	if got := ix.appliedSeq(); got != 0 {
		t.Fatalf("failed batch moved appliedSeq to %d", got)
	}
}

func TestAnalyzer(t *testing.T) {
	ix, err := openIndex(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	same := [][2]string{
		{"Lösung", "Loesung"},
		{"Lösungen", "loesung"},
		{"Drucker", "Druecker"},
		{"Straße", "Strasse"},
		{"Buchungsperioden", "Buchungsperiode"},
		{"Aufträge", "Auftrag"},
		{"printers", "printing"},
		{"invoices", "invoice"},
	}
	for _, p := range same {
		a, b := ix.analyze(p[0]), ix.analyze(p[1])
		if len(a) != 1 || len(b) != 1 || a[0] != b[0] {
			t.Errorf("%q → %q and %q → %q: want the same single term", p[0], a, p[1], b)
		}
	}
	got := ix.analyze("[2026/01/09@09:14:22.018+0100] P-011820 (Line:418) ORA-01555 HTTP 401 der Fehler (1432), Betrag 1.234,56 EUR")
	want := map[string]bool{"lin": true, "418": true, "ora": true, "01555": true, "http": true, "401": true, "fehl": true, "1432": true, "betrag": true, "eur": true}
	for _, term := range got {
		if !want[term] {
			t.Errorf("unexpected term %q in %q", term, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("terms %q, want %d terms", got, len(want))
	}
}

// TestNormalizeGermanMatchesBleve checks the in-place umlaut folding
// against bleve's normalize_de on the words of the quality corpus.
func TestNormalizeGermanMatchesBleve(t *testing.T) {
	ref := de.NewGermanNormalizeFilter()
	words := []string{"queue", "feuer", "aktuell", "bauer", "straße", "größe", "müller", "moeglich", "äußerst", "quelle", "neue", "zoe", "ÄÖÜ"}
	for _, a := range loadQualityArticles(t) {
		words = append(words, strings.Fields(strings.ToLower(a.Title+" "+a.Body))...)
	}
	for _, w := range words {
		want := string(ref.Filter(analysis.TokenStream{&analysis.Token{Term: []byte(w)}})[0].Term)
		if got := string(normalizeGerman([]byte(w))); got != want {
			t.Errorf("normalizeGerman(%q) = %q, want %q", w, got, want)
		}
	}
}

// TestIndexConcurrentSearch searches while batches and a reset run.
func TestIndexConcurrentSearch(t *testing.T) {
	ctx := context.Background()
	ix, load := indexArticles(t, loadQualityArticles(t)[:40])
	done := make(chan error)
	go func() {
		for range 20 {
			if _, err := ix.search(ctx, Query{Text: "Drucker Warteschlange", Facets: true}, load); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	arts := loadQualityArticles(t)[40:60]
	if err := ix.apply(ctx, 100, arts, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ix.apply(ctx, 101, arts, nil); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := ix.appliedSeq(); got != 101 {
		t.Fatalf("appliedSeq %d, want 101", got)
	}
}

// TestIndexCompactsAfterBulkLoad checks that close merges the segments of
// a bulk load into one and that the index stays intact.
func TestIndexCompactsAfterBulkLoad(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := openIndex(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.compactAfter = 100
	arts := loadQualityArticles(t)
	for i := 0; i < len(arts); i += 30 {
		if err := ix.apply(ctx, uint64(i+1), arts[i:min(i+30, len(arts))], nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.close(); err != nil {
		t.Fatal(err)
	}
	segs, err := filepath.Glob(filepath.Join(dir, "bleve", "store", "*.zap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 {
		t.Errorf("%d segment files after a compacting close, want 1", len(segs))
	}
	ix, err = openIndex(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	if n, _ := ix.bi.DocCount(); n != uint64(len(arts)) {
		t.Errorf("%d documents, want %d", n, len(arts))
	}
}
