//go:build unix

package remote

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchFile returns a file of WERKBANK_BENCH_MB MiB (default 1024) of
// random data, generated once in the temp folder and reused across runs.
func benchFile(b *testing.B) (string, int64) {
	b.Helper()
	mb := 1024
	if v := os.Getenv("WERKBANK_BENCH_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("WERKBANK_BENCH_MB=%q: want a positive number", v)
		}
		mb = n
	}
	size := int64(mb) << 20
	dir := filepath.Join(os.TempDir(), "werkbank-bench")
	file := filepath.Join(dir, fmt.Sprintf("collect-%dMiB.bin", mb))
	if st, err := os.Stat(file); err == nil && st.Size() == size {
		return file, size
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		b.Fatal(err)
	}
	return file, size
}

// BenchmarkCollect compares Collect (SHA-256 and audit on) with OpenSSH's
// sftp batch get over the same loopback sshd with the same cipher. It
// also times sftp -f, which flushes the copy to disk before it ends, as
// Collect does before a file counts as collected (a plain get leaves the
// disk writes to the kernel, after the timed part).
func BenchmarkCollect(b *testing.B) { benchCollect(b, false) }

// BenchmarkCollectUnderLoad does the same with a CPU-heavy process running.
func BenchmarkCollectUnderLoad(b *testing.B) { benchCollect(b, true) }

func benchCollect(b *testing.B, load bool) {
	if _, err := exec.LookPath("sftp"); err != nil {
		b.Skipf("OpenSSH sftp client not installed: %v", err)
	}
	file, size := benchFile(b)
	env := newTestEnv(b)
	srv := startSSHD(b, env.pub)
	env.trust(b, srv)
	r := env.remote(b, nil)
	out := b.TempDir()
	batch := filepath.Join(out, "batch")
	local := filepath.Join(out, "sftp-copy")
	if err := os.WriteFile(batch, []byte(fmt.Sprintf("get %s %s\n", file, local)), 0o600); err != nil {
		b.Fatal(err)
	}
	sftpArgs := []string{"-q", "-F", "/dev/null", "-b", batch, "-c", "aes128-gcm@openssh.com",
		"-i", env.keyFile, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "UserKnownHostsFile=" + filepath.Join(env.data, "known_hosts"), "-o", "StrictHostKeyChecking=yes",
		"-P", itoa(srv.Port), currentUser(b) + "@127.0.0.1"}
	if load {
		burn := exec.Command("sha256sum", "/dev/zero")
		if err := burn.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { burn.Process.Kill(); burn.Wait() }()
	}
	durableArgs := append([]string{"-f"}, sftpArgs...)
	ctx := context.Background()
	var ours, theirs, durable, oursCPU, theirsCPU, oursAll, theirsAll time.Duration
	bestOurs, bestTheirs := time.Duration(1<<62), time.Duration(1<<62)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run := sftpGet(b, sftpArgs, local, size)
		theirsCPU += run.cpu
		theirsAll += run.machine
		theirs += run.took
		bestTheirs = min(bestTheirs, run.took)
		durable += sftpGet(b, durableArgs, local, size).took

		settle(b)
		start, cpu, all := time.Now(), cpuTime(b, syscall.RUSAGE_SELF), machineCPU(b)
		s, err := r.Open(ctx, SessionRequest{Case: "BENCH", Reason: "benchmark", Target: srv.Target(b)})
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Collect(ctx, CollectOptions{Paths: []string{file}})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		oursCPU += cpuTime(b, syscall.RUSAGE_SELF) - cpu
		oursAll += machineCPU(b) - all
		ours += d
		bestOurs = min(bestOurs, d)
		if res.Files[0].Size != size {
			b.Fatalf("collected %d bytes", res.Files[0].Size)
		}
		os.Remove(res.Files[0].Path)
	}
	b.StopTimer()
	// Totals over all rounds, and the best round of each (less disturbed
	// by other load on the machine).
	mbs := func(d time.Duration, n int) float64 { return float64(size) * float64(n) / d.Seconds() / 1e6 }
	b.ReportMetric(mbs(ours, b.N), "werkbank-MB/s")
	b.ReportMetric(mbs(theirs, b.N), "sftp-MB/s")
	b.ReportMetric(theirs.Seconds()/ours.Seconds(), "ratio")
	b.ReportMetric(mbs(bestOurs, 1), "best-werkbank-MB/s")
	b.ReportMetric(mbs(bestTheirs, 1), "best-sftp-MB/s")
	b.ReportMetric(bestTheirs.Seconds()/bestOurs.Seconds(), "best-ratio")
	b.ReportMetric(mbs(durable, b.N), "sftp-f-MB/s")
	b.ReportMetric(durable.Seconds()/ours.Seconds(), "ratio-to-sftp-f")
	// CPU seconds per GiB of this process (SSH transport, SFTP, SHA-256,
	// disk writes) and of sftp with its ssh; the server's share is the same
	// for both and not counted. Less disturbed by other load than time.
	gib := float64(size) * float64(b.N) / (1 << 30)
	b.ReportMetric(oursCPU.Seconds()/gib, "werkbank-cpu-s/GiB")
	b.ReportMetric(theirsCPU.Seconds()/gib, "sftp-cpu-s/GiB")
	// The whole machine's busy CPU during each side's transfers: the
	// client, sshd with its sftp-server, and the kernel (and the load
	// process, if any).
	b.ReportMetric(oursAll.Seconds()/gib, "werkbank-machine-cpu-s/GiB")
	b.ReportMetric(theirsAll.Seconds()/gib, "sftp-machine-cpu-s/GiB")
}

// sftpRun is one timed run of OpenSSH's sftp: how long it took, its CPU
// time (with its ssh) and the whole machine's.
type sftpRun struct{ took, cpu, machine time.Duration }

// sftpGet runs OpenSSH's sftp with args, which get the benchmark file to
// local, and times it (the disk writes of the run before are made outside
// the timed part).
func sftpGet(b *testing.B, args []string, local string, size int64) sftpRun {
	b.Helper()
	os.Remove(local) // the copy of the run before; none is fine
	settle(b)
	start, cpu, all := time.Now(), cpuTime(b, syscall.RUSAGE_CHILDREN), machineCPU(b)
	if outp, err := exec.Command("sftp", args...).CombinedOutput(); err != nil {
		b.Fatalf("sftp: %v\n%s", err, outp)
	}
	run := sftpRun{time.Since(start), cpuTime(b, syscall.RUSAGE_CHILDREN) - cpu, machineCPU(b) - all}
	if st, err := os.Stat(local); err != nil || st.Size() != size {
		b.Fatalf("sftp copy incomplete: %v", err)
	}
	return run
}

// machineCPU returns the busy CPU time of the whole machine since boot
// (all fields of /proc/stat's cpu line except idle and iowait).
func machineCPU(b *testing.B) time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		b.Fatalf("read /proc/stat: %v", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	var busy int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			b.Fatalf("/proc/stat: %v", err)
		}
		if i != 3 && i != 4 && i < 7 { // not idle, iowait, steal; guest is in user
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / 100 // USER_HZ
}

// cpuTime returns the user and system CPU time of who (RUSAGE_SELF, or
// RUSAGE_CHILDREN: the children waited for, sftp and its ssh).
func cpuTime(b *testing.B, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// settle writes back dirty pages outside the timed part, so that neither
// side pays for the other's disk writes.
func settle(b *testing.B) {
	b.StopTimer()
	syscall.Sync()
	b.StartTimer()
}
