package kb

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkImportFiles imports WERKBANK_BENCH_N Markdown files (default
// 100,000 of about 2 KB, written beforehand) with Import, the path of
// "werkbank kb import": walk, parallel parse, SaveMany-style bbolt
// transactions and index batches. It reports import_s and peak_rss_MB.
//
// Run: go test -run '^$' -bench BenchmarkImportFiles -benchtime 1x ./kb/
func BenchmarkImportFiles(b *testing.B) {
	ctx := context.Background()
	n := benchN(b)
	src := b.TempDir()
	for i := range n {
		a := benchArticle(i)
		a.Status = StatusPublished
		data, err := MarshalMarkdown(a)
		if err != nil {
			b.Fatal(err)
		}
		p := filepath.Join(src, a.Product, itoa(i/1000), a.ID+".md")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		dir := b.TempDir()
		db := openBenchDB(b, filepath.Join(dir, "werkbank.db"))
		resetPeakRSS()
		start := time.Now()
		s, err := Open(ctx, Config{DB: db, IndexDir: filepath.Join(dir, "index")})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := s.Import(ctx, os.DirFS(src), ImportOptions{By: User{Name: "bench", Role: RoleAdmin}})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != n || len(rep.Errors) != 0 {
			b.Fatalf("imported %d of %d, errors %v", rep.Added, n, rep.Errors[:min(len(rep.Errors), 3)])
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.ReportMetric(took.Seconds(), "import_s")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak_rss_MB")
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, "werkbank.db")))/(1<<20), "db_MB")
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave measures one Save of a ~2 KB article: a new revision
// committed (fsynced) to bbolt, then applied to the index.
func BenchmarkSave(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b, b.TempDir())
	by := User{Name: "bench", Role: RoleSpecialist}
	i := 0
	for b.Loop() {
		a := benchArticle(i % 200)
		a.Status = StatusDraft
		if _, err := s.Save(ctx, a, by, "bench"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
