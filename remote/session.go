package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// SessionRequest names what a session is for and where it goes.
type SessionRequest struct {
	// Case is the support case the session belongs to (required).
	Case string
	// Reason is the customer's consent or ticket reference (required).
	Reason string
	// Target is USER@HOST[:PORT] or an ssh config alias.
	Target string
	// ProxyJump overrides the ssh config's ProxyJump ("none" disables it).
	ProxyJump string
}

// Session is one audited connection to a target. Its methods are safe for
// use by one goroutine at a time, except Close, which may be called from
// another goroutine to cut the session.
type Session struct {
	r *Remote
	// ID names the session (audit file and recordings).
	ID string
	// Case is the session's case and Reason why it was opened.
	Case   string
	Reason string
	// Route is how the target is reached.
	Route Route
	// HostKey is the target's host key as verified.
	HostKey ssh.PublicKey
	// AuditPath is the session's audit log file.
	AuditPath string

	audit *auditLog
	// readSize is the SFTP read size the server grants (set by Collect).
	readSize   int
	mu         sync.Mutex
	conn       *connection
	recordings int
	closed     bool
}

// Open starts an audited session: it writes the start event (refusing the
// session if that fails), connects and authenticates along the route, and
// records the verified host key. A failure to connect is recorded too.
func (r *Remote) Open(ctx context.Context, req SessionRequest) (*Session, error) {
	if err := checkSafeName("case id", req.Case); err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, errors.New("open session: a reason is required (the customer's consent or ticket reference)")
	}
	route, err := ResolveRoute(req.Target, req.ProxyJump, r.cfg.SSHConfig, r.cfg.Login)
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	id, err := newSessionID()
	if err != nil {
		return nil, err
	}
	s := &Session{r: r, ID: id, Case: req.Case, Reason: req.Reason, Route: route,
		AuditPath: filepath.Join(r.AuditDir(req.Case), id+".jsonl")}
	s.audit, err = createAuditLog(s.AuditPath, id, r.key, r.cfg.CheckpointEvery, r.cfg.openAudit)
	if err != nil {
		return nil, fmt.Errorf("open session refused: %w", err)
	}
	start := Event{Type: EventStart, Case: req.Case, Who: r.cfg.Who, Workstation: workstationName(),
		PublicKey: r.pubKey, Target: req.Target, Reason: req.Reason, Route: route.String()}
	if err := s.audit.Append(start); err != nil {
		s.audit.f.Close()
		return nil, fmt.Errorf("open session refused: %w", err)
	}
	conn, err := r.dial(ctx, route)
	if err != nil {
		s.fail(err)
		return nil, err
	}
	s.conn, s.HostKey = conn, conn.hostKey
	ev := Event{Type: EventConnect, Route: route.String(), HostKeyType: conn.hostKey.Type(), HostKey: ssh.FingerprintSHA256(conn.hostKey)}
	if err := s.audit.Append(ev); err != nil {
		conn.Close()
		return nil, fmt.Errorf("session stopped: %w", err)
	}
	return s, nil
}

// fail records err and ends the audit log; used when the session cannot
// go on.
func (s *Session) fail(err error) {
	ev := Event{Type: EventError, Error: err.Error()}
	if vh := (*verifiedHostError)(nil); errors.As(err, &vh) {
		// The key is the one of the hop that failed (the target or a jump
		// host): the event names it beside the whole route.
		ev.Route, ev.HostKeyType, ev.HostKey, ev.KeyHost = s.Route.String(), vh.Key.Type(), ssh.FingerprintSHA256(vh.Key), vh.Host
		ev.Error = fmt.Sprintf("at %s: %s", vh.Host, ev.Error)
	}
	_ = s.audit.Append(ev) // the end below reports a broken audit
	_ = s.audit.End(Event{Error: err.Error()})
}

// client returns the live target client, or an error when the session is
// closed or its audit failed.
func (s *Session) client() (*ssh.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.conn == nil {
		return nil, errors.New("the session is closed")
	}
	if err := s.audit.Err(); err != nil {
		return nil, err
	}
	return s.conn.target(), nil
}

// record appends an event; if that fails the session is cut before anything
// else happens (fail closed).
func (s *Session) record(ev Event) error {
	if err := s.audit.Append(ev); err != nil {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.Close()
		}
		s.mu.Unlock()
		return fmt.Errorf("session %s stopped: %w", s.ID, err)
	}
	return nil
}

// reconnect replaces a broken connection with a new one along the same
// route; the host key must be the recorded one.
func (s *Session) reconnect(ctx context.Context, cause error) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("the session is closed")
	}
	old := s.conn
	s.conn = nil
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	conn, err := s.r.dial(ctx, s.Route)
	if err != nil {
		_ = s.record(Event{Type: EventError, Error: fmt.Sprintf("reconnect after %v: %v", cause, err)})
		return err
	}
	if ssh.FingerprintSHA256(conn.hostKey) != ssh.FingerprintSHA256(s.HostKey) {
		conn.Close()
		return fmt.Errorf("reconnect to %s: the host key changed during the session", s.Route.Target)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close()
		return errors.New("the session is closed")
	}
	s.conn = conn
	s.mu.Unlock()
	return s.record(Event{Type: EventReconnect, HostKeyType: conn.hostKey.Type(), HostKey: ssh.FingerprintSHA256(conn.hostKey), Error: cause.Error()})
}

// ExecResult is the outcome of a remote command.
type ExecResult struct {
	// ExitStatus is the command's exit status; -1 when it has none (killed
	// by a signal or the connection was lost).
	ExitStatus int
	Duration   time.Duration
}

// Exec runs cmd on the target with output to stdout and stderr. The command
// is recorded before it runs, its exit status and duration after. A
// non-zero exit status is not an error; a lost connection or a cancelled
// ctx is.
func (s *Session) Exec(ctx context.Context, cmd string, stdout, stderr io.Writer) (ExecResult, error) {
	res := ExecResult{ExitStatus: -1}
	client, err := s.client()
	if err != nil {
		return res, err
	}
	if err := s.record(Event{Type: EventExec, Command: cmd}); err != nil {
		return res, err
	}
	began := time.Now()
	runErr := runCommand(ctx, client, cmd, s.r.cfg.Env, stdout, stderr, &res.ExitStatus)
	res.Duration = time.Since(began)
	ms := res.Duration.Milliseconds()
	status := res.ExitStatus
	ev := Event{Type: EventExecEnd, Command: cmd, ExitStatus: &status, DurationMS: &ms}
	if runErr != nil {
		ev.Error = runErr.Error()
	}
	if err := s.record(ev); err != nil {
		return res, errors.Join(runErr, err)
	}
	return res, runErr
}

// cancelGrace is how long a cancelled command may take to end before the
// connection is cut.
const cancelGrace = 3 * time.Second

// runCommand runs cmd in a session of its own, with env sent first, and
// sets status to its exit status; cancelling ctx ends it.
func runCommand(ctx context.Context, client *ssh.Client, cmd string, env []string, stdout, stderr io.Writer, status *int) error {
	sess, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("start %q: %w", cmd, err)
	}
	defer sess.Close()
	if err := sendEnv(sess, env); err != nil {
		return fmt.Errorf("start %q: %w", cmd, err)
	}
	sess.Stdout, sess.Stderr = stdout, stderr
	if err := sess.Start(cmd); err != nil {
		return fmt.Errorf("start %q: %w", cmd, err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-ctx.Done():
		_ = sess.Signal(ssh.SIGKILL) // best effort: sshd passes no signals to root logins
		sess.Close()
		select {
		case <-done:
		case <-time.After(cancelGrace):
			// The remote side keeps the channel open (the command ignores
			// the kill, or its children hold the output): only cutting the
			// connection ends the wait.
			client.Close()
			<-done
		}
		return fmt.Errorf("run %q: %w", cmd, ctx.Err())
	}
	var exit *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case werr == nil:
		*status = 0
		return nil
	case errors.As(werr, &exit):
		*status = exit.ExitStatus()
		if exit.Signal() != "" {
			*status = -1
			return fmt.Errorf("run %q: killed by signal %s", cmd, exit.Signal())
		}
		return nil
	case errors.As(werr, &missing):
		return fmt.Errorf("run %q: the connection was lost before the command finished", cmd)
	default:
		return fmt.Errorf("run %q: %w", cmd, werr)
	}
}

// Close ends the session: the connection is closed and the signed end
// event is written. Safe to call more than once.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conn := s.conn
	s.conn = nil
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	if err := s.audit.End(Event{}); err != nil {
		return fmt.Errorf("close session %s: %w", s.ID, err)
	}
	return nil
}
