package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// ShellOptions configures an interactive shell.
type ShellOptions struct {
	// Term is the terminal type (default "xterm-256color").
	Term string
	// Cols and Rows are the initial window size (default 80x24).
	Cols, Rows int
	// Stdin is what the user types. It is sent to the remote side and never
	// recorded. A goroutine copies it until it returns an error or EOF, or
	// until the first read after the shell has ended.
	Stdin io.Reader
	// Stdout receives the terminal output (also recorded).
	Stdout io.Writer
}

// Shell is a running interactive shell with a pseudo-terminal whose output
// is recorded as asciicast v2.
type Shell struct {
	ctx   context.Context
	s     *Session
	sess  *ssh.Session
	rec   *recorder
	name  string
	began time.Time
	done  chan struct{}
	stop  func() bool

	waitErr  error
	once     sync.Once
	finalErr error
	// Recording is the file name of the recording in the recordings folder.
	Recording string
}

// Shell starts an interactive shell. The shell event (with the recording's
// name) is recorded before the shell starts; Wait records the recording's
// SHA-256 when it ends. Cancelling ctx ends the shell.
func (s *Session) Shell(ctx context.Context, opt ShellOptions) (*Shell, error) {
	client, err := s.client()
	if err != nil {
		return nil, err
	}
	if opt.Term == "" {
		opt.Term = "xterm-256color"
	}
	if opt.Cols <= 0 || opt.Rows <= 0 {
		opt.Cols, opt.Rows = 80, 24
	}
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	s.mu.Lock()
	s.recordings++
	name := s.ID + ".cast"
	if s.recordings > 1 {
		name = fmt.Sprintf("%s-%d.cast", s.ID, s.recordings)
	}
	s.mu.Unlock()
	if err := s.record(Event{Type: EventShell, Recording: name, Command: opt.Term}); err != nil {
		return nil, err
	}
	fail := func(err error) (*Shell, error) {
		_ = s.record(Event{Type: EventError, Recording: name, Error: err.Error()}) // the failure returned matters more
		return nil, err
	}
	rec, err := newRecorder(filepath.Join(s.r.RecordingsDir(), name), opt.Cols, opt.Rows, opt.Term,
		fmt.Sprintf("%s %s", s.Case, s.Route.Target))
	if err != nil {
		return fail(err)
	}
	sess, err := client.NewSession()
	if err != nil {
		rec.Close()
		return fail(fmt.Errorf("open shell: %w", err))
	}
	if err := sendEnv(sess, s.r.cfg.Env); err != nil {
		sess.Close()
		rec.Close()
		return fail(fmt.Errorf("open shell: %w", err))
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := sess.RequestPty(opt.Term, opt.Rows, opt.Cols, modes); err != nil {
		sess.Close()
		rec.Close()
		return fail(fmt.Errorf("request terminal: %w", err))
	}
	out := io.MultiWriter(rec, opt.Stdout) // the recorder first: no output is shown unrecorded
	sess.Stdout, sess.Stderr = out, out
	in, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		rec.Close()
		return fail(fmt.Errorf("open shell input: %w", err))
	}
	if err := sess.Shell(); err != nil {
		sess.Close()
		rec.Close()
		return fail(fmt.Errorf("start shell: %w", err))
	}
	sh := &Shell{ctx: ctx, s: s, sess: sess, rec: rec, name: name, began: time.Now(), done: make(chan struct{}), Recording: name}
	sh.stop = context.AfterFunc(ctx, func() { sess.Close() })
	go func() {
		sh.waitErr = sess.Wait()
		close(sh.done)
	}()
	if opt.Stdin != nil {
		go copyInput(in, opt.Stdin, sh.done)
	}
	return sh, nil
}

// copyInput forwards typed input until the shell ends or input ends.
func copyInput(dst io.WriteCloser, src io.Reader, done <-chan struct{}) {
	defer dst.Close()
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		select {
		case <-done:
			return
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Resize changes the terminal size (and records it).
func (sh *Shell) Resize(cols, rows int) error {
	if err := sh.sess.WindowChange(rows, cols); err != nil {
		return fmt.Errorf("resize terminal: %w", err)
	}
	return sh.rec.Resize(cols, rows)
}

// Close ends the shell; Wait then returns.
func (sh *Shell) Close() error {
	if err := sh.sess.Close(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("close shell: %w", err)
	}
	return nil
}

// Wait waits for the shell to end, closes the recording and records its
// SHA-256, size, the exit status and the duration.
func (sh *Shell) Wait() error {
	<-sh.done
	sh.once.Do(func() {
		sh.stop()
		sum, size, rerr := sh.rec.Close()
		status := -1
		var exit *ssh.ExitError
		var werr error
		switch {
		case sh.waitErr == nil:
			status = 0
		case errors.As(sh.waitErr, &exit) && exit.Signal() == "":
			status = exit.ExitStatus()
		case errors.As(sh.waitErr, &exit):
			werr = fmt.Errorf("shell ended by signal %s", exit.Signal())
		default:
			werr = fmt.Errorf("shell ended: %w", sh.waitErr)
		}
		if err := sh.ctx.Err(); err != nil {
			werr = errors.Join(werr, fmt.Errorf("shell cut: %w", err))
		}
		ms := time.Since(sh.began).Milliseconds()
		ev := Event{Type: EventShellEnd, Recording: sh.name, SHA256: sum, Size: &size, ExitStatus: &status, DurationMS: &ms}
		if err := errors.Join(werr, rerr); err != nil {
			ev.Error = err.Error()
		}
		sh.finalErr = errors.Join(werr, rerr, sh.s.record(ev))
	})
	return sh.finalErr
}
