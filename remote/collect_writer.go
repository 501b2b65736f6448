package remote

import (
	"context"
	"fmt"
	"hash"
	"io"
	"os"
)

// hashWriter receives a file's bytes from the SFTP client, hashes them and
// hands them to a goroutine that appends them to the partial file, so that
// disk writes overlap with receiving. It stops at the size the file had
// when it was listed.
type hashWriter struct {
	ctx      context.Context
	f        *os.File
	h        hash.Hash
	done     int64
	limit    int64
	progress func(Progress)
	p        Progress
	reported int64

	queue   chan []byte   // filled buffers, in order
	free    chan []byte   // empty buffers for reuse
	stopped chan struct{} // closed when the disk goroutine ends
	werr    error         // the disk goroutine's error, read after stopped
}

// writeQueue is the number of chunks in flight to the disk; diskPiece is
// the size of one write call.
const (
	writeQueue = 16
	diskPiece  = 64 << 10
)

// resume re-hashes what an earlier attempt left in the partial file,
// positions the writer at its end and starts the disk goroutine (the
// caller must call finish).
func (w *hashWriter) resume() error {
	st, err := w.f.Stat()
	if err != nil {
		return localError{fmt.Errorf("partial file: %w", err)}
	}
	size := st.Size()
	if size > w.limit {
		if err := w.f.Truncate(0); err != nil {
			return localError{fmt.Errorf("partial file: %w", err)}
		}
		size = 0
	}
	if _, err := io.Copy(w.h, io.NewSectionReader(w.f, 0, size)); err != nil {
		return localError{fmt.Errorf("re-hash partial file: %w", err)}
	}
	if _, err := w.f.Seek(size, io.SeekStart); err != nil {
		return localError{fmt.Errorf("partial file: %w", err)}
	}
	w.done = size
	w.queue = make(chan []byte, writeQueue)
	w.free = make(chan []byte, writeQueue+1)
	w.stopped = make(chan struct{})
	go w.disk()
	return nil
}

// disk appends queued chunks to the file until the queue closes; after an
// error it keeps draining so that Write never blocks.
func (w *hashWriter) disk() {
	defer close(w.stopped)
	for b := range w.queue {
		// Pieces of 64 KiB: on Linux, page-cache writes of 256 KiB cost
		// several times more CPU per byte than writes of 64 KiB.
		for off := 0; off < len(b) && w.werr == nil; off += diskPiece {
			if _, err := w.f.Write(b[off:min(off+diskPiece, len(b))]); err != nil {
				w.werr = localError{fmt.Errorf("write partial file: %w", err)}
			}
		}
		select {
		case w.free <- b[:0]:
		default:
		}
	}
}

// finish waits until every chunk is on disk and returns the first write
// error.
func (w *hashWriter) finish() error {
	if w.queue == nil {
		return nil
	}
	close(w.queue)
	<-w.stopped
	w.queue = nil
	return w.werr
}

// diskErr reports a write error without waiting.
func (w *hashWriter) diskErr() error {
	select {
	case <-w.stopped:
		return w.werr
	default:
		return nil
	}
}

func (w *hashWriter) Write(b []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	if err := w.diskErr(); err != nil {
		return 0, err
	}
	var grew bool
	if rest := w.limit - w.done; int64(len(b)) > rest {
		b, grew = b[:rest], true
	}
	if len(b) > 0 {
		w.h.Write(b)
		var buf []byte
		select {
		case buf = <-w.free:
		default:
		}
		w.queue <- append(buf, b...)
		w.done += int64(len(b))
	}
	if w.progress != nil && w.done-w.reported >= 1<<20 {
		w.report()
	}
	if grew {
		return len(b), errGrew
	}
	return len(b), nil
}

func (w *hashWriter) report() {
	if w.progress == nil {
		return
	}
	w.reported = w.done
	w.p.Done = w.done
	w.progress(w.p)
}
