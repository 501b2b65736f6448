package remote

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"testing"
)

// fakeSFTPReads answers the READ requests of a fastReader from content;
// mode changes one answer: "short" halves the third, "reorder" swaps the
// second and third, "missing" answers the second with NO_SUCH_FILE, "eof"
// answers the third with EOF.
func fakeSFTPReads(t *testing.T, content []byte, mode string) (io.Writer, io.Reader) {
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	// Requests are read as they come (an SSH channel buffers them too).
	type readReq struct {
		id  uint32
		off uint64
		ln  uint32
	}
	reqs := make(chan readReq, 64)
	go func() {
		defer close(reqs)
		for {
			var hdr [5]byte
			if _, err := io.ReadFull(reqR, hdr[:]); err != nil {
				return
			}
			body := make([]byte, binary.BigEndian.Uint32(hdr[:4])-1)
			if _, err := io.ReadFull(reqR, body); err != nil {
				return
			}
			hl := binary.BigEndian.Uint32(body[4:])
			reqs <- readReq{id: binary.BigEndian.Uint32(body), off: binary.BigEndian.Uint64(body[8+hl:]), ln: binary.BigEndian.Uint32(body[16+hl:])}
		}
	}()
	go func() {
		defer respW.Close()
		var held []byte
		n := 0
		for rq := range reqs {
			n++
			id := rq.id
			end := min(rq.off+uint64(rq.ln), uint64(len(content)))
			data := content[rq.off:end]
			var pkt []byte
			switch {
			case mode == "short" && n == 3:
				data = data[:len(data)/2]
			case mode == "missing" && n == 2:
				pkt = statusPacket(id, fxNoSuchFile, "gone")
			case mode == "eof" && n == 3:
				pkt = statusPacket(id, fxEOF, "eof")
			}
			if pkt == nil {
				b := binary.BigEndian.AppendUint32(nil, id)
				b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
				pkt = packet(fxpData, append(b, data...))
			}
			if mode == "reorder" && n == 2 {
				held = pkt
				continue
			}
			if _, err := respW.Write(pkt); err != nil {
				return
			}
			if held != nil {
				if _, err := respW.Write(held); err != nil {
					return
				}
				held = nil
			}
		}
	}()
	t.Cleanup(func() { reqR.Close(); respR.Close() })
	return reqW, respR
}

func packet(typ byte, body []byte) []byte {
	p := binary.BigEndian.AppendUint32(nil, uint32(len(body)+1))
	return append(append(p, typ), body...)
}

func statusPacket(id, code uint32, msg string) []byte {
	b := binary.BigEndian.AppendUint32(nil, id)
	b = binary.BigEndian.AppendUint32(b, code)
	b = appendString(b, msg)
	return packet(fxpStatus, appendString(b, ""))
}

func TestFastReaderAnswers(t *testing.T) {
	content := make([]byte, 100_000)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(content)
	cases := []struct {
		mode    string
		from    int64
		want    int64 // bytes written before the reader stops
		wantErr error
	}{
		{"", 0, 100_000, nil},
		{"", 30_000, 70_000, nil},
		{"short", 0, 4096*2 + 2048, errFastPathOff},
		{"reorder", 0, 4096, errFastPathOff},
		{"missing", 0, 4096, fs.ErrNotExist},
		{"eof", 0, 8192, errShrank},
	}
	for _, c := range cases {
		in, out := fakeSFTPReads(t, content, c.mode)
		r := &fastReader{in: in, out: out, handle: "h", readSize: 4096, next: c.from, end: int64(len(content)), nextID: 2}
		var got bytes.Buffer
		h := sha256.New()
		n, err := r.run(h, &got)
		if !errors.Is(err, c.wantErr) || n != c.want || !bytes.Equal(got.Bytes(), content[c.from:c.from+n]) {
			t.Errorf("%q from %d: %d bytes, %v; want %d, %v", c.mode, c.from, n, err, c.want, c.wantErr)
		}
		// The hash saw exactly what was written, in order.
		if want := sha256.Sum256(content[c.from : c.from+n]); !bytes.Equal(h.Sum(nil), want[:]) {
			t.Errorf("%q from %d: the hash does not match the bytes written", c.mode, c.from)
		}
	}
}

// failingWriter takes limit bytes, then fails.
type failingWriter struct {
	bytes.Buffer
	limit int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(b []byte) (int, error) {
	if w.Len()+len(b) > w.limit {
		n, _ := w.Buffer.Write(b[:w.limit-w.Len()])
		return n, errDiskFull
	}
	return w.Buffer.Write(b)
}

// TestFastReaderWriterFails checks that a failing writer (disk full, a
// cancelled collection) ends the transfer with its error, that what it
// wrote is counted, and that the reader stops asking the server.
func TestFastReaderWriterFails(t *testing.T) {
	content := make([]byte, 1_000_000)
	rng := rand.NewChaCha8([32]byte{2})
	rng.Read(content)
	in, out := fakeSFTPReads(t, content, "")
	r := &fastReader{in: in, out: out, handle: "h", readSize: 4096, next: 0, end: int64(len(content)), nextID: 2}
	w := &failingWriter{limit: 10_000}
	n, err := r.run(io.Discard, w)
	if !errors.Is(err, errDiskFull) || n != 10_000 || !bytes.Equal(w.Bytes(), content[:10_000]) {
		t.Fatalf("%d bytes, %v; want 10000, %v", n, err, errDiskFull)
	}
	if r.next >= int64(len(content)) {
		t.Errorf("the reader asked for the whole file (up to %d) after the writer failed", r.next)
	}
}
