package cases

import (
	"context"
	"testing"
)

// BenchmarkSearch100k searches 100,000 cases for two words, the last one
// typed halfway.
func BenchmarkSearch100k(b *testing.B) {
	_, db, s := benchStore(b)
	defer db.Close()
	b.ResetTimer()
	for b.Loop() {
		hits, err := s.Search(context.Background(), "Kunde 42 buch", 20)
		if err != nil {
			b.Fatal(err)
		}
		if len(hits) == 0 {
			b.Fatal("no hits")
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/search")
}

// BenchmarkSimilar100k finds the past cases like one of 100,000.
func BenchmarkSimilar100k(b *testing.B) {
	_, db, s := benchStore(b)
	defer db.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Similar(context.Background(), "C-2026-000042", 5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/similar")
}
