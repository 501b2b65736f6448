package remote

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Event types in an audit log.
const (
	EventStart      = "start"      // who, case, target, reason, workstation key
	EventConnect    = "connect"    // host key fingerprint and route, after authentication
	EventReconnect  = "reconnect"  // a new connection to the same host after a cut
	EventExec       = "exec"       // a command about to run
	EventExecEnd    = "exec_end"   // its exit status and duration
	EventShell      = "shell"      // an interactive shell about to start
	EventShellEnd   = "shell_end"  // its recording and SHA-256
	EventFile       = "file"       // a file collected: path, size, SHA-256
	EventError      = "error"      // a failure: what and why
	EventCheckpoint = "checkpoint" // signed, periodically
	EventEnd        = "end"        // signed, last
	auditSigContext = "werkbank-audit-v1\n"
)

// zeroHash is the "prev" of the first event.
var zeroHash = strings.Repeat("0", 64)

// Event is one line of an audit log (JSON). Every event carries the SHA-256
// of the previous line; checkpoint and end events are signed with the
// workstation key named in the start event.
type Event struct {
	Seq     int64  `json:"seq"`
	Time    string `json:"time"`
	Type    string `json:"type"`
	Session string `json:"session"`
	// Start: who, on which workstation, for which case, where and why.
	Case        string `json:"case,omitempty"`
	Who         string `json:"who,omitempty"`
	Workstation string `json:"workstation,omitempty"`
	PublicKey   string `json:"pubkey,omitempty"`
	Target      string `json:"target,omitempty"`
	Reason      string `json:"reason,omitempty"`
	// Connect: the route taken and the target's host key.
	Route       string `json:"route,omitempty"`
	HostKeyType string `json:"host_key_type,omitempty"`
	HostKey     string `json:"host_key,omitempty"`
	// KeyHost is the host (user@host:port) HostKey belongs to in an error
	// event: the target or a jump host.
	KeyHost string `json:"key_host,omitempty"`
	// Exec, shell and file details.
	Command    string `json:"command,omitempty"`
	ExitStatus *int   `json:"exit_status,omitempty"`
	DurationMS *int64 `json:"duration_ms,omitempty"`
	Path       string `json:"path,omitempty"`
	Size       *int64 `json:"size,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Recording  string `json:"recording,omitempty"`
	Error      string `json:"error,omitempty"`
	// Chain and signature.
	Prev string `json:"prev"`
	Sig  string `json:"sig,omitempty"`
}

// encodeEvent returns the canonical line (without newline) for ev.
func encodeEvent(ev *Event) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ev); err != nil {
		return nil, fmt.Errorf("encode audit event: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// signedBytes returns what a signature covers: the canonical event without
// its signature, behind a context string.
func signedBytes(ev Event) ([]byte, error) {
	ev.Sig = ""
	b, err := encodeEvent(&ev)
	if err != nil {
		return nil, err
	}
	return append([]byte(auditSigContext), b...), nil
}

func hashLine(line []byte) string {
	h := sha256.Sum256(line)
	return hex.EncodeToString(h[:])
}

// ErrAudit marks every failure to write the audit log. The session that
// hits it stops: nothing is done that is not on record.
var ErrAudit = errors.New("audit log cannot be written; the session stops")

// auditFile is what the audit log writes to: an append-only file.
type auditFile interface {
	io.Writer
	Sync() error
	Close() error
}

// auditLog appends events to one session's log, durably, one fsync per
// event.
type auditLog struct {
	mu      sync.Mutex
	f       auditFile
	path    string
	session string
	key     ed25519.PrivateKey
	seq     int64
	prev    string
	every   int // events between signed checkpoints
	since   int
	err     error // sticky: once failed, always failed
	now     func() time.Time
}

// checkSafeName refuses identifiers that cannot be a file name.
func checkSafeName(kind, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", kind)
	}
	if s == "." || s == ".." || strings.ContainsAny(s, `/\:`) ||
		strings.IndexFunc(s, unicode.IsControl) >= 0 || len(s) > 200 {
		return fmt.Errorf("%s %q cannot be used as a file name", kind, s)
	}
	return nil
}

// createAuditLog creates the log file for a new session (it must not
// exist) and makes its folder entry durable.
func createAuditLog(path, session string, key ed25519.PrivateKey, every int, open func(string) (auditFile, error)) (*auditLog, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%w: create %s: %w", ErrAudit, dir, err)
	}
	if open == nil {
		open = func(p string) (auditFile, error) {
			return os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
		}
	}
	f, err := open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: create %s: %w", ErrAudit, path, err)
	}
	if err := syncDir(dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %w", ErrAudit, err)
	}
	if every <= 0 {
		every = 16
	}
	return &auditLog{f: f, path: path, session: session, key: key, prev: zeroHash, every: every, now: time.Now}, nil
}

// Append writes ev (Seq, Time, Session, Prev are filled in) and fsyncs it.
// After every few events a signed checkpoint follows.
func (l *auditLog) Append(ev Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.write(ev, false); err != nil {
		return err
	}
	l.since++
	if l.since >= l.every {
		if err := l.write(Event{Type: EventCheckpoint}, true); err != nil {
			return err
		}
	}
	return nil
}

// End appends the signed end event and closes the file.
func (l *auditLog) End(ev Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ev.Type = EventEnd
	werr := l.write(ev, true)
	cerr := l.f.Close()
	if werr != nil {
		return werr
	}
	if cerr != nil && l.err == nil {
		l.err = fmt.Errorf("%w: close %s: %w", ErrAudit, l.path, cerr)
		return l.err
	}
	l.err = fmt.Errorf("%w: the session has ended", ErrAudit)
	return nil
}

// Err returns the sticky write error, if any.
func (l *auditLog) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

func (l *auditLog) write(ev Event, sign bool) error {
	if l.err != nil {
		return l.err
	}
	ev.Seq = l.seq
	ev.Time = l.now().UTC().Format(time.RFC3339Nano)
	ev.Session = l.session
	ev.Prev = l.prev
	ev.Sig = ""
	if sign {
		msg, err := signedBytes(ev)
		if err != nil {
			l.err = fmt.Errorf("%w: %w", ErrAudit, err)
			return l.err
		}
		ev.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(l.key, msg))
		l.since = 0
	}
	line, err := encodeEvent(&ev)
	if err != nil {
		l.err = fmt.Errorf("%w: %w", ErrAudit, err)
		return l.err
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		l.err = fmt.Errorf("%w: write %s: %w", ErrAudit, l.path, err)
		return l.err
	}
	if err := l.f.Sync(); err != nil {
		l.err = fmt.Errorf("%w: sync %s: %w", ErrAudit, l.path, err)
		return l.err
	}
	l.seq++
	l.prev = hashLine(line)
	return nil
}
