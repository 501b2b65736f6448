// Package remote is Werkbank's audited SSH remote maintenance: it connects
// to a customer system (known_hosts host-key policy, ssh-agent / key file /
// password authentication, ~/.ssh/config with ProxyJump chains), runs
// commands and interactive shells, and collects log files over SFTP.
//
// Every session belongs to a case and names a reason. Before anything is
// done on the remote side the session's audit log records the start; each
// command, shell and fetched file follows, and the end closes it. The log
// is a hash chain of JSON lines whose checkpoints and end are signed with
// the workstation's ed25519 key; if it cannot be written the session stops
// (fail closed). Shells are recorded as asciicast v2 (output only). Verify
// checks logs and recordings and says exactly what is wrong where.
//
// Files in the data folder: audit/<case>/<session>.jsonl,
// recordings/<session>[-N].cast, attachments/<sha256>, known_hosts and
// keys/workstation_ed25519.
package remote

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"
)

// CollectedFile is a file fetched from a remote system and stored in the
// attachments folder under its SHA-256.
type CollectedFile struct {
	// RemotePath is the file's path on the remote system.
	RemotePath string
	// Name is the base name of the remote file.
	Name string
	// Host is the target as "user@host:port".
	Host string
	// Session is the audit session that fetched it.
	Session string
	// Size is the number of bytes; SHA256 the hex digest of the content.
	Size   int64
	SHA256 string
	// Path is the local content-addressed file (<data>/attachments/<sha256>).
	Path string
}

// AttachmentSink receives each collected file for the session's case (the
// caller implements it with the case store).
type AttachmentSink interface {
	AttachFile(ctx context.Context, caseID string, f CollectedFile) error
}

// Config configures remote sessions.
type Config struct {
	// DataDir is Werkbank's data folder (audit, recordings, attachments,
	// known_hosts and the workstation key live below it).
	DataDir string
	// Who is the person working (recorded in the audit).
	Who string
	// Login is the remote user name when neither the target nor the ssh
	// config names one; default: the operating-system login, as with
	// OpenSSH (Who may be a display name such as "Anna Schmidt").
	Login string
	// Auth says how to log in.
	Auth Auth
	// UserKnownHosts are read-only known_hosts files (e.g.
	// ~/.ssh/known_hosts). The app's own file is <DataDir>/known_hosts,
	// unless AppKnownHosts names another.
	UserKnownHosts []string
	AppKnownHosts  string
	// ConfirmHost decides about hosts that are in no known_hosts file;
	// nil refuses them.
	ConfirmHost ConfirmHostFunc
	// SSHConfig is the parsed ~/.ssh/config (nil: none).
	SSHConfig *SSHConfig
	// Home expands "~" in the ssh config's IdentityFile.
	Home string
	// ConnectTimeout bounds each TCP connect plus SSH handshake (default 20s).
	ConnectTimeout time.Duration
	// KeepAlive is the interval of keep-alive probes; a connection that
	// misses three is closed (default 15s).
	KeepAlive time.Duration
	// CheckpointEvery is the number of events between signed checkpoints
	// (default 16).
	CheckpointEvery int
	// Sink, if set, receives each collected file.
	Sink AttachmentSink
	// Reconnects is how often a collection reconnects after a cut
	// connection before it gives up (default 3; negative: never).
	Reconnects int
	// Env holds "NAME=value" entries sent to the remote side for every
	// command and shell (LocaleEnv gives the workstation's locale); the
	// server sets those its AcceptEnv allows.
	Env []string
	// StallTimeout ends a connection on which a file transfer has not
	// moved for this long (default 60s), and the collection reconnects
	// and resumes: the SFTP server may hang while sshd still answers the
	// keep-alive probes.
	StallTimeout time.Duration

	// openAudit replaces the audit file opener in tests.
	openAudit func(string) (auditFile, error)
	// generalSFTP turns the SFTP fast path off (tests of the fallback).
	generalSFTP bool
}

// Remote opens audited sessions.
type Remote struct {
	cfg    Config
	key    ed25519.PrivateKey
	pubKey string
	policy *HostKeyPolicy
}

// New loads (or creates) the workstation key and returns a Remote.
func New(cfg Config) (*Remote, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("remote: no data folder")
	}
	if cfg.Who == "" {
		return nil, errors.New("remote: who is working is unknown (set WERKBANK_USER)")
	}
	if cfg.Login == "" {
		cfg.Login = osLogin()
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 20 * time.Second
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 15 * time.Second
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = time.Minute
	}
	if cfg.Reconnects == 0 {
		cfg.Reconnects = 3
	}
	if cfg.AppKnownHosts == "" {
		cfg.AppKnownHosts = filepath.Join(cfg.DataDir, "known_hosts")
	}
	key, err := LoadWorkstationKey(filepath.Join(cfg.DataDir, filepath.FromSlash(WorkstationKeyFile)))
	if err != nil {
		return nil, err
	}
	pub, err := PublicKeyString(key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	return &Remote{
		cfg:    cfg,
		key:    key,
		pubKey: pub,
		policy: &HostKeyPolicy{UserFiles: cfg.UserKnownHosts, AppFile: cfg.AppKnownHosts, Confirm: cfg.ConfirmHost},
	}, nil
}

// AuditDir returns the folder of a case's audit logs.
func (r *Remote) AuditDir(caseID string) string {
	return filepath.Join(r.cfg.DataDir, "audit", caseID)
}

// RecordingsDir returns the folder of shell recordings.
func (r *Remote) RecordingsDir() string { return filepath.Join(r.cfg.DataDir, "recordings") }

// AttachmentsDir returns the content-addressed attachments folder.
func (r *Remote) AttachmentsDir() string { return filepath.Join(r.cfg.DataDir, "attachments") }

// PublicKey returns the workstation's public signing key (authorized_keys
// form).
func (r *Remote) PublicKey() string { return r.pubKey }

// newSessionID returns a sortable unique session id.
func newSessionID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session id: %w", err)
	}
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:]), nil
}

// workstationName is the local host name recorded in the audit.
func workstationName() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// osLogin is the operating-system login name ("" if unknown: a target
// then has to name its user).
func osLogin() string {
	if u, err := user.Current(); err == nil {
		// Windows gives DOMAIN\name; the remote side knows the name.
		_, name, _ := strings.Cut(u.Username, "\\")
		if name == "" {
			name = u.Username
		}
		return name
	}
	return ""
}
