package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readAll(t *testing.T, path string, cfg ReaderConfig) ([]Line, *Reader, error) {
	t.Helper()
	r, err := Open(context.Background(), path, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var out []Line
	for {
		ln, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r, nil
		}
		if err != nil {
			return out, r, err
		}
		out = append(out, ln)
	}
}

func texts(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	u := utf16.Encode([]rune(s))
	var b []byte
	if bom {
		u = append([]uint16{0xFEFF}, u...)
	}
	for _, c := range u {
		if bigEndian {
			b = append(b, byte(c>>8), byte(c))
		} else {
			b = append(b, byte(c), byte(c>>8))
		}
	}
	return b
}

func TestReaderEncodingsAndLineEnds(t *testing.T) {
	want := []string{"2026-11-27 10:00:00 INFO Größe geändert", "second line", "", "last without newline"}
	text := strings.Join(want, "\r\n")
	latin1 := []byte("2026-11-27 10:00:00 INFO Gr\xf6\xdfe ge\xe4ndert\nsecond line\n\nlast without newline")
	cases := []struct {
		name string
		data []byte
		enc  Encoding
	}{
		{"crlf.log", []byte(text), EncUTF8},
		{"bom.log", append([]byte{0xEF, 0xBB, 0xBF}, text...), EncUTF8},
		{"le.log", utf16Bytes(text, false, true), EncUTF16LE},
		{"be.log", utf16Bytes(text, true, true), EncUTF16BE},
		{"le-nobom.log", utf16Bytes(text, false, false), EncUTF16LE},
		{"latin1.log", latin1, EncWindows1252},
		{"crlf.log.gz", gz(t, []byte(text)), EncUTF8},
	}
	for _, c := range cases {
		lines, r, err := readAll(t, writeFile(t, c.name, c.data), ReaderConfig{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := texts(lines); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: lines %q, want %q", c.name, got, want)
		}
		if r.Encoding() != c.enc {
			t.Errorf("%s: encoding %s, want %s", c.name, r.Encoding(), c.enc)
		}
		if lines[1].No != 2 {
			t.Errorf("%s: second line numbered %d", c.name, lines[1].No)
		}
	}
}

func TestReaderHugeLineIsTruncated(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	data := "first\n" + huge + "\nthird\n"
	lines, _, err := readAll(t, writeFile(t, "huge.log", []byte(data)), ReaderConfig{MaxLine: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[2].Text != "third" || lines[2].No != 3 {
		t.Fatalf("got %d lines, last %+v", len(lines), lines[len(lines)-1])
	}
	if !lines[1].Truncated || len(lines[1].Text) != 4096 || lines[0].Truncated {
		t.Errorf("long line: truncated=%v len=%d", lines[1].Truncated, len(lines[1].Text))
	}
	if lines[2].Offset != int64(len("first\n")+len(huge)+1) {
		t.Errorf("offset after the long line: %d", lines[2].Offset)
	}
}

func TestReaderBadInput(t *testing.T) {
	bin := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 200)...)
	if _, _, err := readAll(t, writeFile(t, "a.out", bin), ReaderConfig{}); !errors.Is(err, ErrBinary) {
		t.Errorf("binary file: %v, want ErrBinary", err)
	}
	if _, _, err := readAll(t, writeFile(t, "empty.log", nil), ReaderConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty file: %v, want ErrEmpty", err)
	}
	if _, _, err := readAll(t, writeFile(t, "empty.log.gz", gz(t, nil)), ReaderConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty gzip: %v, want ErrEmpty", err)
	}
	if _, _, err := readAll(t, filepath.Join(t.TempDir(), "missing.log"), ReaderConfig{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	// A gzip bomb: 64 MiB of one repeated line compresses about 1000:1.
	bomb := gz(t, bytes.Repeat([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), 2<<20))
	_, _, err := readAll(t, writeFile(t, "bomb.log.gz", bomb), ReaderConfig{})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("gzip bomb: %v, want ErrTooLarge", err)
	}
	if _, err := Analyze(context.Background(), writeFile(t, "bomb2.log.gz", bomb), AnalyzeConfig{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Analyze on a gzip bomb: %v, want ErrTooLarge", err)
	}
	// The absolute cap holds for well-compressible but plausible data too.
	plain := []byte(strings.Repeat("2026-11-27 10:00:00 INFO line of text\n", 4000))
	_, _, err = readAll(t, writeFile(t, "big.log.gz", gz(t, plain)), ReaderConfig{MaxDecompressed: 64 << 10})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the absolute cap: %v, want ErrTooLarge", err)
	}
	if _, err := Analyze(context.Background(), writeFile(t, "empty2.log", nil), AnalyzeConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("Analyze on empty file: %v", err)
	}
}

func TestIndexRandomAccess(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "2026-11-27 10:00:00 INFO line %d\r\n", i)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"plain.log", []byte(b.String())},
		{"packed.log.gz", gz(t, []byte(b.String()))},
		{"wide.log", utf16Bytes(b.String(), false, true)},
	} {
		spool := t.TempDir()
		ix, err := BuildIndex(context.Background(), writeFile(t, c.name, c.data), IndexConfig{SpoolDir: spool})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ix.Lines() != 1000 {
			t.Errorf("%s: %d lines", c.name, ix.Lines())
		}
		for _, from := range []int{0, 63, 64, 500, 998} {
			got, err := ix.Read(context.Background(), from, 3)
			if err != nil {
				t.Fatalf("%s: read %d: %v", c.name, from, err)
			}
			wantN := min(3, 1000-from)
			if len(got) != wantN {
				t.Fatalf("%s: read %d: %d lines", c.name, from, len(got))
			}
			if want := fmt.Sprintf("2026-11-27 10:00:00 INFO line %d", from+1); got[0].Text != want || got[0].No != from+1 {
				t.Errorf("%s: line %d = %d %q, want %q", c.name, from+1, got[0].No, got[0].Text, want)
			}
		}
		if err := ix.Close(); err != nil {
			t.Errorf("%s: close: %v", c.name, err)
		}
		if left, err := os.ReadDir(spool); err != nil || len(left) != 0 {
			t.Errorf("%s: decoded copy left behind: %v, %v", c.name, left, err)
		}
	}
}

func TestIndexEntriesAndFilter(t *testing.T) {
	data := "2026-11-27 10:00:00 INFO start\n" +
		"2026-11-27 10:00:01 ERROR Posting failed for 4711\n" +
		"java.lang.IllegalStateException: period closed\n" +
		"\tat a.B.post(B.java:12)\n" +
		"Caused by: java.sql.SQLException: lock\n" +
		"\t... 3 more\n" +
		"2026-11-27 10:00:02 WARN slow query\n" +
		"2026-11-27 10:00:03 INFO done 4711"
	ix, err := BuildIndex(context.Background(), writeFile(t, "e.log", []byte(data)), IndexConfig{Entries: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The exception line without timestamp, the indented lines and
	// "Caused by" fold into the error.
	want := []Entry{{1, 1, "INFO"}, {2, 5, "ERROR"}, {7, 1, "WARN"}, {8, 1, "INFO"}}
	if ix.Entries() != len(want) {
		t.Fatalf("%d entries", ix.Entries())
	}
	for i, w := range want {
		if got := ix.Entry(i); got != w {
			t.Errorf("entry %d = %+v, want %+v", i, got, w)
		}
	}
	if ix.EntryOf(5) != 1 || ix.EntryOf(1) != 0 || ix.EntryOf(8) != 3 {
		t.Errorf("EntryOf: %d %d %d", ix.EntryOf(5), ix.EntryOf(1), ix.EntryOf(8))
	}
	got, err := ix.Filter(context.Background(), FilterOptions{MinRank: LevelRank("WARN")})
	if err != nil || fmt.Sprint(got) != "[1 2]" {
		t.Errorf("WARN and above: %v %v", got, err)
	}
	got, err = ix.Filter(context.Background(), FilterOptions{Re: regexp.MustCompile(`4711|SQLException`)})
	if err != nil || fmt.Sprint(got) != "[1 3]" {
		t.Errorf("regex filter: %v %v", got, err)
	}
	from := time.Date(2026, 11, 27, 10, 0, 1, 0, time.UTC)
	got, err = ix.Filter(context.Background(), FilterOptions{From: from, To: from.Add(time.Second)})
	if err != nil || fmt.Sprint(got) != "[1 2]" {
		t.Errorf("time filter: %v %v", got, err)
	}
	got, err = ix.Filter(context.Background(), FilterOptions{From: from, Re: regexp.MustCompile(`4711`), MinRank: LevelRank("ERROR")})
	if err != nil || fmt.Sprint(got) != "[1]" {
		t.Errorf("combined filter: %v %v", got, err)
	}
	got, err = ix.Filter(context.Background(), FilterOptions{From: from.Add(time.Hour)})
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty time range: %v %v", got, err)
	}
}
