package cases

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
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

// BenchmarkSaveIndexed writes one case with a description and ten
// activities, its search index entries included (no fsync).
func BenchmarkSaveIndexed(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "werkbank.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, err := Open(context.Background(), Config{DB: db})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	c := Case{Title: "Dispositionslauf bricht mit Deadlock ab", Customer: "Berger Antriebstechnik AG", Contract: "Standard",
		Description: "Seit dem Update auf 8.0.2 bricht der nächtliche Dispositionslauf in Stufe 4 ab; die Planaufträge fehlen morgens.",
		Priority:    PriorityHigh, Status: StatusInProgress, Level: 2, Created: now, Updated: now}
	for i := 0; i < 10; i++ {
		c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: KindNote, At: now, By: "bench",
			Text: "Logauszug geprüft, Sperre auf mrp_plan durch Archivjob " + strconv.Itoa(i) + ", Kunde informiert"})
	}
	i := 0
	for b.Loop() {
		i++
		c.ID = fmt.Sprintf("C-2026-%06d", i)
		if err := db.Update(func(tx *bolt.Tx) error { return s.save(tx, &c, now) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/save")
}
