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

const benchCases = 100_000

// fillBench writes n realistic cases (mixed priorities, statuses, contracts
// and ages, each with a few activities) in large transactions.
func fillBench(b *testing.B, s *Store, n int) {
	b.Helper()
	base := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	contracts := s.ContractNames()
	for start := 0; start < n; start += 10_000 {
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i := start; i < start+10_000 && i < n; i++ {
				created := base.Add(-time.Duration(i%2000) * 37 * time.Minute)
				p := Priority(1 + i%4)
				c := Case{
					ID: fmt.Sprintf("C-2026-%06d", i+1), Title: "Fehler beim Buchen " + strconv.Itoa(i),
					Customer: "Kunde " + strconv.Itoa(i%700), Contract: contracts[i%len(contracts)],
					Priority: p, Status: StatusNew, Level: 2, Created: created, Updated: created, Revision: 1,
					Activities: []Activity{{ID: newActivityID(), Kind: KindCreated, At: created, By: "bench", To: strconv.Itoa(int(p))}},
				}
				add := func(k Kind, d time.Duration, from, to Status) {
					c.Activities = append(c.Activities, Activity{ID: newActivityID(), Kind: k, At: created.Add(d), By: "bench", From: string(from), To: string(to), Text: "Aktivität"})
					if to != "" {
						c.Status = to
					}
				}
				switch i % 6 {
				case 1:
					add(KindCall, time.Hour, "", "")
				case 2:
					add(KindStatus, 30*time.Minute, StatusNew, StatusInProgress)
					add(KindStatus, 3*time.Hour, StatusInProgress, StatusWaitingCustomer)
				case 3:
					add(KindStatus, 30*time.Minute, StatusNew, StatusInProgress)
					add(KindStatus, 5*time.Hour, StatusInProgress, StatusSolved)
				case 4:
					add(KindNote, 20*time.Minute, "", "")
					add(KindMail, 2*time.Hour, "", "")
				}
				if err := s.save(tx, &c, base); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchStore(b *testing.B) (string, *bolt.DB, *Store) {
	b.Helper()
	dir := b.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "werkbank.db"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC) }
	s, err := Open(context.Background(), Config{DB: db, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	fillBench(b, s, benchCases)
	return dir, db, s
}

// BenchmarkList100k lists 100,000 cases sorted by due time (goal ≤ 200 ms).
func BenchmarkList100k(b *testing.B) {
	_, db, s := benchStore(b)
	defer db.Close()
	b.ResetTimer()
	var n int
	for b.Loop() {
		list, err := s.List(context.Background(), false)
		if err != nil {
			b.Fatal(err)
		}
		n = len(list)
	}
	if n != benchCases {
		b.Fatalf("listed %d cases", n)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/list")
}

// BenchmarkOpen100k opens the bbolt file and the case store holding
// 100,000 cases (goal ≤ 1 s).
func BenchmarkOpen100k(b *testing.B) {
	dir, db, _ := benchStore(b)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "werkbank.db")
	b.ResetTimer()
	for b.Loop() {
		db, err := bolt.Open(path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Open(context.Background(), Config{DB: db}); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/open")
}

// BenchmarkListRemaining100k lists 100,000 cases and computes the service
// time each clock has left, as "case list --json" does.
func BenchmarkListRemaining100k(b *testing.B) {
	_, db, s := benchStore(b)
	defer db.Close()
	b.ResetTimer()
	for b.Loop() {
		list, err := s.List(context.Background(), false)
		if err != nil {
			b.Fatal(err)
		}
		for _, sum := range list {
			if _, err := s.Remaining(sum); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/list")
}
