package remote

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecordingRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.cast")
	rec, err := newRecorder(p, 90, 20, "xterm", "C-1 root@erp")
	if err != nil {
		t.Fatal(err)
	}
	// "ü" split across two writes must come out whole.
	for _, chunk := range [][]byte{[]byte("grüß"), {0xc3}, {0xbc, '\r', '\n'}} {
		if _, err := rec.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Resize(100, 30); err != nil {
		t.Fatal(err)
	}
	sum, size, err := rec.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := hashFile(p); got != sum {
		t.Fatalf("hash %s, file %s", sum, got)
	}
	if st, _ := os.Stat(p); st.Size() != size {
		t.Fatalf("size %d, file %d", size, st.Size())
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ReadRecording(f)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, e := range r.Events {
		if e.Kind == "o" {
			out.WriteString(e.Data)
		}
	}
	last := r.Events[len(r.Events)-1]
	if r.Width != 90 || r.Height != 20 || r.Title != "C-1 root@erp" || out.String() != "grüßü\r\n" || last.Kind != "r" || last.Data != "100x30" {
		t.Fatalf("%+v %q", r, out.String())
	}
	if _, err := rec.Write([]byte("x")); err == nil {
		t.Fatal("write after close accepted")
	}
}

func TestReadRecordingErrors(t *testing.T) {
	for in, want := range map[string]string{
		"": "empty",
		"{\"version\":1,\"width\":80,\"height\":24}\n":                                           "version 1",
		"{\"version\":2,\"width\":0,\"height\":24}\n":                                            "size",
		"{\"version\":2,\"width\":80,\"height\":24}\n[1.0, \"o\"]\n":                             "line 2",
		"{\"version\":2,\"width\":80,\"height\":24}\n[2.0, \"o\", \"a\"]\n[1.0, \"o\", \"b\"]\n": "backwards",
		"garbage\n": "header",
	} {
		_, err := ReadRecording(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
