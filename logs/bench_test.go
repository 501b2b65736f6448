//go:build linux

package logs

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// benchLog returns a realistic mixed log of WERKBANK_BENCH_MB megabytes
// (default 1024), generated once into the user's cache folder.
func benchLog(b *testing.B) string {
	b.Helper()
	mb := 1024
	if v := os.Getenv("WERKBANK_BENCH_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			b.Fatalf("WERKBANK_BENCH_MB=%q: want a positive number", v)
		}
		mb = n
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "werkbank-bench")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("mixed-%dMB-v1.log", mb))
	if st, err := os.Stat(path); err == nil && st.Size() >= int64(mb)<<20 {
		return path
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	var written int64
	for i := 0; written < int64(mb)<<20; i++ {
		ts := t0.Add(time.Duration(i) * 7 * time.Millisecond)
		n, err := w.WriteString(benchLine(rng, ts, i))
		if err != nil {
			b.Fatal(err)
		}
		written += int64(n)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

var benchUsers = []string{"MUELLER", "schmidt", "k.weber", "BATCH01", "jdoe", "admin"}

// benchLine writes one line in one of several styles: an ERP application
// server, Java with stack traces, syslog, a web server and HDFS-like lines.
func benchLine(rng *rand.Rand, ts time.Time, i int) string {
	switch r := rng.IntN(100); {
	case r < 30:
		return fmt.Sprintf("%s INFO  [AppServer-Worker-%d] de.acme.erp.fibu.Buchung - Beleg %d in Periode %02d/2026 gebucht von Benutzer %s\n",
			ts.Format("02.01.2006 15:04:05,000"), rng.IntN(16), 100000+rng.IntN(900000), 1+rng.IntN(12), benchUsers[rng.IntN(len(benchUsers))])
	case r < 45:
		return fmt.Sprintf("%s  INFO 4711 --- [nio-8080-exec-%d] c.a.erp.web.OrderController : GET /api/orders/%d completed in %d ms\n",
			ts.Format("2006-01-02 15:04:05.000"), rng.IntN(10), rng.IntN(99999), rng.IntN(900))
	case r < 50:
		return fmt.Sprintf("%s ERROR 4711 --- [nio-8080-exec-%d] c.a.erp.booking.PostingService : Posting failed for document %d: period %d/2026 is closed\n"+
			"\tat c.a.erp.booking.PostingService.post(PostingService.java:%d)\n\tat c.a.erp.web.OrderController.book(OrderController.java:88)\n",
			ts.Format("2006-01-02 15:04:05.000"), rng.IntN(10), rng.IntN(99999), 1+rng.IntN(12), 100+rng.IntN(50))
	case r < 65:
		return fmt.Sprintf("%s erp-app%02d sshd[%d]: Failed password for %s from 10.%d.%d.%d port %d ssh2\n",
			ts.Format("Jan _2 15:04:05"), rng.IntN(4), 1000+rng.IntN(30000), benchUsers[rng.IntN(len(benchUsers))], rng.IntN(256), rng.IntN(256), rng.IntN(256), 1024+rng.IntN(60000))
	case r < 80:
		return fmt.Sprintf("10.%d.%d.%d - - [%s] \"GET /static/app.%x.js HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0\"\n",
			rng.IntN(256), rng.IntN(256), rng.IntN(256), ts.Format("02/Jan/2006:15:04:05 -0700"), rng.Uint32(), 200+rng.IntN(2)*104, rng.IntN(99999))
	case r < 95:
		return fmt.Sprintf("%s %d INFO dfs.DataNode$PacketResponder: Received block blk_%d of size %d from /10.%d.%d.%d\n",
			ts.Format("060102 150405"), rng.IntN(9999), rng.Int64(), rng.IntN(67108864), rng.IntN(256), rng.IntN(256), rng.IntN(256))
	default:
		return fmt.Sprintf("%s WARNUNG [RFC-Listener] de.acme.erp.db.Pool - Verbindungspool erschöpft (%d/50), warte %d ms, Sitzung %016x\n",
			ts.Format("02.01.2006 15:04:05,000"), 40+rng.IntN(11), rng.IntN(5000), rng.Uint64())
	}
}

// BenchmarkSummary1GB summarises a 1 GB log (WERKBANK_BENCH_MB to change
// the size). Goal: ≤ 30 s on 2 cores, peak RSS ≤ 300 MB.
func BenchmarkSummary1GB(b *testing.B) {
	path := benchLog(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	cpu0 := cpuSeconds()
	b.ResetTimer()
	var lines, templates int
	for b.Loop() {
		a, err := Analyze(context.Background(), path, AnalyzeConfig{})
		if err != nil {
			b.Fatal(err)
		}
		s := Summarize(path, a)
		lines, templates = s.Lines, len(s.Templates)
	}
	b.StopTimer()
	// CPU time tells the cost apart from the load other processes put on
	// the machine: on two idle cores the wall time is about half of it.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peakRSS-MB")
	}
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(templates), "templates")
}

// cpuSeconds returns the user and system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
