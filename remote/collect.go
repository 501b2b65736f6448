package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// DefaultMaxFileSize is the per-file limit when CollectOptions gives none.
const DefaultMaxFileSize int64 = 4 << 30

// CollectOptions says what to fetch.
type CollectOptions struct {
	// Paths are remote files or glob patterns (*, ?, [..]).
	Paths []string
	// MaxSize refuses files larger than this (default DefaultMaxFileSize).
	MaxSize int64
	// Progress, if set, is called from the collecting goroutine as bytes
	// arrive (about every MiB) and when a file is done.
	Progress func(Progress)
}

// Progress reports a collection's state.
type Progress struct {
	RemotePath string
	// Done and Total are bytes of the current file.
	Done, Total int64
	// File is the index of the current file among Files.
	File, Files int
}

// CollectError is a file that could not be collected.
type CollectError struct {
	Path string
	Err  error
}

// Error names the path and the reason.
func (e CollectError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

// Unwrap returns the reason.
func (e CollectError) Unwrap() error { return e.Err }

// CollectResult lists what was collected and what failed.
type CollectResult struct {
	Files  []CollectedFile
	Failed []CollectError
}

// localError marks failures on this side (disk, limits, checks): they are
// not cured by reconnecting.
type localError struct{ err error }

func (e localError) Error() string { return e.err.Error() }
func (e localError) Unwrap() error { return e.err }

// errGrew ends a transfer at the size the file had when it was listed.
var errGrew = errors.New("the file grew while it was collected")

// CheckRemotePath refuses remote paths that try to escape ("..") or hold
// control characters.
func CheckRemotePath(p string) error {
	if p == "" {
		return errors.New("empty remote path")
	}
	if strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fmt.Errorf("remote path %q contains control characters", p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return fmt.Errorf("remote path %q tries to escape with \"..\"", p)
		}
	}
	return nil
}

// Collect fetches files over SFTP into the content-addressed attachments
// folder. Each file is streamed (never held in memory) through SHA-256 into
// a partial file, checked for size, renamed to attachments/<sha256>,
// recorded in the audit and handed to the sink. A cut connection is
// re-established and the transfer continues from the partial file (whose
// prefix is re-hashed); a later Collect of the same unchanged file resumes
// too. The error is non-nil if any file failed.
func (s *Session) Collect(ctx context.Context, opt CollectOptions) (*CollectResult, error) {
	if opt.MaxSize <= 0 {
		opt.MaxSize = DefaultMaxFileSize
	}
	defer gcBallast()()
	if err := s.r.dropStalePartials(time.Now().Add(-partialMaxAge)); err != nil {
		return &CollectResult{}, err
	}
	res := &CollectResult{}
	failed := func(p string, err error) error {
		res.Failed = append(res.Failed, CollectError{Path: p, Err: err})
		return s.record(Event{Type: EventError, Path: p, Error: err.Error()})
	}
	var sc *sftp.Client
	defer func() {
		if sc != nil {
			s.closeSFTP(sc)
		}
	}()
	connect := func() error {
		if sc != nil {
			s.closeSFTP(sc)
		}
		return s.guarded(func(client *ssh.Client) (err error) {
			sc, s.readSize, err = newSFTP(client)
			return err
		})
	}
	if err := connect(); err != nil {
		return res, errors.Join(err, s.record(Event{Type: EventError, Error: err.Error()}))
	}
	var files []string
	for _, p := range opt.Paths {
		if err := CheckRemotePath(p); err != nil {
			if aerr := failed(p, err); aerr != nil {
				return res, aerr
			}
			continue
		}
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			m, err := s.glob(ctx, &sc, connect, p)
			if err == nil && len(m) == 0 {
				err = errors.New("no file matches")
			}
			if err != nil {
				if aerr := failed(p, fmt.Errorf("glob: %w", err)); aerr != nil {
					return res, aerr
				}
				continue
			}
			matches = m
		}
		files = append(files, matches...)
	}
	for i, p := range files {
		if err := ctx.Err(); err != nil {
			return res, errors.Join(append(collectErrs(res), err)...)
		}
		cf, err := s.collectFile(ctx, &sc, connect, p, i, len(files), opt)
		if err != nil {
			if errors.Is(err, ErrAudit) {
				return res, err
			}
			if aerr := failed(p, err); aerr != nil {
				return res, aerr
			}
			continue
		}
		res.Files = append(res.Files, cf)
	}
	return res, errors.Join(collectErrs(res)...)
}

func collectErrs(res *CollectResult) []error {
	var errs []error
	for _, f := range res.Failed {
		errs = append(errs, f)
	}
	return errs
}

// glob expands a pattern (guarded), reconnecting after cuts.
func (s *Session) glob(ctx context.Context, sc **sftp.Client, connect func() error, p string) ([]string, error) {
	for attempt := 0; ; attempt++ {
		var m []string
		err := s.guarded(func(*ssh.Client) (err error) {
			m, err = globRemote(*sc, p)
			return err
		})
		if err == nil || ctx.Err() != nil || !retryable(err) || attempt >= s.r.cfg.Reconnects {
			return m, err
		}
		if err := s.reconnectSFTP(ctx, err, connect); err != nil {
			return nil, err
		}
	}
}

// reconnectSFTP opens a new connection after err cut the old one, and a
// new SFTP client on it (connect); it returns err with the reason when
// that fails.
func (s *Session) reconnectSFTP(ctx context.Context, err error, connect func() error) error {
	if rerr := s.reconnect(ctx, err); rerr != nil {
		return fmt.Errorf("%w; reconnect failed: %w", err, rerr)
	}
	if cerr := connect(); cerr != nil {
		return fmt.Errorf("%w; reconnect failed: %w", err, cerr)
	}
	return nil
}

// collectFile fetches one file, reconnecting after cuts.
func (s *Session) collectFile(ctx context.Context, sc **sftp.Client, connect func() error, p string, idx, n int, opt CollectOptions) (CollectedFile, error) {
	cf := CollectedFile{RemotePath: p, Name: path.Base(p), Host: s.Route.Target.String(), Session: s.ID}
	if err := CheckRemotePath(p); err != nil {
		return cf, err
	}
	var st fs.FileInfo
	var err error
	for attempt := 0; ; attempt++ {
		err = nil
		if st == nil {
			st, err = s.stat(*sc, p)
			if err != nil && !retryable(err) {
				return cf, describeRemoteError(err)
			}
		}
		if err == nil {
			if !st.Mode().IsRegular() {
				return cf, errors.New("not a regular file")
			}
			if st.Size() > opt.MaxSize {
				return cf, fmt.Errorf("%d bytes is over the limit of %d bytes", st.Size(), opt.MaxSize)
			}
			cf.Size = st.Size()
			cf.SHA256, cf.Path, err = s.fetch(ctx, *sc, p, st, idx, n, opt.Progress)
			if err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			return cf, ctx.Err()
		}
		if !retryable(err) || attempt >= s.r.cfg.Reconnects {
			return cf, describeRemoteError(err)
		}
		if err := s.reconnectSFTP(ctx, err, connect); err != nil {
			return cf, err
		}
	}
	if err := s.record(Event{Type: EventFile, Path: p, Size: &cf.Size, SHA256: cf.SHA256}); err != nil {
		return cf, err
	}
	if s.r.cfg.Sink != nil {
		if err := s.r.cfg.Sink.AttachFile(ctx, s.Case, cf); err != nil {
			return cf, fmt.Errorf("attach to case %s: %w", s.Case, err)
		}
	}
	return cf, nil
}

// retryable reports errors that a new connection may cure.
func retryable(err error) bool {
	var le localError
	var se *sftp.StatusError
	switch {
	case err == nil, errors.As(err, &le), errors.As(err, &se), errors.Is(err, fs.ErrNotExist), errors.Is(err, path.ErrBadPattern),
		errors.Is(err, fs.ErrPermission), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, ErrAudit):
		return false
	default:
		return true
	}
}

// describeRemoteError says in plain words what a missing or unreadable
// remote file is; errors.Is still finds the cause.
func describeRemoteError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return plainError{"no such file on the remote system", err}
	case errors.Is(err, fs.ErrPermission):
		return plainError{"permission denied on the remote system", err}
	default:
		return err
	}
}

// plainError shows msg and unwraps to the error it describes.
type plainError struct {
	msg   string
	cause error
}

// Error is the plain message.
func (e plainError) Error() string { return e.msg }

// Unwrap returns the error the message describes.
func (e plainError) Unwrap() error { return e.cause }

// partialMaxAge is how long an unfinished transfer may be resumed.
const partialMaxAge = 7 * 24 * time.Hour

// dropStalePartials removes partial files not touched since before: the
// remote file has most likely changed (a changed file gets a new partial
// file) or nobody will resume it.
func (r *Remote) dropStalePartials(before time.Time) error {
	dir := filepath.Join(r.AttachmentsDir(), ".partial")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return localError{fmt.Errorf("list partial files: %w", err)}
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || !info.ModTime().Before(before) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return localError{fmt.Errorf("remove stale partial file: %w", err)}
		}
	}
	return nil
}

// partialPath names the partial file of one remote file version, so that a
// later run resumes only the same, unchanged file.
func (s *Session) partialPath(p string, st fs.FileInfo) string {
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d", s.Route.Target.Addr(), p, st.Size(), st.ModTime().Unix())
	h := sha256.Sum256([]byte(key))
	return filepath.Join(s.r.AttachmentsDir(), ".partial", hex.EncodeToString(h[:16]))
}

// fetch streams one file into its partial file (continuing where it ends),
// checks size and hash, and moves it to attachments/<sha256>.
func (s *Session) fetch(ctx context.Context, sc *sftp.Client, p string, st fs.FileInfo, idx, n int, progress func(Progress)) (string, string, error) {
	partial := s.partialPath(p, st)
	if err := os.MkdirAll(filepath.Dir(partial), 0o700); err != nil {
		return "", "", localError{fmt.Errorf("create attachments folder: %w", err)}
	}
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", "", localError{fmt.Errorf("open partial file: %w", err)}
	}
	defer f.Close()
	w := &hashWriter{ctx: ctx, f: f, h: sha256.New(), limit: st.Size(), progress: progress,
		p: Progress{RemotePath: p, Total: st.Size(), File: idx, Files: n}}
	if err := w.resume(); err != nil {
		return "", "", err
	}
	if w.done < st.Size() {
		if err := reserveSpace(f, st.Size()); err != nil {
			return "", "", localError{fmt.Errorf("partial file: %w", err)}
		}
		if err := s.transfer(ctx, sc, p, st.Size(), w); err != nil {
			// The partial file waits for a resume; the disk space reserved
			// for the rest is given back meanwhile.
			if rerr := releaseSpace(f); rerr != nil {
				err = errors.Join(err, localError{fmt.Errorf("partial file: %w", rerr)})
			}
			return "", "", err
		}
	}
	w.report()
	if err := f.Sync(); err != nil {
		return "", "", localError{fmt.Errorf("sync partial file: %w", err)}
	}
	fst, err := f.Stat()
	if err != nil {
		return "", "", localError{fmt.Errorf("check partial file: %w", err)}
	}
	if w.done != st.Size() || fst.Size() != st.Size() {
		os.Remove(partial)
		return "", "", localError{fmt.Errorf("size check failed: the remote file has %d bytes, %d arrived (%d on disk); nothing was kept",
			st.Size(), w.done, fst.Size())}
	}
	sum := hex.EncodeToString(w.h.Sum(nil))
	final := filepath.Join(s.r.AttachmentsDir(), sum)
	if err := f.Close(); err != nil {
		return "", "", localError{fmt.Errorf("close partial file: %w", err)}
	}
	if err := os.Rename(partial, final); err != nil {
		return "", "", localError{fmt.Errorf("store attachment: %w", err)}
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return "", "", localError{err}
	}
	return sum, final, nil
}

// gcBallast makes the garbage collector run less often during a transfer,
// in which x/crypto/ssh allocates a buffer for every 32 KiB packet: a
// large allocation that is never written raises the heap goal (about 64
// MiB of address space, not of memory in use). It returns the function
// that lets the ballast go.
func gcBallast() func() {
	b := make([]byte, 64<<20)
	return func() { runtime.KeepAlive(b) }
}

// transfer streams the rest of the file into w (see stream), cutting the
// connection when the transfer stalls for the StallTimeout.
func (s *Session) transfer(ctx context.Context, sc *sftp.Client, p string, size int64, w *hashWriter) error {
	client, err := s.client()
	if err != nil {
		return err
	}
	stalled := s.watch(client, &w.moved)
	err = s.stream(ctx, client, sc, p, size, w)
	return s.stallError(stalled(), err)
}

// stream streams the rest of the file into w: over the fast path, and
// with the general SFTP client where the server answers in a way the fast
// path does not handle.
func (s *Session) stream(ctx context.Context, client *ssh.Client, sc *sftp.Client, p string, size int64, w *hashWriter) error {
	err := errFastPathOff
	if !s.r.cfg.generalSFTP {
		_, err = fastRead(ctx, client, p, w.done, size, s.readSize, w.h, fileOnly{w}, &w.moved)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errShrank):
		return nil // the size check says what arrived
	case !errors.Is(err, errFastPathOff):
		return err
	}
	rf, err := sc.Open(p)
	if err != nil {
		return err
	}
	// Closing the client ends a stalled transfer; the writer checks ctx
	// between chunks.
	stop := context.AfterFunc(ctx, func() { sc.Close() })
	defer stop()
	defer rf.Close()
	if _, err := rf.Seek(w.done, io.SeekStart); err != nil {
		return err
	}
	_, err = rf.WriteTo(w)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && !errors.Is(err, errGrew) {
		return err
	}
	return nil
}
