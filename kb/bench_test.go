package kb

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The scale benchmarks run on a generated corpus of WERKBANK_BENCH_N
// articles (default 100,000) of about 2 KB: import through Store.SaveMany,
// reopen, and search with both kinds of queries, reporting
//
//	import_s, cpu_s, peak_rss_MB, raw_MB, index_MB, index_ratio, open_ms,
//	p50_ms, p95_ms, cpu_p50_ms, cpu_p95_ms and synthetic_recall@5.
//
// Run: go test -run '^$' -bench BenchmarkKB -benchtime 1x ./kb/
// With WERKBANK_BENCH_DIR set, the corpus is built there once and reused.
const (
	benchArticleLen = 1900
	benchQueries    = 400
)

// benchN is the corpus size of the scale benchmarks.
func benchN(b *testing.B) int {
	if s := os.Getenv("WERKBANK_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("WERKBANK_BENCH_N=%q: want a positive number", s)
		}
		return n
	}
	return 100_000
}

// benchArticle is article i of the benchmark corpus; it depends on i only.
func benchArticle(i int) Article {
	rng := rand.New(rand.NewPCG(uint64(i), 77))
	return genArticle(rng, i, benchArticleLen)
}

// BenchmarkKB imports the corpus, reopens the store and searches it.
func BenchmarkKB(b *testing.B) {
	ctx := context.Background()
	n := benchN(b)
	dir := os.Getenv("WERKBANK_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	dbPath := filepath.Join(dir, "werkbank.db")
	idxDir := filepath.Join(dir, "index")
	by := User{Name: "bench", Role: RoleTeamLead}

	var raw int64
	b.Run("import", func(b *testing.B) {
		if _, err := os.Stat(dbPath); err == nil {
			b.Skip("reusing the corpus in WERKBANK_BENCH_DIR")
		}
		resetPeakRSS()
		db := openBenchDB(b, dbPath)
		start, cpu0 := time.Now(), cpuTime()
		st, err := Open(ctx, Config{DB: db, IndexDir: idxDir})
		if err != nil {
			b.Fatal(err)
		}
		raw = 0
		// The next chunk is generated while the store saves the current
		// one, as an importer reads files while the store writes.
		chunks := make(chan []Article, 1)
		go func() {
			defer close(chunks)
			const chunk = 2000
			for from := 0; from < n; from += chunk {
				arts := make([]Article, 0, chunk)
				for i := from; i < min(from+chunk, n); i++ {
					arts = append(arts, benchArticle(i))
				}
				chunks <- arts
			}
		}()
		for arts := range chunks {
			for _, a := range arts {
				raw += int64(len(a.Title) + len(a.Body))
			}
			if err := st.SaveMany(ctx, arts, by); err != nil {
				for range chunks {
				}
				b.Fatal(err)
			}
		}
		saved := time.Since(start)
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.ReportMetric((took - saved).Seconds(), "close_s")
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		idx := dirSize(b, idxDir)
		b.ReportMetric(took.Seconds(), "import_s")
		// CPU seconds show the work independent of other load on the
		// machine (wall time suffers when others compile in parallel).
		b.ReportMetric((cpuTime() - cpu0).Seconds(), "cpu_s")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak_rss_MB")
		b.ReportMetric(float64(raw)/(1<<20), "raw_MB")
		b.ReportMetric(float64(idx)/(1<<20), "index_MB")
		b.ReportMetric(float64(idx)/float64(raw), "index_ratio")
		b.ReportMetric(float64(dirSize(b, dbPath))/(1<<20), "db_MB")
	})

	var (
		st *Store
		db *bolt.DB
	)
	b.Run("open", func(b *testing.B) {
		var total time.Duration
		for range b.N {
			if st != nil {
				if err := st.Close(); err != nil {
					b.Fatal(err)
				}
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
			}
			start := time.Now()
			var err error
			db = openBenchDB(b, dbPath)
			st, err = Open(ctx, Config{DB: db, IndexDir: idxDir})
			if err != nil {
				b.Fatal(err)
			}
			total += time.Since(start)
		}
		b.ReportMetric(ms(total)/float64(b.N), "open_ms")
		// Reopening removes the segment files that merges made obsolete:
		// this is the steady size on disk.
		if raw > 0 {
			b.ReportMetric(float64(dirSize(b, idxDir))/float64(raw), "index_ratio_reopened")
		}
	})
	if st == nil {
		b.Fatal("store not opened")
	}
	defer func() {
		if err := st.Close(); err != nil {
			b.Error(err)
		}
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	}()

	for _, kind := range []string{"short", "paste", "short_facets"} {
		b.Run("search_"+kind, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(9, 9))
			type kq struct{ id, text string }
			qs := make([]kq, benchQueries)
			for i := range qs {
				a := benchArticle(rng.IntN(n))
				if kind != "paste" {
					qs[i] = kq{a.ID, shortQuery(rng, a)}
				} else {
					qs[i] = kq{a.ID, pasteQuery(rng, a)}
				}
			}
			// Warm up the caches with a pass over the queries.
			for _, q := range qs[:benchQueries/4] {
				if _, err := st.Search(ctx, Query{Text: q.text, Limit: 10}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, len(qs))
			cpu := make([]time.Duration, 0, len(qs))
			found := 0
			for _, q := range qs {
				start, cpu0 := time.Now(), cpuTime()
				res, err := st.Search(ctx, Query{Text: q.text, Limit: 10, Facets: kind == "short_facets"})
				if err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				cpu = append(cpu, cpuTime()-cpu0)
				for k, h := range res.Hits {
					if k < 5 && h.ID == q.id {
						found++
					}
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			sort.Slice(cpu, func(i, j int) bool { return cpu[i] < cpu[j] })
			b.ReportMetric(ms(lat[len(lat)/2]), "p50_ms")
			b.ReportMetric(ms(lat[len(lat)*95/100]), "p95_ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max_ms")
			// CPU time per query (process-wide, GC included): the latency
			// on an idle core, when other processes compete for the CPU.
			b.ReportMetric(ms(cpu[len(cpu)/2]), "cpu_p50_ms")
			b.ReportMetric(ms(cpu[len(cpu)*95/100]), "cpu_p95_ms")
			// The synthetic corpus repeats titles and sentences from a
			// small vocabulary, so many queries fit hundreds of articles
			// equally: this recall is bounded by that ambiguity. Search
			// quality is measured by TestSearchQuality.
			b.ReportMetric(float64(found)/float64(len(qs)), "synthetic_recall@5")
		})
	}
}

// BenchmarkSearchQuality measures query latency on the quality corpus.
func BenchmarkSearchQuality(b *testing.B) {
	ix, load := indexArticles(b, loadQualityArticles(b))
	qs := loadQualityQueries(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if _, err := ix.search(context.Background(), Query{Text: q.text, Limit: 10}, load); err != nil {
			b.Fatal(err)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func openBenchDB(b *testing.B, path string) *bolt.DB {
	b.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// dirSize is the total size of the files under path.
func dirSize(b *testing.B, path string) int64 {
	b.Helper()
	var total int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets the kernel's peak-RSS mark of this process (Linux).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o644) }

// peakRSS is the peak resident set size in bytes since the last reset
// (VmHWM on Linux; 0 where unavailable).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
